"""A checkbox whose state shows by its shape: [x] ticked, [ ] not (Textual's own draws an X in
both states and tells them apart by colour alone)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class TickBox(Checkbox):
    DEFAULT_CSS = """
    TickBox > .toggle--button { color: $foreground; background: transparent; }
    TickBox.-on > .toggle--button { color: $text-success; text-style: bold; }
    """

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble(("[x]" if self.value else "[ ]", style))
