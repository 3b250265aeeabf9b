"""A choropleth as one graphics item: a path per region built once from projected arrays, drawn as
one filled path per colour plus one outline path, so thousands of regions paint in a few calls.
Hover and click find the region under the pointer from cached bounding boxes, then path.contains."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen

from ...core.geo.choropleth import Shapes
from ...core.geo.palettes import SUPPRESSED

OUTLINE = QColor("#ffffff")
HIGHLIGHT = QColor("#000000")


def brushes_for(colour: str) -> list[QBrush]:
    """The fill of one colour: suppressed places are hatched so they never pass for "no data"."""
    if colour == SUPPRESSED:
        return [QBrush(QColor("#f0f0f0")), QBrush(QColor("#737373"), Qt.BrushStyle.BDiagPattern)]
    return [QBrush(QColor(colour))]


def region_paths(shapes: Shapes) -> list[QPainterPath]:
    """One QPainterPath per region (rings as subpaths; odd-even fill leaves the holes empty)."""
    out = []
    for xy, connect in zip(shapes.xy, shapes.connect):
        if len(xy) == 0:
            out.append(QPainterPath())
            continue
        path = pg.arrayToQPath(xy[:, 0], xy[:, 1], connect=connect.astype(np.int32), finiteCheck=False)
        path.setFillRule(Qt.FillRule.OddEvenFill)
        out.append(path)
    return out


class ChoroplethItem(pg.GraphicsObject):
    def __init__(self) -> None:
        super().__init__()
        self.shapes: Shapes | None = None
        self.paths: list[QPainterPath] = []
        self._batches: list[tuple[str, list[QBrush], QPainterPath]] = []
        self._outline = QPainterPath()
        self._rect = QRectF()
        self.highlight: int | None = None
        self.setAcceptHoverEvents(False)

    # ---- data ---------------------------------------------------------------------------------
    def set_shapes(self, shapes: Shapes) -> None:
        self.prepareGeometryChange()
        self.shapes = shapes
        self.paths = region_paths(shapes)
        self._outline = QPainterPath()
        for p in self.paths:
            self._outline.addPath(p)
        b = shapes.bounds
        self._rect = (QRectF(b[:, 0].min(), b[:, 1].min(), b[:, 2].max() - b[:, 0].min(),
                             b[:, 3].max() - b[:, 1].min()) if len(b) else QRectF())
        self._batches = []
        self.highlight = None
        self.update()

    def set_colours(self, colours: list[str]) -> None:
        """One colour per region, in the order of the shapes."""
        groups: dict[str, QPainterPath] = {}
        for path, colour in zip(self.paths, colours):
            groups.setdefault(colour, QPainterPath()).addPath(path)
        self._batches = []
        for colour, path in groups.items():
            path.setFillRule(Qt.FillRule.OddEvenFill)
            self._batches.append((colour, brushes_for(colour), path))
        self.update()

    def colour_batches(self) -> dict[str, int]:
        """Colour -> number of path elements drawn with it (for tests and benchmarks)."""
        return {c: p.elementCount() for c, _, p in self._batches}

    # ---- picking ------------------------------------------------------------------------------
    def region_at(self, pos: QPointF) -> int | None:
        if self.shapes is None or not len(self.shapes):
            return None
        b = self.shapes.bounds
        x, y = pos.x(), pos.y()
        for i in np.flatnonzero((b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 3])):
            if self.paths[i].contains(pos):
                return int(i)
        return None

    def set_highlight(self, index: int | None) -> None:
        if index != self.highlight:
            self.highlight = index
            self.update()

    # ---- drawing ------------------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return QRectF(self._rect)

    def paint(self, p: QPainter, *args) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(Qt.PenStyle.NoPen)
        for _, brushes, path in self._batches:
            for brush in brushes:
                p.fillPath(path, brush)
        pen = QPen(OUTLINE, 0.6)
        pen.setCosmetic(True)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(self._outline)
        if self.highlight is not None and self.highlight < len(self.paths):
            pen = QPen(HIGHLIGHT, 2.0)
            pen.setCosmetic(True)
            p.setPen(pen)
            p.drawPath(self.paths[self.highlight])
