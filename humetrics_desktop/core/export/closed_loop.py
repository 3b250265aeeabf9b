"""Closed-loop export: the detractors to contact (or any selection) to CSV or XLSX.

By default nobody is identifiable in the file: the user id and every personal column (schema's
PERSONAL_COLUMNS and columns whose content looks like e-mail or IP addresses) are replaced by stable
pseudonyms (a keyed hash with the workspace's secret, so the same person gets the same pseudonym in
every export of that workspace and nobody without the secret can recompute it), or masked. Only an
explicit "keep" writes them as they are. Every text cell that a spreadsheet would run as a formula
(starting with = + - @ or a tab) is neutralised.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..privacy import mask_value, personal_columns, pseudonymise, safe_frame
from ..schema import PERSONAL_COLUMNS

PERSONAL_MODES = ("pseudonymise", "mask", "keep")
ID_COLUMNS = ("user_id",)
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit minus the header row


@dataclass
class ExportSummary:
    path: Path
    rows: int
    columns: list[str]
    personal: list[str] = field(default_factory=list)  # columns pseudonymised or masked
    mode: str = "pseudonymise"


def prepare_export(rows: pd.DataFrame, secret: bytes, personal: str = "pseudonymise",
                   columns: list[str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The frame as it will be written (personal columns handled, formulas neutralised, times as
    UTC text) and the list of personal columns that were changed."""
    if personal not in PERSONAL_MODES:
        raise ValueError(f"personal must be one of {PERSONAL_MODES}, not {personal!r}")
    df = rows[columns] if columns is not None else rows
    df = df.reset_index(drop=True).copy()
    found = [c for c in df.columns if c in ID_COLUMNS or str(c).lower() in PERSONAL_COLUMNS]
    found += [c for c in personal_columns(df) if c not in found]
    if personal == "pseudonymise":
        if not secret:
            raise ValueError("pseudonyms need the workspace's secret")
        for c in found:
            df[c] = pseudonymise(df[c].astype("string").astype(object).where(df[c].notna(), None), secret)
    elif personal == "mask":
        for c in found:
            df[c] = df[c].map(mask_value)
    for c in df.columns:
        s = df[c]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            df[c] = s.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%SZ").astype(object)
        elif isinstance(s.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(s):
            df[c] = s.astype(object).where(s.notna(), None)
    return safe_frame(df), (found if personal != "keep" else [])


def export_rows(rows: pd.DataFrame, path: str | Path, secret: bytes, personal: str = "pseudonymise",
                columns: list[str] | None = None) -> ExportSummary:
    """Write rows to path (.csv or .xlsx by its suffix). See the module note for what is protected."""
    path = Path(path)
    fmt = path.suffix.lower()
    if fmt not in (".csv", ".xlsx"):
        raise ValueError(f"{path.name}: export to .csv or .xlsx, not {fmt or 'a file without suffix'}")
    if fmt == ".xlsx" and len(rows) > XLSX_MAX_ROWS:
        raise ValueError(f"{path.name}: {len(rows):,} rows do not fit an Excel sheet "
                         f"({XLSX_MAX_ROWS:,} at most); export to CSV instead")
    df, changed = prepare_export(rows, secret, personal, columns)
    tmp = path.with_name(path.name + ".part")  # a half-written file never takes the real name
    if fmt == ".csv":
        # a BOM so that spreadsheet programs read UTF-8 names correctly
        df.to_csv(tmp, index=False, encoding="utf-8-sig")
    else:
        _write_xlsx(df, tmp)
    tmp.replace(path)
    return ExportSummary(path, len(df), [str(c) for c in df.columns], changed, personal)


def _write_xlsx(df: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("export")
    ws.append([str(c) for c in df.columns])
    for row in df.itertuples(index=False, name=None):
        cells = []
        for value in row:
            if value is None or value is pd.NA or (isinstance(value, float) and value != value):
                cells.append(None)
                continue
            if hasattr(value, "item"):  # numpy scalar -> Python
                value = value.item()
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula
            cells.append(cell)
        ws.append(cells)
    wb.save(path)
