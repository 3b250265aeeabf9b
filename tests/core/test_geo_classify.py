from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humetrics_desktop.core.geo.classify import classify
from humetrics_desktop.core.geo.palettes import (DIVERGING, bivariate_colours, class_colours, sequential)

VALUES = pd.Series([1, 2, 3, 10, 11, 12, 20, 21, 22, np.nan], index=list("abcdefghij"))


def test_fisher_jenks_finds_the_three_clusters():
    c = classify(VALUES, "fisher_jenks", 3)
    assert c.bounds == (3.0, 12.0, 22.0)
    assert c.classes.to_dict() == dict(a=0, b=0, c=0, d=1, e=1, f=1, g=2, h=2, i=2, j=-1)
    assert c.counts == (3, 3, 3)


def test_equal_interval_bounds_by_hand():
    c = classify(VALUES, "equal_interval", 3)          # range 1..22 in steps of 7
    assert c.bounds == pytest.approx((8.0, 15.0, 22.0))
    assert c.lower == 1.0
    assert c.intervals()[0] == pytest.approx((1.0, 8.0))


def test_quantiles_put_equal_counts_in_each_class():
    c = classify(pd.Series(np.arange(1, 13, dtype=float)), "quantiles", 4)
    assert c.counts == (3, 3, 3, 3)
    assert c.bounds == pytest.approx((3.75, 6.5, 9.25, 12.0))


def test_user_defined_breaks_and_upper_bound_inclusive():
    c = classify(VALUES, "user_defined", breaks=[10, 20])
    assert c.bounds == (10.0, 20.0, 22.0)
    assert c.classes["d"] == 0 and c.classes["g"] == 1 and c.classes["h"] == 2


def test_std_mean_drops_classes_below_the_data():
    c = classify(VALUES, "std_mean")
    assert c.bounds[0] >= 1.0 and c.bounds[-1] == 22.0
    assert sum(c.counts) == 9


def test_jenks_on_many_values_stays_exact_enough():
    rng = np.random.default_rng(1)
    y = pd.Series(np.concatenate([rng.normal(0, 1, 1500), rng.normal(50, 1, 1500)]))
    c = classify(y, "fisher_jenks", 2)
    assert c.counts == (1500, 1500)


def test_edge_cases():
    assert classify(pd.Series([np.nan, np.nan]), "quantiles").k == 0
    assert classify(pd.Series([5.0, 5.0, 5.0]), "quantiles", 5).k == 1
    with pytest.raises(ValueError, match="unknown classification"):
        classify(VALUES, "bogus")
    with pytest.raises(ValueError, match="at least one break"):
        classify(VALUES, "user_defined")


def test_diverging_palette_needs_a_midpoint_and_colours_by_side():
    c = classify(pd.Series([-40.0, -10, 0, 5, 30, 60]), "equal_interval", 4)  # -40..-15..10..35..60
    with pytest.raises(ValueError, match="midpoint"):
        class_colours(c, "purple-orange")
    cols = class_colours(c, "purple-orange", midpoint=0)
    neutral = DIVERGING["purple-orange"][2]
    assert cols[1] == neutral                        # -15..10 spans 0
    assert cols[0] != neutral and cols[2] != neutral and cols[3] != neutral
    assert cols[3] == DIVERGING["purple-orange"][4]  # furthest above: the dark end


def test_sequential_and_bivariate_shapes():
    s = sequential("blues", 5)
    assert len(s) == 5 and s[0] == "#f7fbff" and s[-1] == "#08306b"
    grid = bivariate_colours(3)
    assert len(grid) == 3 and all(len(r) == 3 for r in grid)
    assert len({c for r in grid for c in r}) == 9
