"""The reference layers of the demo workspace, each with a sidecar <name>.meta.json."""
from __future__ import annotations

from pathlib import Path

from .export import write_csv, write_json
from .world import World

SOURCE = "HuMetrics demo generator: synthetic figures on real ISO 3166-2 codes (pycountry)"


def write_layers(world: World, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    r = world.regions
    layers = {
        "population_regions": (
            r[["key", "name", "country", "population"]],
            {"kind": "population",
             "description": "Population per first-level region: each country's real population (rounded, "
                            "about 2023) split over its regions with random weights. Synthetic."}),
        "socioeconomic_regions": (
            r[["key", "name", "country", "income_group", "median_income_index", "unemployment_rate"]],
            {"kind": "socio-economic",
             "description": "Income group (high, upper-middle, lower-middle, low) within one step of the "
                            "country's World Bank-style group; median income index (100 = the "
                            "population-weighted median region); unemployment rate in %. Synthetic."}),
        "political_regions": (
            r[["key", "name", "country", "vote_share_a", "vote_share_b", "lean", "turnout"]],
            {"kind": "political",
             "description": "Vote shares of two fictional parties A and B, lean = (A - B) / (A + B) in "
                            "[-1, 1], and turnout. Random, unrelated to any real election. Synthetic."}),
        "reference_population": (
            world.reference,
            {"kind": "reference-population",
             "description": "Adults per country, age band and gender from a synthetic age pyramid fitted "
                            "to each country's median age and real population. Synthetic."}),
    }
    written = []
    for name, (table, meta) in layers.items():
        write_csv(table, folder / f"{name}.csv")
        write_json({"kind": meta["kind"], "synthetic": True, "source": SOURCE,
                    "description": meta["description"]}, folder / f"{name}.meta.json")
        written += [folder / f"{name}.csv", folder / f"{name}.meta.json"]
    return written
