"""Equal-area projections checked against geodesic areas computed independently with pyproj.Geod."""
from __future__ import annotations

import pyproj
import pytest

from humetrics_desktop.core.geo import boundaries, projection

GEOD = pyproj.Geod(ellps="WGS84")


def geodesic_area(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0])


@pytest.mark.parametrize("key", ["NO", "BR", "ID"])
def test_world_projection_preserves_area(key):
    lonlat = boundaries.countries().set_index("key").geometry[key]
    projected = projection.world().set_index("key").geometry[key]
    assert projected.area == pytest.approx(geodesic_area(lonlat), rel=0.01)


def test_country_projection_is_equal_area_and_centred_on_the_mainland():
    fr = projection.country_regions("FR")
    lonlat = boundaries.regions_of("FR").set_index("key").geometry["FR-BRE"]
    assert fr.set_index("key").geometry["FR-BRE"].area == pytest.approx(geodesic_area(lonlat), rel=0.01)
    lon, lat = projection.centre_of(boundaries.countries().set_index("key").geometry["FR"])
    assert -5 < lon < 8 and 42 < lat < 51            # metropolitan France, not the Atlantic
    x0, y0, x1, y1 = projection.focus_bounds(fr)
    assert x1 - x0 < 2_000_000                       # overseas regions left out of the first view


def test_layers_are_projected_once():
    assert projection.world() is projection.world()
    assert projection.country_regions("DE") is projection.country_regions("DE")
    assert projection.country_regions("XX").empty
