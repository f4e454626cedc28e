"""WCAG contrast of what a Textual screen actually paints: every run of text, its colour
against its background, as the compositor hands them to the terminal."""

from __future__ import annotations

from dataclasses import dataclass

from rich.color import Color
from textual.app import App
from textual.screen import ModalScreen

# Drawing, not reading: borders, scrollbars, block elements, and the cursor-like marks.
DECORATION = set("▔▁▏▕│─┃━┏┓┗┛╭╮╰╯▎▊▉█▇▆▅▄▃▂▌▐▀▄ ") | {chr(c) for c in range(0x2500, 0x25A0)}
AA = 4.5


def luminance(color: Color) -> float:
    triplet = color.get_truecolor()

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(triplet.red) + 0.7152 * channel(triplet.green) + \
        0.0722 * channel(triplet.blue)


def contrast(foreground: Color, background: Color) -> float:
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@dataclass(frozen=True)
class Run:
    text: str
    ratio: float
    line: int

    def __str__(self) -> str:
        return f"line {self.line}: {self.ratio:.2f}:1 {self.text.strip()[:40]!r}"


def text_runs(app: App) -> list[Run]:
    """Every painted run of readable text on the current screen, with its contrast ratio.

    On a modal screen only the dialog counts: what shows through behind it is dimmed on
    purpose, not meant to be read.
    """
    screen = app.screen
    region = None
    if isinstance(screen, ModalScreen) and screen.children:
        region = screen.children[0].region
    runs: list[Run] = []
    for number, line in enumerate(screen._compositor.render_strips()):
        x = 0
        for segment in line:
            start, x = x, x + segment.cell_length
            if region is not None and not (region.y <= number < region.bottom
                                           and region.x <= start < region.right):
                continue
            style = segment.style
            if style is None or not segment.text.strip(" "):
                continue
            if all(char in DECORATION for char in segment.text):
                continue
            if style.color is None or style.bgcolor is None:
                continue
            foreground, background = style.color, style.bgcolor
            if style.reverse:
                foreground, background = background, foreground
            runs.append(Run(segment.text, contrast(foreground, background), number))
    return runs


def below(app: App, minimum: float = AA) -> list[Run]:
    """The runs of text painted below `minimum` contrast."""
    return [run for run in text_runs(app) if run.ratio < minimum]
