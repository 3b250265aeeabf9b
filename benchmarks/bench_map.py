"""The world's first-level regions on the map: preparing, building the drawable paths, painting
(offscreen) and hover look-ups, beside a straightforward reference timed in the same run.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_map.py [--repeat 3] [--size 1600x900]

App: outlines projected once by core (Equal Earth); one graphics item whose fills are batched by
(colour, grid cell) and outlines by grid cell, each batch one QPainterPath read from numpy arrays
in a single call; hover by bounding-box filter + QPainterPath.contains on a region's path, built
the first time it is hovered.
Reference: the textbook Qt approach: a QPainterPath per region built vertex by vertex
(moveTo/lineTo) and one QGraphicsPathItem per region in the scene, hover by QGraphicsScene.items()
(Qt's BSP index). Both paint the same regions with the same 6 colours into a QImage of the same
size. Prints JSON on stdout; ratios > 1 mean the app is faster. The issue's target: a few hundred
milliseconds to draw once the data is ready, and smooth hover (well under a frame, 16 ms).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PySide6.QtCore import QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen  # noqa: E402
from PySide6.QtWidgets import QApplication, QGraphicsPathItem, QGraphicsScene  # noqa: E402

COLOURS = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b", "#d9d9d9"]


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def render(scene: QGraphicsScene, rect: QRectF, size: tuple[int, int]) -> QImage:
    img = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.white)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    # north up: scene y grows downwards, projected y upwards
    p.translate(0, size[1])
    p.scale(1, -1)
    scene.render(p, QRectF(0, 0, *size), rect, Qt.AspectRatioMode.KeepAspectRatio)
    p.end()
    return img


def reference_paths(shapes) -> list[QPainterPath]:
    out = []
    for xy, connect in zip(shapes.xy, shapes.connect):
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.OddEvenFill)
        start = True
        for (x, y), c in zip(xy.tolist(), connect.tolist()):
            if start:
                path.moveTo(x, y)
            else:
                path.lineTo(x, y)
            start = c == 0
        out.append(path)
    return out


def reference_scene(paths: list[QPainterPath], classes: np.ndarray) -> QGraphicsScene:
    from humetrics_desktop.ui.map.choropleth_item import OUTLINE
    scene = QGraphicsScene()
    pen = QPen(OUTLINE, 0.5)
    pen.setCosmetic(True)
    for path, c in zip(paths, classes):
        item = QGraphicsPathItem(path)
        item.setBrush(QBrush(QColor(COLOURS[c])))
        item.setPen(pen)
        scene.addItem(item)
    return scene


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--size", default="1600x900")
    ap.add_argument("--hover-points", type=int, default=2000)
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    # importing humetrics_desktop.ui.map keeps None alive under PySide6 6.12 on Python 3.11: the
    # reference below makes about a million void calls (moveTo/lineTo), each dropping a reference
    import humetrics_desktop.ui.map  # noqa: F401
    app = QApplication.instance() or QApplication(sys.argv[:1])

    from humetrics_desktop.core.geo.choropleth import all_region_shapes
    from humetrics_desktop.ui.map.choropleth_item import ChoroplethItem

    t = time.perf_counter()
    shapes = all_region_shapes()
    prepare_s = time.perf_counter() - t          # load + project + flatten, once per session (core)
    n = len(shapes)
    classes = np.random.default_rng(0).integers(0, len(COLOURS), n)
    colours = [COLOURS[c] for c in classes]
    b = shapes.bounds
    rect = QRectF(b[:, 0].min(), b[:, 1].min(), b[:, 2].max() - b[:, 0].min(), b[:, 3].max() - b[:, 1].min())

    # ---- app
    def app_build():
        item = ChoroplethItem()
        item.set_shapes(shapes)
        item.set_colours(colours)
        scene = QGraphicsScene()
        scene.addItem(item)
        return scene, item
    app_build_s, (app_scene, item) = best(app_build, args.repeat)
    app_recolour_s, _ = best(lambda: item.set_colours(colours[::-1]), args.repeat)
    item.set_colours(colours)
    app_render_s, app_img = best(lambda: render(app_scene, rect, size), args.repeat)

    # ---- reference
    ref_paths_s, ref_p = best(lambda: reference_paths(shapes), args.repeat)
    ref_scene_s, ref_scene = best(lambda: reference_scene(ref_p, classes), args.repeat)
    ref_render_s, ref_img = best(lambda: render(ref_scene, rect, size), args.repeat)

    # ---- hover: random points over land and sea
    rng = np.random.default_rng(1)
    pts = [QPointF(x, y) for x, y in zip(rng.uniform(rect.left(), rect.right(), args.hover_points),
                                         rng.uniform(rect.top(), rect.bottom(), args.hover_points))]
    t = time.perf_counter()
    app_hits = [item.region_at(p) for p in pts]
    app_hover_ms = (time.perf_counter() - t) / len(pts) * 1000
    index_of = {id(it): i for i, it in enumerate(reversed(ref_scene.items()))}  # insertion order
    t = time.perf_counter()
    ref_hits = []
    for p in pts:
        hit = ref_scene.items(p, Qt.ItemSelectionMode.ContainsItemShape)
        ref_hits.append(index_of.get(id(hit[0])) if hit else None)
    ref_hover_ms = (time.perf_counter() - t) / len(pts) * 1000
    agree = float(np.mean([a == r for a, r in zip(app_hits, ref_hits)]))

    # the same picture: share of pixels that differ noticeably
    a = np.frombuffer(app_img.constBits(), np.uint8).reshape(size[1], size[0], 4).astype(int)
    r = np.frombuffer(ref_img.constBits(), np.uint8).reshape(size[1], size[0], 4).astype(int)
    differing = float((np.abs(a - r).max(axis=2) > 48).mean())

    app_total = app_build_s + app_render_s
    ref_total = ref_paths_s + ref_scene_s + ref_render_s
    print(json.dumps({
        "regions": n, "vertices": int(sum(len(x) for x in shapes.xy)), "image": list(size),
        "prepare_s (core: load, project, flatten; once)": round(prepare_s, 3),
        "app": {"build_item_s": round(app_build_s, 3),
                "recolour_s": round(app_recolour_s, 3), "render_s": round(app_render_s, 3),
                "draw_total_s": round(app_total, 3), "hover_ms": round(app_hover_ms, 3)},
        "reference": {"paths_s": round(ref_paths_s, 3), "scene_s": round(ref_scene_s, 3),
                      "render_s": round(ref_render_s, 3), "draw_total_s": round(ref_total, 3),
                      "hover_ms": round(ref_hover_ms, 3)},
        "ratios (reference / app)": {"draw_total": round(ref_total / app_total, 2),
                                     "build": round((ref_paths_s + ref_scene_s) / app_build_s, 2),
                                     "render": round(ref_render_s / app_render_s, 2),
                                     "hover": round(ref_hover_ms / app_hover_ms, 2)},
        "hover_agreement": round(agree, 4), "pixels_differing": round(differing, 4),
        "repeat": args.repeat,
    }, indent=1))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
