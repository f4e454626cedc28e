"""The shape of the code: one core that never imports a face, faces that go through it, no SQL
outside the cache layer, no import cycles. import-linter holds the contracts in pyproject.toml;
the tests below run it, show it can fail, and check what it cannot see."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TUI = ROOT / "tui"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# Python that reports which of these top-level packages got imported, on its last line.
IMPORTED = ("import sys; bad = sorted({{m.split('.')[0] for m in sys.modules}} & {wanted!r}); "
            "print('imported: ' + ','.join(bad))")


def run_python(code: str, *, cwd: Path = ROOT) -> str:
    # httpx imports its optional command line (click, and Rich with it) when click is
    # installed, as it is beside import-linter in this test environment: blocking click
    # gives the import graph of a user's machine, where only our own imports count.
    prelude = "import sys; sys.modules['click'] = None\n"
    out = subprocess.run([sys.executable, "-c", prelude + code], capture_output=True,
                         text=True, check=True, cwd=cwd)
    return out.stdout.rstrip()


def test_the_import_contracts_hold():
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contract_checker_catches_a_cycle_and_a_forbidden_import(tmp_path):
    """The same checker, on a small package that breaks both kinds of rule."""
    package = tmp_path / "sample"
    (package / "core").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "core" / "__init__.py").write_text("")
    (package / "core" / "a.py").write_text("from sample.core import b\n")
    (package / "core" / "b.py").write_text("from sample.core import a\nimport sample.face\n")
    (package / "face.py").write_text("")
    (tmp_path / ".importlinter").write_text(textwrap.dedent("""\
        [importlinter]
        root_package = sample

        [importlinter:contract:core]
        name = core never imports a face
        type = forbidden
        source_modules = sample.core
        forbidden_modules = sample.face

        [importlinter:contract:cycles]
        name = no cycles
        type = acyclic_siblings
        ancestors = sample
        """))
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], capture_output=True, text=True,
                            cwd=tmp_path, env={"PYTHONPATH": str(tmp_path), "PATH": ""})
    assert result.returncode == 1
    assert "2 broken" in result.stdout


def test_the_core_imports_neither_textual_nor_rich():
    modules = sorted(".".join(path.relative_to(ROOT).with_suffix("").parts)
                     for path in (TUI / "core").rglob("*.py"))
    assert len(modules) > 30
    code = "".join(f"import {name}\n" for name in modules)
    assert run_python(code + IMPORTED.format(wanted={"textual", "rich"})) == "imported:"


def test_check_runs_without_the_dashboard_or_the_http_client(tmp_path):
    config = tmp_path / "feeds.toml"
    config.write_text('[[feeds]]\nname = "A"\nurl = "https://a.example/rss"\n'
                      '[keys]\nrefresh = "f5"\nhelp = "?"\n', encoding="utf-8")
    code = (f"from tui.cli import main\nassert main(['--config', {str(config)!r}, 'check']) == 0\n"
            + IMPORTED.format(wanted={"textual", "rich", "httpx", "trafilatura", "dateparser"}))
    lines = run_python(code).splitlines()
    assert lines[0].endswith("feeds.toml: ok")
    assert lines[-1] == "imported:"


def _attribute_uses(path: Path, names: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [f"{path.name}:{node.lineno}: .{node.attr}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr in names]


# The demo site's request handler has a `connection`: its socket, not the cache.
NOT_THE_CACHE = {Path("tui/demo/server.py")}


def test_only_the_cache_layer_runs_sql():
    found = []
    for path in sorted(TUI.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[:3] == ("tui", "core", "cache") or relative in NOT_THE_CACHE:
            continue
        found += _attribute_uses(path, {"connection", "execute", "executemany",
                                        "transaction"})
    assert found == []


def test_the_sql_check_sees_a_stray_query(tmp_path):
    stray = tmp_path / "stray.py"
    stray.write_text("def f(store):\n    return store.connection.execute('SELECT 1')\n")
    assert len(_attribute_uses(stray, {"connection", "execute"})) == 2
