"""Textual key bindings made from the action table (tui.core.config.keys), so the keys, the
footer words, `?` help, the command palette and `[keys]` all come from one place."""

from __future__ import annotations

from textual.binding import Binding

from tui.core.config.keys import BY_ID


def bind(action_id: str, action: str | None = None, *, show: bool = True,
         priority: bool = False) -> Binding:
    """The binding of `action_id` (its default keys and words); `action` is what it runs on
    this class, when that is not the id itself (`scroll_lines(1)` for `cursor_down`)."""
    known = BY_ID[action_id]
    return Binding(known.keys, action or action_id, known.label, show=show, priority=priority,
                   id=action_id, tooltip=known.help)
