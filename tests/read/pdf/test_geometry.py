"""The PDF parser's page geometry on its own: lines, ruled grids, tables over page breaks.

The geometry's shortcuts give what the plain computations they replace give, each written out
here as the definition and compared on generated characters and on every page of every PDF of
the fixtures: the grouping of characters into lines and words; which ruling lines run
between two grid positions; the placement of a table's characters in its cells (each position's
cell looked up with the union-find, the column and row clamped into the grid, a cell's text from
its `group_lines`), and a cell's lines as texts only.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import unicodedata
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gkbg import Doubt
from gkbg.core.text import looks_like_value
from gkbg.read.pdf import geometry as _pdf_geometry
from gkbg.read.pdf import reader as _pdf
from gkbg.read.pdf.geometry import (
    _BY_LEFT,
    _NARROW_GAP,
    _SNAP,
    _WORD_GAP,
    Char,
    Grid,
    GridCell,
    Line,
    LooseRow,
    Rule,
    _bands,
    _dedupe,
    _is_space,
    _line_texts,
    _near,
    continued_columns,
    drop_repeated_header,
    find_grids,
    group_lines,
    join_split_row,
    join_texts,
    loose_rows,
    regrid,
    stack_columns,
)
from gkbg.read.pdf.reader import _char_box, _under_ruled
from tests.helpers import pdf_chars, pdf_documents, pdf_pages, pdf_tables

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from gkbg.read.pdf.geometry import Box

SIZE = 10.0


def write(text: str, x: float, top: float) -> list[Char]:
    """Characters of ``text`` side by side from ``(x, top)``, each one em wide."""
    chars = []
    for ch in text:
        width = SIZE if ord(ch) > 0x2E80 else SIZE / 2
        chars.append(Char(ch, x, top, x + width, top + SIZE))
        x += width
    return chars


def ruled(xs: list[float], ys: list[float]) -> list[Rule]:
    """A full grid of ruling lines, each drawn as one line."""
    return [Rule.across(y, xs[0], xs[-1]) for y in ys] + [Rule.down(x, ys[0], ys[-1]) for x in xs]


PAGE = [
    *write("一、总体情况", 50, 40),
    *write("本年新收申请 95 件。", 50, 60),
    *write("二、主动公开", 50, 80),
]


@settings(max_examples=50)
@given(st.permutations(PAGE))
def test_lines_do_not_depend_on_the_order_characters_come_in(chars: list[Char]) -> None:
    assert [line.text for line in group_lines(chars)] == [
        "一、总体情况",
        "本年新收申请 95 件。",
        "二、主动公开",
    ]


def test_words_split_at_spaces_and_at_gaps_between_columns() -> None:
    chars = [*write("行政许可", 50, 40), *write("12", 93, 40), *write("7", 106, 40)]
    (line,) = group_lines(chars)
    assert [word for word, _ in line.words] == ["行政许可", "12", "7"]


def test_fake_bold_characters_are_read_once() -> None:
    chars = write("规章", 50, 40) + write("规章", 50.3, 40.2)
    assert [line.text for line in group_lines(chars)] == ["规章"]


def test_a_header_one_character_per_line_is_one_word() -> None:
    """Outside ruled tables: 自/然/人 stacked beside a label that spans the lines."""
    chars = [*write("自", 200, 100), *write("申请人情况", 50, 112), *write("然", 200, 112)]
    chars += [*write("人", 200, 124), *write("总", 240, 112), *write("计", 240, 124)]
    lines = stack_columns(group_lines(chars))
    assert [line.text for line in lines] == ["自然人", "申请人情况 总计"]
    # Single characters that do not stand under each other stay as they are.
    apart = group_lines([*write("无", 50, 100), *write("是", 120, 112)])
    assert stack_columns(apart) == apart


def test_a_ruled_grid_with_merged_cells() -> None:
    xs, ys = [50.0, 150.0, 200.0, 250.0], [100.0, 120.0, 140.0, 160.0]
    rules = ruled(xs, ys)
    # Row 0: one cell across the two value columns (no line at x=200 in that row).
    rules = [r for r in rules if not (not r.horizontal and r.at == 200.0)]
    rules.append(Rule.down(200.0, 120.0, 160.0))
    # Column 0: one cell over rows 1 and 2, its label wrapped over two lines.
    rules = [r for r in rules if not (r.horizontal and r.at == 140.0)]
    rules.append(Rule.across(140.0, 150.0, 250.0))
    chars = [
        *write("申请人情况", 160, 105),
        *write("三、本年度", 55, 125),
        *write("办理结果", 55, 137),
        *write("5", 170, 125),
        *write("6", 220, 125),
        *write("7", 170, 145),
        *write("8", 220, 145),
    ]
    (grid,) = find_grids(rules, chars)
    cells = [(c.row, c.col, c.rows, c.cols, c.text) for c in grid.cells]
    assert cells == [
        (0, 0, 1, 1, ""),
        (0, 1, 1, 2, "申请人情况"),
        (1, 0, 2, 1, "三、本年度办理结果"),
        (1, 1, 1, 1, "5"),
        (1, 2, 1, 1, "6"),
        (2, 1, 1, 1, "7"),
        (2, 2, 1, 1, "8"),
    ]
    assert all(cell.uncertain == () for cell in grid.cells)
    assert grid.cells[2].bbox == (50.0, 120.0, 150.0, 160.0)


def test_a_border_drawn_cell_by_cell_is_one_line() -> None:
    xs, ys = [50.0, 100.0, 150.0], [100.0, 120.0]
    pieces = [Rule.across(y, x, x + 50) for y in ys for x in xs[:-1]]
    pieces += [Rule.down(x, ys[0], ys[1]) for x in xs]
    (grid,) = find_grids(pieces, [*write("1", 60, 105), *write("2", 110, 105)])
    assert [c.text for c in grid.cells] == ["1", "2"]


def test_text_running_over_a_ruling_line_is_uncertain() -> None:
    xs, ys = [50.0, 100.0, 150.0], [100.0, 120.0]
    for start in (85.0, 87.5):  # the line between two digits, or through one
        (grid,) = find_grids(ruled(xs, ys), write("12345", start, 105))
        assert [bool(cell.uncertain) for cell in grid.cells] == [True, True]
        assert "runs over" in str(grid.cells[0].uncertain[0])
    (grid,) = find_grids(ruled(xs, ys), write("123", 60, 105) + write("45", 103, 105))
    assert [cell.uncertain for cell in grid.cells] == [(), ()]


def test_a_number_wrapped_by_a_narrow_column_is_one_number() -> None:
    """A portrait page squeezes table 四: ``4804`` prints as ``480`` over ``4`` in its cell."""
    xs, ys = [50.0, 69.0, 120.0], [100.0, 130.0]  # the first cell: 15 points inside 2 of padding
    chars = [*write("480", 52, 102), *write("4", 52, 114), *write("1", 71, 102)]
    (grid,) = find_grids(ruled(xs, ys), chars)
    assert [c.text for c in grid.cells] == ["4804", "1"]
    right = [*write("480", 52, 102), *write("4", 62, 114)]  # right-aligned alike
    (grid,) = find_grids(ruled(xs, ys), right)
    assert grid.cells[0].text == "4804"


def test_numbers_on_two_lines_with_room_beside_them_stay_apart() -> None:
    wide, narrow, ys = [50.0, 100.0, 120.0], [50.0, 69.0, 120.0], [100.0, 130.0]
    (grid,) = find_grids(ruled(wide, ys), [*write("480", 52, 102), *write("4", 52, 114)])
    assert grid.cells[0].text == "480 4"  # a digit more fitted beside 480: not a wrap
    centred = [*write("480", 52, 102), *write("4", 57, 114)]
    (grid,) = find_grids(ruled(narrow, ys), centred)
    assert grid.cells[0].text == "480 4"  # centred lines: the padding is unknown
    (grid,) = find_grids(ruled(narrow, ys), [*write("480", 52, 102), *write("件", 52, 114)])
    assert grid.cells[0].text == "480件"  # not digits: joined as text, as before


def test_a_frame_around_the_page_is_no_table() -> None:
    frame = ruled([20.0, 575.0], [20.0, 60.0, 820.0])  # a border with a line under the header
    table = ruled([50.0, 150.0, 200.0], [100.0, 120.0, 140.0])
    chars = [*write("某某区人民政府", 30, 30), *write("规章", 55, 105), *write("3", 160, 105)]
    (grid,) = find_grids(frame + table, chars)
    assert grid.bbox == (50.0, 100.0, 200.0, 140.0)
    assert [c.text for c in grid.cells] == ["规章", "3", "", ""]


def test_a_table_ruled_by_rows_only_is_read_as_lines() -> None:
    """Lines between rows and around the table, none between columns: no cells to trust."""
    rows = ruled([50.0, 300.0], [100.0, 120.0, 140.0])
    chars = [*write("规章", 55, 105), *write("1", 150, 105), *write("2", 200, 105)]
    chars += [*write("行政规范性文件", 55, 125), *write("3", 150, 125), *write("4", 200, 125)]
    (grid,) = find_grids(rows, chars)
    assert [c.text for c in grid.cells] == ["规章 1 2", "行政规范性文件 3 4"]
    assert _under_ruled(grid)
    (columns,) = find_grids(ruled([50.0, 140.0, 190.0, 300.0], [100.0, 120.0, 140.0]), chars)
    assert not _under_ruled(columns)


def test_a_dense_drawing_is_no_table() -> None:
    """Thousands of crossing lines (a chart, or a hostile file) are not read as a table."""
    steps = [50.0 + 2.5 * i for i in range(2100)]
    rules = [Rule.across(y, 50.0, 5300.0) for y in steps]
    rules += [Rule.down(x, 50.0, 5300.0) for x in steps]
    assert find_grids(rules, write("12", 60, 60)) == []


def test_lines_that_do_not_touch_are_no_table() -> None:
    rules = [Rule.across(100, 50, 250), Rule.across(300, 50, 250), Rule.down(400, 50, 90)]
    assert find_grids(rules, write("无。", 60, 105)) == []


def _part(rows: list[list[str]], top: float = 100.0) -> Grid:
    xs = [50.0, 150.0, 200.0, 250.0]
    ys = [top + 20.0 * i for i in range(len(rows) + 1)]
    chars = [
        ch
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
        for ch in write(text, xs[c] + 3, ys[r] + 5)
    ]
    (grid,) = find_grids(ruled(xs, ys), chars)
    return grid


def test_a_row_broken_by_a_page_break_is_joined() -> None:
    above = _part([["4.保护第三方", "60", "61"], ["5.属于三类", "67", "68"]])
    below = _part([["内部事务信息", "", ""], ["6.属于四类", "74", "75"]], top=40.0)
    first, second = join_split_row(above, below, looks_like_value)
    assert [c.text for c in first.cells][-3:] == ["5.属于三类内部事务信息", "67", "68"]
    assert [c.text for c in second.cells] == ["6.属于四类", "74", "75"]
    assert all(cell.uncertain == () for cell in (*first.cells, *second.cells))


def test_a_heading_row_cut_by_a_page_break_is_joined() -> None:
    above = _part([["信息内容", "12", "34"], ["行政复", "行政诉", "其"]])
    below = _part([["议", "讼", "他"], ["规章", "1", "2"]], top=40.0)
    first, second = join_split_row(above, below, looks_like_value)
    assert [c.text for c in first.cells][-3:] == ["行政复议", "行政诉讼", "其他"]
    assert [c.text for c in second.cells] == ["规章", "1", "2"]


def test_whole_rows_either_side_of_a_page_break_stay_apart() -> None:
    above = _part([["4.保护第三方合法权益", "60", "61"]])
    below = _part([["5.属于三类内部事务信息", "67", "68"]], top=40.0)
    assert join_split_row(above, below, looks_like_value) == (above, below)


def test_a_numbered_label_under_the_break_opens_a_row_of_its_own() -> None:
    """Rows left blank either side of the break: 4. opens a new row, not the rest of 3."""
    above = _part([["3.危及“三安全一稳定”", "1", ""]])
    for label in ("4.保护第三方合法权益", "（五）不予处理", "四、结转下年度继续办理"):
        below = _part([[label, "", ""]], top=40.0)
        assert join_split_row(above, below, looks_like_value) == (above, below)


def test_a_joined_row_with_values_from_both_parts_is_uncertain() -> None:
    above = _part([["3.危及", "5", ""]])
    below = _part([["安全", "", "2"]], top=40.0)
    first, _ = join_split_row(above, below, looks_like_value)
    assert [c.text for c in first.cells] == ["3.危及安全", "5", "2"]
    assert all(cell.uncertain for cell in first.cells)


def test_heading_rows_repeated_at_the_top_of_the_next_part_are_dropped() -> None:
    heading = [["信息内容", "本年", "上年"], ["", "件数", "件数"]]
    first = _part([*heading, ["规章", "1", "2"]])
    second = _part([*heading, ["行政规范性文件", "3", "4"]], top=40.0)
    rest = drop_repeated_header(first, second, looks_like_value)
    assert [(c.row, c.text) for c in rest.cells] == [(0, "行政规范性文件"), (0, "3"), (0, "4")]
    assert rest.ys == second.ys[2:]
    # Rows of numbers that happen to repeat are data, not headings.
    numbers = _part([["1", "2", "3"], ["规章", "1", "2"]])
    again = _part([["1", "2", "3"], ["规章", "5", "6"]], top=40.0)
    assert drop_repeated_header(numbers, again, looks_like_value) == again


def test_a_part_without_some_column_lines_goes_on_in_the_finer_grid() -> None:
    cell = GridCell(row=0, col=1, rows=1, cols=1, text="行政诉讼", bbox=(150, 40, 250, 60))
    coarse = Grid((50.0, 150.0, 250.0), (40.0, 60.0), (cell,))
    fine = Grid((50.0, 150.0, 200.0, 250.0), (100.0, 120.0), ())
    assert continued_columns(coarse, fine, 3.0) == fine.xs
    assert continued_columns(fine, coarse, 3.0) == fine.xs
    assert continued_columns(fine, Grid((60.0, 250.0), (0.0, 1.0), ()), 3.0) is None
    assert continued_columns(fine, Grid((50.0, 170.0, 250.0), (0.0, 1.0), ()), 3.0) is None
    (spread,) = regrid(coarse, fine.xs).cells
    assert (spread.col, spread.cols) == (1, 2)


def test_an_implausible_font_box_gives_way_to_the_glyph_box() -> None:
    tight = (86.0, 218.5, 95.1, 226.0)
    assert _char_box(tight, (85.5, 194.7, 284.5, 393.7)) == tight
    loose = (85.5, 217.0, 96.0, 227.5)
    assert _char_box(tight, loose) == loose


@st.composite
def ruled_tables(draw: st.DrawFn) -> tuple[list[Rule], list[Char], list[list[str]]]:
    """A fully ruled table of random size with a number or a label in each cell."""
    widths = draw(st.lists(st.integers(30, 120), min_size=2, max_size=8))
    heights = draw(st.lists(st.integers(16, 40), min_size=2, max_size=12))
    xs = [50.0]
    for width in widths:
        xs.append(xs[-1] + width)
    ys = [80.0]
    for height in heights:
        ys.append(ys[-1] + height)
    text = st.one_of(
        st.integers(0, 99_999).map(str),
        st.sampled_from(["规章", "行政许可", "其他", "", "/", "结果维持"]),
    )
    cells = [[draw(text) for _ in widths] for _ in heights]
    chars = []
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            fits = (
                value
                if len(value) * SIZE <= widths[c] - 6
                else value[: int((widths[c] - 6) // SIZE)]
            )
            row[c] = fits
            chars += write(fits, xs[c] + 3, ys[r] + 3)
    shuffled = draw(st.permutations(chars))
    return ruled(xs, ys), shuffled, cells


@settings(max_examples=60, deadline=None)
@given(ruled_tables())
def test_every_cell_of_a_ruled_table_is_read_whatever_the_text_order(
    table: tuple[list[Rule], list[Char], list[list[str]]],
) -> None:
    rules, chars, cells = table
    (grid,) = find_grids(rules, chars)
    assert [[c.text for c in grid.cells if c.row == r] for r in range(len(cells))] == cells
    assert all(cell.uncertain == () for cell in grid.cells)


# Tables printed without ruling lines.


def loose(chars: list[Char]) -> list[Line | LooseRow]:
    return loose_rows(group_lines(chars), looks_like_value)


def row_texts(items: list[Line | LooseRow]) -> list[tuple[list[str], list[str]] | str]:
    return [
        ([t for t, _ in item.labels], [t for t, _ in item.cells])
        if isinstance(item, LooseRow) and item.cells
        else item.text
        for item in items
    ]


def test_a_table_without_lines_keeps_its_blank_cells_in_place() -> None:
    chars = [
        *write("信息内容", 50, 40),
        *write("制发", 150, 40),
        *write("废止", 200, 40),
        *write("有效", 250, 40),
        *write("规章", 50, 60),
        *write("11", 150, 60),
        *write("12", 200, 60),
        *write("13", 250, 60),
        *write("行政规范性文件", 50, 80),
        *write("14", 150, 80),
        *write("16", 250, 80),
        *write("三、收到和处理", 50, 110),
    ]
    assert row_texts(loose(chars)) == [
        "信息内容 制发 废止 有效",
        (["规章"], ["11", "12", "13"]),
        (["行政规范性文件"], ["14", "", "16"]),
        "三、收到和处理",
    ]


def test_a_label_wrapped_around_its_values_is_one_label() -> None:
    chars = [
        *write("1.属于国家秘密", 50, 40),
        *write("21", 200, 40),
        *write("22", 250, 40),
        *write("2.其他法律行政", 50, 56),
        *write("23", 200, 62),
        *write("24", 250, 62),
        *write("法规禁止公开", 50, 68),
        *write("3.危及稳定", 50, 90),
        *write("26", 250, 90),
    ]
    assert row_texts(loose(chars)) == [
        (["1.属于国家秘密"], ["21", "22"]),
        (["2.其他法律行政法规禁止公开"], ["23", "24"]),
        (["3.危及稳定"], ["", "26"]),
    ]


def test_a_value_over_two_columns_leaves_the_lines_as_they_are() -> None:
    chars = [
        *write("规章", 50, 60),
        *write("11", 150, 60),
        *write("12", 200, 60),
        *write("行政规范性文件", 50, 80),
        *write("1234567890", 160, 80),
    ]
    assert row_texts(loose(chars)) == ["规章 11 12", "行政规范性文件 1234567890"]


def test_a_label_reaching_into_the_columns_leaves_the_lines_as_they_are() -> None:
    chars = [
        *write("规章", 50, 60),
        *write("11", 150, 60),
        *write("12", 200, 60),
        *write("行政规范性文件和其他类", 50, 80),
        *write("14", 200, 80),
    ]
    assert row_texts(loose(chars)) == ["规章 11 12", "行政规范性文件和其他类 14"]


def test_columns_too_close_to_tell_apart_leave_the_lines_as_they_are() -> None:
    chars = [*write("规章", 50, 60), *write("11", 150, 60), *write("12", 161.5, 60)]
    chars += [*write("行政许可", 50, 80), *write("13", 150, 80)]
    assert row_texts(loose(chars)) == ["规章 11 12", "行政许可 13"]


def test_a_label_line_as_near_to_two_rows_belongs_to_neither() -> None:
    chars = [
        *write("规章", 50, 40),
        *write("11", 150, 40),
        *write("12", 200, 40),
        *write("备注", 50, 60),
        *write("行政许可", 50, 80),
        *write("13", 150, 80),
        *write("14", 200, 80),
    ]
    items = loose(chars)
    assert row_texts(items) == [(["规章"], ["11", "12"]), "备注", (["行政许可"], ["13", "14"])]


# --------------------------------------------------------------------------------------------
# The geometry's shortcuts give what the plain computations they replace give.


DOCUMENTS = pdf_documents()


# --------------------------------------------------------------------------------------------
# Lines and words: the plain grouping.


@functools.lru_cache(maxsize=4096)
def _plain_wide(text: str) -> bool:
    return unicodedata.east_asian_width(text) in {"W", "F"}


def _plain_is_space(text: str) -> bool:
    return not text.strip() or text in {"\u00a0", "\u3000", "\u200b"}


def _plain_group_lines(chars: Iterable[Char]) -> list[Line]:
    bands: list[list[Char]] = []
    centres: list[float] = []
    heights: list[float] = []
    for char in sorted(chars, key=lambda c: (c.cy, c.x0)):
        tall = char.bottom - char.top
        if bands and abs(char.cy - centres[-1]) <= max(tall, heights[-1]) / 2:
            band = bands[-1]
            band.append(char)
            centres[-1] += (char.cy - centres[-1]) / len(band)
            heights[-1] += (tall - heights[-1]) / len(band)
            continue
        bands.append([char])
        centres.append(char.cy)
        heights.append(tall)
    lines = [_plain_line(band) for band in bands]
    return [line for line in lines if line.words]


def _plain_line(band: list[Char]) -> Line:
    ordered: list[Char] = []
    for char in sorted(band, key=lambda c: (c.x0, c.x1)):
        if not any(
            k.text == char.text
            and abs(k.x0 - char.x0) < 1.0
            and abs(k.top - char.top) < 1.0
            and abs(k.x1 - char.x1) < 1.0
            for k in ordered[-3:]
        ):
            ordered.append(char)
    words: list[tuple[str, Box | None]] = []
    current: list[Char] = []

    def close() -> None:
        if current:
            box = (
                min(c.x0 for c in current),
                min(c.top for c in current),
                max(c.x1 for c in current),
                max(c.bottom for c in current),
            )
            words.append(("".join(c.text for c in current), box))
            current.clear()

    for char in ordered:
        if _plain_is_space(char.text):
            close()
            continue
        if current:
            left = current[-1]
            gap = char.x0 - left.x1
            height = min(left.bottom - left.top, char.bottom - char.top)
            wide = _plain_wide(left.text) and _plain_wide(char.text)
            if gap > (_WORD_GAP if wide else _NARROW_GAP) * height:
                close()
        current.append(char)
    close()
    return Line(tuple(ordered), tuple(words))


@settings(max_examples=400, deadline=None)
@given(pdf_chars())
def test_the_lines_of_generated_characters_are_the_plain_lines(chars: list[Char]) -> None:
    assert group_lines(chars) == _plain_group_lines(chars)


@pytest.mark.parametrize(("name", "data"), DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_the_lines_of_every_page_are_the_plain_lines(name: str, data: bytes) -> None:
    for page, textpage in pdf_pages(data):
        found = _pdf._chars(textpage, *_pdf._unrotated_size(page))
        if found is not None:
            chars = found[0]
            assert group_lines(chars) == _plain_group_lines(chars), name
            half = [c for c in chars if c.cx < chars[0].cx + 200] if chars else []
            assert group_lines(half) == _plain_group_lines(half), name


# --------------------------------------------------------------------------------------------
# Which ruling lines run between two grid positions.


def _plain_covers(rules: list[Rule], at: float, point: float) -> bool:
    return any(abs(r.at - at) <= _SNAP and r.start <= point <= r.end for r in rules)


_RULE = st.builds(
    Rule.down,
    st.floats(0, 30).map(lambda v: round(v, 1)),
    st.floats(0, 30).map(lambda v: round(v, 1)),
    st.floats(30, 60).map(lambda v: round(v, 1)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_RULE, max_size=12), st.floats(0, 30), st.floats(-5, 65))
def test_the_lines_near_a_position_cover_what_the_plain_test_covers(
    rules: list[Rule], at: float, point: float
) -> None:
    near = _near(rules, at)
    assert any(start <= point <= end for start, end in near) == _plain_covers(rules, at, point)
    for start, end in near:
        assert _plain_covers(rules, at, (start + end) / 2)


# --------------------------------------------------------------------------------------------
# The plain placement of a table's characters.


def _plain_grid(
    xs: list[float],
    ys: list[float],
    horizontal: list[Rule],
    vertical: list[Rule],
    chars: Sequence[Char],
) -> Grid:
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    def covered(rules: list[Rule], at: float, point: float) -> bool:
        return any(
            abs(r.at - at) <= _pdf_geometry._SNAP and r.start <= point <= r.end for r in rules
        )

    for r in range(rows):
        for c in range(cols - 1):
            if not covered(vertical, xs[c + 1], (ys[r] + ys[r + 1]) / 2):
                parent[find(r * cols + c + 1)] = find(r * cols + c)
    for c in range(cols):
        for r in range(rows - 1):
            if not covered(horizontal, ys[r + 1], (xs[c] + xs[c + 1]) / 2):
                parent[find((r + 1) * cols + c)] = find(r * cols + c)
    members: dict[int, list[int]] = {}
    for slot in range(rows * cols):
        members.setdefault(find(slot), []).append(slot)
    placed: dict[int, list[Char]] = {}
    root_of: dict[int, int] = {}
    for char in chars:
        if not (xs[0] <= char.cx <= xs[-1] and ys[0] <= char.cy <= ys[-1]) or _is_space(char.text):
            continue
        c = min(max(bisect.bisect_right(xs, char.cx) - 1, 0), cols - 1)
        r = min(max(bisect.bisect_right(ys, char.cy) - 1, 0), rows - 1)
        placed.setdefault(find(r * cols + c), []).append(char)
        root_of[id(char)] = find(r * cols + c)
    crossing: set[int] = set()
    for root, chars_of in placed.items():
        columns = [slot % cols for slot in members[root]]
        left, right = xs[min(columns)], xs[max(columns) + 1]
        for char in chars_of:
            width = char.x1 - char.x0
            if width > 0 and min(char.x1, right) - max(char.x0, left) < width * 0.6:
                crossing.add(root)
    inside = [char for chars_of in placed.values() for char in chars_of]
    for band in _bands(inside):
        for one, two in itertools.pairwise(_dedupe(sorted(band, key=_BY_LEFT))):
            height = min(one.bottom - one.top, two.bottom - two.top)
            pair = root_of.get(id(one)), root_of.get(id(two))
            if two.x0 - one.x1 <= _NARROW_GAP * height and None not in pair and pair[0] != pair[1]:
                crossing.update(root for root in pair if root is not None)
    cells = []
    for root, slots in members.items():
        r0, r1 = min(s // cols for s in slots), max(s // cols for s in slots)
        c0, c1 = min(s % cols for s in slots), max(s % cols for s in slots)
        reasons = []
        if len(slots) != (r1 - r0 + 1) * (c1 - c0 + 1):
            reasons.append(Doubt.of("pdf.not_rectangle"))
        if root in crossing:
            reasons.append(Doubt.of("pdf.text_crosses_line"))
        lines = group_lines(placed.get(root, []))
        cells.append(
            GridCell(
                row=r0,
                col=c0,
                rows=r1 - r0 + 1,
                cols=c1 - c0 + 1,
                text=(
                    "".join(line.text for line in lines)
                    if len(lines) > 1
                    and _pdf_geometry._wrapped_number(placed[root], xs[c0], xs[c1 + 1])
                    else join_texts(*(line.text for line in lines))
                ),
                bbox=(
                    round(xs[c0], 2),
                    round(ys[r0], 2),
                    round(xs[c1 + 1], 2),
                    round(ys[r1 + 1], 2),
                ),
                lines=len(lines),
                uncertain=tuple(reasons),
            )
        )
    cells.sort(key=lambda cell: (cell.row, cell.col))
    return Grid(tuple(xs), tuple(ys), tuple(cells))


@settings(max_examples=400, deadline=None)
@given(pdf_tables())
def test_the_cells_of_generated_tables_are_the_plain_cells(
    table: tuple[list[float], list[float], list[Rule], list[Rule], list[Char]],
) -> None:
    assert _pdf_geometry._grid(*table) == _plain_grid(*table)


@pytest.mark.parametrize(("name", "data"), DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_the_tables_of_every_page_are_the_plain_tables(
    name: str, data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    for page, textpage in pdf_pages(data):
        found = _pdf._chars(textpage, *_pdf._unrotated_size(page))
        if found is None:
            continue
        chars, frame = found
        rules = _pdf._rules(page, frame)
        grids = find_grids(rules, chars)
        with monkeypatch.context() as patched:
            patched.setattr(_pdf_geometry, "_grid", _plain_grid)
            assert grids == find_grids(rules, chars), name


# --------------------------------------------------------------------------------------------
# A cell's lines as texts only.


@settings(max_examples=400, deadline=None)
@given(pdf_chars())
def test_the_line_texts_are_those_of_the_lines(chars: list[Char]) -> None:
    assert _line_texts(chars) == [line.text for line in group_lines(chars)]
