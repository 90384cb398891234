"""A plan's text, decoded and normalised for matching, every character keeping its place in the original.

The registry cites a plan by line and exact quote, where a quote spanning lines is the lines' text stripped
and joined (:func:`geo.registry.plans.span_text`). So the document is held as that join (``joined``) and each
normalised character knows its offset in it: a match in the normalised text is cited as the original
characters between its first and last offset (``N`` or ``N-M``), spaces and traditional characters as written.

Normalisation is one character for one (or dropped, for white space): full-width letters, digits and
punctuation to half-width, then the half-width sentence punctuation a pasted page uses to the full-width
forms the rules look for (``,`` -> ``，``, ``;`` -> ``；``, ``(`` -> ``（``, a news page's ``…`` -> ``。``;
``.`` -> ``。`` unless inside a number), traditional characters to simplified (:mod:`geo.ingest.hanzi`).
Hard-wrapped lines are joined into paragraphs; a paragraph ends after sentence punctuation, before a list
marker (一、, （二）, 3., 专栏), at a short line (a heading, a page's boilerplate) and around a table
row (a tab or a run of spaces).
"""

import bisect
import re
from dataclasses import dataclass

from geo.ingest.errors import IngestError
from geo.ingest.hanzi import TRADITIONAL_TO_SIMPLIFIED

ENCODINGS = ("utf-8", "gb18030")
PUNCT = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？", "～": "~", "〜": "~",
         "﹪": "%", "【": "【", "「": "“", "」": "”", "…": "。"}
DROPPED = {"\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad"}
SENTENCE_END = "。！？；"
LIST_MARKER = re.compile(
    r"^(?:第[一二三四五六七八九十百零\d]+[章节条部分篇]|[一二三四五六七八九十]+[、。]|[（(][一二三四五六七八九十\d]+[）)]|"
    r"\d{1,2}[、。．](?!\d)|[①-⑳]|专栏|附件|附表|表\d|[一二三四五六七八九十]+是)")
TABLE_ROW = re.compile(r"\t|\S[ \u3000]{2,}\S")
SPACES = " \u3000"
SHORT_LINE = 16  # normalised characters: a shorter line is a heading or boilerplate, never wrapped on


@dataclass(frozen=True)
class Span:
    """Normalised text and, per character, its offset in :attr:`Document.joined`."""

    text: str
    index: tuple[int, ...]

    def __getitem__(self, key: slice) -> "Span":
        return Span(self.text[key], self.index[key])

    def __len__(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class Document:
    """A plan text: its original lines, their stripped join (the quote space) and its normalised paragraphs."""

    lines: tuple[str, ...]
    joined: str
    line_starts: tuple[int, ...]
    paragraphs: tuple[Span, ...]
    encoding: str

    def line_of(self, offset: int) -> int:
        """1-based line number of the character at ``offset`` of :attr:`joined`."""
        return bisect.bisect_right(self.line_starts, offset)

    def cite(self, span: Span) -> tuple[str, str]:
        """``(line, quote)`` of a span: ``"N"`` or ``"N-M"``, and the original text it covers, exactly."""
        if not span.index:
            return "1", ""
        lo, hi = span.index[0], span.index[-1] + 1
        first, last = self.line_of(lo), self.line_of(hi - 1)
        return (str(first) if first == last else f"{first}-{last}"), self.joined[lo:hi]


def decode_plan(data: bytes, name: str = "<text>") -> tuple[str, str]:
    """Decode a plan file's bytes: UTF-8 (BOM tolerated), else GB18030. Returns ``(text, encoding)``.

    Raises
    ------
    IngestError
        If the bytes are not text (NUL bytes) or in neither encoding; the message names the line.
    """
    if b"\x00" in data[:65536]:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise IngestError(f"{name}:{line}: not a text file (NUL byte); give the plan as UTF-8 or GB18030 text")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf8:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            line = data[: utf8.start].count(b"\n") + 1
            raise IngestError(f"{name}:{line}: neither UTF-8 nor GB18030 text (byte {utf8.start}); "
                              f"allowed encodings: {', '.join(ENCODINGS)}") from None


def _char(c: str, before: str, after: str) -> str:
    """The normalised form of one character ('' to drop it)."""
    if c.isspace() or c in DROPPED:
        return ""
    code = ord(c)
    if 0xFF01 <= code <= 0xFF5E:
        c = chr(code - 0xFEE0)
    if c == "." or c == "．":
        return "." if before.isdigit() and after.isdigit() else "。"
    return PUNCT.get(c) or TRADITIONAL_TO_SIMPLIFIED.get(c, c)


def _normalise(line: str, start: int) -> tuple[list[str], list[int]]:
    chars: list[str] = []
    index: list[int] = []
    for k, c in enumerate(line):
        before, after = line[k - 1] if k else "", line[k + 1] if k + 1 < len(line) else ""
        # a table's cell border (a tab, a run of spaces) ends a sentence
        border = c == "\t" or (c in SPACES and after != "" and after in SPACES
                                and (before == "" or before not in SPACES))
        n = "；" if border else _char(c, before, after)
        if n:
            chars.append(n)
            index.append(start + k)
    return chars, index


def _breaks_after(prev: str, prev_raw: str) -> bool:
    if not prev:
        return True
    tail = prev[-1] if prev[-1] not in "”’\"）)" or len(prev) < 2 else prev[-2]
    return (tail in SENTENCE_END or tail == "：" or len(prev) < SHORT_LINE
            or TABLE_ROW.search(prev_raw) is not None)


def parse_document(text: str, encoding: str = "utf-8") -> Document:
    """Split ``text`` into lines (as :func:`geo.registry.plans.plan_lines` does) and normalised paragraphs."""
    lines = tuple(text.split("\n"))
    stripped = [s.strip() for s in lines]
    starts, pos = [], 0
    for s in stripped:
        starts.append(pos)
        pos += len(s)
    joined = "".join(stripped)
    paragraphs: list[Span] = []
    chars: list[str] = []
    index: list[int] = []
    prev, prev_raw = "", ""
    for raw, s, start in zip(lines, stripped, starts, strict=True):
        if not s:
            continue
        n_chars, n_index = _normalise(s, start)
        norm = "".join(n_chars)
        if not norm:
            continue
        if chars and (_breaks_after(prev, prev_raw) or LIST_MARKER.match(norm) or TABLE_ROW.search(raw.strip())):
            paragraphs.append(Span("".join(chars), tuple(index)))
            chars, index = [], []
        chars.extend(n_chars)
        index.extend(n_index)
        prev, prev_raw = norm, raw.strip()
    if chars:
        paragraphs.append(Span("".join(chars), tuple(index)))
    return Document(lines, joined, tuple(starts), tuple(paragraphs), encoding)


def split(span: Span, marks: str) -> list[Span]:
    """Pieces of ``span`` ending at each of ``marks`` (the mark stays with its piece); empty pieces dropped."""
    out, start = [], 0
    for k, c in enumerate(span.text):
        if c in marks:
            if k + 1 > start:
                out.append(span[start : k + 1])
            start = k + 1
    if start < len(span):
        out.append(span[start:])
    return [p for p in out if p.text.strip(marks)]


def sentences(paragraph: Span) -> list[Span]:
    """The sentences of a paragraph (ending at 。！？；)."""
    return split(paragraph, SENTENCE_END)


def trim(span: Span, chars: str) -> Span:
    """``span`` without leading and trailing ``chars``."""
    lo, hi = 0, len(span)
    while lo < hi and span.text[lo] in chars:
        lo += 1
    while hi > lo and span.text[hi - 1] in chars:
        hi -= 1
    return span[lo:hi]
