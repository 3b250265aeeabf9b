"""A self-contained HTML report: every text escaped, images inline, nothing loaded from elsewhere."""
from __future__ import annotations

import base64
import html

from .content import ReportContent

_STYLE = """
body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:60em;margin:2em auto;color:#1b1b1b;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em} .cover{color:#444;border-bottom:1px solid #ccc;padding-bottom:1em}
.finding{margin:1.6em 0;padding-top:.6em;border-top:1px solid #e4e4e4}
.finding h2{font-size:1.15em;margin:.2em 0} .evidence{color:#555;font-size:.92em}
img{max-width:100%;border:1px solid #ddd} .note{color:#666;font-size:.85em}
"""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def render_html(content: ReportContent, charts: dict[str, bytes] | None = None, inline: bool = True,
                image_width: int = 900) -> str:
    """charts: finding key -> PNG bytes. inline=False refers to images by name (for the PDF writer,
    which supplies them as document resources)."""
    charts = charts or {}
    period = content.period or {}
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        # forbid every external load, even if a future edit added one by mistake
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">",
        f"<title>{_esc(content.title)}</title><style>{_STYLE}</style></head><body>",
        f"<div class='cover'><h1>{_esc(content.title)}</h1>",
        f"<p><b>Period:</b> {_esc(period.get('start', '…'))} to {_esc(period.get('end', '…'))}<br>",
        f"<b>Filters:</b> {_esc(content.filters)}<br>",
        f"<b>Data:</b> {_esc(', '.join(content.data_summary) or 'none')}<br>",
        f"<b>Generated:</b> {_esc(content.generated)} by HuMetrics Desktop, offline</p>",
        f"<p class='note'>Groups of fewer than {content.suppression_k} people are not reported. "
        "Only findings that pass a statistical test (with a guard against testing many places at once) "
        "are listed, most important first.</p></div>",
    ]
    if not content.findings:
        parts.append("<p>No finding is statistically supported for this selection.</p>")
    for i, f in enumerate(content.findings, 1):
        parts.append(f"<div class='finding'><h2>{i}. {_esc(f.headline)}</h2>")
        parts.append(f"<p class='evidence'>{_esc(f.evidence)}</p>")
        png = charts.get(f.key)
        if png:
            src = ("data:image/png;base64," + base64.b64encode(png).decode("ascii")) if inline else _esc(chart_name(f.key))
            parts.append(f"<p><img src=\"{src}\" alt=\"{_esc(f.section)} view\" width=\"{int(image_width)}\"></p>")
        parts.append("</div>")
    parts.append("</body></html>")
    return "".join(parts)


def chart_name(key: str) -> str:
    return "chart-" + "".join(c if c.isalnum() else "-" for c in key) + ".png"
