"""Writing selected rows out of the app (closed-loop follow-up lists): CSV and XLSX, privacy first."""
from .closed_loop import PERSONAL_MODES, ExportSummary, export_rows, prepare_export

__all__ = ["PERSONAL_MODES", "ExportSummary", "export_rows", "prepare_export"]
