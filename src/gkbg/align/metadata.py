# SPDX-License-Identifier: MIT
"""Read a report's title, publishing body and year from its text.

`extract_metadata` takes the whole decoded text of a report (narrative and table text, possibly
wrapped in web-page junk, possibly one long line with spaces inserted inside words, as PDF
copy-paste produces) and returns a `Metadata`. The text is NFKC-normalised first, so
full-width digits and punctuation read as ASCII. Each field comes from the most trusted rule
that fires, and a field no rule fires for is ``None``: nothing is guessed.

**title** is a line or segment of the form ``<agency><year>年(度)政府信息公开工作年度报告``
(also ``…年报告``, ``…年度报告`` without 工作, ``…工作报告``, ``政务公开…``, or the year
first: ``<year>年度<agency>政府信息公开工作年度报告``), matched with any whitespace inside.
It must start a line or a segment (after punctuation, or after whitespace when the text
before it is junk) and must not run on into a sentence (``…年度报告如下`` is not a title).
A title on a line of its own is preferred to one inside a longer line, and both to a file
name (``…年度报告.docx``). A title inside 《…》 names some other document and is ignored.
A title printed over two lines is one line: the agency alone on the line above
``<year>年…报告``, or two lines (three, when the last two are not one) that together are
exactly one title with a valid agency, the first naming a place or starting with the year
(``淮安市洪泽区人民`` / ``政府2023年…报告``, ``…人民政府2023年政府信息`` /
``公开工作年度报告``); a name above a line that is a whole title with its own agency is
another heading and stays apart.
The title is returned with its whitespace removed.

**agency**, in order of trust:

1. the agency named by the title;
2. ``本报告由<agency>(根据|依据|按照|编制|制作)``;
3. ``电子版可在<agency>(门户)网站``;
4. a signature near the end of the text: an agency name just before (or on the line before,
   or just after) a date such as ``2022年1月20日``.

A candidate is accepted only if it is 2 to 40 Chinese characters, ends in the suffix of a
public body (人民政府, 局, 委员会, 办, 区, 县, 街道办事处, …) with something more specific
than 区 or 市 before it (a single character only before a place suffix: 沛县, but not 化局), and
contains no word that shows it is part of a sentence or a page (报告, 情况, 下载, 我局, …).
Names are never taken from inside 《…》.

**year** (2008 to 2100), in order of trust:

1. the title's year;
2. the data period (``统计期限为2019年1月1日至12月31日``, ``所列数据截止日期为2021年12月31日``);
3. the year that opens part 一、总体情况 (``2020年,我办…``);
4. the year written most often as ``20XX年``, when no other year is written as often.

All patterns are compiled once; none nests repetitions, and every repetition that can
backtrack is bounded, so reading stays linear in the length of the text.
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter

import attrs
import regex

from gkbg.core.text import normalize_nfkc

__all__ = ["Metadata", "extract_metadata"]


@attrs.frozen
class Metadata:
    """What a report says about itself.

    Attributes:
        title: The report's title as printed, with whitespace removed
            (``兴安区2024年政府信息公开工作年度报告``), or ``None`` if it has no title line.
        agency: The publishing body (``瑶海区人民政府``), or ``None`` if the report does not
            name itself.
        year: The year the report covers (the year of its statistics), or ``None``.
    """

    title: str | None
    agency: str | None
    year: int | None


_MIN_YEAR = 2008  # the Regulations on Open Government Information took effect in 2008
_MAX_YEAR = 2100
_MIN_AGENCY = 2
_MAX_AGENCY = 40
_LOOKBACK = 120  # how far before a title or a date its agency may start
_LOOKAHEAD = 64  # how far after a title we look to see what follows it
_GUILLEMET_LOOKBACK = 200  # how far back we look for an unclosed 《
_SIGNATURE_LINES = 12  # how many non-empty lines at the end may hold a signature
_DATE_TAIL = 80  # a signature date must lie in the last this many characters of its line

# Kinds of title match, best first.
_LINE = 3  # the title is the whole line
_SEGMENT = 2  # the title is a segment of a longer line
_FILE = 1  # the title is a file name (… .docx)

_BLANK = " \t\r\n\f\v\u3000\u00a0|"  # stripped around lines and titles; "|" ends table cells


def _words(text: str) -> tuple[str, ...]:
    """The space-separated words of ``text`` (long word lists read better as one string)."""
    return tuple(text.split())


_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        _words(
            "街道办事处 管理委员会 人民政府 人民法院 人民检察院 委员会 管委会 办事处 办公室 "
            "办公厅 政府 中心 大学 学校 集团 公司 街道 "
            "局 委 厅 办 院 区 县 市 州 旗 盟 镇 乡 所 站 队 会 部 署 处 馆 校 社 台 司"
        ),
        key=len,
        reverse=True,
    )
)
"""How the name of a public body ends, longest first."""

_BARE_HEADS = frozenset(
    _words(
        "区 县 市 州 省 镇 乡 旗 盟 本 我 该 各 全 全区 全县 全市 全州 全省 全镇 本区 本县 本市 "
        "我区 我县 我市 上级 各级 有关 相关 区级 县级 市级 省级 人民"
    )
) | {""}
"""What may not be all that stands before the suffixes: ``区政府`` names no one in particular."""

_NOT_IN_AGENCY = _words(
    "报告 事项 情况 年度 下载 阅读 文档 点击 浏览 打印 来源 首页 根据 依据 按照 关于 如下 "
    "联系 特此 以上 本年 现将 公布 条例 规定 通知 办法 制度 负责 编制 网站 专栏 栏目 电话 "
    "地址 邮编 邮箱 传真 我局 我委 我办 我区 我县 我市 我院 我厅 我部 本局 本委 本办 本机关 "
    "本单位 本部门 本报告"
)
"""Words that show a candidate is part of a sentence or a web page, not a name."""

_PLACES = tuple("省市县区州旗盟镇乡")
"""How a place name ends."""

_BAD_FIRST = frozenset("请与的了在由对把被及或是以")
"""Characters a body's name does not start with (they start phrases)."""


def _sp(word: str) -> str:
    """A pattern for ``word`` that allows up to three whitespace characters between letters."""
    return r"\s{0,3}".join(regex.escape(ch) for ch in word)


_YEAR = r"(?<!\d)(?P<year>2\s{0,2}[01]\s{0,2}\d\s{0,2}\d)"
_YEAR_UNIT = rf"{_YEAR}\s{{0,3}}年\s{{0,3}}(?:度\s{{0,3}})?"
_REPORT = (
    rf"(?:{_sp('政府信息公开')}|{_sp('政务公开')}|{_sp('信息公开')})\s{{0,3}}"
    rf"(?:{_sp('工作')}\s{{0,3}})?"
    rf"(?:(?:年\s{{0,3}}(?:度\s{{0,3}})?)?{_sp('报告')}|{_sp('年报')})"
)

_TITLE_RE = regex.compile(_YEAR_UNIT + _REPORT)
"""``<year>年度政府信息公开工作年度报告``; the agency is read from the text before it."""

_TITLE_YEAR_FIRST_RE = regex.compile(
    r"(?<![\p{Han}A-Za-z0-9])" + _YEAR_UNIT + r"(?P<agency>\p{Han}[\p{Han}\s]{1,59}?)" + _REPORT
)
"""``<year>年度<agency>政府信息公开工作年度报告`` at the start of a line or segment."""

_DELIMITER_RE = regex.compile(
    r"\.\s{0,2}(?i:docx|doc|pdf|wps|html|htm|txt)"
    r"|[。，,；;：:！!？?|>》《“”\"'‘’「」『』【】\[\]()、/\\_—–\-·•~#=<*…]"
)
"""What ends the text that may precede a title or a date."""

_FILE_EXT_RE = regex.compile(r"\s{0,2}\.\s{0,2}(?i:docx|doc|pdf|wps|html|htm|txt)(?![A-Za-z])")
_WORD_CHAR_RE = regex.compile(r"[\p{Han}\p{L}\p{N}]")
_OPENER_RE = regex.compile(
    r"本报告|本年度报告|根据|依据|按照|前言|目录|发布|来源|索引|文号|日期|时间|一、|一\."
)
"""What may follow a title directly when the line breaks between title and body were lost."""

_HAN_NAME_RE = regex.compile(r"\p{Han}{2,40}")
_SPACE_RE = regex.compile(r"[\s\u200b\u200c\u200d\ufeff]+")

_BY_RE = regex.compile(r"本(?:年度)?报告(?:是)?由(?P<rest>\p{Han}{2,48})")
_BY_VERB_RE = regex.compile(r"(?:负责)?(?:根据|依据|按照|编制|制作|编写|撰写|起草|发布)")
_EDITION_RE = regex.compile(r"电子版(?:可以|可)?(?:在|从|于|登录|通过|到)(?P<rest>\p{Han}{2,48})")
_SITE_RE = regex.compile(r"(?:门户|官方|政务)?(?:网站|官网|网)")

_DATE = (
    r"(?:2\s{0,2}[01]\s{0,2}\d\s{0,2}\d|[〇零○O一二三四五六七八九]{4})\s{0,3}年\s{0,3}"
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s{0,3}月\s{0,3}"
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s{0,3}日"
)
_DATE_AT_END_RE = regex.compile(_DATE + r"[\s|。.]{0,5}$")
_DATE_FIRST_RE = regex.compile(r"^" + _DATE + r"\s{0,3}(?P<agency>\p{Han}[\p{Han}\s]{1,59})$")

_PERIOD_RE = regex.compile(
    r"(?:统计(?:期限|时限|期间|时段|区间|时间|周期|范围)"
    r"|数据(?:的)?(?:统计)?(?:截止|截至)(?:日期|时间)?)"
    r"[^\d\n。]{0,12}(?<!\d)(?P<year>20\d\d|2100)年"
)
_OVERVIEW_RE = regex.compile(
    r"一[、.,．]?(?:工作)?总体情况[^\d。]{0,24}(?<!\d)(?P<year>20\d\d|2100)年"
)
_YEAR_MENTION_RE = regex.compile(r"(?<!\d)(?P<year>20\d\d|2100)年")


def extract_metadata(text: str) -> Metadata:
    """Read the title, the publishing body and the year of a report from its text.

    Args:
        text: The whole decoded text of the report. Web-page junk around it, table cells
            ending in ``" |"`` and whitespace inside words are tolerated.

    Returns:
        The metadata. A field is ``None`` when no rule finds it; see the module
        documentation for the rules and their order.
    """
    text = normalize_nfkc(text)
    lines, compacts = _join_split_titles([line.rstrip(_BLANK) for line in text.splitlines()])
    compact = "\n".join(compacts)

    title, title_agency, title_year = _find_title(lines)
    by = _agency_by(compact)
    agency = _qualified(title_agency, by) or _government_of(by, compact) or by
    agency = agency or _agency_edition(compact)
    if agency is None:
        agency = _agency_signature(lines)
    year = title_year
    if year is None:
        year = _year_by(_PERIOD_RE, compact) or _year_by(_OVERVIEW_RE, compact)
    if year is None:
        year = _most_frequent_year(_without_signature_dates(lines))
    return Metadata(title=title, agency=agency, year=year)


_OFFICE_SUFFIXES = ("办公室", "办公厅")
_CACHE_SIZE = 4096


def _join_split_titles(lines: list[str]) -> tuple[list[str], list[str]]:
    """Join a title printed over two lines: the agency alone, then ``<year>年…报告``, or wrapped.

    A title may also wrap inside the agency's name or after its year, over two lines or three
    (`_wrapped`).

    Returns the lines and each line without whitespace (`_compact` of it).
    """
    heads = _compact_lines(lines)
    # Each line's previous line that is not blank: a text extracted from a PDF may put a blank
    # line between the two lines of a title (a paragraph each).
    before: dict[int, int] = {}
    last = -1
    for index, head in enumerate(heads):
        if last >= 0:
            before[index] = last
        if head:
            last = index
    # A title starts with its year, so only a line before one that starts with 2 can be joined
    # to the next as an agency alone. A wrapped title ends its last line with 报告 or 年报.
    years = itertools.compress(range(len(heads)), map(str.startswith, heads, itertools.repeat("2")))
    starts: dict[int, tuple[int, ...]] = {
        first: (first, index)
        for index in years
        if (first := before.get(index, -1)) >= 0
        and (head := heads[first])
        and len(head) <= _MAX_AGENCY
        and _is_agency(head)
        and _TITLE_RE.match(heads[index])
    }
    ends = itertools.compress(range(len(heads)), map(str.endswith, heads, itertools.repeat(_ENDS)))
    for index in ends:
        first = before.get(index, -1)
        if first < 0 or first in starts:
            continue
        if _wrapped(heads[first], heads[index]):
            starts[first] = (first, index)
        elif (top := before.get(first, -1)) >= 0 and _wrapped_three(
            heads[top], heads[first], heads[index]
        ):
            starts[top] = (top, first, index)
    if not starts:
        return lines, heads
    joined: list[str] = []
    compacts: list[str] = []
    position = 0
    for index in sorted(starts):
        if index < position:
            continue  # a line is joined once, to the lines after it
        parts = starts[index]
        joined.extend(lines[position:index])
        compacts.extend(heads[position:index])
        title = "".join(lines[part].strip(_BLANK) for part in parts)
        joined.append(title)
        compacts.append(_compact(title))
        position = parts[-1] + 1
    joined.extend(lines[position:])
    compacts.extend(heads[position:])
    return joined, compacts


def _wrapped_three(first: str, middle: str, last: str) -> bool:
    """Whether three lines (without whitespace) are one title wrapped twice (`_wrapped`)."""
    if not middle or not _names_place_or_year(first) or _TITLE_RE.search(middle) is not None:
        return False
    return _wrapped(first + middle, last, longest=_MAX_AGENCY + _WRAPPED_TAIL)


def _names_place_or_year(line: str) -> bool:
    return line.startswith("2") or any(place in line for place in _PLACES)


_ENDS = ("报告", "年报")  # how the second line of a wrapped title ends
_WRAPPED_TAIL = 24  # how long the second line of a wrapped title may be beyond an agency


def _wrapped(first: str, second: str, *, longest: int = _MAX_AGENCY) -> bool:
    """Whether two lines (without whitespace) are one title wrapped after ``first``.

    The two lines together are exactly a title, ``<agency><year>…报告`` or
    ``<year>年度<agency>…报告``, with a valid agency, and the break lies inside it. ``first``
    holds no title, and names a place or a year, as a wrapped title's first line does; a name
    above a line that is a whole title with its own agency is another heading. Two unrelated
    lines are never joined.
    """
    if not first or len(first) > longest or len(second) > _MAX_AGENCY + _WRAPPED_TAIL:
        return False
    if _TITLE_RE.search(first) is not None:
        return False
    if _is_agency(first) and _find_title([second])[1] is not None:
        return False  # a name above a whole title: another heading (淮安市 / 洪泽区人民政府…)
    if not _names_place_or_year(first):
        return False
    whole = first + second
    match = _TITLE_YEAR_FIRST_RE.fullmatch(whole)
    if match is not None and match.start("agency") < len(first) < match.end("agency") + 2:
        agency = match["agency"]
        return _is_agency(agency + "政府" if agency.endswith("人民") else agency)
    for match in _TITLE_RE.finditer(whole):
        if match.end() == len(whole) and match.start() > 0:
            return _is_agency(whole[: match.start()]) and len(first) != match.start()
    return False


_JOINER = "\x00"  # not white space, so a match of _SPACE_RE never spans it


def _compact_lines(lines: list[str]) -> list[str]:
    """``[_compact(line) for line in lines]``, in one substitution when no line holds NUL."""
    if not lines:
        return []
    whole = _JOINER.join(lines)
    if whole.count(_JOINER) != max(len(lines) - 1, 0):
        return [_compact(line) for line in lines]
    return _compact(whole).split(_JOINER)


def _qualified(title_agency: str | None, by: str | None) -> str | None:
    """The title's agency, or the fuller name of it that 本报告由…办公室 gives.

    The office (办公室) compiles the report of its government: ``本报告由淮安市洪泽区人民政府
    办公室…编制`` under the title ``洪泽区人民政府…报告`` names 淮安市洪泽区人民政府.
    """
    if title_agency is None or by is None:
        return title_agency
    for suffix in _OFFICE_SUFFIXES:
        if by.endswith(suffix) and by != title_agency:
            government = by.removesuffix(suffix)
            if government.endswith(title_agency) and _is_agency(government):
                return government
    return title_agency


def _government_of(by: str | None, compact: str) -> str | None:
    """Without a title, the government whose office (办公室) compiled the report, if it acts.

    ``本报告由某某县人民政府办公室…编制`` may be the office's own report or its government's:
    the government's when the text opens a year's work with it (``2020年，某某县人民政府认真
    贯彻…``), not with its office.
    """
    if by is None:
        return None
    for suffix in _OFFICE_SUFFIXES:
        government = by.removesuffix(suffix)
        if government == by or not _is_agency(government):
            continue
        at = compact.find(government)
        while at >= 0:
            after = compact[at + len(government) : at + len(government) + len(suffix)]
            before = compact[max(0, at - 2) : at]
            if after not in _OFFICE_SUFFIXES and (before.endswith("年") or before[-2:] == "年,"):
                return government
            at = compact.find(government, at + 1)
    return None


def _compact(text: str) -> str:
    return str(_SPACE_RE.sub("", text))


def _plausible_year(digits: str) -> int | None:
    year = int(_compact(digits))
    return year if _MIN_YEAR <= year <= _MAX_YEAR else None


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _is_agency(name: str) -> bool:
    """Whether ``name`` (without whitespace) can be taken as the name of a public body."""
    if not _MIN_AGENCY <= len(name) <= _MAX_AGENCY or _HAN_NAME_RE.fullmatch(name) is None:
        return False
    if name[0] in _BAD_FIRST or any(word in name for word in _NOT_IN_AGENCY):
        return False
    head, inner = name, ""
    while True:
        suffix = next((s for s in _SUFFIXES if head.endswith(s)), None)
        if suffix is None:
            break
        head, inner = head[: -len(suffix)], suffix
    if head == name or head in _BARE_HEADS:
        return False
    # One character names a county (沛县) but not a bureau: 化局 is the tail of a split name.
    return len(head) > 1 or inner in _PLACES


def _inside_guillemets(before: str) -> bool:
    """Whether text that follows ``before`` sits inside an unclosed 《…》."""
    return before.rfind("《") > before.rfind("》")


def _segment_before(line: str, end: int) -> tuple[str, bool]:
    """The text before ``line[end]`` back to the last delimiter, and whether its start is known.

    The start is known when a delimiter or the start of the line lies within the look-back
    window; otherwise the text is the whole window.
    """
    start = max(0, end - _LOOKBACK)
    window = line[start:end]
    cut = -1
    for match in _DELIMITER_RE.finditer(window):
        cut = match.end()
    if cut >= 0:
        return window[cut:], True
    return window, start == 0


def _agency_before(segment: str) -> str | None:
    """The agency that ends ``segment``, if any.

    PDF copy-paste puts spaces inside names, and junk may stand before a name with only a space
    between them, so the name is built from whitespace-separated tokens, from the end: first the
    shortest run of tokens that is a valid name (so ``瑶海区人民 政府`` reads whole), then
    extended by tokens before it that are place names (``北京市 门头沟区 科信局``).
    """
    tokens = segment.split()
    candidate = ""
    while tokens and not _is_agency(candidate):
        candidate = tokens.pop() + candidate
        if len(candidate) > _MAX_AGENCY:
            return None
    if not _is_agency(candidate):
        return None
    while tokens:
        token = tokens.pop()
        extended = token + candidate
        if token in _BARE_HEADS or not token.endswith(_PLACES) or not _is_agency(extended):
            break
        candidate = extended
    return candidate


def _end_kind(line: str, end: int) -> int | None:
    """What follows a title ending at ``line[end]``: a kind of title, or ``None`` if no title."""
    window = line[end : end + _LOOKAHEAD]
    if _FILE_EXT_RE.match(window):
        return _FILE
    rest = window.lstrip(_BLANK)
    if not rest:
        return _LINE if end + len(window) >= len(line) else _SEGMENT
    if rest[0] == "》":
        return None
    if len(rest) < len(window) or _WORD_CHAR_RE.match(rest[0]) is None:
        return _SEGMENT
    return _SEGMENT if _OPENER_RE.match(rest) else None


def _find_title(lines: list[str]) -> tuple[str | None, str | None, int | None]:
    """The best title in ``lines``, with the agency and the year it names."""
    best: tuple[int, int] | None = None
    found: tuple[str | None, str | None, int | None] = (None, None, None)
    for line in lines:
        if "年" not in line or "报" not in line:
            continue  # both patterns need 年 and 报 (报告, 年报): no title in this line
        for match in _TITLE_RE.finditer(line):
            candidate = _title_agency_first(line, match)
            if candidate is not None:
                rank = (candidate[0], candidate[2] is not None)
                if best is None or rank > best:
                    best, found = rank, candidate[1:]
        for match in _TITLE_YEAR_FIRST_RE.finditer(line):
            candidate = _title_year_first(line, match)
            if candidate is not None:
                rank = (candidate[0], True)
                if best is None or rank > best:
                    best, found = rank, candidate[1:]
    return found


def _title_prelude(line: str, match: regex.Match[str]) -> tuple[int, int] | None:
    """The year and the kind of ending of a title match, or None when it is no title."""
    year = _plausible_year(match["year"])
    kind = _end_kind(line, match.end())
    if year is None or kind is None:
        return None
    before = line[max(0, match.start() - _GUILLEMET_LOOKBACK) : match.start()]
    if _inside_guillemets(before):
        return None
    return year, kind


def _title_agency_first(
    line: str, match: regex.Match[str]
) -> tuple[int, str, str | None, int] | None:
    """Judge a ``<year>…报告`` match as the tail of an ``<agency><year>…报告`` title."""
    prelude = _title_prelude(line, match)
    if prelude is None:
        return None
    year, kind = prelude
    segment, known = _segment_before(line, match.start())
    agency = _agency_before(segment)
    if agency is None and not (known and not _compact(segment)):
        return None  # the title runs on from text that is not a name: a mention, not a title
    title = (agency or "") + _compact(match[0])
    if kind == _SEGMENT and len(line) <= _LOOKBACK * 4 and _compact(line) == title:
        kind = _LINE
    return kind, title, agency, year


def _title_year_first(
    line: str, match: regex.Match[str]
) -> tuple[int, str, str | None, int] | None:
    """Judge a ``<year>年度<agency>…报告`` match as a title."""
    prelude = _title_prelude(line, match)
    if prelude is None:
        return None
    year, kind = prelude
    agency = _compact(match["agency"])
    if agency.endswith("人民"):  # 人民政府信息公开: the 政府 of 人民政府 was read as the report's
        agency += "政府"
    if not _is_agency(agency):
        return None
    title = _compact(match[0])
    if kind == _SEGMENT and len(line) <= _LOOKBACK * 4 and _compact(line) == title:
        kind = _LINE
    return kind, title, agency, year


def _agency_in_runs(
    pattern: regex.Pattern[str], end_re: regex.Pattern[str], text: str
) -> str | None:
    """The first valid agency at the start of a run matched by ``pattern``.

    The run is a bounded stretch of Chinese characters; the agency is each prefix of it that
    ``end_re`` follows, shortest first.
    """
    for match in pattern.finditer(text):
        before = text[max(0, match.start() - _GUILLEMET_LOOKBACK) : match.start()]
        if _inside_guillemets(before):
            continue
        rest = str(match["rest"])
        for end in end_re.finditer(rest):
            name = rest[: end.start()]
            if _is_agency(name):
                return name
    return None


def _agency_by(compact: str) -> str | None:
    """``本报告由<agency>根据…`` or ``本报告由<agency>编制``."""
    return _agency_in_runs(_BY_RE, _BY_VERB_RE, compact)


def _agency_edition(compact: str) -> str | None:
    """``电子版可在<agency>门户网站下载``."""
    return _agency_in_runs(_EDITION_RE, _SITE_RE, compact)


def _agency_signature(lines: list[str]) -> str | None:
    """An agency signing the report next to a date, among the last non-empty lines."""
    tail = [line for line in lines if line.strip(_BLANK)][-_SIGNATURE_LINES:]
    for index in range(len(tail) - 1, -1, -1):
        line = tail[index].lstrip(_BLANK)
        offset = max(0, len(line) - _DATE_TAIL)
        date = _DATE_AT_END_RE.search(line[offset:])
        if date is not None:
            date_start = offset + date.start()
            before = line[max(0, date_start - _GUILLEMET_LOOKBACK) : date_start]
            if _inside_guillemets(before):
                continue
            segment, _ = _segment_before(line, date_start)
            if _compact(segment):
                agency = _agency_before(segment)
            else:  # the date stands alone: the agency is on the line above, or below
                agency = _whole_line_agency(tail, index - 1) or _whole_line_agency(tail, index + 1)
            if agency is not None:
                return agency
            continue
        first = _DATE_FIRST_RE.match(line)
        if first is not None:
            name = _compact(first["agency"])
            if _is_agency(name):
                return name
    return None


def _whole_line_agency(lines: list[str], index: int) -> str | None:
    if not 0 <= index < len(lines):
        return None
    name = _compact(lines[index].strip(_BLANK)) if len(lines[index]) <= _LOOKBACK else ""
    return name if _is_agency(name) else None


def _year_by(pattern: regex.Pattern[str], compact: str) -> int | None:
    """The first plausible year captured by ``pattern``."""
    for match in pattern.finditer(compact):
        year = _plausible_year(match["year"])
        if year is not None:
            return year
    return None


def _without_signature_dates(lines: list[str]) -> str:
    """The compacted text without the dates that end its last lines.

    A report is signed and dated after the year it covers, so its signature date does not
    count as a mention of that year.
    """
    kept = list(lines)
    nonempty = [index for index, line in enumerate(kept) if line.strip(_BLANK)]
    for index in nonempty[-_SIGNATURE_LINES:]:
        line = kept[index]
        offset = max(0, len(line) - _DATE_TAIL)
        date = _DATE_AT_END_RE.search(line[offset:])
        if date is not None:
            kept[index] = line[: offset + date.start()]
    return "\n".join(_compact(line) for line in kept)


def _most_frequent_year(compact: str) -> int | None:
    """The plausible year written most often as ``20XX年``; ``None`` on a tie."""
    counts = Counter(
        year
        for match in _YEAR_MENTION_RE.finditer(compact)
        if (year := _plausible_year(match["year"])) is not None
    )
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]
