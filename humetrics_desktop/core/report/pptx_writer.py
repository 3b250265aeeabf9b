"""A PowerPoint deck: a cover slide, then one slide per finding with its chart; titles stay editable."""
from __future__ import annotations

import io
from pathlib import Path

from pptx import Presentation
from pptx.util import Emu, Inches, Pt

from .content import ReportContent


def write_pptx(content: ReportContent, path: Path, charts: dict[str, bytes] | None = None) -> Path:
    charts = charts or {}
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    cover = prs.slides.add_slide(prs.slide_layouts[0])
    cover.shapes.title.text = content.title
    period = content.period or {}
    cover.placeholders[1].text = (f"{period.get('start', '…')} to {period.get('end', '…')}\n"
                                  f"Filters: {content.filters}\n{', '.join(content.data_summary)}")
    for f in content.findings:
        slide = prs.slides.add_slide(prs.slide_layouts[5])  # title only: the title is a real, editable title
        slide.shapes.title.text = f.headline
        for p in slide.shapes.title.text_frame.paragraphs:
            for r in p.runs:
                r.font.size = Pt(22)
        top = Inches(1.9)
        png = charts.get(f.key)
        if png:
            pic = slide.shapes.add_picture(io.BytesIO(png), Inches(0.6), top, height=Inches(4.6))
            if pic.width > prs.slide_width - Inches(1.2):
                ratio = (prs.slide_width - Inches(1.2)) / pic.width
                pic.width, pic.height = Emu(int(pic.width * ratio)), Emu(int(pic.height * ratio))
        box = slide.shapes.add_textbox(Inches(0.6), Inches(6.6), prs.slide_width - Inches(1.2), Inches(0.8))
        box.text_frame.word_wrap = True
        box.text_frame.text = f.evidence
        for p in box.text_frame.paragraphs:
            for r in p.runs:
                r.font.size = Pt(12)
    prs.save(str(path))
    return path
