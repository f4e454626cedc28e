"""Textual's footer, rebuilt only when the keys it would show change, showing whole keys only.

Textual's Footer rebuilds its keys (a dozen widgets, ~50 ms of the main thread) on every
signal that the bindings may have changed, and a focus change sends two: closing the search
box with Enter cost ~100 ms of footer right after the table's repaint, which the next key
waited for. The keys shown depend only on the active bindings, so the same bindings mean
the same footer.

On a narrow terminal Textual's footer cuts its row at the command palette key, through the
middle of a key ("s Star  a ▏^p Commands" at 80 columns): the keys that do not fit whole are
hidden instead (their room kept, so a resize measures them again).
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


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

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Hide each key that ends beyond the room left of the command palette key."""
        keys = list(self.query(FooterKey))
        palette = [key for key in keys if key.has_class("-command-palette")]
        room = palette[0].region.x if palette else self.region.right
        for key in keys:
            if key not in palette:
                key.visible = key.region.right <= room
