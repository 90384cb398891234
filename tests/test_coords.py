import math

import prcoords
import pytest

from geo.coords import CoordinateError, to_wgs84


def test_gcj02_round_trip_below_a_millimetre():
    lon, lat = 113.1289, 29.3564  # Yueyang municipal government, WGS-84
    gcj = prcoords.wgs_gcj((lat, lon))
    back = to_wgs84(gcj.lon, gcj.lat, "gcj02")
    assert back == pytest.approx((lon, lat), abs=1e-8)
    # and the offset being removed is real: several hundred metres here
    offset_m = math.hypot((gcj.lon - lon) * 111_320 * math.cos(math.radians(lat)), (gcj.lat - lat) * 110_540)
    assert 400 < offset_m < 800


def test_bd09_round_trip():
    lon, lat = 109.9611, 27.5553
    bd = prcoords.wgs_bd((lat, lon))
    assert to_wgs84(bd.lon, bd.lat, "bd09") == pytest.approx((lon, lat), abs=1e-7)


@pytest.mark.parametrize(("lon", "lat", "crs", "msg"), [
    (113.0, 95.0, "wgs84", "lat=95"), (float("nan"), 29.0, "wgs84", "finite"),
    (200.0, 29.0, "gcj02", "lon=200"), (113.0, 29.0, "utm", "allowed: wgs84, gcj02, bd09"),
])
def test_bad_coordinates(lon, lat, crs, msg):
    with pytest.raises(CoordinateError, match=msg):
        to_wgs84(lon, lat, crs)
