"""Colour-blind-safe palettes for choropleths, and the colours of a classification.

Sequential ramps for counts and rates; diverging ramps only where the measure has a meaningful
midpoint (NPS 0, an index of 1), with classes coloured by their side of it. Anchor colours are the
published ends and midpoints of viridis, cividis and ColorBrewer's colour-blind-safe schemes;
intermediate colours are interpolated.
"""
from __future__ import annotations

import numpy as np

from .classify import Classification

SEQUENTIAL: dict[str, list[str]] = {
    "blues": ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"],
    "yellow-green-blue": ["#ffffd9", "#c7e9b4", "#41b6c4", "#225ea8", "#081d58"],
    "viridis": ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"],
    "cividis": ["#00204d", "#414d6b", "#7c7b78", "#bcaf6f", "#ffea46"],
    "oranges": ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"],
}
DIVERGING: dict[str, list[str]] = {
    "purple-orange": ["#2d004b", "#8073ac", "#f7f7f7", "#e08214", "#7f3b08"],
    "brown-teal": ["#543005", "#bf812d", "#f5f5f5", "#35978f", "#003c30"],
    "red-blue": ["#67001f", "#d6604d", "#f7f7f7", "#4393c3", "#053061"],
}
NO_DATA = "#d9d9d9"
SUPPRESSED = "#bdbdbd"
# Light ramps read better with the low end light; viridis/cividis are dark at the low end, so they
# are reversed for maps where "more" should look darker.
LIGHT_LOW = {"blues", "yellow-green-blue", "oranges"}


def _rgb(hex_colour: str) -> np.ndarray:
    h = hex_colour.lstrip("#")
    return np.array([int(h[i:i + 2], 16) for i in (0, 2, 4)], dtype=float)


def _hex(rgb: np.ndarray) -> str:
    return "#" + "".join(f"{int(round(min(255.0, max(0.0, c)))):02x}" for c in rgb)


def ramp(anchors: list[str], n: int) -> list[str]:
    """n colours evenly spaced along the anchors (linear in sRGB)."""
    if n <= 0:
        return []
    pts = np.array([_rgb(a) for a in anchors])
    pos = np.linspace(0, len(anchors) - 1, n) if n > 1 else np.array([(len(anchors) - 1) / 2])
    out = []
    for p in pos:
        i = min(int(np.floor(p)), len(anchors) - 2)
        t = p - i
        out.append(_hex(pts[i] * (1 - t) + pts[i + 1] * t))
    return out


def sequential(name: str, n: int) -> list[str]:
    anchors = SEQUENTIAL[name]
    return ramp(anchors if name in LIGHT_LOW else anchors[::-1], n)


def class_colours(cls: Classification, palette: str, midpoint: float | None = None) -> list[str]:
    """One colour per class. A diverging palette needs a midpoint: classes wholly below it take the
    low arm, wholly above it the high arm (darker further away), a class spanning it the neutral
    centre. Without a midpoint a diverging palette is refused."""
    if palette in SEQUENTIAL:
        return sequential(palette, cls.k)
    if palette not in DIVERGING:
        raise ValueError(f"unknown palette {palette!r}")
    if midpoint is None:
        raise ValueError(f"palette {palette!r} is diverging: it needs a meaningful midpoint")
    anchors = DIVERGING[palette]
    lows = [i for i, (lo, hi) in enumerate(cls.intervals()) if hi <= midpoint]
    highs = [i for i, (lo, hi) in enumerate(cls.intervals()) if lo >= midpoint and i not in lows]
    arm = max(len(lows), len(highs), 1)
    low_ramp = ramp(anchors[:3], arm + 1)[:-1]          # dark .. just before neutral
    high_ramp = ramp(anchors[2:], arm + 1)[1:]          # just after neutral .. dark
    colours = [anchors[2]] * cls.k
    for rank, i in enumerate(reversed(lows)):           # nearest the midpoint is lightest
        colours[i] = low_ramp[arm - 1 - rank]
    for rank, i in enumerate(highs):
        colours[i] = high_ramp[rank]
    return colours


def bivariate_colours(n: int = 3) -> list[list[str]]:
    """An n x n grid [row = indicator class][col = users class]: a light-to-teal ramp for users
    and light-to-purple for the indicator, combined by multiplying (both high is dark)."""
    a = np.array([_rgb(c) for c in ramp(["#f0f0f0", "#5ac8c8"], n)]) / 255
    b = np.array([_rgb(c) for c in ramp(["#f0f0f0", "#be64ac"], n)]) / 255
    return [[_hex(a[j] * b[i] * 255 / 0.94) for j in range(n)] for i in range(n)]
