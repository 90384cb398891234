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
  :data:`solar.mounting.SUBTYPE_PRESETS` in vocabulary words).

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
