"""Usage metrics at scale: the app's code against a straightforward polars implementation of the same
metrics, timed in the same run on the same events; plus a filter change and peak memory.

    python benchmarks/bench_engagement.py [--data DIR] [--users 1000000] [--events 10000000] [--repeat 2]

DIR holds a demo workspace (events.parquet, users.csv); without it one is generated with
`humetrics_desktop.core.demo.generate` into a temporary folder. Each implementation runs in a fresh
process (so peak memory is its own), alternating, best of --repeat. Prints JSON on stdout.
Targets (issue 7): app <= 1.5 x reference; filter change < 0.3 s; peak memory < 3 GB. Wall times
depend on what else runs on the machine: the load average and CPU seconds are printed beside them.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pandas as pd
import polars as pl


def load(data: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    events = pd.read_parquet(data / "events.parquet")
    events["timestamp"] = pd.to_datetime(events["timestamp"], utc=True)
    users = pd.read_csv(data / "users.csv", usecols=["user_id", "country", "region"], dtype=str)
    return events, users


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- the app -------------------------------------------------------------------------------------

def run_app(events: pd.DataFrame, users: pd.DataFrame) -> dict:
    from humetrics_desktop.core.filters import Filter
    from humetrics_desktop.core.metrics.activity import cached_activity
    from humetrics_desktop.core.metrics.usage import usage_for_workspace
    from humetrics_desktop.core.workspace import Workspace

    ws = Workspace(tables={"events": events, "profiles": users})
    t0 = time.perf_counter()
    cached_activity(events, users)  # the pre-aggregate; usage_for_workspace finds it cached
    build_s = time.perf_counter() - t0
    res = usage_for_workspace(ws, Filter())
    seconds = time.perf_counter() - t0
    # filter changes as the window makes them: map clicks on countries and a region (the per-user
    # country and region codes were made with the first result); a filter seen before is kept.
    countries = users["country"].value_counts().index
    region = users.loc[users["country"] == countries[0], "region"].value_counts().index[0]
    filters = {}
    for name, flt in ((f"country {countries[1]}", Filter(countries=(countries[1],))),
                      (f"country {countries[0]}", Filter(countries=(countries[0],))),
                      (f"region {region}", Filter(regions=(region,))),
                      (f"country {countries[2]}", Filter(countries=(countries[2],))),
                      ("back to no filter (kept result)", Filter())):
        f0, c0 = time.perf_counter(), time.process_time()
        usage_for_workspace(ws, flt)
        filters[name] = {"wall_s": round(time.perf_counter() - f0, 3), "cpu_s": round(time.process_time() - c0, 3)}
    filters["user_shares"] = {c: round(float((users["country"] == c).mean()), 3) for c in countries[:3]}
    filters["user_shares"][region] = round(float((users["region"] == region).mean()), 3)
    return {"seconds": seconds, "build_s": round(build_s, 3), "metrics_s": round(seconds - build_s, 3),
            "filter_change": filters, "check": _app_check(res)}


def _app_check(res) -> dict:
    a = res.active
    ret = res.retention.cells
    return {"dau": int(a["dau"].sum()), "wau_last": int(a["wau"].iloc[-1]), "mau_last": int(a["mau"].iloc[-1]),
            "lifecycle": {k: int(res.lifecycle[k].sum()) for k in ("new", "returning", "resurrecting", "dormant")},
            "retention_users": int(ret["users"].sum()),
            "adopters_end": int(res.adoption.loc[res.adoption["date"] == res.adoption["date"].max(), "adopters"].sum()),
            "sessions": int(res.session_lengths["sessions"].sum()),
            "l30": int(res.power30["users"].sum())}


# ---- the reference: straightforward polars over the raw events ------------------------------------

def run_reference(events: pd.DataFrame) -> dict:
    t0 = time.perf_counter()
    cols = ["user_id", "timestamp", "event"] + (["session_id"] if "session_id" in events.columns else [])
    ev = pl.from_pandas(events[cols]).with_columns(day=pl.col("timestamp").dt.date())
    ud = ev.select("user_id", "day").unique()
    first, last = ud["day"].min(), ud["day"].max()
    days = pl.DataFrame({"day": pl.date_range(first, last, "1d", eager=True)})

    dau = ud.group_by("day").agg(dau=pl.len())

    def rolling(df: pl.DataFrame, n: int, by: list[str] | None = None) -> pl.DataFrame:
        return (df.sort("day").group_by_dynamic("day", every="1d", period=f"{n}d", offset=f"-{n - 1}d",
                                                group_by=by, label="left")
                .agg(users=pl.col("user_id").n_unique())
                .with_columns(day=pl.col("day") + pl.duration(days=n - 1)))

    wau = rolling(ud, 7).rename({"users": "wau"})
    mau = rolling(ud, 30).rename({"users": "mau"})
    active = (days.join(dau, on="day", how="left").join(wau, on="day", how="left")
              .join(mau, on="day", how="left").fill_null(0)
              .with_columns(stickiness=pl.col("dau") / pl.col("mau")))

    week = pl.col("day").dt.truncate("1w")
    uw = ud.with_columns(week=week)
    days_active = (uw.group_by("user_id", "week").agg(k=pl.len()).group_by("week", "k").agg(users=pl.len()))
    l7 = ud.filter(pl.col("day") > last - pl.duration(days=7)).group_by("user_id").agg(k=pl.len()).group_by("k").agg(users=pl.len())
    l30 = ud.filter(pl.col("day") > last - pl.duration(days=30)).group_by("user_id").agg(k=pl.len()).group_by("k").agg(users=pl.len())

    uwk = uw.select("user_id", "week").unique()
    fw = uwk.group_by("user_id").agg(fw=pl.col("week").min())
    cls = (uwk.sort("user_id", "week").join(fw, on="user_id")
           .with_columns(prev=pl.col("week").shift(1).over("user_id"))
           .with_columns(kind=pl.when(pl.col("week") == pl.col("fw")).then(pl.lit("new"))
                         .when(pl.col("prev") == pl.col("week") - pl.duration(days=7)).then(pl.lit("returning"))
                         .otherwise(pl.lit("resurrecting"))))
    nxt = uwk.with_columns(week=pl.col("week") - pl.duration(days=7))
    dormant = (uwk.join(nxt, on=["user_id", "week"], how="anti")
               .with_columns(week=pl.col("week") + pl.duration(days=7))
               .filter(pl.col("week") <= uwk["week"].max())
               .group_by("week").agg(dormant=pl.len()))
    lifecycle = cls.group_by("week").agg(
        **{k: (pl.col("kind") == k).sum() for k in ("new", "returning", "resurrecting")}).join(
        dormant, on="week", how="full", coalesce=True)

    # the last ISO week that has fully elapsed (python date arithmetic: `last` is a date)
    end_week = last - timedelta(days=last.weekday())
    last_full_week = end_week if last.weekday() == 6 else end_week - timedelta(days=7)
    cohorts = uwk.join(fw, on="user_id").with_columns(k=((pl.col("week") - pl.col("fw")).dt.total_days() // 7))
    sizes = fw.group_by("fw").agg(size=pl.len())
    retention = (cohorts.filter(pl.col("week") <= last_full_week)
                 .group_by("fw", "k").agg(users=pl.col("user_id").n_unique())
                 .join(sizes, on="fw").with_columns(rate=pl.col("users") / pl.col("size")))

    ude = ev.select("user_id", "day", "event").unique()
    adoption = (rolling(ude, 30, ["event"]).join(mau, on="day")
                .with_columns(share=pl.col("users") / pl.col("mau")))
    recent = ude.filter(pl.col("day") > last - pl.duration(days=30))
    mau_end = recent["user_id"].n_unique()
    matrix = recent.group_by("event").agg(adopters=pl.col("user_id").n_unique(), days=pl.len()).with_columns(
        breadth=pl.col("adopters") / mau_end, frequency=pl.col("days") / pl.col("adopters"))
    matrix = matrix.with_columns(
        core=(pl.col("breadth") >= pl.col("breadth").median()) & (pl.col("frequency") >= pl.col("frequency").median()))

    if "session_id" in ev.columns:
        sess = ev.group_by("user_id", "session_id").agg(start=pl.col("timestamp").min(), end=pl.col("timestamp").max())
    else:
        s = ev.select("user_id", "timestamp").sort("user_id", "timestamp").with_columns(
            new=(pl.col("timestamp").diff().over("user_id").fill_null(pl.duration(hours=1))
                 > pl.duration(minutes=30)).cast(pl.Int64))
        s = s.with_columns(sid=pl.col("new").cum_sum().over("user_id"))
        sess = s.group_by("user_id", "sid").agg(start=pl.col("timestamp").min(), end=pl.col("timestamp").max())
    sess = sess.with_columns(length=(pl.col("end") - pl.col("start")).dt.total_seconds(), day=pl.col("start").dt.date())
    session_daily = sess.group_by("day").agg(sessions=pl.len(), mean=pl.col("length").mean())
    median_length = sess["length"].median()
    length_class = sum((pl.col("length") >= edge).cast(pl.Int32) for edge in (1, 60, 300, 900, 1800, 3600, 14400))
    lengths = sess.group_by(length_class.alias("cls")).len()
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "check": {
        "dau": int(active["dau"].sum()), "wau_last": int(active["wau"][-1]), "mau_last": int(active["mau"][-1]),
        "lifecycle": {k: int(lifecycle[k].fill_null(0).sum()) for k in ("new", "returning", "resurrecting", "dormant")},
        "retention_users": int(retention["users"].sum()),
        "adopters_end": int(adoption.filter(pl.col("day") == last)["users"].sum()),
        "sessions": int(session_daily["sessions"].sum()), "l30": int(l30["users"].sum()),
        "_": (days_active.height, l7.height, matrix.height, lengths.height, median_length)}}


# ---- driver ---------------------------------------------------------------------------------------

def child(which: str, data: Path) -> None:
    events, users = load(data)
    c0 = time.process_time()
    out = run_app(events, users) if which == "app" else run_reference(events)
    out["cpu_s_total"] = round(time.process_time() - c0, 3)
    out["check"].pop("_", None)
    out["peak_rss_mb"] = round(peak_rss_mb())
    out["input_rows"] = len(events)
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path)
    ap.add_argument("--users", type=int, default=1_000_000)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--child", choices=["app", "reference"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.data)
        return
    tmp = None
    data = args.data
    if data is None:
        from humetrics_desktop.core.demo import generate
        tmp = tempfile.TemporaryDirectory(prefix="hm-bench-")
        data = Path(tmp.name)
        print(f"generating {args.users} users / {args.events} events ...", file=sys.stderr)
        generate(data, users=args.users, events=args.events, seed=0)
    runs: dict[str, list[dict]] = {"app": [], "reference": []}
    for i in range(args.repeat):
        for which in ("app", "reference"):
            res = subprocess.run([sys.executable, __file__, "--child", which, "--data", str(data)],
                                 capture_output=True, text=True, check=True)
            runs[which].append(json.loads(res.stdout.strip().splitlines()[-1]))
            print(f"{which} run {i + 1}: {runs[which][-1]['seconds']:.2f} s", file=sys.stderr)
    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in runs.items()}
    app, ref = best["app"], best["reference"]
    print(json.dumps({
        "events": app["input_rows"], "data": str(args.data or "generated demo"),
        "app_seconds": round(app["seconds"], 3), "app_build_s": app["build_s"], "app_metrics_s": app["metrics_s"],
        "reference_polars_seconds": round(ref["seconds"], 3),
        "ratio_app_to_reference": round(app["seconds"] / ref["seconds"], 3),
        "filter_change_s": app["filter_change"],
        "peak_rss_mb": {"app": app["peak_rss_mb"], "reference": ref["peak_rss_mb"]},
        "cpu_s_total": {"app": app["cpu_s_total"], "reference": ref["cpu_s_total"]},
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
        "same_numbers": app["check"] == ref["check"],
        "check": {"app": app["check"], "reference": ref["check"]},
        "all_runs_s": {k: [round(r["seconds"], 3) for r in v] for k, v in runs.items()},
    }, indent=1))
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
