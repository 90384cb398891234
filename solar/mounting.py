"""Mounting presets (named, overridable) and the module choices behind them.

Each preset is a plain :class:`Mounting`; :func:`mounting` looks one up by name and applies overrides,
refusing values outside their physical range with the field's name and the allowed range.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import pvlib

from solar.errors import SolarInputError

#: PVWatts v5 module types (Dobos 2014, table 2): temperature coefficient of power, 1/°C.
MODULES = {"standard": -0.0047, "premium": -0.0035, "thin_film": -0.0020}
#: pvlib's PVWatts loss breakdown (soiling 2, shading 3, mismatch 2, wiring 2, connections 0.5, LID 1.5,
#: nameplate 1, availability 3 %) compounds to 14.08 %.
PVWATTS_LOSSES_PCT = float(pvlib.pvsystem.pvwatts_losses())
RACKING = tuple(pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"])


@dataclass(frozen=True)
class Mounting:
    """How the modules are mounted and what they are; angles in degrees, lengths in metres.

    ``gcr=None`` means one isolated plane (modules flush on a roof): no row-to-row shading. With a GCR
    the rows are modelled as infinite parallel rows (pvlib ANTS-2D): shading, restricted sky view and,
    for agrivoltaics, the light that reaches the ground between and under the rows.
    """

    name: str
    description: str
    tracking: bool = False
    tilt: float = 20.0  # fixed tilt; ignored by a tracker
    azimuth: float = 180.0  # fixed modules face this way; a tracker's axis points this way
    gcr: float | None = 0.4
    height: float = 1.5  # row centre above ground
    collector_width: float = 4.6  # row slant width (2 modules in portrait ~ 4.6 m)
    max_angle: float = 55.0  # tracker rotation limit
    racking: str = "open_rack_glass_polymer"  # pvlib SAPM temperature parameters
    module: str = "premium"
    dc_ac_ratio: float = 1.2
    inverter_efficiency: float = 0.96
    losses_pct: float = PVWATTS_LOSSES_PCT
    bifaciality: float = 0.0  # 0: monofacial; ~0.7 for bifacial glass-glass
    albedo: float = 0.2
    iam_a_r: float = 0.16  # Martin-Ruiz angular loss coefficient (pvlib default)

    @property
    def gamma_pdc(self) -> float:
        """Temperature coefficient of power, from the module type.

        Returns
        -------
        float
            [1/°C] (negative).
        """
        return MODULES[self.module]

    def assumptions(self) -> dict[str, Any]:
        """Every parameter, for the result's assumptions.

        Returns
        -------
        dict
            Field name -> value (angles [degrees], lengths [m], losses [%], ratios [-]).
        """
        out = dataclasses.asdict(self)
        out["gamma_pdc_per_c"] = self.gamma_pdc
        out["model"] = (
            "pvlib: Hay-Davies sky diffuse, ANTS-2D rows (when gcr is set), Martin-Ruiz IAM, SAPM cell "
            "temperature, PVWatts DC and inverter, PVWatts losses"
        )
        return out


PRESETS: dict[str, Mounting] = {
    m.name: m
    for m in (
        Mounting(
            "rooftop",
            "modules flush on a roof (industrial colour-steel roofs pitch ~5-10 deg): one plane, roof-mounted "
            "temperature model",
            tilt=10.0, gcr=None, height=0.3, racking="close_mount_glass_glass",
        ),
        Mounting(
            "ground_fixed",
            "ground-mounted fixed rows facing south at a near-optimal tilt for the diffuse Hunan sky",
            tilt=20.0, gcr=0.4, height=1.5,
        ),
        Mounting(
            "agrivoltaic_fixed",
            "elevated fixed rows (农光互补) with crop rows between: low GCR, 3 m clearance",
            tilt=20.0, gcr=0.25, height=3.5, racking="open_rack_glass_glass",
        ),
        Mounting(
            "agrivoltaic_tracking",
            "elevated single-axis trackers on a north-south axis (农光互补), backtracking, low GCR",
            tracking=True, gcr=0.25, height=3.0, collector_width=2.3, racking="open_rack_glass_glass",
        ),
    )
}

#: Registry PV subtype -> preset used for a project's yield.
SUBTYPE_PRESETS = {
    "rooftop": "rooftop",
    "bipv": "rooftop",
    "distributed": "rooftop",
    "agrivoltaic": "agrivoltaic_fixed",
    "fishery": "ground_fixed",
    "tailings": "ground_fixed",
    "utility": "ground_fixed",
    "floating": "ground_fixed",
}

#: Allowed range (inclusive) of each numeric override.
LIMITS = {
    "tilt": (0.0, 90.0),
    "azimuth": (0.0, 360.0),
    "gcr": (0.01, 0.95),
    "height": (0.0, 20.0),
    "collector_width": (0.5, 10.0),
    "max_angle": (0.0, 90.0),
    "dc_ac_ratio": (0.5, 2.5),
    "inverter_efficiency": (0.5, 1.0),
    "losses_pct": (0.0, 99.0),
    "bifaciality": (0.0, 1.0),
    "albedo": (0.0, 1.0),
    "iam_a_r": (0.05, 1.0),  # the compiled batch kernel's exp series is exact to ~1e-13 down to 0.05
}


def mounting(name: str, **overrides: Any) -> Mounting:
    """Preset ``name`` with ``overrides`` applied (``None`` values are ignored).

    Parameters
    ----------
    name : str
        A preset of :data:`PRESETS` (``rooftop``, ``ground_fixed``, ``agrivoltaic_fixed``,
        ``agrivoltaic_tracking``).
    **overrides
        Fields of :class:`Mounting` (``tilt`` [degrees], ``azimuth`` [degrees clockwise from north], ``gcr``
        [-], ``height`` [m], ``dc_ac`` [-], ``losses_pct`` [%], ``bifaciality`` [-], ``albedo`` [-],
        ``module`` ...).

    Returns
    -------
    Mounting
        The preset with the overrides.

    Raises
    ------
    SolarInputError
        An unknown preset (the message lists the names), or an override that is out of range or unknown.
    """
    if name not in PRESETS:
        raise SolarInputError("mounting", f"unknown preset {name!r} (allowed: {', '.join(PRESETS)})")
    given = {k: v for k, v in overrides.items() if v is not None}
    for key, value in given.items():
        if key in LIMITS:
            lo, hi = LIMITS[key]
            if not isinstance(value, int | float) or not lo <= float(value) <= hi:
                raise SolarInputError(key, f"{value!r} is outside {lo}..{hi}")
        elif key == "module" and value not in MODULES:
            raise SolarInputError("module", f"unknown module type {value!r} (allowed: {', '.join(MODULES)})")
        elif key == "racking" and value not in RACKING:
            raise SolarInputError("racking", f"unknown racking {value!r} (allowed: {', '.join(RACKING)})")
        elif key not in {"module", "racking", "tracking", "description"}:
            fields = ", ".join(f.name for f in dataclasses.fields(Mounting) if f.name != "name")
            raise SolarInputError(key, f"not a mounting parameter (allowed: {fields})")
    return dataclasses.replace(PRESETS[name], **given)
