"""The demo workspace: realistic generic-format exports with five planted stories.

`generate(out)` writes users.csv, events.parquet, nps.csv, feedback.csv, traffic.csv, layers/ and
manifest.json (what was planted, where and when). Same seed, same bytes.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..progress import Progress
from .activity import simulate
from .export import iso_utc, sha256, since_start, write_csv, write_events, write_json
from .feedback import make_feedback, make_traffic
from .layers import write_layers
from .plan import FEATURES, Plan, START, daily_factors, date_of, incident_days
from .people import GENDERS, PLANS, make_users
from .stories import describe_stories
from .survey import make_responses
from .world import build_world

GENERATOR_VERSION = "1.0"
__all__ = ["generate", "GENERATOR_VERSION"]


def generate(out: Path, users: int = 20_000, events: int = 1_000_000, seed: int = 0,
             progress: Progress | None = None) -> dict:
    """Write the demo workspace into `out` and return its manifest."""
    if users < 100 or events < users:
        raise ValueError(f"demo needs at least 100 users and as many events as users (got {users}, {events})")
    progress = progress or Progress()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    plan = Plan()
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)]

    progress.set(0.0, "building regions")
    world = build_world({plan.price.region: plan.price.region_share})
    incidents = incident_days(streams[0], plan.outage)
    day_factor, incident = daily_factors(incidents, plan.outage)

    progress.set(0.03, "drawing users")
    people = make_users(world, users, plan.age, streams[1])
    progress.set(0.08, "simulating activity")
    activity = simulate(people, world, plan, day_factor, events, streams[2])
    progress.set(0.45, "drawing survey and feedback")
    responses = make_responses(people, activity, world, plan, streams[3])
    feedback = make_feedback(people, activity, incident, plan.outage, streams[4])
    traffic = make_traffic(activity)

    width = max(6, len(str(users - 1)))
    numbers = pc.utf8_lpad(pc.cast(pa.array(np.arange(users)), pa.string()), width=width, padding="0")
    user_ids = pc.binary_join_element_wise("u", numbers, "")
    codes = pa.array(world.countries["code"].to_numpy(object), pa.string())
    regions = pa.array(world.regions["key"].to_numpy(object), pa.string())

    progress.set(0.5, "writing users")
    write_csv({
        "user_id": user_ids,
        "signup_at": iso_utc(since_start(people.signup_s)),
        "country": codes.take(people.country),
        "region": regions.take(people.region),
        "age": pd.array(people.age, dtype="Float64").astype("Int64"),
        "gender": GENDERS[people.gender],
        "language": people.language,
        "plan": PLANS[people.plan],
        "email": pc.binary_join_element_wise("demo.", user_ids, "@example.com", ""),
    }, out / "users.csv")

    write_events(out / "events.parquet", user_ids, activity.user, activity.time_ms, activity.event,
                 activity.session, FEATURES, progress.sub(0.55, 0.9))

    progress.set(0.9, "writing survey, feedback and traffic")
    write_csv({
        "response_id": responses["response_id"],
        "user_id": user_ids.take(responses["_user"].to_numpy()),
        "submitted_at": iso_utc(since_start(responses["_second"])),
        "score": responses["score"],
        "comment": responses["comment"],
    }, out / "nps.csv")
    author = feedback["_user"].to_numpy()
    write_csv({
        "feedback_id": feedback["feedback_id"],
        "created_at": iso_utc(since_start(feedback["_second"])),
        "source": feedback["source"],
        "text": feedback["text"],
        "rating": feedback["rating"],
        "user_id": pc.if_else(feedback["_support"].to_numpy(), user_ids.take(author), ""),
        "country": codes.take(people.country[author]),
    }, out / "feedback.csv")
    write_csv({
        "date": [date_of(d).isoformat() for d in traffic["day"]],
        "active_users": traffic["active_users"],
        "sessions": traffic["sessions"],
    }, out / "traffic.csv")
    layer_files = write_layers(world, out / "layers")

    progress.set(0.95, "writing manifest")
    files = [out / n for n in ("users.csv", "events.parquet", "nps.csv", "feedback.csv", "traffic.csv")]
    manifest = {
        "generator": "humetrics-demo",
        "version": GENERATOR_VERSION,
        "seed": seed,
        "product": "Quillpad, a fictional document-collaboration app",
        "period": {"start": START.isoformat(), "end": date_of(len(traffic) - 1).isoformat()},
        "sizes": {"users": users, "events": int(len(activity.user)), "active_user_days": int(len(activity.cell_day)),
                  "nps_rows": int(len(responses)), "feedback": int(len(feedback)), "traffic_days": int(len(traffic)),
                  "countries": int(len(np.unique(people.country))), "regions": int(len(np.unique(people.region)))},
        "files": [{"path": p.relative_to(out).as_posix(), "sha256": sha256(p)} for p in files + layer_files],
        "stories": describe_stories(plan, world, people, activity, responses, feedback, incidents),
    }
    write_json(manifest, out / "manifest.json")
    progress.set(1.0, "demo written")
    return manifest
