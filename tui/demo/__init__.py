"""The bundled sample news site behind `wirewatch demo`.

Six fictional outlets (English, German, Ukrainian, Russian) report on the Russia–Ukraine
peace talks in sample text written for the demo, plus some unrelated noise. The site is
served on 127.0.0.1 and moves on in stages while it runs: new items appear, articles are
quietly rewritten, so versions, diffs and alerts can be seen with no network.
"""

from tui.demo.server import DemoFeed, DemoItem, DemoSite

__all__ = ["DemoFeed", "DemoItem", "DemoSite"]
