"""What a report says: its cover (data, period, filters) and its findings. Writers render it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..filters import Filter, apply_filter
from ..insights import Finding, find_all
from ..metrics.dashboard import period_of
from ..privacy import DEFAULT_K
from ..progress import Progress
from ..workspace import Workspace


DEFAULT_TITLE = "What the data say about our users"


@dataclass
class ReportContent:
    title: str
    period: dict[str, str] | None
    filters: str
    suppression_k: int
    generated: str
    data_summary: list[str]
    findings: list[Finding] = field(default_factory=list)


def build_report(ws: Workspace, flt: Filter | None = None, k: int = DEFAULT_K, title: str = DEFAULT_TITLE,
                 progress: Progress | None = None) -> ReportContent:
    progress = progress or Progress()
    flt = flt or Filter()
    view = apply_filter(ws, flt)
    summary = []
    labels = {"profiles": "people", "events": "events", "survey": "survey responses",
              "reviews": "reviews and posts", "traffic": "days of traffic"}
    for kind, df in view.tables.items():
        summary.append(f"{len(df):,} {labels.get(kind, kind)}")
    findings = find_all(ws, flt, k, progress.sub(0, 0.95))
    progress.set(1.0, "Report content ready")
    return ReportContent(
        title=title, period=period_of(view, flt), filters=flt.describe(), suppression_k=k,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        data_summary=summary, findings=findings)
