"""Four stories told by outlets in English, German, Ukrainian and Russian, with numbers that
disagree across reports (a 19-point plan here, the 28-point draft there), one story with no
watched name, and two reports of no story: the Stories view's, the story screen's and the
facts compare's snapshots and tests read this cache.

Fixed text and dates (tests/support/storycache.py: T0 plus hours), so every run groups the
same stories and draws the same screens.
"""

from __future__ import annotations

from tests.support.storycache import StoryCache
from tui.core.stories.grouping import settle

GENEVA = {
    "en": ("Geneva talks trim US peace plan to 19 points, officials say",
           "US and Ukrainian officials met in Geneva on Sunday and left with a revised plan of "
           "19 points. The US delegation was led by Marco Rubio with Steve Witkoff. Ukraine's "
           "team was headed by Rustem Umerov. Questions on Donetsk were left for Zelensky and "
           "Trump to settle in person."),
    "de": ("Genfer Gespräche: USA und Ukraine beraten über 28-Punkte-Plan",
           "In Genf haben am Sonntag Gespräche über den amerikanischen 28-Punkte-Plan begonnen. "
           "Die amerikanische Delegation wird von Marco Rubio angeführt, begleitet von Steve "
           "Witkoff. Für die Ukraine verhandelt Rustem Umjerow. Die Frage des Gebiets Donezk "
           "sollen Selenskyj und Trump persönlich klären."),
    "uk": ("У Женеві США та Україна скоротили мирний план до 19 пунктів",
           "У Женеві делегації США та України погодили план із 19 пунктів. Американську "
           "делегацію очолив Марко Рубіо разом зі Стівом Віткоффом. Українську делегацію "
           "очолив Рустем Умєров. Питання Донеччини залишили Зеленському і Трампу."),
    "ru": ("В Женеве обсуждают американский план из 28 пунктов",
           "В Женеве в воскресенье начались переговоры по американскому плану из 28 пунктов. "
           "Делегацию США возглавил Марко Рубио, с ним Стив Уиткофф. Украинскую делегацию "
           "возглавил Рустем Умеров."),
}
LOAN = {
    "en": ("EU leaders back €90bn loan for Kyiv at Brussels summit",
           "Kaja Kallas said the €90bn loan would cover two years of Ukraine's budget needs. "
           "Viktor Orbán abstained."),
    "de": ("EU-Gipfel in Brüssel billigt Kredit über 90 Mrd. Euro für Kiew",
           "Kaja Kallas sagte, der Kredit über 90 Mrd. Euro decke den Haushalt der Ukraine für "
           "zwei Jahre. Viktor Orbán enthielt sich."),
    "ru": ("Лидеры ЕС одобрили кредит Киеву на 90 млрд евро",
           "Кая Каллас заявила, что кредит в 90 млрд евро покроет бюджетные нужды Украины на "
           "два года. Виктор Орбан воздержался."),
}
MOSCOW = {
    "en": ("Witkoff flies to Moscow for Kremlin talks with Yuri Ushakov",
           "Steve Witkoff is expected at the Kremlin on Thursday, where Yuri Ushakov will "
           "receive him for five hours of talks."),
    "ru": ("Уиткофф прилетит в Москву на переговоры с Юрием Ушаковым",
           "Стива Уиткоффа ждут в Кремле в четверг; Юрий Ушаков примет его для переговоров "
           "продолжительностью три часа."),
}
GRAIN = {
    "en": ("Grain exports through Odesa rise by 12 percent in October",
           "Shipments of wheat and maize from Odesa ports grew by 12 percent in October, the "
           "Ukrainian Grain Association said."),
    "uk": ("Експорт зерна через Одесу зріс на 12 відсотків у жовтні",
           "Відвантаження пшениці та кукурудзи з портів Одеси зросли на 12 відсотків у жовтні, "
           "повідомила Українська зернова асоціація."),
}
LONE = {
    "en": ("Central bank holds rates as inflation eases",
           "The central bank left its key rate unchanged for a third meeting."),
    "de": ("Bahnfrachtvolumen sinkt im Herbst",
           "Die Güterbahn meldet weniger Transporte als im Vorjahr."),
}

OUTLETS = {"en": "Harbor Wire", "de": "Tageskompass", "uk": "Stepova Khronika",
           "ru": "Svobodnyi Bereg"}
SECOND_EN = "Kestrel Daily"


def build_multilingual(folder) -> tuple[StoryCache, dict[str, str]]:
    """The cache, grouped; uids by "story/language" (geneva/en, loan/ru, ...)."""
    cache = StoryCache(folder)
    rows: dict[str, int] = {}
    hour = 0.0
    for name, story in (("moscow", MOSCOW), ("grain", GRAIN), ("geneva", GENEVA),
                        ("loan", LOAN), ("lone", LONE)):
        for language, text in story.items():
            feed = OUTLETS[language] if name != "loan" or language != "en" else SECOND_EN
            rows[f"{name}/{language}"] = cache(feed, text, hours=hour, language=language)
            hour += 0.75
    settle(cache.store)
    with cache.store.transaction() as conn:   # some read, one edited since it came out
        conn.execute("DELETE FROM unread WHERE item_id IN (?, ?)",
                     (rows["geneva/en"], rows["moscow/en"]))
        conn.execute("UPDATE items SET versions = 2, changed = 1 WHERE id = ?",
                     (rows["geneva/de"],))
    return cache, {key: cache.uid(row) for key, row in rows.items()}
