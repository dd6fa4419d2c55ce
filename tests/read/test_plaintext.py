# SPDX-License-Identifier: MIT
"""The pipe and flat text readers: their shortcuts give what the plain work gives.

Each property compares a shortcut with the plain computation it replaces, written out here as the
definition (`gkbg.read.plaintext`, and the `TokenWriter` of `gkbg.read.layout` it writes with):
the line starts of `TokenWriter`; the pipe and flat tokenisers with the per-character and
per-word loops around `TokenWriter.add` (token limit included), on generated and real text; the
pipe-text sniffer's count of lines ending in ``|``, made with one search, with the lines
``str.splitlines`` cuts; the tokens whose `Location` is made only when read with the plain
`Token` of their fields (equality both ways, hash, repr, copies, pickles, the offsets and lines
the alignment reads without the location), and the alignment of generated and real text from
them with the alignment from plain tokens.
"""

from __future__ import annotations

import copy
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
import gkbg.render
import gkbg.testing
from gkbg.align.report import build_report
from gkbg.core.errors import LimitExceededError
from gkbg.core.limits import Limits
from gkbg.core.reasons import Doubt
from gkbg.core.text import looks_like_value
from gkbg.read.layout import (
    Layout,
    Token,
    TokenKind,
    TokenWriter,
    _SpanToken,
    token_grid,
    token_line,
    token_offsets,
    token_span,
)
from gkbg.read.plaintext import (
    _CELL_LINE,
    _MIN_CELL_LINES,
    _WORD,
    FlatTextParser,
    PipeTextParser,
    _cell_lines,
    _pipe_spans,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
REAL = sorted(
    [
        *(FIXTURES / "seeds").glob("*.txt"),
        *(ROOT / "examples").glob("*.txt"),
        *(FIXTURES / "html").glob("*.html"),
        *(FIXTURES / "docx").glob("*.docx"),
        *(FIXTURES / "xlsx").glob("*.xlsx"),
    ]
)

# --------------------------------------------------------------------------------------------
# Tokenising: the plain loops around TokenWriter.add.


def _plain_pipe(text: str, limits: Limits | None = None) -> list[Token]:
    writer = TokenWriter(text, limits=limits)
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if _CELL_LINE.search(body):
            start = offset
            for index, char in enumerate(body):
                if char == "|":
                    writer.add(start, offset + index, cell=True)
                    start = offset + index + 1
        elif body.strip():
            lead = len(body) - len(body.lstrip())
            writer.add(offset + lead, offset + len(body.rstrip()), cell=False, kind=TokenKind.TEXT)
        offset += len(line)
    return writer.tokens


def _is_digit(char: str) -> bool:
    return regex.fullmatch(r"\d", char) is not None


def _item_number(word: str, at: int) -> bool:
    """Whether the digit at ``at`` numbers a list item: a ``.`` and no digit follow it."""
    return word[at + 1 : at + 2] in {".", "．", "、"} and not _is_digit(word[at + 2 : at + 3])


def _number_end(word: str, at: int) -> int | None:
    """Where a number that begins at ``at`` in a word ends, or None if none begins there."""
    position = at
    if word[position] in "+-\u2212":
        position += 1
    start = position
    while position < len(word) and _is_digit(word[position]) and not _item_number(word, position):
        position += 1
    if position == start:
        return None
    if word[position : position + 1] == "." and _is_digit(word[position + 1 : position + 2]):
        position += 1
        while position < len(word) and _is_digit(word[position]):
            position += 1
    for unit in ("万元", "亿元", "元"):
        if word.startswith(unit, position):
            return position + len(unit)
    return position


def _pieces(word: str) -> list[tuple[int, int]]:
    """A word cut where a number begins and ends, one character at a time."""
    mixed = any(map(_is_digit, word)) and regex.search(r"\p{Han}", word) is not None
    if not mixed or looks_like_value(word):
        return [(0, len(word))]
    pieces: list[tuple[int, int]] = []
    text_start = 0
    at = 0
    while at < len(word):
        end = _number_end(word, at)
        if end is None:
            at += 1
            continue
        if text_start < at:
            pieces.append((text_start, at))
        pieces.append((at, end))
        text_start = at = end
    if text_start < len(word):
        pieces.append((text_start, len(word)))
    return pieces


def _plain_flat(text: str, limits: Limits | None = None) -> list[Token]:
    writer = TokenWriter(text, limits=limits)
    most = (limits or Limits()).max_tokens
    for match in _WORD.finditer(text):
        word = match.group()
        pieces = _pieces(word)
        if len(writer.tokens) + len(pieces) > most:
            pieces = [(0, len(word))]  # kept whole: cutting would pass the limit
        for index, (start, end) in enumerate(pieces):
            row_number = index == 0 and _plain_row_number(text, match.start(), word, pieces)
            kind = TokenKind.TEXT if row_number else None
            writer.add(match.start() + start, match.start() + end, cell=False, kind=kind)
            token = writer.tokens[-1]
            if len(pieces) > 1 and token.kind is TokenKind.VALUE:
                writer.tokens[-1] = _plain_repeated(token)
    return writer.tokens


def _plain_row_number(text: str, at: int, word: str, pieces: list[tuple[int, int]]) -> bool:
    """A row's number glued to its label at a line's start, ``2行政规范性文件456``."""
    if len(pieces) < 3:
        return False
    number, label = word[: pieces[0][1]], word[pieces[1][0] : pieces[1][1]]
    line_start = max(text.rfind(c, 0, at) for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
    return (
        1 <= len(number) <= 3
        and all(c in "0123456789" for c in number)
        and len(label) >= 2
        and regex.match(r"\p{Han}", label) is not None
        and text[line_start + 1 : at].strip(" \t\u3000") == ""
    )


def _plain_repeated(token: Token) -> Token:
    """A number cut from a word printing one number several times over (``777``) doubted."""
    digits = token.text
    for size in range(1, len(digits) // 2 + 1):
        unit = digits[:size]
        if (
            unit[0] in "123456789"
            and unit.isascii()
            and unit.isdigit()
            and len(digits) % size == 0
            and unit * (len(digits) // size) == digits
        ):
            doubt = Doubt.of(
                "text.repeated_digits", text=digits, times=str(len(digits) // size), number=unit
            )
            return attrs.evolve(token, uncertain=(doubt,))
    return token


def _read(parser: PipeTextParser | FlatTextParser, text: str, limits: Limits) -> list[Token]:
    document = gkbg.Input(text.encode(), "<test>", limits)
    return list(parser.read(document).tokens)


_PIECES = [
    "a",
    "本年",
    "0",
    "2.",
    "2．",
    "3、",
    ".5",
    "-",
    "元",
    "12",
    "1,234",
    "/",
    "—",
    "|",
    "|",
    " |",
    " ",
    "\u3000",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x85",
    "\u2028",
    "\xa0",
]
texts = st.lists(st.sampled_from(_PIECES), max_size=80).map("".join)
LIMITS = Limits()


@given(texts)
def test_line_starts_are_those_found_one_by_one(text: str) -> None:
    starts = [0]
    end = text.find("\n")
    while end >= 0:
        starts.append(end + 1)
        end = text.find("\n", end + 1)
    assert TokenWriter(text)._line_starts == starts


@given(texts)
def test_pipe_tokens_are_those_of_the_character_loop(text: str) -> None:
    plain = _plain_pipe(text)
    if not any(token.cell for token in plain):
        return  # the parser refuses such text: no cell
    assert _read(PipeTextParser(), text, LIMITS) == plain


@given(texts)
def test_flat_tokens_are_those_of_the_word_loop(text: str) -> None:
    assert _read(FlatTextParser(), text, LIMITS) == _plain_flat(text)


@given(texts, st.integers(min_value=1, max_value=12))
def test_token_limit_is_kept_as_by_the_plain_loops(text: str, most: int) -> None:
    limits = Limits(max_tokens=most)
    for parser, plain in ((PipeTextParser(), _plain_pipe), (FlatTextParser(), _plain_flat)):
        try:
            expected = plain(text, limits)
        except LimitExceededError:
            with pytest.raises(LimitExceededError, match="tokens"):
                _read(parser, text, limits)
            continue
        if parser.name == "pipe" and not any(token.cell for token in expected):
            continue
        assert _read(parser, text, limits) == expected


@pytest.mark.parametrize("path", [p for p in REAL if p.suffix == ".txt"], ids=lambda p: p.name)
def test_real_text_tokens_are_those_of_the_plain_loops(path: Path) -> None:
    text = path.read_text("utf-8")
    layout = gkbg.parse_layout(path)
    plain = _plain_pipe(text) if layout.format == "pipe" else _plain_flat(text)
    assert list(layout.tokens) == plain


# Digits of other scripts (full-width, Arabic-Indic, Devanagari) are digits to ``\d`` too.
_OTHER_DIGITS = ["１２", "٣", "५", "本年１", "2021年", "共3件", "（一）", "x9y"]


@given(st.lists(st.sampled_from(_PIECES + _OTHER_DIGITS), max_size=80).map("".join))
def test_flat_tokens_with_any_digit_are_those_of_the_word_loop(text: str) -> None:
    assert _read(FlatTextParser(), text, LIMITS) == _plain_flat(text)


def _pipe_spans_by_pattern(text: str) -> list[tuple[int, int, bool, TokenKind | None]]:
    """`_pipe_spans` as it was: each line tested with `_CELL_LINE`."""
    spans: list[tuple[int, int, bool, TokenKind | None]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if _CELL_LINE.search(body):
            start = offset
            for piece in body.split("|")[:-1]:
                spans.append((start, start + len(piece), True, None))
                start += len(piece) + 1
        elif body.strip():
            lead = len(body) - len(body.lstrip())
            spans.append((offset + lead, offset + len(body.rstrip()), False, TokenKind.TEXT))
        offset += len(line)
    return spans


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gkbg.testing.reports())
def test_generated_pipe_text_is_cut_as_by_the_line_pattern(report: gkbg.Report) -> None:
    """100 generated reports as pipe text: each line's test is the pattern's."""
    text = gkbg.render.text(report, "pipe")
    assert list(_pipe_spans(text)) == _pipe_spans_by_pattern(text)


@pytest.mark.parametrize("path", [p for p in REAL if p.suffix == ".txt"], ids=lambda p: p.name)
def test_real_texts_are_cut_as_by_the_line_pattern(path: Path) -> None:
    text = path.read_text("utf-8")
    assert list(_pipe_spans(text)) == _pipe_spans_by_pattern(text)


# --------------------------------------------------------------------------------------------
# Pipe text: lines ending in ``|``.

_LINE_PIECES = ["a", "|", " ", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028"]


@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=60).map("".join))
def test_cell_lines_are_counted_as_splitlines_cuts_them(text: str) -> None:
    plain = sum(1 for line in text.splitlines() if _CELL_LINE.search(line))
    assert _cell_lines(text) == min(plain, _MIN_CELL_LINES)


# --------------------------------------------------------------------------------------------
# Tokens whose location is made only when read (`_SpanToken`): the plain `Token` in every way.


def _plain_tokens(tokens: Iterable[Token]) -> tuple[Token, ...]:
    """The same tokens as plain `Token` objects, each with its `Location` made at once."""
    return tuple(Token(t.text, t.kind, t.cell, t.location, t.uncertain, t.readings) for t in tokens)


def _assert_same_tokens(lazy: Sequence[Token], plain: Sequence[Token]) -> None:
    assert len(lazy) == len(plain)
    for token, twin in zip(lazy, plain, strict=True):
        assert type(twin) is Token
        assert token == twin
        assert twin == token
        assert (token != twin, twin != token) == (False, False)
        assert hash(token) == hash(twin)
        assert {token} == {twin}
        assert repr(token) == repr(twin)
        assert attrs.asdict(token) == attrs.asdict(twin)
        where = twin.location
        assert token_offsets(token) == (where.start, where.end)
        assert token_line(token) == where.line
        assert token_grid(token) == (where.table_index, where.row_index, where.col_index)
        assert token.location == where
        for copied in (
            pickle.loads(pickle.dumps(token)),
            copy.copy(token),
            copy.deepcopy(token),
            attrs.evolve(token),
        ):
            assert type(copied) is Token
            assert copied == twin
        assert attrs.evolve(token, text="x") == attrs.evolve(twin, text="x")
        assert type(_SpanToken(token.text, token.kind)) is Token
    assert token_span(lazy) == token_span(plain)


@given(texts)
def test_lazy_tokens_are_the_plain_tokens(text: str) -> None:
    """Generated text, both readers: each token is the `Token` of its fields."""
    for parser, plain in ((PipeTextParser(), _plain_pipe), (FlatTextParser(), _plain_flat)):
        if parser.name == "pipe" and not any(token.cell for token in plain(text)):
            continue
        tokens = _read(parser, text, LIMITS)
        assert all(type(token) is _SpanToken for token in tokens)
        _assert_same_tokens(tokens, _plain_tokens(tokens))


def _report_with_plain_tokens(layout: Layout) -> gkbg.Report:
    return build_report(attrs.evolve(layout, tokens=_plain_tokens(layout.tokens)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        gkbg.testing.reports(),
        gkbg.testing.invalid_reports().map(lambda invalid: invalid.report),
        gkbg.testing.blanked_reports().map(lambda blanked: blanked.report),
    ),
    st.sampled_from(["pipe", "flat", "run"]),
    st.one_of(st.none(), gkbg.testing.label_styles()),
)
def test_generated_reports_align_alike_from_lazy_and_plain_tokens(
    report: gkbg.Report, style: str, labels: gkbg.testing.LabelStyle | None
) -> None:
    """Generated reports in every text style: the alignment of the lazy tokens is that of the
    plain ones, cell for cell (locations included)."""
    text = gkbg.render.text(report, style, labels=labels)  # type: ignore[arg-type]
    layout = gkbg.parse_layout(text.encode())
    _assert_same_tokens(layout.tokens, _plain_tokens(layout.tokens))
    lazy = build_report(layout)
    assert lazy == _report_with_plain_tokens(layout)
    assert list(lazy.iter_cells()) == list(_report_with_plain_tokens(layout).iter_cells())


@pytest.mark.parametrize("path", [p for p in REAL if p.suffix == ".txt"], ids=lambda p: p.name)
def test_real_texts_align_alike_from_lazy_and_plain_tokens(path: Path) -> None:
    layout = gkbg.parse_layout(path)
    _assert_same_tokens(layout.tokens, _plain_tokens(layout.tokens))
    lazy = build_report(layout)
    assert lazy == _report_with_plain_tokens(layout)
    assert list(lazy.iter_cells()) == list(_report_with_plain_tokens(layout).iter_cells())


def test_a_row_number_glued_to_its_label_at_a_lines_start_is_a_word() -> None:
    """``2行政规范性文件456``: the 2 is the row's number (序号), a word; 456 its values."""
    tokens = _read(FlatTextParser(), "1规章123\n2行政规范性文件456\n共2021年12件", LIMITS)
    kinds = [(token.text, token.kind) for token in tokens]
    assert kinds[:6] == [
        ("1", TokenKind.TEXT),
        ("规章", TokenKind.TEXT),
        ("123", TokenKind.VALUE),
        ("2", TokenKind.TEXT),
        ("行政规范性文件", TokenKind.TEXT),
        ("456", TokenKind.VALUE),
    ]
    assert ("2021", TokenKind.VALUE) in kinds  # not at a line's start


def test_one_number_printed_several_times_over_in_a_word_is_doubted() -> None:
    """``行政许可777`` may be a merged 7 printed three times: kept as printed, doubted; a number
    standing apart (``777``) or of zeros (``000``, glued zeros) is not."""
    tokens = _read(FlatTextParser(), "行政许可777 行政处罚 777 规章000 收费1212", LIMITS)
    codes = [(t.text, [d.code for d in t.uncertain]) for t in tokens if t.text in {"777", "1212"}]
    assert codes == [
        ("777", ["text.repeated_digits"]),
        ("777", []),
        ("1212", ["text.repeated_digits"]),
    ]
    assert [d.code for t in tokens if t.text == "000" for d in t.uncertain] == []
