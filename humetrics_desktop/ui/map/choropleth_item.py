"""A choropleth as one graphics item: a path per region built once from projected arrays, drawn as
one filled path per colour plus one outline path, so thousands of regions paint in a few calls.
Hover and click find the region under the pointer from cached bounding boxes, then path.contains."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QByteArray, QDataStream, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem

from ...core.geo.choropleth import Shapes
from ...core.geo.palettes import SUPPRESSED

OUTLINE = QColor("#8c8c8c")  # visible against the white sea and the lightest class alike
HIGHLIGHT = QColor("#000000")


def brushes_for(colour: str) -> list[QBrush]:
    """The fill of one colour: suppressed places are hatched so they never pass for "no data"."""
    if colour == SUPPRESSED:
        return [QBrush(QColor("#f0f0f0")), QBrush(QColor("#737373"), Qt.BrushStyle.BDiagPattern)]
    return [QBrush(QColor(colour))]


def joined_path(xy: list[np.ndarray], connect: list[np.ndarray]) -> QPainterPath:
    """One QPainterPath for many regions' rings, built in one call from concatenated arrays.

    QPainterPath's default odd-even fill leaves holes empty. Building paths this way also avoids
    one Python-to-Qt call per region: PySide6 6.12 on Python 3.11 drops a reference to None on
    every call of a method returning void (QPainterPath.addPath, setFillRule, ...), and thousands
    of such calls per redraw would eventually free None and abort the process."""
    xy = [a for a in xy if len(a)]
    if not xy:
        return QPainterPath()
    pts = np.concatenate(xy)
    flags = np.concatenate([c for c in connect if len(c)])
    # QPainterPath's stream format: count, then (element type, x, y) per element (0 = move to,
    # 1 = line to), then the start of the current subpath and the fill rule (0 = odd-even)
    n = len(pts)
    rec = np.empty(n, dtype=[("c", ">i4"), ("x", ">f8"), ("y", ">f8")])
    rec["c"][0] = 0
    rec["c"][1:] = flags[:-1]
    rec["x"], rec["y"] = pts[:, 0], pts[:, 1]
    data = np.array([n], ">i4").tobytes() + rec.tobytes() + np.array([0, 0], ">i4").tobytes()
    path = QPainterPath()
    QDataStream(QByteArray(data)) >> path
    return path


def tiles_of(bounds: np.ndarray, nx: int = 16, ny: int = 8) -> np.ndarray:
    """A grid cell per region (by its bounding-box centre). Qt fills one huge path spanning the
    whole map much more slowly than several local ones, so batches are split by cell."""
    if not len(bounds):
        return np.zeros(0, dtype=np.int64)
    cx, cy = (bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2
    tx = np.clip(((cx - cx.min()) / (np.ptp(cx) or 1) * nx).astype(np.int64), 0, nx - 1)
    ty = np.clip(((cy - cy.min()) / (np.ptp(cy) or 1) * ny).astype(np.int64), 0, ny - 1)
    return tx * ny + ty


class ChoroplethItem(pg.GraphicsObject):
    """Fills are batched by (colour, grid cell), outlines by grid cell; paint() draws only the
    batches meeting the exposed area. The hovered region is outlined by a child item, so hover
    never repaints the map."""

    def __init__(self) -> None:
        super().__init__()
        self.shapes: Shapes | None = None
        self._paths: dict[int, QPainterPath] = {}
        self._batches: list[tuple[str, list[QBrush], QPainterPath, QRectF]] = []
        self._outlines: list[tuple[QPainterPath, QRectF]] = []
        self._tiles = np.zeros(0, dtype=np.int64)
        self._rect = QRectF()
        self.highlight: int | None = None
        self._pen = QPen(OUTLINE, 0.5)
        self._pen.setCosmetic(True)
        self._highlight_item = QGraphicsPathItem(self)
        pen = QPen(HIGHLIGHT, 2.0)
        pen.setCosmetic(True)
        self._highlight_item.setPen(pen)
        self._highlight_item.setZValue(1)
        self.setFlag(self.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    def _joined(self, idx: np.ndarray) -> tuple[QPainterPath, QRectF]:
        xy, connect, b = self.shapes.xy, self.shapes.connect, self.shapes.bounds[idx]
        path = joined_path([xy[i] for i in idx], [connect[i] for i in idx])
        rect = QRectF(b[:, 0].min(), b[:, 1].min(), b[:, 2].max() - b[:, 0].min(), b[:, 3].max() - b[:, 1].min())
        return path, rect

    # ---- data ---------------------------------------------------------------------------------
    def set_shapes(self, shapes: Shapes) -> None:
        self.prepareGeometryChange()
        self.shapes = shapes
        self._paths = {}
        b = shapes.bounds
        self._tiles = tiles_of(b)
        self._outlines = [self._joined(np.flatnonzero(self._tiles == t)) for t in np.unique(self._tiles)]
        self._rect = (QRectF(b[:, 0].min(), b[:, 1].min(), b[:, 2].max() - b[:, 0].min(),
                             b[:, 3].max() - b[:, 1].min()) if len(b) else QRectF())
        self._batches = []
        self.set_highlight(None)
        self.update()

    def set_colours(self, colours: list[str]) -> None:
        """One colour per region, in the order of the shapes."""
        codes, names = pd.factorize(pd.Series(list(colours[:len(self.shapes)]), dtype=object))
        key = codes.astype(np.int64) * (int(self._tiles.max(initial=0)) + 1) + self._tiles[:len(codes)]
        self._batches = []
        for k in np.unique(key):
            idx = np.flatnonzero(key == k)
            colour = names[codes[idx[0]]]
            self._batches.append((colour, brushes_for(colour), *self._joined(idx)))
        self.update()

    def batch_count(self) -> int:
        return len(self._batches)

    def colour_batches(self) -> dict[str, int]:
        """Colour -> number of path elements drawn with it (for tests and benchmarks)."""
        out: dict[str, int] = {}
        for c, _, p, _ in self._batches:
            out[c] = out.get(c, 0) + p.elementCount()
        return out

    # ---- picking ------------------------------------------------------------------------------
    def path(self, index: int) -> QPainterPath:
        """One region's path, built when first hovered (most regions never are)."""
        if index not in self._paths:
            self._paths[index] = joined_path([self.shapes.xy[index]], [self.shapes.connect[index]])
        return self._paths[index]

    def __len__(self) -> int:
        return 0 if self.shapes is None else len(self.shapes)

    def region_at(self, pos: QPointF) -> int | None:
        if self.shapes is None or not len(self.shapes):
            return None
        b = self.shapes.bounds
        x, y = pos.x(), pos.y()
        for i in np.flatnonzero((b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 3])):
            if self.path(int(i)).contains(pos):
                return int(i)
        return None

    def set_highlight(self, index: int | None) -> None:
        if index != self.highlight:
            self.highlight = index
            ok = index is not None and index < len(self)
            self._highlight_item.setPath(self.path(index) if ok else QPainterPath())

    # ---- drawing ------------------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return QRectF(self._rect)

    def paint(self, p: QPainter, option, *args) -> None:
        exposed = option.exposedRect if option is not None else self._rect
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for _, brushes, path, rect in self._batches:
            if rect.intersects(exposed):
                for brush in brushes:
                    p.fillPath(path, brush)
        p.setPen(self._pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        for path, rect in self._outlines:
            if rect.intersects(exposed):
                p.drawPath(path)
