import re

from pptx import Presentation

from humetrics_desktop.core.insights import Finding
from humetrics_desktop.core.report.content import ReportContent
from humetrics_desktop.core.report.html_writer import render_html
from humetrics_desktop.core.report.pptx_writer import write_pptx

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _content(headline="NPS fell <script>alert(1)</script> & more"):
    f = Finding(key="nps-decline:region:US-CA", section="nps", headline=headline,
                evidence="n = 500; z = -4.2", n=500, p_value=0.001, effect=2.0)
    return ReportContent(title="Q3 <review>", period={"start": "2026-01-01", "end": "2026-06-30"},
                         filters="countries US", suppression_k=10, generated="now",
                         data_summary=["500 survey responses"], findings=[f])


def test_html_escapes_all_text_and_loads_nothing():
    html = render_html(_content(), {"nps-decline:region:US-CA": PNG})
    assert "<script>" not in html and "&lt;script&gt;" in html and "Q3 &lt;review&gt;" in html
    # no external reference: only data: images, no links, scripts or stylesheets from elsewhere
    assert not re.search(r"(src|href)=[\"'](?!data:)", html)
    assert "<script" not in html and "@import" not in html
    assert "data:image/png;base64," in html and "countries US" in html and "2026-01-01" in html


def test_pptx_has_a_cover_and_one_editable_slide_per_finding(tmp_path):
    path = write_pptx(_content("NPS fell"), tmp_path / "r.pptx", {"nps-decline:region:US-CA": PNG})
    prs = Presentation(str(path))
    assert len(prs.slides) == 2
    slide = prs.slides[1]
    assert slide.shapes.title.text == "NPS fell"
    assert any(sh.shape_type == 13 for sh in slide.shapes)  # a picture
