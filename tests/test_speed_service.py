"""The service's indexed bbox and filters (issue 18) answer exactly what a full scan answers; lazy features are
the bytes ``feature_bytes`` makes."""

import numpy as np
import pandas as pd
import pytest
import shapely

from api.features import DISTRICT_FILTER, SPECS, Query, feature_bytes, make_collection, select
from geo.store.frames import plain


def brute(coll, frame, geoms, q, units_within):
    keep = []
    for i in range(len(frame)):
        row = frame.iloc[i]
        ok = True
        for param, value in q.filters.items():
            column = coll.spec.filters[param]
            v = plain(row[column])
            text = "" if v is None else str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
            ok &= text in (units_within.get(value, {value}) if param == DISTRICT_FILTER else {value})
        if ok and q.bbox is not None:
            g = geoms[i]
            ok = g is not None and not g.is_empty and g.intersects(shapely.box(*q.bbox))
        if ok:
            keep.append(i)
    return len(keep), keep[q.offset:q.offset + q.limit]


@pytest.fixture(scope="module")
def points():
    rng = np.random.default_rng(18)
    n = 3000
    frame = pd.DataFrame({
        "id": [f"p{i}" for i in range(n)],
        "category": rng.choice(["pv", "wind", "substation"], n),
        "subtype": rng.choice(["utility", "rooftop", None], n),
        "district_adcode": rng.choice(["430602", "430603", "430611", "431202"], n),
        "status": rng.choice(["planned", "under_construction"], n),
        "target_year": pd.array(rng.choice([2025, 2030, -1], n), dtype="Int64"),
    })
    frame.loc[frame["target_year"] == -1, "target_year"] = pd.NA
    x, y = rng.uniform(112, 114, n), rng.uniform(28, 30, n)
    geoms = list(shapely.points(x, y))
    geoms[5] = None  # a feature without geometry is never in a bbox
    frame["geometry"] = geoms
    return frame, geoms


UNITS = {"430600": {"430600", "430602", "430603", "430611"}}


def test_indexed_select_equals_a_full_scan(points):
    frame, geoms = points
    coll = make_collection(SPECS["projects"], frame, geoms)
    rng = np.random.default_rng(1)
    queries = [Query(10, 0, None, {}), Query(10, 2995, None, {}), Query(1000, 0, None, {"district": "430600"}),
               Query(10, 0, None, {"district": "999999"}), Query(10, 5, None, {"category": "pv", "status": "planned"}),
               Query(10, 0, None, {"target_year": "2030", "district": "430603"}),
               Query(10, 0, (100.0, 10.0, 101.0, 11.0), {}), Query(10, 0, (111.0, 27.0, 115.0, 31.0), {})]
    for _ in range(40):
        x1, y1 = rng.uniform(111.9, 114), rng.uniform(27.9, 30)
        w = rng.uniform(0.001, 0.6)
        filters = {k: v for k, v in (("category", rng.choice(["pv", "wind", "nuclear"])),
                                     ("district", rng.choice(["430600", "430611"]))) if rng.random() < 0.5}
        queries.append(Query(int(rng.integers(1, 30)), int(rng.integers(0, 20)), (x1, y1, x1 + w, y1 + w), filters))
    for q in queries:
        assert select(coll, q, UNITS) == brute(coll, frame, geoms, q, UNITS), q


def test_polygons_are_tested_by_their_shape():
    frame = pd.DataFrame({"adcode": ["1", "2"], "level": ["county", "county"]})
    tri = shapely.Polygon([(0, 0), (10, 0), (0, 10)])  # its bbox holds (8, 8), the triangle does not
    geoms = [tri, shapely.box(20, 20, 30, 30)]
    coll = make_collection(SPECS["districts"], frame, geoms)
    assert select(coll, Query(10, 0, (7.0, 7.0, 9.0, 9.0), {}), {}) == (0, [])
    assert select(coll, Query(10, 0, (1.0, 1.0, 25.0, 25.0), {}), {}) == (2, [0, 1])


def test_lazy_features_are_the_bytes_feature_bytes_makes(points):
    frame, geoms = points
    coll = make_collection(SPECS["projects"], frame, geoms)
    for i in (0, 5, 2999):
        props = frame.drop(columns="geometry").iloc[i].to_dict()
        assert coll.features[i] == feature_bytes(f"p{i}", geoms[i], props)
    updated = coll.with_feature(7, {**frame.drop(columns="geometry").iloc[7].to_dict(), "category": "wind"},
                                shapely.Point(113, 29))
    assert b'"wind"' in updated.features[7] and updated.features[8] == coll.features[8]
    assert updated.columns["category"][7] == "wind" and coll.columns["category"][7] == frame["category"][7]
    assert coll.years == (2025, 2030)
