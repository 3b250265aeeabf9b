"""A time-series plot: UTC date axis, thinned drawing, a crosshair that reports the values under the
mouse, and vertical markers (releases, campaigns). Plots link their x ranges with `link_x`."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf")
MARKER_COLOURS = {"release": "#6a3d9a", "campaign": "#b15928"}
DAY_S = 86400


@dataclass
class Series:
    name: str
    x: np.ndarray      # epoch seconds (UTC)
    y: np.ndarray
    kind: str = "line"  # "line" or "bar"


def epoch_seconds(dates) -> np.ndarray:
    """UTC timestamps (tz-aware or naive UTC) -> float epoch seconds."""
    values = np.asarray(dates, dtype="datetime64[s]") if not hasattr(dates, "dt") else \
        dates.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[s]")
    return values.astype(np.int64).astype(float)


class TimelinePlot(pg.PlotWidget):
    """Lines and bars over UTC days. `hovered(x)` fires with the epoch second under the mouse."""

    hovered = Signal(float)

    def __init__(self, y_label: str = "", percent: bool = False, parent=None) -> None:
        super().__init__(parent=parent, axisItems={"bottom": pg.DateAxisItem(utcOffset=0)})
        self.setBackground("w")
        self.showGrid(x=False, y=True, alpha=0.2)
        self.setLabel("left", y_label)
        self.getAxis("left").enableAutoSIPrefix(False)
        self.percent = percent
        self.legend = self.addLegend(offset=(10, 5), labelTextColor="#222", brush=(255, 255, 255, 200))
        self.series: list[Series] = []
        self.items: list[pg.GraphicsObject] = []
        self.marker_items: list[pg.InfiniteLine] = []
        self.crosshair = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#888", style=pg.QtCore.Qt.PenStyle.DashLine))
        self.crosshair.setZValue(100)
        self.crosshair.hide()
        self.addItem(self.crosshair, ignoreBounds=True)
        self.scene().sigMouseMoved.connect(self._mouse_moved)

    def clear_series(self) -> None:
        for item in self.items:
            self.removeItem(item)
        self.items.clear()
        self.series.clear()
        self.legend.clear()

    def add_line(self, name: str, x: np.ndarray, y: np.ndarray, colour: str | None = None, width: float = 1.8,
                 style=None) -> pg.PlotDataItem:
        colour = colour or PALETTE[len(self.series) % len(PALETTE)]
        pen = pg.mkPen(colour, width=width) if style is None else pg.mkPen(colour, width=width, style=style)
        item = pg.PlotDataItem(np.asarray(x, float), np.asarray(y, float), pen=pen, name=name,
                               connect="finite")
        self.addItem(item)
        # thin long series to what the screen can show, and skip what is off screen (set once the
        # item is in its view box: pyqtgraph asks the view for its range)
        item.setDownsampling(auto=True, method="peak")
        item.setClipToView(True)
        self.items.append(item)
        self.series.append(Series(name, np.asarray(x, float), np.asarray(y, float)))
        return item

    def add_bars(self, name: str, x: np.ndarray, y0: np.ndarray, height: np.ndarray, colour: str,
                 width_s: float, faint: np.ndarray | None = None) -> pg.BarGraphItem:
        """Bars centred on x; `faint` marks bars drawn pale (e.g. a period not yet complete). NaN
        heights (hidden values) draw no bar."""
        height = np.nan_to_num(np.asarray(height, float))
        brushes = colour
        if faint is not None:
            pale = pg.mkColor(colour)
            pale.setAlpha(80)
            brushes = [pg.mkBrush(pale) if f else pg.mkBrush(colour) for f in faint]
        item = pg.BarGraphItem(x=np.asarray(x, float), y0=np.asarray(y0, float), height=np.asarray(height, float),
                               width=width_s * 0.85, brushes=brushes if faint is not None else None,
                               brush=colour, pen=pg.mkPen(None), name=name)
        self.addItem(item)  # a named item enters the legend by itself
        self.items.append(item)
        # read-outs look bars up by their left edge: the bar under the mouse is the last edge before it
        self.series.append(Series(name, np.asarray(x, float) - width_s / 2, height, "bar"))
        return item

    def set_markers(self, markers: list[dict]) -> None:
        """markers: dicts with date (YYYY-MM-DD), label and kind ("release" or "campaign")."""
        for m in self.marker_items:
            self.removeItem(m)
        self.marker_items.clear()
        for m in markers:
            x = float(np.datetime64(m["date"], "s").astype(np.int64))
            colour = MARKER_COLOURS.get(m.get("kind", ""), "#444")
            line = pg.InfiniteLine(pos=x, angle=90, movable=False,
                                   pen=pg.mkPen(colour, width=1.2, style=pg.QtCore.Qt.PenStyle.DotLine),
                                   label=m.get("label", ""),
                                   labelOpts={"position": 0.97, "color": colour, "fill": (255, 255, 255, 200),
                                              "anchors": [(0, 0), (0, 0)]})
            self.addItem(line, ignoreBounds=True)
            self.marker_items.append(line)

    def values_at(self, x: float) -> list[tuple[str, float]]:
        """The value of each series on the day nearest to x (bars: the bar containing x)."""
        out = []
        for s in self.series:
            if len(s.x) == 0:
                continue
            i = int(np.clip(np.searchsorted(s.x, x + (DAY_S / 2 if s.kind == "line" else 0), side="right") - 1,
                            0, len(s.x) - 1))
            out.append((s.name, float(s.y[i])))
        return out

    def show_crosshair(self, x: float | None) -> None:
        if x is None:
            self.crosshair.hide()
        else:
            self.crosshair.setPos(x)
            self.crosshair.show()

    def _mouse_moved(self, pos) -> None:
        vb = self.getPlotItem().vb
        if self.sceneBoundingRect().contains(pos) and vb.sceneBoundingRect().contains(pos):
            self.hovered.emit(float(vb.mapSceneToView(pos).x()))


def link_x(plots: list[pg.PlotWidget]) -> None:
    for p in plots[1:]:
        p.setXLink(plots[0])
