"""Charts of the printed report, drawn on the server as inline SVG: no JavaScript, nothing
to load, so that wkhtmltopdf prints them as the browser shows them. Each chart has a
<title> and a <desc> that say what it shows, and every value is written as a text label,
so that a reader (or a screen reader) gets the figures without reading the bars.

Only the elements and attributes that wkhtmltopdf's WebKit renders: rect, line, polyline,
circle, text with plain presentation attributes (no CSS variables, no transforms on text)."""

from markupsafe import Markup

FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
BAR_COLOUR = "#3f6f9e"
AXIS_COLOUR = "#888888"
TEXT_COLOUR = "#222222"


def _number(value):
    """A figure as printed: integers as they are, other values with one decimal (the
    report passes its own, in the reader's language)."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return f"{int(value)}"


def _shorten(label, length):
    label = str(label)
    return label if len(label) <= length else label[: length - 1] + "…"


def _two_lines(label, length):
    """A label in at most two lines of about `length` characters, cut at a space; what does
    not fit is shortened."""
    label = str(label)
    if len(label) <= length:
        return [label]
    cut = label.rfind(" ", 0, length + 1)
    if cut <= 0:
        return [_shorten(label, length)]
    return [label[:cut], _shorten(label[cut + 1 :], length)]


def _svg(width, height, title, description, body):
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{w}" height="{h}" '
        'viewBox="0 0 {w} {h}" aria-label="{t}"><title>{t}</title><desc>{d}</desc>{b}</svg>'
    ).format(w=width, h=height, t=title, d=description, b=body)


def _description(items, number):
    return "; ".join(f"{label}: {number(value)}" for label, value in items)


def bar_chart(items, title, width=680, height=220, number=_number):
    """Vertical bars, one per (label, value), the value above each bar."""
    items = list(items)
    if not items:
        return Markup()
    top, bottom, left = 18, 40, 8
    plot = height - top - bottom
    slot = (width - 2 * left) / len(items)
    peak = max(value for __, value in items) or 1
    parts = [
        Markup('<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{c}" />').format(
            x1=left, x2=width - left, y=top + plot, c=AXIS_COLOUR
        )
    ]
    label_length = max(4, int(slot / 5.5))
    for i, (label, value) in enumerate(items):
        bar = plot * value / peak
        x = left + i * slot
        centre = x + slot / 2
        parts.append(
            Markup(
                '<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{c}" />'
            ).format(x=x + slot * 0.15, y=top + plot - bar, w=slot * 0.7, h=bar, c=BAR_COLOUR)
        )
        parts.append(
            Markup(
                '<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="10" '
                'fill="{c}" {f}>{v}</text>'
            ).format(
                x=centre, y=top + plot - bar - 4, c=TEXT_COLOUR, f=Markup(FONT), v=number(value)
            )
        )
        # the label under its bar, on two lines when it is long
        lines = Markup("").join(
            Markup('<tspan x="{x:.1f}" dy="{dy}">{t}</tspan>').format(
                x=centre, dy=0 if n == 0 else 11, t=line
            )
            for n, line in enumerate(_two_lines(label, label_length))
        )
        parts.append(
            Markup(
                '<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="9" '
                'fill="{c}" {f}>{t}</text>'
            ).format(x=centre, y=top + plot + 12, c=TEXT_COLOUR, f=Markup(FONT), t=lines)
        )
    return _svg(width, height, title, _description(items, number), Markup("").join(parts))


def horizontal_bar_chart(items, title, width=680, row_height=20, label_width=260, number=_number):
    """Horizontal bars, one row per (label, value), the label on the left and the value at
    the end of the bar: for long labels such as needs."""
    items = list(items)
    if not items:
        return Markup()
    height = row_height * len(items) + 8
    room = width - label_width - 50
    peak = max(value for __, value in items) or 1
    parts = []
    for i, (label, value) in enumerate(items):
        y = 4 + i * row_height
        bar = room * value / peak
        parts.append(
            Markup(
                '<text x="{x}" y="{y:.1f}" text-anchor="end" font-size="10" fill="{c}" {f}>'
                "{t}</text>"
            ).format(
                x=label_width - 6,
                y=y + row_height * 0.65,
                c=TEXT_COLOUR,
                f=Markup(FONT),
                t=_shorten(label, int(label_width / 6)),
            )  # fmt: skip
        )
        parts.append(
            Markup(
                '<rect x="{x}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{c}" />'
            ).format(x=label_width, y=y + 3, w=bar, h=row_height - 6, c=BAR_COLOUR)
        )
        parts.append(
            Markup('<text x="{x:.1f}" y="{y:.1f}" font-size="10" fill="{c}" {f}>{v}</text>').format(
                x=label_width + bar + 4,
                y=y + row_height * 0.65,
                c=TEXT_COLOUR,
                f=Markup(FONT),
                v=number(value),
            )  # fmt: skip
        )
    return _svg(width, height, title, _description(items, number), Markup("").join(parts))


def line_chart(items, title, width=680, height=220, number=_number):
    """A line through (label, value) points, e.g. months, each value written over its
    point and each label under the axis."""
    items = list(items)
    if not items:
        return Markup()
    top, bottom, left = 20, 34, 24
    plot = height - top - bottom
    step = (width - 2 * left) / max(len(items) - 1, 1)
    peak = max(value for __, value in items) or 1
    points = [
        (left + i * step if len(items) > 1 else width / 2, top + plot - plot * value / peak)
        for i, (__, value) in enumerate(items)
    ]
    parts = [
        Markup('<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{c}" />').format(
            x1=left / 2, x2=width - left / 2, y=top + plot, c=AXIS_COLOUR
        ),
        Markup('<polyline points="{p}" fill="none" stroke="{c}" stroke-width="2" />').format(
            p=" ".join(f"{x:.1f},{y:.1f}" for x, y in points), c=BAR_COLOUR
        ),
    ]
    for (label, value), (x, y) in zip(items, points, strict=True):
        parts.append(
            Markup('<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{c}" />').format(
                x=x, y=y, c=BAR_COLOUR
            )
        )
        parts.append(
            Markup(
                '<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="10" '
                'fill="{c}" {f}>{v}</text>'
            ).format(x=x, y=y - 7, c=TEXT_COLOUR, f=Markup(FONT), v=number(value))
        )
        parts.append(
            Markup(
                '<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="9" '
                'fill="{c}" {f}>{t}</text>'
            ).format(x=x, y=top + plot + 14, c=TEXT_COLOUR, f=Markup(FONT), t=_shorten(label, 8))
        )
    return _svg(width, height, title, _description(items, number), Markup("").join(parts))
