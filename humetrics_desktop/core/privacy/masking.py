"""Masking and stable pseudonyms for personal fields."""
from __future__ import annotations

import hmac
import re

import pandas as pd

from ..schema import PERSONAL_COLUMNS

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"^\+?[\d\s().-]{7,}$")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")

_NAME_HINTS = ("email", "e-mail", "mail", "name", "first_name", "last_name", "full_name", "phone",
               "mobile", "ip", "ip_address", "$ip", "address", "author", "reviewer", "username",
               "$email", "$name", "$phone")


def personal_columns(df: pd.DataFrame, sample: int = 200) -> list[str]:
    """Columns holding personal data: by name, or by content (e-mails, phone numbers, IP addresses)."""
    found = []
    for col in df.columns:
        low = str(col).lower().strip()
        leaf = low.split(".")[-1]
        if low in PERSONAL_COLUMNS or leaf in _NAME_HINTS or low in _NAME_HINTS:
            found.append(col)
            continue
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
            vals = df[col].dropna().astype(str).head(sample)
            if len(vals) and (vals.str.fullmatch(_EMAIL.pattern).mean() > 0.5
                              or vals.str.fullmatch(_IPV4.pattern).mean() > 0.5):
                found.append(col)
    return found


def mask_value(value: object) -> str:
    """Keep a hint of the shape, hide the content: 'ann@example.org' -> 'a***@e***'."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    s = str(value)
    if not s:
        return ""
    m = _EMAIL.fullmatch(s)
    if m:
        user, domain = s.split("@", 1)
        return f"{user[0]}***@{domain[0]}***"
    return s[0] + "***"


def pseudonymise(values: pd.Series, secret: bytes, prefix: str = "p_") -> pd.Series:
    """Stable pseudonyms (keyed hash with the workspace's secret): the same person gets the same
    pseudonym within a workspace, and nobody without the secret can reverse or recompute it."""
    def one(v: object) -> str:
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return ""
        return prefix + hmac.digest(secret, str(v).encode("utf-8"), "sha256").hex()[:12]
    uniques = pd.unique(values)
    lookup = {u: one(u) for u in uniques}
    return values.map(lookup)


def mask_personal(df: pd.DataFrame, secret: bytes | None = None, columns: list[str] | None = None,
                  id_columns: tuple[str, ...] = ("user_id",)) -> pd.DataFrame:
    """A copy with personal columns masked and id columns pseudonymised (when a secret is given)."""
    out = df.copy()
    for col in columns if columns is not None else personal_columns(df):
        out[col] = out[col].map(mask_value)
    if secret is not None:
        for col in id_columns:
            if col in out.columns:
                out[col] = pseudonymise(out[col], secret)
    return out
