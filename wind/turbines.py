"""Wind turbines: the generic low-wind default, windpowerlib's shipped library, or a user's power curve.

A :class:`Turbine` is a power curve at standard air density (1.225 kg/m^3) with its hub height; the yield
scales it to a project's capacity (number of turbines = capacity / rated power, fractional).

- ``generic_iec3`` (default): a **generic IEC class III low-wind turbine** of the size Chinese inland
  (hill and ridge) farms installed around 2018-2024: 3.0 MW, 140 m rotor (195 W/m^2 specific power), 100 m
  hub. Its curve is built, not copied from a maker: ``P = 1/2 rho A Cp v^3`` with an overall (electrical)
  power coefficient of 0.45 from cut-in 3 m/s up to rated power, cut-out 20 m/s (class III low-wind
  machines often stop at 20 m/s), then rounded at the knee as measured 10-minute curves are (windpowerlib's
  ``smooth_power_curve``, turbulence intensity 10 %). No maker's curve is claimed.
- any turbine of windpowerlib's library (its ``default_turbine_data`` files, shipped in the wheel: 67 curves,
  no Chinese maker); nothing is downloaded.
- a user's power curve: a CSV with ``wind_speed`` [m/s] and ``power_kw`` [kW] (at 1.225 kg/m^3), as a
  maker's data sheet gives it.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import windpowerlib
from windpowerlib.power_curves import smooth_power_curve

from geo.files import not_regular_file
from wind.errors import WindInputError

RHO_STANDARD = 1.225  # kg/m^3, the density power curves are stated at (IEC 61400-12-1)
GENERIC = "generic_iec3"
GENERIC_PARAMETERS = {"rated_kw": 3000.0, "rotor_m": 140.0, "hub_height_m": 100.0, "cp": 0.45,
                      "cut_in_m_s": 3.0, "cut_out_m_s": 20.0, "turbulence_intensity": 0.10}
#: Allowed hub heights [m] (the tallest onshore towers are ~170 m).
HUB_HEIGHT_RANGE_M = (10.0, 200.0)
#: A user curve's speeds must lie in this range [m/s].
CURVE_SPEED_RANGE = (0.0, 40.0)
LIBRARY_DIR = Path(windpowerlib.__file__).parent / "data" / "default_turbine_data"


@dataclasses.dataclass(frozen=True)
class Turbine:
    """A power curve at standard density, with its hub height and where it came from."""

    name: str
    rated_kw: float
    rotor_m: float | None
    hub_height_m: float
    wind_speed_m_s: tuple[float, ...]
    power_kw: tuple[float, ...]
    source: str

    def power_curve(self) -> pd.DataFrame:
        """The curve as windpowerlib wants it.

        Returns
        -------
        pandas.DataFrame
            ``wind_speed`` [m/s] and ``value``, the electrical power [W].
        """
        return pd.DataFrame({"wind_speed": np.array(self.wind_speed_m_s),
                             "value": np.array(self.power_kw) * 1000.0})

    def to_windpowerlib(self) -> windpowerlib.WindTurbine:
        """A :class:`windpowerlib.WindTurbine` with this curve (no library lookup, nothing downloaded).

        Returns
        -------
        windpowerlib.WindTurbine
            Hub height [m], nominal power [W], rotor diameter [m] and the curve of :meth:`power_curve`.
        """
        return windpowerlib.WindTurbine(hub_height=self.hub_height_m, nominal_power=self.rated_kw * 1000.0,
                                        rotor_diameter=self.rotor_m, power_curve=self.power_curve(), path=None)

    def describe(self) -> str:
        """One line: name, rating [kW], rotor [m] and specific power [W/m^2], hub height [m], source.

        Returns
        -------
        str
            The turbine as stated in a result's assumptions.
        """
        rotor = f", rotor {self.rotor_m:g} m ({self.specific_power_w_m2:.0f} W/m2)" if self.rotor_m else ""
        return f"{self.name}: {self.rated_kw:,.0f} kW{rotor}, hub {self.hub_height_m:g} m; {self.source}"

    @property
    def specific_power_w_m2(self) -> float:
        """Rated power per swept area [W/m^2] (NaN without a rotor diameter)."""
        return self.rated_kw * 1000 / (math.pi * self.rotor_m**2 / 4) if self.rotor_m else float("nan")


def check_hub_height(hub_height_m: float, where: str = "") -> None:
    """Refuse a hub height outside :data:`HUB_HEIGHT_RANGE_M`.

    Parameters
    ----------
    hub_height_m : float
        Hub height above ground [m].
    where : str
        Where the value came from (a file), for the message.

    Raises
    ------
    wind.errors.WindInputError
        When it is not finite or outside the range.
    """
    lo, hi = HUB_HEIGHT_RANGE_M
    if not np.isfinite(hub_height_m) or not lo <= hub_height_m <= hi:
        raise WindInputError("hub_height", f"{hub_height_m:g} m is not a hub height (allowed: {lo:g}..{hi:g} m)", where)


def check_clearance(hub_height_m: float, rotor_m: float | None, name: str) -> None:
    """Refuse a hub lower than the blade's reach (half the rotor) plus 10 m of ground clearance.

    Parameters
    ----------
    hub_height_m : float
        Hub height above ground [m].
    rotor_m : float or None
        Rotor diameter [m]; None (unknown) passes.
    name : str
        The turbine's name, for the message.

    Raises
    ------
    wind.errors.WindInputError
        When the blade tip would come closer than 10 m to the ground.
    """
    if rotor_m is not None and hub_height_m < rotor_m / 2 + 10:
        raise WindInputError("hub_height", f"{hub_height_m:g} m is too low for {name}'s {rotor_m:g} m rotor (allowed: "
                             f">= {rotor_m / 2 + 10:g} m, half the rotor plus 10 m of ground clearance)")


@functools.cache
def generic_curve() -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The generic IEC class III curve (see the module docstring), at standard air density.

    Returns
    -------
    tuple of tuple of float
        Speeds [m/s] and electrical power [kW], from 0 m/s to cut-out.
    """
    p = GENERIC_PARAMETERS
    speeds = np.round(np.arange(0.0, p["cut_out_m_s"] + 10.0, 0.5), 2)  # past cut-out so the knee alone is rounded
    area = math.pi * p["rotor_m"] ** 2 / 4
    raw = np.minimum(0.5 * RHO_STANDARD * area * p["cp"] * speeds**3 / 1000, p["rated_kw"])
    raw[speeds < p["cut_in_m_s"]] = 0.0
    smooth = smooth_power_curve(pd.Series(speeds), pd.Series(raw), standard_deviation_method="turbulence_intensity",
                                turbulence_intensity=p["turbulence_intensity"])
    s = smooth["wind_speed"].to_numpy()
    v = np.minimum(smooth["value"].to_numpy(), p["rated_kw"])
    keep = (s >= 0) & (s <= p["cut_out_m_s"])
    s, v = s[keep], v[keep]
    v[s < p["cut_in_m_s"]] = 0.0  # no power below cut-in, whatever the smoothing spreads there
    return tuple(float(x) for x in s), tuple(float(x) for x in v)


def generic(hub_height_m: float | None = None) -> Turbine:
    """The generic IEC class III low-wind turbine, at its 100 m hub or ``hub_height_m``.

    Parameters
    ----------
    hub_height_m : float or None
        Hub height [m]; None: 100 m.

    Returns
    -------
    Turbine
        3,000 kW rating, 140 m rotor, the curve of :func:`generic_curve` [m/s, kW].

    Raises
    ------
    wind.errors.WindInputError
        For a hub height out of range or too low for the rotor.
    """
    p = GENERIC_PARAMETERS
    hub = p["hub_height_m"] if hub_height_m is None else hub_height_m
    check_hub_height(hub)
    check_clearance(hub, p["rotor_m"], GENERIC)
    speeds, power = generic_curve()
    return Turbine(GENERIC, p["rated_kw"], p["rotor_m"], hub, speeds, power,
                   "generic IEC class III low-wind curve built from Cp 0.45, cut-in 3 m/s, cut-out 20 m/s, "
                   "smoothed with turbulence intensity 10 % (an assumption, typical of Chinese inland farms; no "
                   "maker's curve)")


@functools.cache
def _library() -> tuple[pd.DataFrame, pd.DataFrame]:
    curves = pd.read_csv(LIBRARY_DIR / "power_curves.csv", index_col=0)
    data = pd.read_csv(LIBRARY_DIR / "turbine_data.csv", index_col=0)
    return curves, data


def library_names() -> list[str]:
    """The turbine types of windpowerlib's shipped library that have a power curve.

    Returns
    -------
    list of str
        The type names, sorted (e.g. ``N131/3000``: maker's type / rating [kW]).
    """
    curves, _ = _library()
    return sorted(str(n) for n in curves.index)


def library(name: str, hub_height_m: float | None = None) -> Turbine:
    """A turbine of windpowerlib's shipped library (``default_turbine_data``), e.g. ``N131/3000``.

    The hub height defaults to the library's first listed height for the type.

    Parameters
    ----------
    name : str
        The library's type name.
    hub_height_m : float or None
        Hub height [m]; None: the library's first listed height.

    Returns
    -------
    Turbine
        Rating [kW], rotor [m], hub height [m] and the library's curve ([m/s], [kW]).

    Raises
    ------
    wind.errors.WindInputError
        For an unknown type (the message lists the library) or a hub height out of range.
    """
    curves, data = _library()
    if name not in curves.index:
        raise WindInputError("turbine", f"unknown turbine {name!r} (allowed: {GENERIC}, or one of windpowerlib's "
                             f"library: {', '.join(library_names())}; or a power-curve file .csv)")
    row = curves.loc[name].dropna()
    speeds = np.array([float(s) for s in row.index])
    info: dict[str, Any] = {str(k): v for k, v in data.loc[name].items()}
    if hub_height_m is None:
        heights = [float(h) for h in re.split(r"[,;/]", str(info["hub_height"])) if _is_number(h)]
        hub_height_m = heights[0] if heights else GENERIC_PARAMETERS["hub_height_m"]
    check_hub_height(hub_height_m)
    rotor = float(info["rotor_diameter"]) if pd.notna(info["rotor_diameter"]) else None
    check_clearance(hub_height_m, rotor, name)
    return Turbine(name, float(info["nominal_power"]) / 1000, rotor, float(hub_height_m),
                   tuple(float(s) for s in speeds), tuple(float(v) / 1000 for v in row.to_numpy()),
                   f"windpowerlib {windpowerlib.__version__} turbine library ({info['manufacturer']}; "
                   "oedb data shipped in the package)")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return bool(text.strip())


def read_power_curve(path: Path, hub_height_m: float | None = None) -> Turbine:
    """A user's power curve: CSV with ``wind_speed`` [m/s] and ``power_kw`` [kW] at 1.225 kg/m^3.

    Optional column ``rotor_m`` (one value). Speeds must rise strictly within :data:`CURVE_SPEED_RANGE`, powers
    be finite and >= 0; the rated power is the curve's maximum. Past the last speed the turbine gives 0.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file (a regular file).
    hub_height_m : float or None
        Hub height [m]; None: the generic turbine's 100 m.

    Returns
    -------
    Turbine
        Named after the file, rating = the curve's maximum [kW].

    Raises
    ------
    wind.errors.WindInputError
        For a file that is not a valid power curve (the message says which row and column).
    """
    problem = not_regular_file(path)
    if problem:
        raise WindInputError("power curve", problem, str(path))
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise WindInputError("power curve", f"cannot read as CSV: {exc}", str(path)) from None
    missing = [c for c in ("wind_speed", "power_kw") if c not in raw.columns]
    if missing:
        found = ", ".join(map(str, raw.columns))
        raise WindInputError(", ".join(missing), f"missing column (found: {found}; required: "
                             "wind_speed [m/s], power_kw [kW]; optional: rotor_m)", f"{path}:1")
    values = {}
    for col in ("wind_speed", "power_kw"):
        numbers = pd.to_numeric(raw[col], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(numbers))
        if bad.size:
            raise WindInputError(col, f"{raw[col].iloc[bad[0]]!r} is not a number", f"{path}:{bad[0] + 2}")
        values[col] = numbers
    speeds, power = values["wind_speed"], values["power_kw"]
    lo, hi = CURVE_SPEED_RANGE
    if len(speeds) < 5:
        raise WindInputError("wind_speed", f"{len(speeds)} rows; a power curve needs at least 5", str(path))
    out = np.flatnonzero((speeds < lo) | (speeds > hi))
    if out.size:
        raise WindInputError("wind_speed", f"{speeds[out[0]]:g} m/s outside {lo:g}..{hi:g} m/s", f"{path}:{out[0] + 2}")
    back = np.flatnonzero(np.diff(speeds) <= 0)
    if back.size:
        raise WindInputError("wind_speed", f"{speeds[back[0] + 1]:g} after {speeds[back[0]]:g}: speeds must rise "
                             "strictly", f"{path}:{back[0] + 3}")
    negative = np.flatnonzero(power < 0)
    if negative.size:
        raise WindInputError("power_kw", f"{power[negative[0]]:g} kW is negative", f"{path}:{negative[0] + 2}")
    rated = float(power.max())
    if rated <= 0 or rated > 30_000:
        raise WindInputError("power_kw", f"largest power {rated:g} kW is not a turbine's rating (allowed: "
                             "> 0 and <= 30,000 kW; the column is kW, not W or MW)", str(path))
    rotor = None
    if "rotor_m" in raw.columns:
        r = pd.to_numeric(raw["rotor_m"].replace("", np.nan), errors="coerce").dropna().unique()
        if len(r) != 1 or not 10 <= r[0] <= 300:
            raise WindInputError("rotor_m", "give one rotor diameter in 10..300 m (on any row)", f"{path}:2")
        rotor = float(r[0])
    hub = GENERIC_PARAMETERS["hub_height_m"] if hub_height_m is None else hub_height_m
    check_hub_height(hub)
    check_clearance(hub, rotor, path.name)
    return Turbine(path.stem, rated, rotor, hub, tuple(map(float, speeds)), tuple(map(float, power)),
                   f"user power curve {path.name} (at 1.225 kg/m3, as given)")


def turbine(spec: str | None, hub_height_m: float | None = None) -> Turbine:
    """A turbine by name (:data:`GENERIC` or a library type) or a power-curve file (``.csv``); None: generic.

    Parameters
    ----------
    spec : str or None
        :data:`GENERIC`, a windpowerlib library type, or the path of a power-curve ``.csv``.
    hub_height_m : float or None
        Hub height [m]; None: the turbine's default.

    Returns
    -------
    Turbine
        The turbine with its curve ([m/s], [kW]) and hub height [m].

    Raises
    ------
    wind.errors.WindInputError
        For an unknown turbine, a missing or bad curve file, or a hub height out of range.
    """
    if hub_height_m is not None:
        check_hub_height(hub_height_m)
    if spec in (None, GENERIC):
        return generic(hub_height_m)
    assert spec is not None
    if spec.lower().endswith(".csv"):
        path = Path(spec)
        if not path.exists():
            raise WindInputError("turbine", f"power-curve file {spec!r} does not exist")
        return read_power_curve(path, hub_height_m)
    return library(spec, hub_height_m)
