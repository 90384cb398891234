"""``energy-planner report``: a district's report as HTML or PDF (A4, through headless Chromium)."""

import argparse
import functools
from pathlib import Path

from api.cli.output import say
from api.settings import Settings
from api.state import command_state
from geo.files import atomic_write
from layers.i18n import LANGS
from layers.report import report_html
from layers.report_data import report_input
from layers.report_pdf import find_chromium, html_to_pdf
from solar.results import as_json
from solar.weather import Weather, load_weather
from wind import portfolio as wind_portfolio

SUFFIXES = (".html", ".pdf")


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    """Write the report of ``--adcode`` to ``--out`` (.html or .pdf)."""
    out = Path(args.out)
    if out.suffix.lower() not in SUFFIXES:
        raise ValueError(f"--out: {out.name!r} must end in .html or .pdf")
    chromium = find_chromium() if out.suffix.lower() == ".pdf" else None  # fail before the minutes of work
    state = command_state(settings)

    @functools.cache
    def at(lat: float, lon: float) -> Weather:
        return load_weather(None, lat, lon, data_dir=settings.data_dir, cache_dir=settings.weather_cache)

    summary = as_json(wind_portfolio.district_yield(args.adcode, state.projects, state.targets, state.districts,
                                                    lambda lat, lon: at(round(lat, 4), round(lon, 4)),
                                                    settings.data_dir))  # the report reads the service's JSON
    data = report_input(args.adcode, summary, state.projects, state.districts, settings.data_dir,
                        settings.store.parent / "siting")
    html = report_html(data, args.lang)
    if chromium is not None:
        html_to_pdf(html, out, chromium)
    else:

        def write(tmp: Path) -> None:
            tmp.write_text(html, encoding="utf-8")

        atomic_write(out, write)
    say(f"wrote {out} ({out.stat().st_size / 1e3:,.0f} kB): report of {data.name_zh} ({args.adcode})")
    return 0


def add_arguments(name: str, s: argparse.ArgumentParser) -> None:
    """The arguments of ``report``."""
    s.add_argument("--adcode", required=True, help="the district (a city's code includes its counties)")
    s.add_argument("--out", required=True, help="FILE.html or FILE.pdf (PDF through headless Chromium)")
    s.add_argument("--lang", default="zh", choices=LANGS, help="language of the report (default zh)")
    s.set_defaults(func=cmd_report)
