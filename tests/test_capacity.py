import pytest

from geo.capacity import CapacityParseError, parse_capacity_mw


@pytest.mark.parametrize(
    ("raw", "mw"),
    [("10万千瓦", 100.0), ("62.4MW", 62.4), ("6.24万千瓦", 62.4), ("100兆", 100.0), ("100兆瓦", 100.0),
     ("1000千瓦", 1.0), ("2GW", 2000.0), ("5万千瓦/10万千瓦时", 50.0), ("20MW/40MWh", 20.0), ("1,200kW", 1.2)],
)
def test_parse(raw, mw):
    assert parse_capacity_mw(raw) == pytest.approx(mw)


@pytest.mark.parametrize("raw", ["若干", "10万千瓦时", "一定比例", ""])
def test_unparsable(raw):
    with pytest.raises(CapacityParseError, match="no power figure"):
        parse_capacity_mw(raw)
