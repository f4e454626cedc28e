"""Textual's footer, rebuilt only when the keys it would show change.

Textual's Footer rebuilds its keys (a dozen widgets, ~50 ms of the main thread) on every
signal that the bindings may have changed, and a focus change sends two: closing the search
box with Enter cost ~100 ms of footer right after the table's repaint, which the next key
waited for. The keys shown depend only on the active bindings, so the same bindings mean
the same footer.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """A Footer that skips rebuilding when the active bindings are those it shows."""

    _shown: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        # Textual's own method rebuilds only in these conditions; `_shown` follows them.
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            shown = tuple(screen.active_bindings.items())
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
