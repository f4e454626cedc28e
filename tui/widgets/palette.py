"""Colours that stay readable in every theme.

Textual's themes give text colours as they look good, not as they measure: `$text-muted` is
60% of the text colour (3.7:1 on a panel), `$text-secondary` 4.2:1 on the dark surface, and a
watch category's orange on the light theme is 1.8:1. Every colour of text that wirewatch
paints goes through `readable`, which moves it toward black or white just far enough to reach
the WCAG AA ratio (4.5:1) on the backgrounds it is painted on; the theme's variables are
adjusted once per theme (`readable_variables`), and category colours per theme and background.

Line API widgets resolve their component classes with `component_style`: Textual's partial
styles drop a colour's alpha, which turned a 15% tint into a solid block of colour.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.style import Style
from textual.color import Color
from textual.widget import Widget

AA = 4.6            # WCAG AA asks 4.5:1 for text; a little margin for rounding


def luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(first: Color, second: Color) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(color: Color, backgrounds: Iterable[Color], minimum: float = AA) -> Color:
    """`color`, as little changed as can be, readable on every one of `backgrounds`: blended
    toward white on dark backgrounds, toward black on light ones."""
    grounds = list(backgrounds)
    if not grounds or min(contrast(color, ground) for ground in grounds) >= minimum:
        return color
    darkest = min(grounds, key=luminance)
    lightest = max(grounds, key=luminance)
    toward = Color(255, 255, 255) if luminance(darkest) < 0.18 else Color(0, 0, 0)
    for step in range(1, 21):
        candidate = color.blend(toward, step / 20)
        if min(contrast(candidate, darkest), contrast(candidate, lightest)) >= minimum:
            return candidate
    return toward


# Theme text colours and the backgrounds each is painted on.
_TEXT_ON = {
    "text-muted": ("surface", "panel", "background"),
    "text-secondary": ("surface", "panel", "background"),
    "text-primary": ("surface", "panel", "background"),
    "text-accent": ("surface", "panel", "background"),
    "text-warning": ("surface", "panel", "background"),
    "text-error": ("surface", "panel", "background"),
    "text-success": ("surface", "panel", "background"),
    "foreground-darken-1": ("surface", "panel"),
    "foreground-darken-2": ("surface", "panel"),
    "footer-key-foreground": ("footer-background",),
    "footer-description-foreground": ("footer-background",),
    "block-cursor-foreground": ("block-cursor-background",),
    "block-cursor-blurred-foreground": ("surface",),
}


def parse(value: str, over: Color | None = None) -> Color | None:
    """A theme variable's colour ("#0178D44C", "auto 60%" is left to Textual: None)."""
    if value.startswith("auto"):
        return None             # not a colour (Textual would look for a colour name like it)
    try:
        color = Color.parse(value)
    except Exception:
        return None
    return (over + color) if over is not None and color.a < 1 else color


def readable_variables(variables: dict[str, str]) -> dict[str, str]:
    """The theme's variables, each text colour made readable on its backgrounds."""
    out = dict(variables)
    base = parse(variables.get("background", "#000000")) or Color(0, 0, 0)
    text = parse(variables.get("foreground", "#ffffff")) or Color(255, 255, 255)
    for name, ground_names in _TEXT_ON.items():
        grounds = [parse(variables[g], base) for g in ground_names if g in variables]
        grounds = [g for g in grounds if g is not None]
        value = variables.get(name, "")
        color = parse(value, base)
        if color is None:             # "auto 60%": a share of the text colour
            share = _auto_share(value)
            if share is None:
                continue
            color = (grounds[0] if grounds else base).blend(text, share)
        out[name] = readable(color, grounds).hex
    muted = parse(out["text-muted"])
    if muted is not None:             # the muted tone also reads on a blurred cursor row
        cursor = parse(variables.get("block-cursor-blurred-background", ""),
                       parse(variables.get("surface", ""), base))
        if cursor is not None:
            out["text-muted"] = readable(muted, [cursor] + [
                g for g in (parse(variables.get(n, ""), base) for n in ("surface", "panel"))
                if g is not None]).hex
    return out


def _auto_share(value: str) -> float | None:
    parts = value.split()
    if parts and parts[0] == "auto":
        try:
            return float(parts[1].rstrip("%")) / 100 if len(parts) > 1 else 0.87
        except ValueError:
            return None
    return None


def component_style(widget: Widget, name: str) -> Style:
    """The style of a component class as its CSS sets it (only the rules it sets, so styles
    layer), with translucent colours blended over the widget's own background."""
    styles = widget.get_component_styles(name)
    _, ground = widget.background_colors
    background = None
    if styles.has_rule("background") and styles.background.a > 0:
        background = ground + styles.background
    color = None
    if styles.has_rule("color") and styles.color.a > 0:
        color = (background or ground) + styles.color
    style = Style(color=color.rich_color if color else None,
                  bgcolor=background.rich_color if background else None)
    return style + styles.text_style


def tone(node: Widget, name: str) -> Style:
    """A theme text colour as a Rich style for Text built in code ("muted", "warning", "error",
    "success", "accent", "secondary"): readable, unlike Rich's "dim", which halves contrast."""
    value = node.app.theme_variables.get(f"text-{name}", "")
    color = parse(value)
    return Style(color=color.rich_color) if color is not None else Style()


BOLD = Style(bold=True)


class Tones:
    """The theme's readable text colours as Rich styles, for Text built in code."""

    def __init__(self, node: Widget) -> None:
        self.muted = tone(node, "muted")
        self.warning = tone(node, "warning")
        self.error = tone(node, "error")
        self.success = tone(node, "success")
        self.accent = tone(node, "accent")
        self.new = self.warning + BOLD            # what arrived since the user last looked

    @classmethod
    def of(cls, node: Widget) -> Tones:
        return cls(node)
ITALIC = Style(italic=True)
REVERSE = Style(reverse=True)
