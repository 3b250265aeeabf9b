"""The countries of the demo workspace, with approximate public figures (rounded, about 2023, of the
kind the UN publishes for population and the ITU for internet use; good enough for a synthetic demo,
not a reference).

population_m: residents in millions; internet: share of residents online; income: World Bank-style
income group of the country; median_age drives the synthetic age pyramid of the reference
population; utc_offset: hours of the main time zone (used to place sessions in the local day);
languages: (ISO 639-1 code, share of the country's users) pairs.

Users are drawn in proportion to population x internet share x a market factor (see people.py):
the demo product is a US-based document app that earns more of its users in richer markets.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    code: str
    population_m: float
    internet: float
    income: str
    median_age: float
    utc_offset: float
    languages: tuple[tuple[str, float], ...]


def _c(code, pop, net, income, age, tz, *langs) -> Country:
    return Country(code, pop, net, income, age, tz, tuple(langs))


HOME_MARKET = "US"

COUNTRIES: tuple[Country, ...] = (
    _c("US", 335, 0.92, "high", 38, -6, ("en", 0.88), ("es", 0.12)),
    _c("IN", 1430, 0.52, "lower-middle", 28, 5.5, ("en", 0.6), ("hi", 0.4)),
    _c("BR", 216, 0.84, "upper-middle", 33, -3, ("pt", 1.0)),
    _c("ID", 278, 0.69, "upper-middle", 30, 7, ("id", 0.8), ("en", 0.2)),
    _c("NG", 224, 0.45, "lower-middle", 18, 1, ("en", 1.0)),
    _c("PK", 240, 0.33, "lower-middle", 21, 5, ("en", 0.5), ("ur", 0.5)),
    _c("BD", 173, 0.39, "lower-middle", 27, 6, ("bn", 0.6), ("en", 0.4)),
    _c("MX", 129, 0.78, "upper-middle", 29, -6, ("es", 1.0)),
    _c("JP", 124, 0.83, "high", 48, 9, ("ja", 0.95), ("en", 0.05)),
    _c("PH", 117, 0.74, "lower-middle", 25, 8, ("en", 0.6), ("tl", 0.4)),
    _c("VN", 99, 0.79, "lower-middle", 32, 7, ("vi", 0.9), ("en", 0.1)),
    _c("EG", 113, 0.72, "lower-middle", 24, 2, ("ar", 0.8), ("en", 0.2)),
    _c("TR", 86, 0.86, "upper-middle", 32, 3, ("tr", 0.9), ("en", 0.1)),
    _c("DE", 84, 0.92, "high", 45, 1, ("de", 0.88), ("en", 0.12)),
    _c("TH", 72, 0.88, "upper-middle", 40, 7, ("th", 0.9), ("en", 0.1)),
    _c("GB", 68, 0.96, "high", 40, 0, ("en", 1.0)),
    _c("FR", 68, 0.86, "high", 42, 1, ("fr", 0.92), ("en", 0.08)),
    _c("IT", 59, 0.86, "high", 47, 1, ("it", 0.9), ("en", 0.1)),
    _c("ZA", 60, 0.72, "upper-middle", 28, 2, ("en", 0.8), ("af", 0.2)),
    _c("KR", 52, 0.97, "high", 44, 9, ("ko", 0.95), ("en", 0.05)),
    _c("CO", 52, 0.75, "upper-middle", 31, -5, ("es", 1.0)),
    _c("ES", 48, 0.95, "high", 45, 1, ("es", 0.92), ("en", 0.08)),
    _c("AR", 46, 0.89, "upper-middle", 32, -3, ("es", 1.0)),
    _c("PL", 37, 0.87, "high", 41, 1, ("pl", 0.9), ("en", 0.1)),
    _c("CA", 39, 0.94, "high", 41, -5, ("en", 0.78), ("fr", 0.22)),
    _c("KE", 55, 0.40, "lower-middle", 20, 3, ("en", 0.7), ("sw", 0.3)),
    _c("MA", 37, 0.90, "lower-middle", 29, 1, ("ar", 0.6), ("fr", 0.4)),
    _c("UA", 38, 0.79, "upper-middle", 41, 2, ("uk", 0.85), ("en", 0.15)),
    _c("SA", 37, 0.99, "high", 31, 3, ("ar", 0.8), ("en", 0.2)),
    _c("AU", 27, 0.96, "high", 38, 10, ("en", 1.0)),
    _c("MY", 34, 0.97, "upper-middle", 30, 8, ("ms", 0.6), ("en", 0.4)),
    _c("PE", 34, 0.75, "upper-middle", 30, -5, ("es", 1.0)),
    _c("NL", 18, 0.97, "high", 42, 1, ("nl", 0.8), ("en", 0.2)),
    _c("CL", 20, 0.90, "high", 35, -4, ("es", 1.0)),
    _c("SE", 10.5, 0.95, "high", 41, 1, ("sv", 0.8), ("en", 0.2)),
    _c("BE", 11.7, 0.94, "high", 41, 1, ("nl", 0.55), ("fr", 0.45)),
    _c("PT", 10.4, 0.86, "high", 46, 0, ("pt", 1.0)),
    _c("CH", 8.8, 0.96, "high", 43, 1, ("de", 0.63), ("fr", 0.23), ("it", 0.08), ("en", 0.06)),
    _c("AT", 9.1, 0.93, "high", 44, 1, ("de", 0.95), ("en", 0.05)),
    _c("ET", 127, 0.19, "low", 19, 3, ("am", 0.6), ("en", 0.4)),
    _c("UG", 48, 0.10, "low", 16, 3, ("en", 1.0)),
)

INCOME_GROUPS: tuple[str, ...] = ("low", "lower-middle", "upper-middle", "high")
