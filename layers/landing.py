"""The planners' landing page: every district with its named projects and target attainment bars, and a search.

Links go to each district's report and the map. Plain HTML and CSS (no script): the search is a GET form.
"""

import re
from typing import Any

import pandas as pd

from layers.attainment import attainment_table, target_year
from layers.html_safety import html_text
from layers.i18n import HTML_LANG, mw, number, percent, t, vocab_label
from layers.styles import attainment_colour

MAX_HITS = 10

LANDING_CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif; margin: 1.5em auto;
  max-width: 70em; color: #212121; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } .official { color: #b71c1c; font-weight: bold; }
.top { display: flex; justify-content: space-between; align-items: baseline; flex-wrap: wrap; gap: 1em; }
form.search input { font-size: 1em; padding: 4px 8px; width: 22em; }
table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid #e0e0e0; padding: 5px 6px;
  text-align: left; vertical-align: top; } td.n { text-align: right; white-space: nowrap; }
.bar { display: flex; align-items: center; gap: 6px; margin: 2px 0; font-size: 0.85em; }
.bar .track { width: 160px; height: 10px; background: #eceff1; border-radius: 3px; overflow: hidden; flex: none; }
.bar .fill { height: 100%; } .note { color: #607d8b; font-size: 0.85em; } .city td { background: #f5f7f8; }
.hits li { margin: 3px 0; } nav a { margin-right: 1em; }
"""


def tokens(query: str) -> list[str]:
    """The words of a search (split on spaces, Chinese or ASCII punctuation), lower-cased."""
    return [w for w in re.split(r"[\s,，;；、·]+", query.strip().lower()) if w]


def matches(words: list[str], haystack: str) -> bool:
    """Whether every word occurs in ``haystack`` (lower-cased): "Linxiang agrivoltaic" finds 临湘's 农光互补 rows."""
    return all(w in haystack for w in words)


def project_haystack(r: dict[str, Any]) -> str:
    """What a project search looks in: names, id, district, category and subtype codes and their labels."""
    parts = [r.get("name_zh"), r.get("name_en"), r.get("id"), r.get("district_name_zh"), r.get("category"),
             r.get("subtype"), r.get("status"), r.get("township"), r.get("village")]
    for kind in ("category", "status"):
        for lang in ("zh", "en"):
            parts.append(vocab_label(kind, r.get(kind), lang))
    return " ".join(str(p) for p in parts if p is not None and not (isinstance(p, float) and pd.isna(p))).lower()


def search_projects(projects: pd.DataFrame, district_names: dict[str, tuple[str, str]], query: str
                    ) -> tuple[list[dict[str, Any]], int]:
    """The projects matching every word of ``query`` (first :data:`MAX_HITS`) and how many match in all."""
    words = tokens(query)
    if not words:
        return [], 0
    hits: list[dict[str, Any]] = []
    records = projects.drop(columns=[c for c in ("geometry",) if c in projects]).to_dict("records")
    for record in records:
        r = {str(k): v for k, v in record.items()}
        names = district_names.get(str(r.get("district_adcode")), ("", ""))
        if matches(words, project_haystack(r) + " " + " ".join(names).lower()):
            hits.append(r)
    return hits[:MAX_HITS], len(hits)


def _bars(rows: list[dict[str, Any]], lang: str) -> str:
    out = []
    for r in rows:
        ratio = r["ratio"]
        width = 0 if pd.isna(ratio) else min(float(ratio), 1.0) * 100
        colour = attainment_colour(float(ratio)) if not pd.isna(ratio) else "#bdbdbd"
        year = target_year(r["year"])
        label = f"{year or t('report.any_year', lang)} {vocab_label('metric', r['metric'], lang)}"
        out.append(f"<div class=\"bar\"><span class=\"track\"><span class=\"fill\" style=\"display:block;"
                   f"width:{width:.0f}%;background:{html_text(colour)}\"></span></span>"
                   f"<span>{html_text(label)}: {html_text(percent(None if pd.isna(ratio) else ratio))}"
                   f" <span class=\"note\">({html_text(number(r['named_mw'], 1))} / "
                   f"{html_text(number(r['target_mw'], 1))} MW)</span></span></div>")
    return "".join(out) or f"<span class=\"note\">{html_text(t('landing.no_target', lang))}</span>"


def landing_html(projects: pd.DataFrame, targets: pd.DataFrame, districts: pd.DataFrame, lang: str = "zh",
                 query: str = "", links: list[tuple[str, str]] | None = None) -> str:
    """The landing page.

    Parameters
    ----------
    projects, targets, districts : DataFrame
        The store's layers.
    lang : {"zh", "en"}
        Page language.
    query : str
        The search (every word must match a district or a project).
    links : list of (href, text)
        Further links (data services) listed at the foot.
    """
    parents = dict(zip(districts["adcode"].astype(str), districts["parent_adcode"].astype(str), strict=True))
    table = attainment_table(projects, targets, parents)
    names = {str(a): (str(z), str(e)) for a, z, e in zip(districts["adcode"], districts["name_zh"],
                                                          districts["name_en"], strict=True)}
    words = tokens(query)
    ordered = districts.assign(_city=(districts["level"] == "city").astype(int)).sort_values(
        ["_city", "adcode"], ascending=[False, True])
    rows = []
    shown = 0
    for d in ordered.to_dict("records"):
        adcode = str(d["adcode"])
        if words and not matches(words, f"{d['name_zh']} {d['name_en']} {adcode}".lower()):
            continue
        shown += 1
        own = projects[projects["district_adcode"].astype(str) == adcode]
        mine = table[table["adcode"].astype(str) == adcode].sort_values(["year", "metric"], na_position="last")
        name = d["name_zh"] if lang == "zh" else f"{d['name_en']} {d['name_zh']}"
        rows.append(
            f"<tr class=\"{'city' if d['level'] == 'city' else 'county'}\" data-adcode=\"{html_text(adcode)}\">"
            f"<td><b>{html_text(name)}</b><br><span class=\"note\">{html_text(adcode)}</span></td>"
            f"<td class=\"n\">{len(own)}</td>"
            f"<td class=\"n\">{html_text(mw(pd.to_numeric(own['capacity_mw'], errors='coerce').sum(), lang))}</td>"
            f"<td>{_bars([{str(k): v for k, v in m.items()} for m in mine.to_dict('records')], lang)}</td>"
            f"<td><a href=\"reports/{html_text(adcode)}?lang={lang}\">{html_text(t('landing.open_report', lang))}</a>"
            f" · <a href=\"map?lang={lang}\">{html_text(t('landing.open_map', lang))}</a></td></tr>")
    hits_html = ""
    if words:
        hits, total = search_projects(projects, names, query)
        items = "".join(
            f"<li><a href=\"reports/{html_text(h.get('district_adcode'))}?lang={lang}\">{html_text(h.get('name_zh'))}"
            f"</a> <span class=\"note\">{html_text(h.get('id'))} · {html_text(h.get('district_name_zh'))} · "
            f"{html_text(vocab_label('category', h.get('category'), lang))}</span></li>" for h in hits)
        more = (f"<p class=\"note more\">{html_text(t('landing.more', lang, n=total - len(hits)))}</p>"
                if total > len(hits) else "")
        if not hits and not shown:
            items = f"<li class=\"note\">{html_text(t('landing.no_match', lang))}</li>"
        hits_html = f"<h2>{html_text(t('report.projects', lang))} ({total})</h2><ul class=\"hits\">{items}</ul>{more}"
    head = "".join(f"<th>{html_text(t(k, lang))}</th>" for k in (
        "landing.district", "landing.projects", "landing.named_mw", "landing.attainment")) + "<th></th>"
    other = "en" if lang == "zh" else "zh"
    foot = "".join(f"<a href=\"{html_text(h)}\">{html_text(x)}</a>" for h, x in links or [])
    return (
        f"<!doctype html><html lang=\"{HTML_LANG[lang]}\"><head><meta charset=\"utf-8\">"
        f"<title>{html_text(t('landing.title', lang))}</title><style>{LANDING_CSS}</style></head><body>"
        f"<div class=\"top\"><h1>{html_text(t('landing.title', lang))}</h1>"
        f"<a class=\"lang\" href=\"?lang={other}\">{html_text(t('app.lang_switch', lang))}</a></div>"
        f"<p class=\"official\">{html_text(t('app.not_official', lang))}</p>"
        f"<p>{html_text(t('landing.intro', lang))}</p>"
        f"<nav><a href=\"map?lang={lang}\">{html_text(t('app.map', lang))}</a></nav>"
        f"<form class=\"search\" method=\"get\" action=\"\"><input type=\"hidden\" name=\"lang\" value=\"{lang}\">"
        f"<input type=\"search\" name=\"q\" value=\"{html_text(query)}\" "
        f"placeholder=\"{html_text(t('landing.search', lang))}\" aria-label=\"{html_text(t('landing.search', lang))}\">"
        f"</form>{hits_html}"
        f"<table class=\"districts\"><tr>{head}</tr>{''.join(rows)}</table>"
        f"<h2>{html_text(t('app.ogc', lang))}</h2><nav>{foot}</nav></body></html>")
