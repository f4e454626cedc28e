"""`wirewatch init` and where wirewatch finds its files: --config, $WIREWATCH_CONFIG,
./feeds.toml, then the user's config folder; the cache beside the config, or the user's cache
folder for the user's config. The user's folders are pointed into tmp_path through the
XDG variables (and HOME, for platforms that ignore XDG): no test writes into the real home."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.core.cache.store import DB_NAME
from tui.core.config.load import load_config
from tui.core.config.paths import starter_text, user_cache_folder, user_config_file

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = (ROOT / "feeds.toml").read_text(encoding="utf-8")
ONE_FEED = '[[feeds]]\nname = "Mine"\nurl = "http://127.0.0.1:9/mine.xml"\n'


class Home:
    """A user's folders inside tmp_path, and an empty working folder to run in."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = tmp_path
        self.config_file = user_config_file()
        self.cache_folder = user_cache_folder()
        self.work = tmp_path / "work"

    def run(self, capsys, *argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err


@pytest.fixture
def home(tmp_path, monkeypatch) -> Home:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("WIREWATCH_CONFIG", raising=False)
    monkeypatch.delenv("WIREWATCH_CACHE", raising=False)
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    return Home(tmp_path)


def test_the_users_folders_follow_the_xdg_variables(home):
    assert home.root in home.config_file.parents and home.root in home.cache_folder.parents
    if sys.platform.startswith("linux"):
        assert home.config_file == home.root / "xdg-config" / "wirewatch" / "feeds.toml"
        assert home.cache_folder == home.root / "xdg-cache" / "wirewatch"


def test_the_shipped_starter_is_the_repositorys_feeds_toml_and_valid():
    assert (ROOT / "tui" / "data" / "feeds.toml").read_bytes() == (ROOT / "feeds.toml").read_bytes()
    assert starter_text() == SHIPPED
    assert len(load_config(ROOT / "tui" / "data" / "feeds.toml").feeds) >= 20


def test_init_writes_the_starter_to_the_users_config_folder(home, capsys):
    assert not home.config_file.exists()
    status, out, err = home.run(capsys, "init")
    assert status == 0 and err == ""
    assert home.config_file.read_text(encoding="utf-8") == SHIPPED
    lines = out.splitlines()
    assert lines[0] == f"wrote the starter feeds.toml to {home.config_file}"
    assert lines[1] == f"  its cache: {home.cache_folder}"
    assert "`wirewatch check`" in lines[2]
    assert list((home.root / "work").iterdir()) == []        # nothing in the working folder


def test_init_never_overwrites_without_force(home, capsys):
    assert home.run(capsys, "init")[0] == 0
    home.config_file.write_text(ONE_FEED, encoding="utf-8")  # the user's own edits
    status, out, err = home.run(capsys, "init")
    assert status == 2 and out == ""
    assert err == f"wirewatch: {home.config_file} already exists (add --force to replace it)\n"
    assert home.config_file.read_text(encoding="utf-8") == ONE_FEED
    status, out, _ = home.run(capsys, "init", "--force")
    assert status == 0 and home.config_file.read_text(encoding="utf-8") == SHIPPED
    assert sorted(p.name for p in home.config_file.parent.iterdir()) == ["feeds.toml"]


def test_init_writes_to_config_path_given_before_or_after_the_command(home, capsys):
    before, after = home.root / "a" / "mine.toml", home.root / "b" / "mine.toml"
    status, out, _ = home.run(capsys, "--config", str(before), "init")
    assert status == 0 and before.read_text(encoding="utf-8") == SHIPPED
    assert f"`wirewatch --config {before} check`" in out
    assert f"its cache: {before.parent / 'cache'}" in out
    assert home.run(capsys, "init", "--config", str(after))[0] == 0
    assert after.read_text(encoding="utf-8") == SHIPPED
    assert not home.config_file.exists()
    status, _, err = home.run(capsys, "init", "--config", str(after))
    assert status == 2 and "already exists" in err


def test_init_follows_wirewatch_config(home, capsys, monkeypatch):
    target = home.root / "env" / "feeds.toml"
    monkeypatch.setenv("WIREWATCH_CONFIG", str(target))
    assert home.run(capsys, "init")[0] == 0
    assert target.read_text(encoding="utf-8") == SHIPPED and not home.config_file.exists()


def test_init_says_when_a_feeds_toml_here_is_found_first(home, capsys):
    (home.work / "feeds.toml").write_text(ONE_FEED, encoding="utf-8")
    status, _, err = home.run(capsys, "init")
    assert status == 0 and home.config_file.exists()
    assert err.startswith(f"wirewatch: {home.work / 'feeds.toml'} is found first")


# --- the lookup -------------------------------------------------------------------------------

def _checked(home: Home, capsys, *argv: str) -> Path:
    status, out, err = home.run(capsys, *argv, "check")
    assert status == 0, err
    return Path(out.splitlines()[0].removesuffix(": ok"))


def test_config_lookup_order(home, capsys, monkeypatch):
    home.run(capsys, "init")
    assert _checked(home, capsys) == home.config_file        # from any folder
    here = home.work / "feeds.toml"
    here.write_text(ONE_FEED, encoding="utf-8")
    assert _checked(home, capsys) == Path("feeds.toml")        # ./feeds.toml first
    env = home.root / "env.toml"
    env.write_text(ONE_FEED, encoding="utf-8")
    monkeypatch.setenv("WIREWATCH_CONFIG", str(env))
    assert _checked(home, capsys) == env                        # then $WIREWATCH_CONFIG
    option = home.root / "option.toml"
    option.write_text(ONE_FEED, encoding="utf-8")
    assert _checked(home, capsys, "--config", str(option)) == option   # --config above all


def test_the_users_config_gets_the_users_cache_folder(home, capsys):
    home.run(capsys, "init")
    status, _, err = home.run(capsys, "headlines")
    assert status == 0 and "the cache is empty" in err
    assert (home.cache_folder / DB_NAME).is_file()
    assert not (home.config_file.parent / "cache").exists()
    assert not (home.work / "cache").exists()


def test_other_configs_keep_the_cache_beside_them_unless_told(home, capsys, monkeypatch):
    (home.work / "feeds.toml").write_text(ONE_FEED, encoding="utf-8")
    assert home.run(capsys, "headlines")[0] == 0
    assert (home.work / "cache" / DB_NAME).is_file()
    monkeypatch.setenv("WIREWATCH_CACHE", str(home.root / "env-cache"))
    assert home.run(capsys, "headlines")[0] == 0
    assert (home.root / "env-cache" / DB_NAME).is_file()
    assert home.run(capsys, "--cache", str(home.root / "opt-cache"), "headlines")[0] == 0
    assert (home.root / "opt-cache" / DB_NAME).is_file()
    assert not home.cache_folder.exists()


def test_no_config_anywhere_says_where_it_looked_and_suggests_init(home, capsys):
    status, out, err = home.run(capsys, "check")
    assert status == 2 and out == ""
    assert err == (f"wirewatch: no feeds.toml in this folder ({home.work / 'feeds.toml'}) or in "
                   f"your config folder ({home.config_file}): `wirewatch init` writes the "
                   "starter there, or give --config PATH\n")
    for command in ("fetch", "headlines"):
        assert home.run(capsys, command)[0] == 2
    assert not home.cache_folder.exists()                     # nothing was created


def test_a_missing_config_path_suggests_init_for_that_path(home, capsys):
    missing = home.root / "not here.toml"
    status, _, err = home.run(capsys, "--config", str(missing), "fetch")
    assert status == 2
    assert err == (f"{missing}: no such file (`wirewatch --config '{missing}' init` writes the "
                   "starter there)\n")
