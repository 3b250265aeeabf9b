"""Reports to PDF, HTML and PPTX. The content comes from core; this renders the charts (the views
behind each finding, drawn offscreen) and, for PDF, lays the HTML out with Qt."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..core.filters import Filter
from ..core.progress import Progress
from ..core.report.content import ReportContent, build_report
from ..core.report.html_writer import chart_name, render_html
from ..core.workspace import Workspace
from .qt_app import ensure_app

CHART_SIZE = (1200, 720)




def render_charts(ws: Workspace, content: ReportContent, flt: Filter, settings: dict) -> dict[str, bytes]:
    """PNG of the view behind each finding, focused on it where the view supports that."""
    app = ensure_app()
    from PySide6.QtCore import QBuffer, QIODevice
    from .sections import section_classes
    classes = {cls.name: cls for cls in section_classes()}
    results: dict[str, object] = {}
    charts = {}
    for f in content.findings:
        cls = classes.get(f.section)
        if cls is None:
            continue
        if f.section not in results:
            results[f.section] = cls.job(ws, flt, settings)(Progress())
        view = cls()
        view.resize(*CHART_SIZE)
        view.show_result(results[f.section])
        if hasattr(view, "focus_on"):
            view.focus_on(f.context)
        view.show()
        for _ in range(5):
            app.processEvents()
        buf = QBuffer()
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        view.grab().save(buf, "PNG")
        charts[f.key] = bytes(buf.data())
        view.close()
        view.deleteLater()
    return charts


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary document
    os.replace(tmp, path)


def write_pdf(content: ReportContent, charts: dict[str, bytes], path: Path) -> None:
    from PySide6.QtCore import QMarginsF, QUrl
    from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument
    doc = QTextDocument()
    for key, png in charts.items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(chart_name(key)), QImage.fromData(png))
    tmp = path.with_name(path.name + ".partial")
    writer = QPdfWriter(str(tmp))
    writer.setResolution(96)  # lay the document out at screen scale, so type and images keep their size
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    writer.setTitle(content.title)
    writer.setCreator("HuMetrics Desktop")
    page = writer.pageLayout().paintRectPixels(writer.resolution()).size()
    doc.setPageSize(page.toSizeF())
    doc.setHtml(render_html(content, charts, inline=False, image_width=page.width() - 20))
    doc.print_(writer)
    del writer
    os.replace(tmp, path)


def export_report(ws: Workspace, out: Path, flt: Filter | None = None, settings: dict | None = None,
                  content: ReportContent | None = None) -> Path:
    """Write the report; the format follows the suffix (.pdf, .html, .pptx)."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm", ".pptx"):
        raise ValueError(f"{out}: choose a .pdf, .html or .pptx file name")
    flt = flt or Filter()
    settings = settings or {}
    k = int(settings.get("suppression_k", 10))
    content = content or build_report(ws, flt, k)
    charts = render_charts(ws, content, flt, {"suppression_k": k, **settings})
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix in (".html", ".htm"):
        _atomic_write(out, render_html(content, charts).encode("utf-8"))
    elif suffix == ".pptx":
        from ..core.report.pptx_writer import write_pptx
        tmp = out.with_name(out.name + ".partial.pptx")
        write_pptx(content, tmp, charts)
        os.replace(tmp, out)
    else:
        write_pdf(content, charts, out)
    return out
