"""Textual's footer, rebuilt only when the keys it would show change, showing whole keys only.

Textual's Footer rebuilds its keys (a dozen widgets, ~50 ms of the main thread) on every
signal that the bindings may have changed, and a focus change sends two: closing the search
box with Enter cost ~100 ms of footer right after the table's repaint, which the next key
waited for. The keys shown depend only on the active bindings, so the same bindings mean
the same footer. And when the keys wanted are some of those it has, in the same order (the
search box shows two of the table's eleven, and closing it shows them all again), the keys
are shown and hidden where they are instead of built anew: building them restyled each one
and laid the screen out twice, 60-100 ms of the main thread after every search.

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
        if not self._show_in_place():
            await super().recompose()
        self.call_after_refresh(self._fit)

    def _wanted(self) -> list[tuple] | None:
        """What tells apart each key Textual's `compose` would show now, in its order; None
        when it would group keys (that layout is left to it) or the footer has no screen."""
        if not self.is_attached:
            return None
        wanted: list[tuple] = []
        actions: set[str] = set()
        active = self.screen.active_bindings
        for _, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in actions:
                continue
            if binding.group is not None:
                return None
            actions.add(binding.action)
            wanted.append((binding.key, self.app.get_key_display(binding), binding.description,
                           binding.action, not enabled, tooltip or None, False))
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            found = active.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _, binding, enabled, _ = found
                wanted.append((binding.key, self.app.get_key_display(binding),
                               binding.description, binding.action, not enabled,
                               binding.tooltip or binding.description or None, True))
        return wanted

    def _show_in_place(self) -> bool:
        """Show the keys wanted by hiding the others, when every one of them is here already
        and in the same order; False when they must be built."""
        wanted = self._wanted()
        keys = list(self.children)
        if wanted is None or not keys or not all(isinstance(key, FooterKey) for key in keys):
            return False
        place = {_identity(key): index for index, key in enumerate(keys)}
        where = [place.get(want) for want in wanted]
        if None in where or where != sorted(where):
            return False
        shown = set(where)
        for index, key in enumerate(keys):
            key.display = index in shown
        # The screen is laid out before `_fit` runs, so that it measures the keys where they
        # now stand (a key's own layout request reaches the screen only once it is idle).
        self.screen.refresh(layout=True)
        return True

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Hide each key that ends beyond the room left of the command palette key. A key
        hidden before has no place on screen to measure: such keys are shown first, and
        measured once the screen is laid out with them (as keys built anew are)."""
        keys = [key for key in self.query(FooterKey) if key.display]
        unplaced = [key for key in keys if not key.visible]
        if unplaced:
            for key in unplaced:
                key.visible = True
            self.screen.refresh(layout=True)        # laid out before the next `_fit`
            self.call_after_refresh(self._fit)
            return
        palette = [key for key in keys if key.has_class("-command-palette")]
        room = palette[0].region.x if palette else self.region.right
        for key in keys:
            if key not in palette:
                key.visible = key.region.right <= room


def _identity(key: FooterKey) -> tuple:
    """What `Footer._wanted` tells a key by."""
    return (key.key, key.key_display, key.description, key.action, key.has_class("-disabled"),
            key.tooltip or None, key.has_class("-command-palette"))
