"""A labelled heatmap (e.g. retention cohorts x periods) with row labels that can carry sizes, a colour
bar, values written in the cells when the grid is small, and a hover read-out."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal

MAX_CELL_TEXT = 260  # write values into the cells only when they stay readable
MAX_TICKS = 16


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
        self.getAxis("left").setWidth(130)
        self.colour_bar = pg.ColorBarItem(values=(0, 1), colorMap=self.cmap, interactive=False, width=12)
        self.colour_bar.setImageItem(self.image, insert_in=self.getPlotItem())
        self.values = np.zeros((0, 0))
        self.texts: list[pg.TextItem] = []
        self.scene().sigMouseMoved.connect(self._mouse_moved)

    def set_grid(self, values: np.ndarray, row_labels: list[str], col_labels: list[str],
                 levels: tuple[float, float] = (0.0, 1.0), fmt: str = "{:.0%}") -> None:
        """NaN cells stay blank (pyqtgraph draws NaN transparent)."""
        self.values = np.asarray(values, dtype=float).reshape(len(row_labels), len(col_labels))
        for t in self.texts:
            self.removeItem(t)
        self.texts.clear()
        self.image.setImage(self.values, autoLevels=False)
        self.image.setRect(0, 0, len(col_labels), len(row_labels))
        self.colour_bar.setLevels(levels)
        step_r = max(1, -(-len(row_labels) // MAX_TICKS))
        step_c = max(1, -(-len(col_labels) // MAX_TICKS))
        self.getAxis("left").setTicks([[(i + 0.5, row_labels[i]) for i in range(0, len(row_labels), step_r)]])
        self.getAxis("bottom").setTicks([[(j + 0.5, col_labels[j]) for j in range(0, len(col_labels), step_c)]])
        if 0 < self.values.size <= MAX_CELL_TEXT:
            span = (levels[1] - levels[0]) or 1.0
            for (i, j), v in np.ndenumerate(self.values):
                if np.isnan(v):
                    continue
                t = pg.TextItem(fmt.format(v), color="#000" if (v - levels[0]) / span > 0.6 else "#fff",
                                anchor=(0.5, 0.5))
                t.setPos(j + 0.5, i + 0.5)
                self.addItem(t)
                self.texts.append(t)
        if self.values.size:
            self.getPlotItem().vb.setRange(xRange=(0, len(col_labels)), yRange=(0, len(row_labels)), padding=0.01)

    def _mouse_moved(self, pos) -> None:
        vb = self.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(pos) or self.values.ndim != 2:
            return
        p = vb.mapSceneToView(pos)
        r, c = int(np.floor(p.y())), int(np.floor(p.x()))
        if 0 <= r < self.values.shape[0] and 0 <= c < self.values.shape[1]:
            self.hovered.emit(r, c)
