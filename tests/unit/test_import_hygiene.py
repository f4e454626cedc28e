"""The core never imports Textual or Rich: both faces must be able to sit on it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = sorted(".".join(p.relative_to(ROOT / "tui" / "core").with_suffix("").parts)
              for p in (ROOT / "tui" / "core").rglob("*.py") if p.stem != "__init__")


def test_core_modules_do_not_import_textual_or_rich():
    imports = "; ".join(f"import tui.core.{name}" for name in CORE)
    code = (f"import sys; {imports}; import tui.core.config.load, tui.core.config.edit; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')); "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert len(CORE) >= 8
