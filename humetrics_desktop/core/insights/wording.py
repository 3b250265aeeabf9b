"""Numbers and places as people read them."""
from __future__ import annotations

from functools import lru_cache


def signed(x: float) -> str:
    """An NPS as it is usually written: +31, -14, 0."""
    return f"{x:+.0f}" if round(x) != 0 else "0"


def pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def points(diff: float) -> str:
    """A difference of shares in percentage points."""
    return f"{100 * diff:+.0f} points"


@lru_cache(maxsize=4096)
def place_name(code: str) -> str:
    """'US-CA' -> 'California', 'DE' -> 'Germany'; the code itself when unknown."""
    import pycountry
    if not code:
        return code
    if "-" in code:
        sub = pycountry.subdivisions.get(code=code)
        return sub.name if sub else code
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or (country.name if country else code)
