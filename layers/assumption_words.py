"""The models' sources and assumptions in the reader's language: weather and wind sources, a district's topics.

The yields write their weather/wind source (``weather_source``) and a district's assumptions (``assumptions``:
gap, energy, P50/P90, PV presets, wind) in English into their results; the JSON the CLI and the service send
stays as it is. For a Chinese page or text this module says the same in Chinese from the catalogue
(:mod:`layers.i18n`):

- a **source** line keeps its figures: they are read back from the one format its builder writes
  (:func:`solar.typical_year.describe`: stations, nearest station and distance, data years, level factor;
  :mod:`solar.weather`: files, PVGIS; :func:`wind.resource.default_resource`: mean wind, height, site type,
  Weibull k; wind files) and put in the catalogue's sentence as written (no re-rounding), used only when the
  catalogue's English form filled with them gives back the line itself (nothing left out);
- a district's **assumption topic** is the catalogue's sentence of that topic, used only while the catalogue's
  English of it is exactly what the model wrote (the PV presets built from
  :data:`solar.mounting.SUBTYPE_PRESETS` in vocabulary words);
- a **wind farm's assumption** (:func:`farm_words`: ``wind.site``, ``wind.resource``) and a **siting run's**
  warnings and assumptions (:func:`siting_words`: ``solar.siting.report``) are read by the catalogue's English
  form itself (its ``{name}`` fields match what the model filled in, as written) and used only when that form,
  filled with them, gives back the text itself.

A text of a form the catalogue does not know (a new format, a changed sentence) is shown as the model wrote it,
marked untranslated: never dropped, never replaced by a Chinese sentence that may say something else. In English
every text is the model's own.
"""

import re
from collections.abc import Callable

from layers.i18n import DEFAULT_LANG, MESSAGES, t, vocab_label
from solar.mounting import SUBTYPE_PRESETS

#: Source lines by form: (pattern of the English its builder writes, catalogue key of the sentence). First match wins.
SOURCE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"offline typical year from (?P<n>\d+) CMA station\(s\), nearest (?P<station>\d+)(?: (?P<name>.+?))? "
                r"(?P<km>\d+(?:\.\d+)?) km away \(CDSRD (?P<first>\d{4})-(?P<last>\d{4}) statistics, CSWD level "
                r"x(?P<level>\d+(?:\.\d+)?)\): a planning estimate"), "words.weather_offline"),
    (re.compile(r"PVGIS TMY \(online, cached at (?P<path>.+)\)"), "words.weather_pvgis"),
    (re.compile(r"(?P<how>given|assumed) mean wind (?P<mean>\d+(?:\.\d+)?) m/s at (?P<height>\d+(?:\.\d+)?) m "
                r"\((?P<site>\w+) site\), Weibull k (?P<k>\d+(?:\.\d+)?); seasonal shape and temperature from CSWD "
                r"stations: a planning estimate"), "words.wind_default"),
    (re.compile(r"(?P<kind>EPW|hourly CSV) file (?P<file>.+) \((?P<years>\d+) year\(s\) of hourly wind at "
                r"(?P<height>\d+(?:\.\d+)?) m\)"), "words.wind_file"),
    (re.compile(r"(?P<kind>PVGIS TMY|EPW) file (?P<file>.+)"), "words.weather_file"),
    (re.compile(r"hourly CSV (?P<file>.+)"), "words.weather_csv"),
)


def _word(kind: str, code: str | None, lang: str) -> str:
    """A source's word (``words.<kind>.<code>``) in ``lang``; the code itself where the catalogue has none."""
    if code is None:
        return ""
    key = f"words.{kind}.{code.replace(' ', '_')}"
    return t(key, lang) if key in MESSAGES else code


def source_words(source: str, lang: str = DEFAULT_LANG) -> str:
    """A weather or wind source line (a result's ``weather_source``) in ``lang``, with the same figures.

    Examples
    --------
    >>> source_words("assumed mean wind 5 m/s at 100 m (ridge site), Weibull k 2; seasonal shape and temperature "
    ...              "from CSWD stations: a planning estimate")
    '假定长期平均风速 5 m/s（100 m 高度，山脊场址），Weibull 形状参数 k = 2；季节变化和气温取自 CSWD 气象站：规划估算'
    """
    if lang == "en":
        return source
    for pattern, key in SOURCE_FORMS:
        match = pattern.fullmatch(source)
        if match:
            fields = {k: v or "" for k, v in match.groupdict().items()}
            if fields.get("name"):
                fields["name"] = f" {fields['name']}"
            if t(key, "en", **fields) != source:  # the catalogue's form must say all the line says
                break
            words = {k: _word(k, v, lang) if k in ("how", "site", "kind") else v for k, v in fields.items()}
            return t(key, lang, **words)
    return t("words.as_written", lang, text=source)


def _presets(lang: str) -> dict[str, str]:
    if lang == "en":
        return {"mapping": ", ".join(f"{k}->{v}" for k, v in SUBTYPE_PRESETS.items())}
    return {"mapping": "、".join(f"{vocab_label('subtype', k, lang)}→{vocab_label('mounting', v, lang)}"
                                 for k, v in SUBTYPE_PRESETS.items())}


#: A district's assumption topics (``DistrictYield.assumptions``): catalogue key of the sentence, its values.
TOPICS: dict[str, tuple[str, Callable[[str], dict[str, str]]]] = {
    "gap": ("legend.gap_assumption", lambda lang: {}),
    "energy": ("assumption.energy", lambda lang: {}),
    "p50_p90": ("assumption.p50_p90", lambda lang: {}),
    "projects": ("assumption.projects", _presets),
    "wind": ("assumption.wind", lambda lang: {}),
    "wind_p50_p90": ("assumption.wind_p50_p90", lambda lang: {}),
}


def topic_label(topic: str, lang: str = DEFAULT_LANG) -> str:
    """An assumption topic's label (``cli.topic.<topic>``: in English the topic's own name); the name if unknown."""
    key = f"cli.topic.{topic}"
    return t(key, lang) if key in MESSAGES else topic


def assumption_words(topic: str, text: str, lang: str = DEFAULT_LANG) -> str:
    """A district's assumption (``topic``, the model's English ``text``) in ``lang``.

    The catalogue's sentence of ``topic`` when its English is exactly ``text`` (the same content); otherwise, and
    in English, ``text`` as the model wrote it (in Chinese marked untranslated).
    """
    if lang == "en":
        return text
    known = TOPICS.get(topic)
    if known is not None:
        key, values = known
        if t(key, "en", **values("en")) == text:
            return t(key, lang, **values(lang))
    return t("words.as_written", lang, text=text)


def _form(key: str) -> re.Pattern[str]:
    """The catalogue's English of ``key`` as a pattern: its text literally, each ``{name}`` a field."""
    parts = re.split(r"\{(\w+)\}", MESSAGES[key][1])
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)))


def _by_forms(keys: tuple[str, ...], text: str, lang: str,
              words: Callable[[str, str, str], str | None] = lambda key, value, lang: value) -> str:
    """``text`` in ``lang`` by the first catalogue form of ``keys`` that gives it back exactly; else as written.

    ``words(field, value, lang)`` says a field's value in ``lang`` (codes in words; figures stay as written), or
    ``None`` when it cannot say all of it: then the text is shown as written.
    """
    if lang == "en":
        return text
    for key in keys:
        match = _form(key).fullmatch(text)
        if match and t(key, "en", **match.groupdict()) == text:
            said = {k: words(k, v, lang) for k, v in match.groupdict().items()}
            if any(v is None for v in said.values()):
                break
            return t(key, lang, **said)
    return t("words.as_written", lang, text=text)


def _parts(value: str, kind: str, sep: str, lang: str) -> str | None:
    """A list of ``name: text`` items each the catalogue's ``words.<kind>.<name>`` in English, in ``lang``."""
    names = re.findall(r"(?:^|; )(\w+): ", value)
    keys = [f"words.{kind}.{n}" for n in names]
    if not keys or any(k not in MESSAGES for k in keys) or "; ".join(MESSAGES[k][1] for k in keys) != value:
        return None
    return sep.join(t(k, lang) for k in keys)


#: A wind farm's assumption forms (``WindSiteYield.assumptions``, its ``wind`` lines, the project's location note).
FARM_FORMS = ("words.farm.capacity", "words.farm.physics", "words.farm.losses", "words.farm.accuracy",
              "words.farm.turbine_generic", "words.farm.p50_p90", "words.farm.location",
              "words.farm.wind_level_ridge", "words.farm.wind_not_stations", "words.farm.wind_shape",
              "words.farm.wind_weibull", "words.farm.wind_altitude", "words.farm.wind_air")
_LOSS = re.compile(r"(?P<name>\w+) (?P<pct>\d+(?:\.\d+)?) %")


def _farm_field(name: str, value: str, lang: str) -> str | None:
    if name == "precision":
        return vocab_label("precision", value, lang)
    if name == "losses":  # "wake 5 %, availability 3 %": each loss's name in words, its figure as written
        losses = list(_LOSS.finditer(value))
        if ", ".join(m[0] for m in losses) != value:
            return None
        return "、".join(f"{_word('loss', m['name'], lang)} {m['pct']} %" for m in losses)
    return value


def farm_words(text: str, lang: str = DEFAULT_LANG) -> str:
    """One of a wind farm's assumptions (the model's English ``text``) in ``lang``, with the same figures.

    The catalogue's sentence when its English form gives back ``text`` exactly; otherwise, and in English,
    ``text`` as written (in Chinese marked untranslated).
    """
    return _by_forms(FARM_FORMS, text, lang, _farm_field)


#: A siting run's warning and assumption forms (``solar.siting.report``).
SITING_FORMS = ("words.siting.not_evaluated", "words.siting.ties", "words.siting.capacity_factor",
                "words.siting.weights", "words.siting.cost_proxy", "words.siting.sites", "words.siting.cells",
                "words.siting.weather_area", "words.siting.yield_model", "words.siting.density",
                "words.siting.substations", "words.siting.substations_some", "words.siting.grid_criterion",
                "words.siting.projects", "words.siting.projects_some", "words.siting.projects_all",
                "words.siting.rules", "words.siting.coarse")


def _siting_field(name: str, value: str, lang: str) -> str | None:
    if name == "source":  # the run's weather source
        return source_words(value, lang)
    if name == "mounting":
        return vocab_label("mounting", value, lang)
    if name == "labels":
        return _parts(value, "coarse", "；", lang)
    if name in ("codes", "ids"):  # a list of criterion codes or ids, listed as Chinese lists them
        return value.replace(", ", "、")
    return value


def siting_words(text: str, lang: str = DEFAULT_LANG) -> str:
    """A siting run's warning or assumption (the model's English ``text``) in ``lang``, with the same figures.

    Its targets assumption is the district's gap assumption (``legend.gap_assumption``); otherwise as
    :func:`farm_words`.
    """
    if lang != "en" and text == t("legend.gap_assumption", "en"):
        return t("legend.gap_assumption", lang)
    if lang != "en" and any(pattern.fullmatch(text) for pattern, _ in SOURCE_FORMS):  # the run's weather source
        return source_words(text, lang)
    return _by_forms(SITING_FORMS, text, lang, _siting_field)
