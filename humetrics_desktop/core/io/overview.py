"""The Data section's content: what was imported, how every row was accounted for, what failed."""
from __future__ import annotations

from typing import Any

from ..workspace import Workspace


def import_overview(ws: Workspace) -> dict[str, Any]:
    files = []
    for rep in ws.reports:
        files.append({
            "path": rep.path, "format": rep.format, "kind": rep.kind, **rep.to_dict(),
            "balanced": rep.balanced, "merged": rep.merged_identities,
            "top_reasons": ", ".join(f"{r} ({n})" for r, n in rep.reasons.most_common(3)),
            "messages": [e.message(rep.path) for e in rep.examples[:200]],
            "unmatched": dict(rep.unmatched.most_common(50)), "notes": list(rep.notes),
        })
    return {
        "files": files,
        "tables": {k: len(df) for k, df in ws.tables.items()},
        "layers": {n: {"rows": len(lay.table), **lay.meta} for n, lay in ws.layers.items()},
        "errors": list(ws.view_state.get("load_errors", [])),
    }
