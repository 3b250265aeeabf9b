"""One stage of benchmarks/bench_scale.py, run in a fresh process so that its peak memory is its own.

    python benchmarks/scale_stages.py STAGE DATA_DIR [ARG]

Prints one JSON object: the stage's figures, wall and CPU seconds, and peak RSS (resource.getrusage;
it includes the interpreter and the imported libraries, about 150-250 MB). App stages call the app's
core exactly as the window does; reference stages do the same job the plain way (pyarrow, pandas,
DuckDB) with no checks, so each ratio says what the app's checks and structure cost.
"""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cpu_seconds() -> float:
    """This process and its finished children (the sentiment pool's workers)."""
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def timed(fn: Callable[[], Any]) -> tuple[dict[str, float], Any]:
    """Wall and CPU seconds of fn() and the peak RSS once it has run."""
    t, c = time.perf_counter(), cpu_seconds()
    out = fn()
    return {"seconds": round(time.perf_counter() - t, 3), "cpu_seconds": round(cpu_seconds() - c, 2),
            "peak_rss_mb": peak_rss_mb()}, out


# ---- import ------------------------------------------------------------------------------------

def import_app(path: Path) -> dict:
    from humetrics_desktop.core.io.registry import read_any
    fig, res = timed(lambda: read_any(str(path)))
    r = res.report
    assert r.read == r.valid + r.duplicates + r.rejected
    return {**fig, "format": r.format, "read": r.read, "valid": r.valid, "duplicates": r.duplicates,
            "rejected": r.rejected, "table_mb": round(res.table.memory_usage(deep=True).sum() / 1e6, 1),
            "dtypes": {c: str(t) for c, t in res.table.dtypes.items()}}


def import_ref(path: Path) -> dict:
    """Parquet: pyarrow.parquet.read_table + to_pandas. CSV: pandas.read_csv (pyarrow engine) and
    the time column to UTC datetimes."""
    import pandas as pd
    import pyarrow.parquet as pq

    def read():
        if path.suffix == ".parquet":
            return pq.read_table(path).to_pandas()
        df = pd.read_csv(path, engine="pyarrow", dtype_backend="pyarrow")
        df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
        return df
    fig, df = timed(read)
    return {**fig, "read": len(df), "table_mb": round(df.memory_usage(deep=True).sum() / 1e6, 1)}


# ---- workspace: metrics, filter change, map ----------------------------------------------------

def _busiest_country(users_by_country: dict[str, int]) -> str:
    return max((c for c in users_by_country if c != "??"), key=users_by_country.get)


def workspace_app(data: Path) -> dict:
    from humetrics_desktop.core.filters import Filter, apply_filter
    from humetrics_desktop.core.geo.choropleth import all_region_shapes, colour_measure
    from humetrics_desktop.core.loading import load_paths
    from humetrics_desktop.core.metrics.dashboard import compute_metrics
    from humetrics_desktop.core.metrics.engagement import engagement_section
    from humetrics_desktop.core.metrics.growth import place_table

    out: dict[str, Any] = {}
    out["load_folder"], outcome = timed(lambda: load_paths([data]))
    assert outcome.errors == [], outcome.errors
    ws = outcome.workspace
    out["load_folder"]["rows"] = {r.kind: r.read for r in ws.reports}
    sections = ("users", "engagement", "nps")
    out["metrics_first"], m = timed(lambda: compute_metrics(ws, sections))
    out["metrics_again"], _ = timed(lambda: compute_metrics(ws, sections))
    country = _busiest_country(m["users"]["by_country"])

    def filtered_engagement():
        view = apply_filter(ws, Filter(countries=(country,)))
        return engagement_section(view.table("events"), view.table("profiles"))
    out["filter_change"], fe = timed(filtered_engagement)
    out["filter_change"]["country"] = country

    def map_table():
        table, _ = place_table(ws, None, "region")
        return table, colour_measure(table, "users", "users", "Users", suppressed="suppressed_users")
    out["map_table"], (table, _) = timed(map_table)
    out["map_table"]["rows"] = len(table)
    out["map_table_again"], _ = timed(map_table)  # the activity aggregate is built by now
    out["map_outlines"], shapes = timed(all_region_shapes)
    out["map_outlines"]["outlines"] = len(shapes)
    out["check"] = {"users_total": m["users"]["total"], "nps": round(m["nps"]["score"], 1),
                    "nps_responses": m["nps"]["responses"],
                    "mau_sum": sum(m["engagement"]["mau"].values()),
                    "dau_sum": sum(m["engagement"]["dau"].values()),
                    "filtered_mau_sum": sum(fe["mau"].values())}
    out["peak_rss_mb"] = peak_rss_mb()
    return out


_UD = """CREATE TABLE ud AS SELECT DISTINCT user_id, CAST(epoch_ms("timestamp") // 86400000 AS INTEGER) AS day
         FROM ev WHERE user_id IS NOT NULL AND event IS NOT NULL AND "timestamp" IS NOT NULL"""
# DAU, WAU, MAU per day: each active user-day counts on that day and the 6 / 29 days after it
_ACTIVE = """WITH days AS (SELECT min(day) AS lo, max(day) AS hi FROM ud {where})
    SELECT w, sum(n) FROM (
      SELECT w, day + k AS d, count(DISTINCT user_id) AS n
      FROM (SELECT * FROM ud {where}) u, (VALUES (1), (7), (30)) ws(w), range(0, 30) r(k)
      WHERE k < w GROUP BY w, d) t, days WHERE d BETWEEN days.lo AND days.hi GROUP BY w ORDER BY w"""


def workspace_ref(data: Path, country: str) -> dict:
    """The same figures as plain DuckDB queries over the same files (read by DuckDB)."""
    import duckdb
    con = duckdb.connect()
    out: dict[str, Any] = {}

    def load():
        con.execute(f"CREATE TABLE ev AS SELECT * FROM read_parquet('{data / 'events.parquet'}')")
        con.execute(f"CREATE TABLE us AS SELECT * FROM read_csv('{data / 'users.csv'}', all_varchar=true)")
        con.execute(f"CREATE TABLE nps AS SELECT * FROM read_csv('{data / 'nps.csv'}', all_varchar=true)")
        con.execute(f"CREATE TABLE fb AS SELECT * FROM read_csv('{data / 'feedback.csv'}', all_varchar=true)")
        con.execute(f"CREATE TABLE tr AS SELECT * FROM read_csv('{data / 'traffic.csv'}', all_varchar=true)")
    out["load_folder"], _ = timed(load)

    def metrics():
        users = con.execute("SELECT count(DISTINCT user_id) FROM us").fetchone()[0]
        by_country = dict(con.execute("SELECT coalesce(country, '??'), count(*) FROM us GROUP BY 1").fetchall())
        con.execute("DROP TABLE IF EXISTS ud")
        con.execute(_UD)
        active = dict(con.execute(_ACTIVE.format(where="")).fetchall())
        nps, n = con.execute("""SELECT round(100 * (avg((s >= 9)::INT) - avg((s <= 6)::INT)), 1), count(*)
            FROM (SELECT DISTINCT ON (response_id) TRY_CAST(score AS INTEGER) AS s FROM nps)
            WHERE s BETWEEN 0 AND 10""").fetchone()
        return {"users_total": users, "by_country": by_country, "nps": nps, "nps_responses": n,
                "dau_sum": active[1], "mau_sum": active[30]}
    out["metrics_first"], m = timed(metrics)
    out["metrics_again"], _ = timed(metrics)

    def filtered():
        con.execute("DROP TABLE IF EXISTS ud")
        con.execute(_UD)
        where = f"WHERE user_id IN (SELECT user_id FROM us WHERE country = '{country}')"
        return dict(con.execute(_ACTIVE.format(where=where)).fetchall())
    out["filter_change"], fa = timed(filtered)
    # per region: users, users active in the period, NPS responses and score (the map's main measures)
    out["map_table"], regions = timed(lambda: con.execute("""
        WITH a AS (SELECT us.region, count(DISTINCT ud.user_id) AS active FROM ud JOIN us USING (user_id)
                   GROUP BY 1),
             n AS (SELECT us.region, count(*) AS responses,
                          100 * (avg((TRY_CAST(score AS INTEGER) >= 9)::INT)
                                 - avg((TRY_CAST(score AS INTEGER) <= 6)::INT)) AS nps
                   FROM nps JOIN us USING (user_id) GROUP BY 1)
        SELECT u.region, u.users, a.active, n.responses, n.nps
        FROM (SELECT region, count(*) AS users FROM us GROUP BY 1) u
        LEFT JOIN a USING (region) LEFT JOIN n USING (region)""").fetchall())
    out["map_table"]["rows"] = len(regions)
    out["map_table_again"] = out["map_table"]

    def outlines():
        import geopandas as gpd
        import shapely
        from humetrics_desktop.core.geo.boundaries import geo_dir
        from humetrics_desktop.core.geo.projection import WORLD_CRS
        gdf = gpd.read_parquet(geo_dir() / "regions.parquet").to_crs(WORLD_CRS)
        return shapely.get_coordinates(gdf.geometry.values)
    out["map_outlines"], _ = timed(outlines)
    out["check"] = {k: m[k] for k in ("users_total", "nps", "nps_responses", "mau_sum", "dau_sum")}
    out["check"]["filtered_mau_sum"] = fa[30]
    out["peak_rss_mb"] = peak_rss_mb()
    return out


# ---- sentiment ---------------------------------------------------------------------------------

def _texts(data: Path, n: int) -> list[str]:
    import pandas as pd
    texts = pd.concat([pd.read_csv(data / "feedback.csv", usecols=["text"])["text"],
                       pd.read_csv(data / "nps.csv", usecols=["comment"])["comment"]]).dropna()
    texts = texts[texts.str.strip() != ""].tolist()
    # the demo's texts repeat phrases; numbering keeps every text distinct, as real comments are
    return [f"{texts[i % len(texts)]} (#{i})" for i in range(n)]


def sentiment_app(data: Path, n: str) -> dict:
    from humetrics_desktop.core.text.models import model_spec
    from humetrics_desktop.core.text.scoring import default_workers, score_texts
    texts = _texts(data, int(n))
    fig, _ = timed(lambda: score_texts(texts, model_spec("textblob")))
    return {**fig, "texts": len(texts), "workers": default_workers(),
            "texts_per_s": round(len(texts) / fig["seconds"])}


def sentiment_ref(data: Path, n: str) -> dict:
    """TextBlob(text).sentiment for each text in one process, what a plain script does."""
    from textblob import TextBlob
    texts = _texts(data, int(n))
    fig, _ = timed(lambda: [TextBlob(t).sentiment.polarity for t in texts])
    return {**fig, "texts": len(texts), "texts_per_s": round(len(texts) / fig["seconds"])}


STAGES: dict[str, Callable[..., dict]] = {
    "import_app": import_app, "import_ref": import_ref, "workspace_app": workspace_app,
    "workspace_ref": workspace_ref, "sentiment_app": sentiment_app, "sentiment_ref": sentiment_ref,
}

if __name__ == "__main__":
    stage, target, *rest = sys.argv[1:]
    print(json.dumps(STAGES[stage](Path(target), *rest), default=str))
