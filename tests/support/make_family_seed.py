"""Write tui/data/word_families.json: the word families of the lower-case terms of the configs
wirewatch ships (the starter feeds.toml of `wirewatch init`, the demo's), so that a first run
and every demo start without reading a dictionary (see tui.core.names.family.SEED_FILE).

    .venv/bin/python tests/support/make_family_seed.py

Run it again when those configs' terms change or simplemma is upgraded (tests/unit/
test_family_seed.py says when).
"""

from __future__ import annotations

import sys
import tempfile
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tui.core.names import family
from tui.core.session import Session
from tui.demo.server import DemoSite


def shipped_configs() -> dict[str, str]:
    """The feeds.toml texts wirewatch ships, by where they come from."""
    starter = resources.files("tui").joinpath("data", "feeds.toml").read_text(encoding="utf-8")
    with DemoSite(advance_every=None) as site:
        demo = site.config_toml()
    return {"tui/data/feeds.toml": starter, "the demo": demo}


def words_looked_up(config_text: str) -> set[str]:
    """The words a session on this config asks word families for, found by opening one on a
    new cache with nothing remembered."""
    family.memo.clear()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feeds.toml"
        path.write_text(config_text, encoding="utf-8")
        Session.open(str(path), str(Path(folder) / "cache")).close()
    return set(family.memo)


def main() -> None:
    family.load_seed = set          # look every word up, whatever is shipped now
    words = set().union(*(words_looked_up(text) for text in shipped_configs().values()))
    target = ROOT / "tui" / "data" / family.SEED_FILE
    target.write_text(family.memo_record(sorted(words)) + "\n", encoding="utf-8")
    print(f"wrote the forms of {len(words)} words to {target}")


if __name__ == "__main__":
    main()
