"""Write the weather fixtures of the tests in PVGIS TMY (json) and EPW formats.

No real PVGIS or EPW file for 岳阳 can be fetched offline, so the fixtures carry the offline typical year
for 岳阳 written in the two formats, with each format's own time convention: PVGIS time stamps in UTC,
EPW rows in local standard time (UTC+8 in the header), hour-ending. Read back correctly, both must give
exactly the offline year's yield; a time-zone slip shifts the sun by hours and changes it.

    .venv/bin/python scripts/make_weather_fixtures.py
"""

import json
from pathlib import Path

import numpy as np

from solar.weather import typical_year

ROOT = Path(__file__).resolve().parents[1]
LAT, LON = 29.3564, 113.1289


def main() -> None:
    w = typical_year(ROOT / "data", LAT, LON)
    d = w.data.round(3)
    out = ROOT / "tests" / "fixtures"

    utc = d.index.tz_convert("UTC")
    hourly = [
        {"time(UTC)": t.strftime("%Y%m%d:%H%M"), "T2m": r.temp_air, "RH": 75.0, "G(h)": r.ghi, "Gb(n)": r.dni,
         "Gd(h)": r.dhi, "IR(h)": 350.0, "WS10m": r.wind_speed, "WD10m": 90.0, "SP": 101000.0}
        for t, r in zip(utc, d.itertuples(), strict=True)
    ]
    doc = {
        "inputs": {"location": {"latitude": LAT, "longitude": LON, "elevation": w.altitude_m},
                   "meteo_data": {"radiation_db": "synthetic (offline typical year)", "year_min": 2023,
                                  "year_max": 2023}},
        "outputs": {"months_selected": [{"month": m, "year": 2023} for m in range(1, 13)], "tmy_hourly": hourly},
        "meta": {"inputs": {"location": {"description": "Selected location"}}, "outputs": {}},
    }
    (out / "pvgis_tmy_yueyang.json").write_text(json.dumps(doc), encoding="utf-8")

    # EPW: local standard time, row hour h covers (h-1, h]; the offline year's stamps are mid-hour (h-1):30
    local = d.index.tz_convert("Etc/GMT-8")
    header = [
        f"LOCATION,Yueyang,HN,CHN,synthetic offline typical year,000000,{LAT},{LON},8.0,{w.altitude_m}",
        "DESIGN CONDITIONS,0", "TYPICAL/EXTREME PERIODS,0", "GROUND TEMPERATURES,0",
        "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0", "COMMENTS 1,written by scripts/make_weather_fixtures.py",
        "COMMENTS 2,not measured data", "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31",
    ]
    rows = []
    for t, r in zip(local, d.itertuples(), strict=True):
        fields = [2023, t.month, t.day, t.hour + 1, 60, "?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9?9?9?9*9*9?9*9*9",
                  r.temp_air, 10.0, 75, 101000, 0, 1367, 350, r.ghi, r.dni, r.dhi, 0, 0, 0, 0, 90, r.wind_speed,
                  5, 5, 777.7, 77777, 9, 999999999, 0, 0.1, 0, 88, 0.2, 0, 1.0]
        rows.append(",".join(str(f) for f in fields))
    (out / "yueyang.epw").write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} hours to {out}/pvgis_tmy_yueyang.json and yueyang.epw; "
          f"GHI {np.sum(d['ghi']) / 1000:.1f} kWh/m2")


if __name__ == "__main__":
    main()
