"""The pure helpers of scripts/build_boundaries.py (the build itself needs the wheels)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import box

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_boundaries.py"
spec = importlib.util.spec_from_file_location("build_boundaries", SCRIPT)
bb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bb)


def test_name_variants_cover_inverted_and_bracketed_iso_names():
    assert {"principado de asturias", "asturias"} <= bb.name_variants("Asturias, Principado de")
    assert "isle of anglesey" in bb.name_variants("Isle of Anglesey [Sir Ynys Môn GB-YNM]")
    assert bb.fold("Île-de-France") == "ile de france"


def test_other_names_parse_language_tagged_lists():
    info = {"localOtherName": "서울 (kor), Seoul (eng), Seoul Special City (eng)"}
    assert bb.other_names(info) == ["서울", "Seoul", "Seoul Special City"]


def test_clean_coverage_removes_overlaps_and_slivers_and_keeps_enclaves():
    left = box(0, 0, 1.0, 1)
    right = box(1.001, 0, 2, 1)            # a 0.001-wide sliver between left and right ...
    top, bottom = box(0, 1, 2, 2), box(0, -1, 2, 0)   # ... closed off above and below
    overlap = box(1.5, 0, 2.5, 1)          # overlaps `right`, which is smaller and keeps it
    enclave = box(0.4, 0.4, 0.6, 0.6)      # inside `left`, drawn over it
    out = bb.clean_coverage(np.array([left, right, top, bottom, overlap, enclave], dtype=object))
    area = shapely.area(out)
    assert shapely.coverage_is_valid(out)
    assert abs(area.sum() - 6.5) < 1e-9                     # the union: no overlap counted twice
    assert abs(area[5] - 0.04) < 1e-12                      # the enclave keeps its own square
    assert abs(area[0] + area[1] - (0.96 + 0.999 + 0.001)) < 1e-9   # the sliver went to a neighbour
    assert abs(area[4] - 0.5) < 1e-12 and abs(area[2] - 2.0) < 1e-12
