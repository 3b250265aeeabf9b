"""The canonical tables every importer produces and every metric reads.

Times are pandas datetime64 in UTC; countries ISO 3166-1 alpha-2 ("??" when unmatched); regions
ISO 3166-2 ("DE-BY") or HASC where no ISO code exists; ids are strings.
Importers may keep extra columns (e.g. properties) after the canonical ones.
"""
from __future__ import annotations

# kind -> canonical columns (required first, then optional)
KINDS: dict[str, dict[str, list[str]]] = {
    "profiles": {
        "required": ["user_id"],
        "optional": ["signup_at", "country", "region", "city", "age", "gender", "language", "plan",
                     "email", "name"],
    },
    "events": {
        "required": ["user_id", "timestamp", "event"],
        "optional": ["session_id", "duration_s", "country", "region", "city", "device_id"],
    },
    "survey": {
        "required": ["score"],
        "optional": ["response_id", "user_id", "submitted_at", "comment", "survey", "country",
                     "region", "email", "name"],
    },
    "reviews": {
        "required": ["text"],
        "optional": ["feedback_id", "created_at", "source", "rating", "user_id", "country", "region",
                     "language", "author"],
    },
    "traffic": {
        "required": ["date"],
        "optional": ["active_users", "sessions", "new_users", "country", "region"],
    },
    "layer": {
        "required": ["key"],
        "optional": ["name", "level"],
    },
}

TIME_COLUMN = {"events": "timestamp", "survey": "submitted_at", "reviews": "created_at",
               "traffic": "date", "profiles": "signup_at"}

UNKNOWN_COUNTRY = "??"

# Columns that identify a person: masked in every view and export unless unmasked for the session.
PERSONAL_COLUMNS = {"email", "name", "author", "ip", "phone"}


def canonical_columns(kind: str) -> list[str]:
    spec = KINDS[kind]
    return spec["required"] + spec["optional"]
