from tui.core.ingest.sanitize import (
    clean_text,
    html_to_line,
    html_to_text,
    one_line,
    printable,
    strip_unsafe,
    truncate,
)


def test_controls_and_bidi_are_removed_but_newlines_and_tabs_kept():
    hostile = "a\x1b]52;c;ZXZpbA==\x07b\x1b[31mc\u202ed\u2066e\x9bf\x00g\nh\ti"
    assert strip_unsafe(hostile) == "a]52;c;ZXZpbA==b[31mcdefg\nh\ti"


def test_osc8_hyperlink_loses_its_escape():
    title = "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"
    assert "\x1b" not in one_line(title)


def test_html_in_titles_becomes_text():
    assert html_to_line("Peace <b>plan</b> &amp; more<script>alert(1)</script>") == "Peace plan & more"


def test_html_paragraphs_are_kept_as_lines():
    assert html_to_text("<p>One</p><p>Two<br>three</p>") == "One\n\nTwo\nthree"


def test_markup_like_text_is_left_as_text():
    assert html_to_line("[/b] [@click=app.quit]x[/]") == "[/b] [@click=app.quit]x[/]"
    assert html_to_line("AT&T and a < b") == "AT&T and a < b"


def test_long_fields_are_truncated_on_a_word():
    text = "word " * 2000
    out = truncate(text.strip(), 400)
    assert len(out) <= 400 and out.endswith("…") and not out[:-1].endswith(" ")


def test_clean_text_collapses_blank_runs():
    assert clean_text("a  \n\n\n\n b\r\nc") == "a\n\nb\nc"


def test_printable_replaces_each_unsafe_character_one_for_one():
    hostile = "a\x1b[31mb\u202ec\x9bd\u2028e\u200bf\ng\th"
    shown = printable(hostile)
    assert len(shown) == len(hostile)                  # match offsets stay valid
    assert shown == "a\ufffd[31mb\ufffdc\ufffdd\ufffde\ufffdf\ng\th"
    assert printable(hostile, one_line=True).endswith("f g h")
    assert printable(None) == "" and printable("Крим «x»") == "Крим «x»"
