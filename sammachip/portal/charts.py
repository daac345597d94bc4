"""Server-rendered SVG charts: no JavaScript, readable on a phone and on paper.

Each chart is an inline ``<svg role="img">`` with a ``viewBox`` (it scales to its column), a
``<title>`` and a ``<desc>`` named by ``aria-labelledby`` (the desc reads out every value), and
every text escaped. Bars are horizontal with the label on its own line above each bar, so long
Thai names never collide and the chart stays legible at 390 px. Pages put a data table next to each
chart as its text alternative.

Colours (``PALETTE``) each have a contrast of at least 4.5:1 against white, so white value labels
on them and the bars against the page pass WCAG 2.1 AA (checked in the tests). Segments are
separated by a white gap and labelled, so colour is never the only cue.
"""

from decimal import Decimal

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

WIDTH = 340
RIGHT = 64  # room for the value after a bar
BAR_WIDTH = WIDTH - RIGHT
LABEL_HEIGHT = 25
PAD_TOP = 4  # room for Thai vowels above the first label
BAR_HEIGHT = 24
ROW_GAP = 12
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
FONT = 16
SMALL_FONT = 14
MIN_LABELLED = 32  # a segment narrower than this carries no label inside

PALETTE = {
    "target": "#5b6770",  # slate
    "trained": "#a34f00",  # burnt orange
    "practising": "#2f7a4f",  # green
    "grouped": "#143f27",  # dark green
    "dropped": "#a61b1b",  # red
    "met": "#1d5e3a",
    "unmet": "#a34f00",
    "bar": "#1d5e3a",
    "stars": "#7a5a00",  # OTOP gold, darkened
    "ink": "#1f1f1f",
    "muted": "#595959",
    "hatch": "#595959",
}


def _n(value):
    """A coordinate with at most one decimal."""
    return f"{float(value):.1f}".rstrip("0").rstrip(".")


def _svg(chart_id, title, desc, height, body, defs=""):
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{id}" viewBox="0 0 {w} {h}" '
        'role="img" aria-labelledby="{id}-title {id}-desc" font-size="{font}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "{defs}{body}</svg>",
        id=chart_id,
        w=WIDTH,
        h=_n(height),
        font=FONT,
        title=title,
        desc=desc,
        defs=defs,
        body=body,
    )


def _hatch(pattern_id):
    return format_html(
        '<defs><pattern id="{}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="{}" stroke-width="3"/></pattern></defs>',
        pattern_id,
        PALETTE["hatch"],
    )


def _text(x, y, text, *, anchor="start", fill=None, size=None, weight=None):
    return format_html(
        '<text x="{}" y="{}" text-anchor="{}" fill="{}"{}{}>{}</text>',
        _n(x),
        _n(y),
        anchor,
        fill or PALETTE["ink"],
        format_html(' font-size="{}"', size) if size else "",
        format_html(' font-weight="{}"', weight) if weight else "",
        text,
    )


def _vertical(x, top, bottom, width, *, dashed=False, halo=False):
    colour = "#fff" if halo else PALETTE["ink"] if dashed else PALETTE["muted"]
    return format_html(
        '<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{c}" stroke-width="{w}"{d}/>',
        x=_n(x),
        top=_n(top),
        bottom=_n(bottom),
        c=colour,
        w=width,
        d=mark_safe(' stroke-dasharray="4 3"') if dashed else "",
    )


def _rect(x, y, width, height, fill, tooltip):
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#fff" stroke-width="1">'
        "<title>{}</title></rect>",
        _n(x),
        _n(y),
        _n(max(width, 0)),
        _n(height),
        fill,
        tooltip,
    )


def stacked_bars(*, chart_id, title, rows, series, unit, hidden_label=None):
    """Horizontal stacked bars, one per row.

    ``series``: ``[(key, label)]`` (colours from ``PALETTE[key]``); ``rows``: dicts with
    ``label``, ``values`` (``{key: int or None}``, None = not published), ``total`` (text after
    the bar) and optionally ``hidden`` (an int drawn hatched: values not published one by one).
    """
    pattern_id = f"{chart_id}-hatch"
    widest = max(
        [sum(v or 0 for v in row["values"].values()) + (row.get("hidden") or 0) for row in rows]
        + [1]
    )
    scale = BAR_WIDTH / widest
    parts, words = [], []
    for index, row in enumerate(rows):
        top = PAD_TOP + index * ROW_HEIGHT
        parts.append(_text(0, top + 18, row["label"], weight="600"))
        x = 0.0
        said = []
        for key, label in series:
            value = row["values"].get(key)
            if value is None:
                said.append(f"{label} {hidden_label or _('ไม่เปิดเผย')}")
                continue
            said.append(f"{label} {value:,}")
            if not value:
                continue
            width = value * scale
            parts.append(
                _rect(x, top + LABEL_HEIGHT, width, BAR_HEIGHT, PALETTE[key], f"{label}: {value:,}")
            )
            if width >= MIN_LABELLED:
                parts.append(
                    _text(
                        x + width / 2,
                        top + LABEL_HEIGHT + 17,
                        f"{value:,}",
                        anchor="middle",
                        fill="#fff",
                        size=SMALL_FONT,
                    )
                )
            x += width
        hidden = row.get("hidden")
        if hidden:
            width = hidden * scale
            parts.append(
                _rect(
                    x,
                    top + LABEL_HEIGHT,
                    width,
                    BAR_HEIGHT,
                    f"url(#{pattern_id})",
                    hidden_label or _("ไม่เปิดเผย"),
                )
            )
            x += width
        parts.append(_text(x + 6, top + LABEL_HEIGHT + 17, row["total"], weight="600"))
        words.append(f"{row['label']}: {', '.join(said)}; {_('รวม')} {row['total']} {unit}")
    height = PAD_TOP + max(len(rows), 1) * ROW_HEIGHT - ROW_GAP + 2
    body = mark_safe("".join(parts))
    return _svg(chart_id, title, " · ".join(words), height, body, defs=_hatch(pattern_id))


def share_bars(*, chart_id, title, rows, target, target_label, domain=(Decimal(0), Decimal(1))):
    """Horizontal bars of a ratio per row against a target line.

    ``rows``: dicts with ``label``, ``value`` (Decimal, or None when not published), ``text``
    (the value as shown) and ``note`` (said instead of a bar when the value is None).
    ``domain``: the axis range; it widens to hold every value and the target.
    """
    values = [row["value"] for row in rows if row["value"] is not None]
    low = min([domain[0], target, *values])
    high = max([domain[1], target, *values])
    span = (high - low) or Decimal(1)
    top_margin = 30

    def x_of(value):
        return float((Decimal(value) - low) / span) * BAR_WIDTH

    zero = x_of(0)
    target_x = x_of(target)
    parts, words = [], []
    for index, row in enumerate(rows):
        top = top_margin + index * ROW_HEIGHT
        parts.append(_text(0, top + 18, row["label"], weight="600"))
        bar_top = top + LABEL_HEIGHT
        value = row["value"]
        if value is None:
            parts.append(_text(zero + 4, bar_top + 17, row["note"], fill=PALETTE["muted"]))
            words.append(f"{row['label']}: {row['note']}")
            continue
        met = value >= target
        end = x_of(value)
        left, width = min(zero, end), abs(end - zero)
        colour = PALETTE["met" if met else "unmet"]
        verdict = _("ถึงเป้าหมาย") if met else _("ต่ำกว่าเป้าหมาย")
        parts.append(_rect(left, bar_top, width, BAR_HEIGHT, colour, f"{row['text']} ({verdict})"))
        label_x = max(zero, end) + 6
        # A value just short of the target would be crossed by its dashed line ("71.5%" under
        # an 85 % line): such a label moves past the line. Digits are ~0.6 em wide.
        label_width = len(row["text"]) * FONT * 0.6
        if label_x - 6 < target_x + 6 and label_x + label_width > target_x - 6:
            label_x = target_x + 8
        parts.append(_text(label_x, bar_top + 17, row["text"], weight="600"))
        words.append(f"{row['label']}: {row['text']} ({verdict})")
    bottom = top_margin + max(len(rows), 1) * ROW_HEIGHT - ROW_GAP + 2
    anchor = "end" if target_x > BAR_WIDTH * 0.7 else "start" if target_x < 40 else "middle"
    # The target and zero lines cross the bars only, never the labels above them.
    axis = [_text(target_x, 18, target_label, anchor=anchor, size=SMALL_FONT, weight="600")]
    for index in range(len(rows)):
        bar_top = top_margin + index * ROW_HEIGHT + LABEL_HEIGHT
        if low < 0:
            axis.insert(0, _vertical(zero, bar_top - 3, bar_top + BAR_HEIGHT + 3, 1))
        # A white halo keeps the dashed target line visible across a dark bar.
        axis.append(_vertical(target_x, bar_top - 5, bar_top + BAR_HEIGHT + 5, 4, halo=True))
        axis.append(_vertical(target_x, bar_top - 5, bar_top + BAR_HEIGHT + 5, 2, dashed=True))
    body = mark_safe("".join([*parts, *axis]))
    desc = f"{target_label}. " + " · ".join(words)
    return _svg(chart_id, title, desc, bottom, body)


def simple_bars(*, chart_id, title, rows, unit, colour="bar"):
    """One bar per row: ``rows`` is ``[(label, int)]``; ``colour`` a ``PALETTE`` key."""
    widest = max([value for _label, value in rows] + [1])
    scale = BAR_WIDTH / widest
    parts, words = [], []
    for index, (label, value) in enumerate(rows):
        top = PAD_TOP + index * ROW_HEIGHT
        parts.append(_text(0, top + 18, label, weight="600"))
        width = value * scale
        if value:
            parts.append(
                _rect(0, top + LABEL_HEIGHT, width, BAR_HEIGHT, PALETTE[colour], f"{value:,}")
            )
        parts.append(_text(width + 6, top + LABEL_HEIGHT + 17, f"{value:,}", weight="600"))
        words.append(f"{label}: {value:,} {unit}")
    height = PAD_TOP + max(len(rows), 1) * ROW_HEIGHT - ROW_GAP + 2
    return _svg(chart_id, title, " · ".join(words), height, mark_safe("".join(parts)))


def legend(series, hidden_label=None, *, legend_id="legend"):
    """An HTML legend (it wraps on a phone) with a small SVG swatch per series."""
    items = [
        (
            format_html(
                '<svg class="swatch" viewBox="0 0 14 14" aria-hidden="true" focusable="false">'
                '<rect width="14" height="14" fill="{}"/></svg>',
                PALETTE[key],
            ),
            label,
        )
        for key, label in series
    ]
    if hidden_label:
        pattern_id = f"{legend_id}-hatch"
        items.append(
            (
                format_html(
                    '<svg class="swatch" viewBox="0 0 14 14" aria-hidden="true" focusable="false">'
                    '{}<rect width="14" height="14" fill="url(#{})"/></svg>',
                    _hatch(pattern_id),
                    pattern_id,
                ),
                hidden_label,
            )
        )
    return format_html(
        '<ul class="chart-legend">{}</ul>',
        format_html_join("", "<li>{}{}</li>", ((swatch, escape(label)) for swatch, label in items)),
    )


def contrast_ratio(foreground, background="#ffffff"):
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours."""

    def luminance(colour):
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
