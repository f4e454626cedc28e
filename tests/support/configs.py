"""feeds.toml pieces the tests share: the default watchlist and the three fixed outlets.

Tests that need a file with particular comments or layout (the alert-editing tests) still write
their own; everything else builds its configuration from these.
"""

from __future__ import annotations

NEGOTIATORS = ("Witkoff", "Kushner", "Rubio", "Lavrov", "Yermak", "Umerov", "Zelensky", "Putin",
               "Trump")

WATCHLIST = """\
[watch.regions]
color = "orange1"
terms = ["Crimea", "Donetsk", "Luhansk", "Kherson", "Zaporizhzhia"]

[watch.negotiators]
color = "cyan"
terms = [{negotiators}]
""".format(negotiators=", ".join(f'"{name}"' for name in NEGOTIATORS))

# Three outlets whose URLs point nowhere (port 9, discard): for caches filled by the test.
THREE_OUTLETS = """\
[[feeds]]
name = "Harbor Wire"
url = "http://127.0.0.1:9/harbor.xml"
tags = ["en", "wire"]

[[feeds]]
name = "Kestrel Daily"
url = "http://127.0.0.1:9/kestrel.xml"
tags = ["en"]

[[feeds]]
name = "Tageskompass"
url = "http://127.0.0.1:9/tages.xml"
tags = ["de"]
"""


def settings_table(**values: object) -> str:
    """A [settings] table: timeouts short, no article pages unless a test asks for them."""
    settings = {"refresh_minutes": 15, "timeout_seconds": 5, "full_text": "never", **values}
    lines = ["[settings]"]
    for key, value in settings.items():
        lines.append(f'{key} = "{value}"' if isinstance(value, str) else f"{key} = {value}")
    return "\n".join(lines) + "\n"
