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

from ..privacy import mask_value, personal_columns, pseudonymise, safe_cell
from ..progress import Progress
from ..schema import PERSONAL_COLUMNS

PERSONAL_MODES = ("pseudonymise", "mask", "keep")
ID_COLUMNS = ("user_id",)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")  # first characters safe_cell looks at
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
        elif isinstance(s.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(s) or s.dtype == object:
            df[c] = _neutralised(s)
    df.columns = [safe_cell(str(c)) for c in df.columns]
    return df, (found if personal != "keep" else [])


def _neutralised(s: pd.Series) -> pd.Series:
    """Text cells with safe_cell applied; it only changes cells whose first character can start a
    formula, so only those candidates go through it (a million cells stay fast)."""
    out = s.astype(object).where(s.notna(), None)
    text = out.astype("string")
    candidate = text.str[:1].isin(FORMULA_START).fillna(False).to_numpy()
    if candidate.any():
        out[candidate] = out[candidate].map(safe_cell)
    return out


def export_rows(rows: pd.DataFrame, path: str | Path, secret: bytes, personal: str = "pseudonymise",
                columns: list[str] | None = None, progress: Progress | None = None) -> ExportSummary:
    """Write rows to path (.csv or .xlsx by its suffix). See the module note for what is protected."""
    progress = progress or Progress()
    path = Path(path)
    fmt = path.suffix.lower()
    if fmt not in (".csv", ".xlsx"):
        raise ValueError(f"{path.name}: export to .csv or .xlsx, not {fmt or 'a file without suffix'}")
    if fmt == ".xlsx" and len(rows) > XLSX_MAX_ROWS:
        raise ValueError(f"{path.name}: {len(rows):,} rows do not fit an Excel sheet "
                         f"({XLSX_MAX_ROWS:,} at most); export to CSV instead")
    progress.set(0.0, f"Preparing {len(rows):,} rows")
    df, changed = prepare_export(rows, secret, personal, columns)
    tmp = path.with_name(path.name + ".part")  # a half-written file never takes the real name
    try:
        if fmt == ".csv":
            _write_csv(df, tmp, progress.sub(0.2, 1.0))
        else:
            _write_xlsx(df, tmp, progress.sub(0.2, 1.0))
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return ExportSummary(path, len(df), [str(c) for c in df.columns], changed, personal)


CHUNK = 50_000


def _write_csv(df: pd.DataFrame, path: Path, progress: Progress) -> None:
    # a BOM so that spreadsheet programs read UTF-8 names correctly
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        for start in range(0, max(len(df), 1), CHUNK):
            df.iloc[start:start + CHUNK].to_csv(f, index=False, header=start == 0, lineterminator="\n")
            progress.set(min(1.0, (start + CHUNK) / max(len(df), 1)), "Writing CSV")


def _write_xlsx(df: pd.DataFrame, path: Path, progress: Progress) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("export")
    ws.append([str(c) for c in df.columns])
    # Python values, None for missing; no text starts with "=" any more (neutralised), so openpyxl
    # never stores a cell as a formula
    columns = [df[c].astype(object).where(df[c].notna(), None).tolist() for c in df.columns]
    for i, row in enumerate(zip(*columns)):
        ws.append(row)
        if i % CHUNK == 0:
            progress.set(i / len(df), "Writing Excel workbook")
    wb.save(path)
    progress.set(1.0, "Workbook written")
