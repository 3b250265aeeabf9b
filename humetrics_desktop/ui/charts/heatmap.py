"""A labelled heatmap (e.g. retention cohorts x periods) with row labels that can carry sizes, values
written in the cells when the grid is small, and a hover read-out."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal

MAX_CELL_TEXT = 260  # write values into the cells only when they stay readable


class Heatmap(pg.PlotWidget):
    """Rows top to bottom, columns left to right; NaN cells are left blank. `hovered(row, col)`."""

    hovered = Signal(int, int)

    def __init__(self, x_label: str = "", cmap: str = "viridis", parent=None) -> None:
        super().__init__(parent=parent)
        self.setBackground("w")
        self.setLabel("bottom", x_label)
        self.invertY(True)
        self.setMouseEnabled(x=True, y=True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.addItem(self.image)
        self.cmap = pg.colormap.get(cmap)
        self.values = np.zeros((0, 0))
        self.texts: list[pg.TextItem] = []
        self.scene().sigMouseMoved.connect(self._mouse_moved)

    def set_grid(self, values: np.ndarray, row_labels: list[str], col_labels: list[str],
                 levels: tuple[float, float] = (0.0, 1.0), fmt: str = "{:.0%}") -> None:
        self.values = np.asarray(values, dtype=float)
        for t in self.texts:
            self.removeItem(t)
        self.texts.clear()
        rgba = self.cmap.map(np.clip((np.nan_to_num(self.values) - levels[0]) / (levels[1] - levels[0] or 1), 0, 1),
                             mode="byte") if self.values.size else np.zeros((0, 0, 4), np.uint8)
        rgba = rgba.reshape(*self.values.shape, 4) if self.values.size else rgba
        if self.values.size:
            rgba[np.isnan(self.values)] = (255, 255, 255, 0)
        self.image.setImage(rgba, autoLevels=False)
        self.image.setRect(0, 0, self.values.shape[1] if self.values.ndim == 2 else 0,
                           self.values.shape[0] if self.values.ndim == 2 else 0)
        step_r = max(1, len(row_labels) // 30)
        step_c = max(1, len(col_labels) // 30)
        self.getAxis("left").setTicks([[(i + 0.5, row_labels[i]) for i in range(0, len(row_labels), step_r)]])
        self.getAxis("bottom").setTicks([[(j + 0.5, col_labels[j]) for j in range(0, len(col_labels), step_c)]])
        if 0 < self.values.size <= MAX_CELL_TEXT:
            for (i, j), v in np.ndenumerate(self.values):
                if np.isnan(v):
                    continue
                light = (v - levels[0]) / ((levels[1] - levels[0]) or 1) > 0.6
                t = pg.TextItem(fmt.format(v), color="#000" if light else "#fff", anchor=(0.5, 0.5))
                t.setPos(j + 0.5, i + 0.5)
                self.addItem(t)
                self.texts.append(t)
        self.autoRange()

    def _mouse_moved(self, pos) -> None:
        vb = self.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(pos) or self.values.ndim != 2:
            return
        p = vb.mapSceneToView(pos)
        r, c = int(np.floor(p.y())), int(np.floor(p.x()))
        if 0 <= r < self.values.shape[0] and 0 <= c < self.values.shape[1]:
            self.hovered.emit(r, c)
