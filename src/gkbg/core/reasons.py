# SPDX-License-Identifier: MIT
"""Why a cell is doubtful: every reason a parser gives, declared once, in Chinese and English.

A reason is a `Doubt`: a stable dotted code (``grid.no_column``) and the fields its templates
are filled with (``label=法律服务机构``). The templates are declared here and nowhere else;
``str(doubt)`` is the English sentence, ``doubt.zh`` the Chinese one.

Reports written by gkbg 0.1 give their reasons as English sentences. `Doubt.from_text` reads
one back to its code and fields through the same declaration (its templates turned into
patterns once); a sentence that matches none is kept whole under the code ``other``, never
dropped.
"""

from __future__ import annotations

import ast
import functools
import string
from typing import TYPE_CHECKING

import attrs
import regex

from gkbg.core.lang import Text

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "EMPTY_UNREAD",
    "FAILING",
    "FOUND_UNREAD",
    "OTHER",
    "PRINTED_UNREAD",
    "REASONS",
    "Doubt",
    "Reason",
    "doubts",
    "failing_field",
    "failing_instances",
    "reason_zh",
]


@attrs.frozen
class Reason:
    """One reason for doubt as declared: its code, its templates and their fields.

    Attributes:
        code: The stable dotted code (``stage.what``).
        en: The English template (``str.format`` syntax; ``{name!r}`` quotes the field).
        zh: The Chinese template, with the same fields.
        fields: The fields, in the order the English template names them.
        numbers: The fields that are whole numbers (matched as digits in a 0.1 sentence).
    """

    code: str
    en: str
    zh: str
    fields: tuple[str, ...]
    numbers: frozenset[str] = frozenset()

    @property
    def text(self) -> Text:
        """Both templates, unfilled."""
        return Text(self.zh, self.en)


def _fields(template: str) -> tuple[str, ...]:
    """The fields ``template`` names, in order, each once."""
    names = (field for _, field, _, _ in string.Formatter().parse(template) if field)
    return tuple(dict.fromkeys(names))


def _reason(code: str, en: str, zh: str, *, numbers: tuple[str, ...] = ()) -> Reason:
    fields = _fields(en)
    if set(fields) != set(_fields(zh)) or not set(numbers) <= set(fields):
        raise ValueError(f"the templates of the reason {code} do not name the same fields")
    return Reason(code, en, zh, fields, frozenset(numbers))


OTHER = "other"
"""The code of a reason given as a sentence that matches no declared reason (one written by a
plugin parser, or read from a report of gkbg 0.1): its one field ``text`` is the sentence."""

REASONS: dict[str, Reason] = {
    reason.code: reason
    for reason in (
        # The reading order (gkbg.align.order).
        _reason(
            "order.late_column",
            "placed by layout: the column {label} is printed after its header, after the other "
            "columns, in the source text",
            "按版式放置：源文本把“{label}”列印在其表头之后、其他各列之后",
        ),
        _reason(
            "order.header_columns",
            "placed by the header: the source prints its columns in another order than the "
            "form, and this value stands under {label} in the header's order",
            "按表头放置：源文本的列序与格式不同，此数值按表头顺序位于“{label}”之下",
        ),
        _reason(
            "order.header_members",
            "placed by the form's order: the source's header prints the columns under {group} "
            "in another order, pieced from words that may be out of place in text (a label "
            "wrapped over lines), so this value may be another of those columns' than {label}'s",
            "按格式顺序放置：源文本表头中“{group}”下各列的顺序与格式不同，但这些词可能因换行而错位，"
            "此数值未必属于“{label}”",
        ),
        _reason(
            "order.header_subset",
            "placed by the header: the source's header prints {count} of the block's {width} "
            "columns, and this value stands under {label} in the header's order",
            "按表头放置：源文本表头只印出本栏{width}列中的{count}列，此数值按表头顺序位于“{label}”之下",
        ),
        _reason(
            "order.header_no_column",
            "unread: the source's header prints no column {label}",
            "未读取：源文本表头没有“{label}”列",
        ),
        _reason(
            "order.header_count",
            "unread: the row prints {numbers} numbers where the source's header prints {count} "
            "columns, so which column a value is under is not known",
            "未读取：该行印有{numbers}个数值，而源文本表头印有{count}列，无法确定数值所在的列",
        ),
        _reason(
            "text.repeated_digits",
            "printed run together as {text!r}, one number printed {times} times over: the page "
            "may print a merged cell's {number} in each column it covers",
            "原文连写为 {text!r}，即同一数字重复{times}次：网页可能在合并单元格所跨的每一列都印出"
            "“{number}”",
        ),
        _reason(
            "order.header_unknown",
            "unread: the source's header prints the columns in another order than the form, "
            "and not every column's label was found, so which column a value is under is not known",
            "未读取：源文本表头的列序与格式不同，且未找到每一列的标签，无法确定数值所在的列",
        ),
        _reason(
            "order.rival_layouts",
            "unread: the values can be read in more than one order (row by row, column by "
            "column), which the labels and the table's relations do not tell apart, and this "
            "cell's value differs between them",
            "未读取：这些数值可按多种顺序读取（逐行、逐列），标签与表格勾稽关系都无法区分，"
            "而此单元格的数值因顺序而异",
        ),
        _reason(
            "order.label_apart",
            "placed by order: its row label is not next to its values",
            "按顺序放置：其行标签不在其数值旁边",
        ),
        _reason(
            "order.chosen_layout",
            "placed by order: the values could be read in more than one order (row by row, "
            "column by column), and this is the only one in which the fewest of the table's "
            "relations break ({broken})",
            "按顺序放置：这些数值可按多种顺序读取（逐行、逐列），仅此顺序下表格勾稽关系不成立的"
            "最少（{broken} 处）",
            numbers=("broken",),
        ),
        _reason(
            "order.packed",
            "unread: the cell prints several numbers ({text!r}), as a conversion that lost a "
            "column boundary prints them, and which of them is this cell's is not known",
            "未读取：该单元格印有多个数字（{text!r}），系转换时丢失了列分隔，无法确定哪个属于本单元格",
        ),
        _reason(
            "order.packed_rows",
            "unread: the rows {labels} print a cell of several numbers ({text!r}), as a "
            "conversion that lost a column boundary prints them, so their numbers cannot be "
            "placed by their order",
            "未读取：“{labels}”各行有单元格印有多个数字（{text!r}），系转换时丢失了列分隔，"
            "无法按顺序确定这些数值的位置",
        ),
        _reason(
            "order.value_outside",
            "unread: among the numbers of the rows {labels} is one printed outside the table "
            "({text!r}), so that they fit the rows' cells by their count by chance only",
            "未读取：“{labels}”各行的数值中有一个印在表格之外（{text!r}），其个数与单元格数相符"
            "只是巧合，无法按顺序确定这些数值的位置",
        ),
        _reason(
            "order.count_mismatch",
            "unread: {values} values were found for the {cells} cells of the rows {labels}, so "
            "none of them can be placed with certainty",
            "未读取：“{labels}”各行共 {cells} 个单元格，找到 {values} 个数值，都无法确定位置",
            numbers=("values", "cells"),
        ),
        # The grid and the reading order together (gkbg.align.report).
        _reason(
            "align.grid_silent",
            "placed by the reading order: the table's grid does not say which row and column "
            "this value is in",
            "按阅读顺序放置：表格的网格未表明此数值所在的行和列",
        ),
        _reason(
            "align.grid_contradicted",
            "unread: the table's grid does not place this cell, and reading the table in order "
            "contradicts the cells the grid places",
            "未读取：表格的网格未能确定此单元格，而按顺序阅读表格又与网格确定的单元格相矛盾",
        ),
        _reason(
            "align.no_value",
            "unread: no value could be placed in this cell",
            "未读取：没有数值能放入此单元格",
        ),
        # A cell's text (gkbg.align.report, gkbg.core.text).
        _reason(
            "value.glued_zeros",
            "printed as {text!r}: read as {parts} cells of 0 glued together, because only then "
            "do the values fit the table",
            "原文印为 {text!r}：读作 {parts} 个连在一起的 0，因为只有这样数值才与表格相符",
            numbers=("parts",),
        ),
        _reason(
            "value.leading_zero",
            "printed with a leading zero as {text!r}",
            "原文带前导零：{text!r}",
        ),
        # The source's grid (gkbg.align.grid).
        _reason(
            "grid.no_column",
            "unread: the table prints no column {label}",
            "未读取：表格没有印“{label}”列",
        ),
        _reason(
            "grid.row_ends",
            "read as blank: the row ends before the column {label}, with no cell printed there",
            "读作空白：该行在“{label}”列之前就结束了，该处未印单元格",
        ),
        _reason(
            "grid.merged_away",
            "unread: this row of the source has no cell of its own under the column {label} "
            "(it is merged with a neighbour)",
            "未读取：原文此行在“{label}”列下没有单独的单元格（与相邻单元格合并）",
        ),
        _reason(
            "grid.merged",
            "the source merges this cell with the one under the column {label}",
            "原文把此单元格与“{label}”列下的单元格合并",
        ),
        _reason(
            "grid.spanned",
            "placed under the header {label}, which spans this position of the source's grid",
            "置于“{label}”表头之下：原表中该表头跨越此位置",
        ),
        _reason(
            "grid.spanned_across",
            "placed under a header that spans this position",
            "置于跨越此位置的表头之下",
        ),
        _reason(
            "grid.shifted",
            "the cells of the row {label} may not line up with the columns of the header above "
            "them",
            "“{label}”行的单元格可能与上方表头的各列没有对齐",
        ),
        _reason(
            "grid.across_order",
            "placed by order: the row prints as many cells as the table printed across has, "
            "past the columns of its header (whose cells the conversion broke over lines), and "
            "is read in the form's order",
            "按顺序放置：该行印有横排表格的全部单元格，超出了表头的各列（转换时表头单元格被拆成多行），"
            "按格式顺序读取",
        ),
        _reason(
            "grid.misaligned",
            "placed by order: the cells of the row {label} do not line up with the columns of "
            "the header above them",
            "按顺序放置：“{label}”行的单元格与上方表头的各列没有对齐",
        ),
        _reason(
            "grid.packed",
            "placed by order: a cell of this row prints several numbers ({text!r}), as a "
            "conversion that lost a column boundary prints them, so each number's column is "
            "known by order only",
            "按顺序放置：此行有单元格印有多个数字（{text!r}），系转换时丢失了列分隔，"
            "各数字所属的列只能按顺序确定",
        ),
        _reason(
            "grid.values_apart",
            "read as printed (nothing), but rows of values with no label stand beside the row "
            "{label} and do not fit the rows around it: they may be this row's values",
            "按原样读取（未印数值），但“{label}”行旁有无行名的数值行，且与周围各行对不上："
            "这些数值可能属于本行",
        ),
        _reason(
            "grid.unnamed_column",
            "placed by order: the column is headed {header}, which names no column of the "
            "form; read as {label}, its place in the form's order",
            "按顺序放置：该列表头为“{header}”，不是格式中的列名；按其在格式中的次序读作“{label}”",
        ),
        _reason(
            "grid.misaligned_unread",
            "unread: the cells of the row {label} do not line up with the columns of the header "
            "above them, and there are {cells} of them for {columns} columns",
            "未读取：“{label}”行的单元格与上方表头各列未对齐，{columns} 列有 {cells} 个单元格",
            numbers=("cells", "columns"),
        ),
        _reason(
            "grid.no_row",
            "unread: no row of the table's grid is labelled {label}",
            "未读取：表格的网格中没有标为“{label}”的行",
        ),
        _reason(
            "grid.conflict",
            "the source prints {texts} in positions the form declares as this one cell; read "
            "{text!r}, the first",
            "原文在格式规定为同一单元格的位置印有 {texts}；读取了第一个 {text!r}",
        ),
        # A PDF's ruling lines (gkbg.read.pdf.geometry).
        _reason(
            "pdf.not_rectangle",
            "the ruling lines around this cell do not enclose a rectangle, so which text "
            "belongs to it is uncertain",
            "此单元格四周的表格线未围成矩形，哪些文字属于它无法确定",
        ),
        _reason(
            "pdf.text_crosses_line",
            "its text runs over the cell's ruling line",
            "其文字越过了单元格的表格线",
        ),
        _reason(
            "pdf.split_row",
            "a row broken over a page break: its two parts were joined, values from both",
            "跨页断开的一行：其两部分已拼合，数值取自两部分",
        ),
        # Run-together cells in flattened text (gkbg.align.runs): the readings of one run of
        # printed characters that the form allows, chosen between by the statute's relations.
        _reason(
            "run.chosen",
            "printed run together as {text!r}: of the readings the form allows, only those "
            "satisfying {relations} remain, and they agree on this cell",
            "原文连写为 {text!r}：表格结构允许的读法中，只有满足{relations}的读法保留，"
            "且各读法在本单元格一致",
        ),
        _reason(
            "run.split",
            "printed run together as {text!r}: read as {cells} cells, the only reading the form "
            "allows",
            "原文连写为 {text!r}：读作 {cells} 个单元格，这是表格结构允许的唯一读法",
            numbers=("cells",),
        ),
        _reason(
            "run.ambiguous",
            "printed run together as {text!r}: {readings} readings fit the form and its "
            "relations, and they differ in this cell",
            "原文连写为 {text!r}：有 {readings} 种读法符合表格结构和勾稽关系，"
            "本单元格在各读法中不同",
            numbers=("readings",),
        ),
        _reason(
            "run.contradicted",
            "printed run together as {text!r}: no reading satisfies the relations, and the "
            "readings the form allows differ in this cell; failing in every reading: {failing}",
            "原文连写为 {text!r}：没有任何读法满足勾稽关系，且表格结构允许的各读法在本单元格不同；"
            "各读法均不成立的勾稽关系：{failing}",
        ),
        _reason(
            "run.unsplittable",
            "printed run together as {text!r}: no reading gives the form's {cells} cells",
            "原文连写为 {text!r}：无法拆分为表格的 {cells} 个单元格",
            numbers=("cells",),
        ),
        _reason(
            "run.too_many",
            "printed run together as {text!r}: more than {bound} readings, not enumerated",
            "原文连写为 {text!r}：读法超过 {bound} 种，未逐一列举",
            numbers=("bound",),
        ),
        _reason(
            "run.chosen_text",
            "printed run together as {text!r}: of the readings the form and its relations "
            "allow, only one agrees with the report's text ({quote!r}), and this cell is read "
            "from it",
            "原文连写为 {text!r}：表格结构和勾稽关系允许的读法中，只有一种与报告正文"
            "（{quote!r}）相符，本单元格按该读法读取",
        ),
        _reason(
            "run.chosen_fewest",
            "printed run together as {text!r}: no reading satisfies every relation; the "
            "readings the form allows under which the fewest relation instances fail "
            "({count}, among them in every such reading: {relations}) agree on this cell",
            "原文连写为 {text!r}：没有任何读法满足全部勾稽关系；表格结构允许的读法中，"
            "不满足的勾稽关系最少（{count} 处，各读法均不满足：{relations}）的读法在本单元格一致",
            numbers=("count",),
        ),
        # Markdown as converters garble it (gkbg.read.markdown, gkbg.align.grid).
        _reason(
            "value.noted",
            "printed as {text!r}: read as its leading number {number}; the note after it holds "
            "no value of this cell",
            "原文印为 {text!r}：读取其开头的数字 {number}；其后的注释不是本单元格的数值",
        ),
        _reason(
            "markdown.floating_number",
            "unread: the cell is empty, but the number {text!r} is printed outside the table, "
            "under it, and may be this cell's",
            "未读取：此单元格为空，但表格下方表外印有数字 {text!r}，可能属于此单元格",
        ),
        _reason(
            "markdown.row_with_gap",
            "the number {text!r} is printed outside the table, and this row has an empty or a "
            "missing cell: its cells may have moved to fill the gap",
            "表外印有数字 {text!r}，而该行有空白或缺失的单元格：其单元格可能已移位填补空缺",
        ),
        _reason(
            "grid.unlabelled_row",
            "placed by order: the row prints no label; read as {label}, the only row of the "
            "form between the labelled rows around it",
            "按顺序放置：该行未印行标签；格式在其前后两个有标签的行之间只有一行，故读作“{label}”",
        ),
        _reason(
            "grid.unordered",
            "unread: the cells of the row {label} do not line up with the columns of the header "
            "above them, and the header does not name every column, so their order is unknown",
            "未读取：“{label}”行的单元格与上方表头各列未对齐，且表头未列出每一列，无法确定其次序",
        ),
        _reason(
            "grid.line",
            "placed by order: the row {label} is printed as a line of text outside the table, "
            "its label followed by as many numbers as it has columns",
            "按顺序放置：“{label}”行在表格之外印为一行文字，其标签之后的数字个数与列数相同",
        ),
        _reason(
            "grid.line_unread",
            "unread: the row {label} is printed as a line of text outside the table, with "
            "{cells} items after its label for its {columns} columns",
            "未读取：“{label}”行在表格之外印为一行文字，其标签之后有 {cells} 项，"
            "而该行有 {columns} 列",
            numbers=("cells", "columns"),
        ),
        # Rows printed without their labels (gkbg.align.grid).
        _reason(
            "grid.unlabelled_rows",
            "unread: {rows} rows print values but no label where the form has {cells} rows, "
            "so which row is which is unknown",
            "未读取：有 {rows} 行印有数值但没有行标签，而格式在此处有 {cells} 行，"
            "无法确定各行的对应关系",
            numbers=("rows", "cells"),
        ),
        # Rows whose labels the text does not print (gkbg.align.order).
        _reason(
            "order.unprinted_rows",
            "unread: the text does not print the labels of the rows {labels}, so the values "
            "where they would stand cannot be placed with certainty",
            "未读取：原文未印出“{labels}”各行的标签，这些行位置上的数值无法确定归属",
        ),
        # Scanned pages read by OCR (gkbg.read.scan).
        _reason(
            "ocr.low_confidence",
            "read by OCR as {text!r}, unsure of {characters!r} (confidence {confidence}%)",
            "扫描件文字识别为 {text!r}，其中 {characters!r} 识别把握不足（置信度 {confidence}%）",
            numbers=("confidence",),
        ),
        _reason(
            "ocr.confusable",
            "read by OCR as {text!r}: {characters!r} may be a misread digit",
            "扫描件文字识别为 {text!r}：其中 {characters!r} 可能是被误识的数字",
        ),
        _reason(
            "ocr.arithmetic",
            "read by OCR as {text!r}: read as {reading!r}, {relation} would hold, and it does "
            "not as read; a digit may be misread (the value is kept as read)",
            "扫描件文字识别为 {text!r}：若读作 {reading!r}，{relation}即成立，按现读法不成立；"
            "可能有数字误识（数值保持现读法）",
        ),
        _reason(
            "ocr.chosen",
            "read by OCR as {text!r}, with {reading!r} the engine's next candidate: only with "
            "the candidate do {relations} hold, so it is read as {reading!r}",
            "扫描件文字识别为 {text!r}，识别引擎的次选读法为 {reading!r}：只有按次选读法，"
            "{relations}才成立，故按 {reading!r} 读取",
        ),
        _reason(
            "ocr.candidates_open",
            "read by OCR as {text!r}: {relations} do not hold as read, and more than one "
            "choice among the engine's candidates ({readings}) makes them hold; the value is "
            "kept as read",
            "扫描件文字识别为 {text!r}：按现读法{relations}不成立，而识别引擎的候选读法"
            "（{readings}）中有不止一种组合能使其成立；数值保持现读法",
        ),
        _reason(
            "ocr.unread_mark",
            "unread: the scanned cell holds a mark that OCR did not read",
            "未读取：扫描件此单元格内有笔迹，文字识别未能读出",
        ),
        # Anything else, kept as written.
        _reason(OTHER, "{text}", "{text}"),
    )
}
"""Every reason for doubt, by code: the one declaration the parsers, the messages, the JSON
and the reading of 0.1 sentences all go by."""

PRINTED_UNREAD = frozenset(
    {
        "run.ambiguous",
        "run.contradicted",
        "run.too_many",
        "run.unsplittable",
        "markdown.floating_number",
        "grid.line_unread",
    }
)
"""The codes of reasons an unread cell gives when its number is printed but cannot be told
apart from its neighbours' (run together in flattened text): a table or block whose cells are
all unread for such a reason was found, and is not missing."""

FOUND_UNREAD = PRINTED_UNREAD | {
    "order.count_mismatch",
    "order.header_unknown",
    "order.header_no_column",
    "order.header_count",
    "order.packed",
    "order.packed_rows",
    "order.value_outside",
    "order.rival_layouts",
    "grid.misaligned_unread",
    "grid.no_column",
    "grid.unordered",
    "align.grid_contradicted",
    "grid.unlabelled_rows",
    "ocr.unread_mark",
}
"""The codes of reasons an unread cell gives when its row was found, labels and all, but its
value could not be placed (or nothing was printed where a value belongs), or the cell itself was
found but what it holds could not be read (a scan's mark under a seal, `ocr.unread_mark`): a
table or block whose cells are all unread for such reasons was found, and is not missing; its
cells say why each is unread."""

PLACEMENT = frozenset(
    {
        "order.late_column",
        "order.header_columns",
        "order.header_subset",
        "order.header_members",
        "order.rival_layouts",
        "order.label_apart",
        "order.chosen_layout",
        "align.grid_silent",
        "grid.merged",
        "grid.spanned",
        "grid.spanned_across",
        "grid.shifted",
        "grid.misaligned",
        "grid.across_order",
        "grid.packed",
        "grid.values_apart",
        "grid.unnamed_column",
        "grid.conflict",
        "grid.unlabelled_row",
        "grid.line",
        "pdf.not_rectangle",
        "pdf.text_crosses_line",
        "pdf.split_row",
        "run.chosen",
        "run.split",
        "run.chosen_text",
        "run.chosen_fewest",
        "markdown.row_with_gap",
    }
)
"""The codes of reasons a cell holding a value gives when the reader is unsure the value is this
cell's: placed by order or by a guess about the layout, so that it may be a neighbour's. Such a
value is not reported as invalid for this cell (a negative count may be the 增/减 cell's
beside it); the doubt itself says the cell must be looked at."""

EMPTY_UNREAD = frozenset({"markdown.floating_number", "ocr.unread_mark"})
"""The codes of reasons that make an empty cell unread, not blank: its number may be printed
elsewhere (under the table, outside any cell), so the empty cell says nothing about it."""


FAILING = "failing"
"""The field of a doubt (``run.contradicted``) naming the relation instances that fail in every
reading the printed characters of its cell allow: the report has those errors whatever its
digits mean, though the cell itself is unread. Each instance is named by its rule's id and the
first cell of its left side (a sum's total), ``rule (key)``, joined by ``, ``; ``—`` when none
(`failing_field`, `failing_instances`). The checks report such an instance as failing
(`gkbg.checks.certain`)."""

_NO_FAILING = "—"
_FAILING_ONE = regex.compile(r"([\w.]+) \(([\w.]+)\)")


def failing_field(instances: Iterable[tuple[str, str]]) -> str:
    """The value of a `FAILING` field naming ``instances`` (rule id, first key), each once."""
    named = [f"{rule} ({key})" for rule, key in dict.fromkeys(instances)]
    return ", ".join(named) if named else _NO_FAILING


def failing_instances(doubt: Doubt) -> tuple[tuple[str, str], ...]:
    """The relation instances (rule id, first key) a doubt's `FAILING` field names, if any."""
    for name, value in doubt.fields:
        if name == FAILING and value != _NO_FAILING:
            return tuple((found[1], found[2]) for found in _FAILING_ONE.finditer(value))
    return ()


def _check_fields(instance: Doubt, _: object, fields: tuple[tuple[str, str], ...]) -> None:
    reason = REASONS.get(instance.code)
    if reason is None:
        raise ValueError(f"no reason for doubt has the code {instance.code!r}")
    if tuple(name for name, _ in fields) != reason.fields:
        names = ", ".join(reason.fields) or "none"
        raise ValueError(f"the reason {instance.code} has the fields {names}, in that order")
    if not all(isinstance(value, str) for _, value in fields):
        raise TypeError(f"the fields of a doubt are text: {fields!r}")


@attrs.frozen
class Doubt:
    """Why a cell's reading may be wrong: a declared reason and the fields of its sentences.

    ``str(doubt)`` is the English sentence; `en`, `zh` and `text` give the sentences.

    Attributes:
        code: The reason's stable dotted code (``grid.no_column``; ``other`` for a sentence
            that matches no declared reason).
        fields: The values its templates are filled with, as ``(name, text)`` pairs in the
            order the reason declares them.
    """

    code: str
    fields: tuple[tuple[str, str], ...] = attrs.field(default=(), validator=_check_fields)

    @classmethod
    def of(cls, code: str, /, **fields: object) -> Doubt:
        """The doubt of the declared reason ``code``, its fields given by name.

        Raises:
            ValueError: No reason has that code, or the fields are not the reason's own.
        """
        reason = REASONS.get(code)
        if reason is None:
            raise ValueError(f"no reason for doubt has the code {code!r}")
        if fields.keys() != set(reason.fields):
            names = ", ".join(reason.fields) or "none"
            raise ValueError(f"the reason {code} has the fields {names}")
        return cls(code, tuple((name, str(fields[name])) for name in reason.fields))

    @classmethod
    def from_text(cls, sentence: str) -> Doubt:
        """The doubt an English sentence states, as gkbg 0.1 wrote it in `Cell.uncertain`.

        A sentence that matches no declared reason is kept whole under the code ``other``.
        """
        return _parse(sentence) or cls(OTHER, (("text", sentence),))

    @property
    def en(self) -> str:
        """The English sentence."""
        return _fill(REASONS[self.code].en, self.fields)

    @property
    def zh(self) -> str:
        """The Chinese sentence (the English one for a reason of code ``other``)."""
        return _fill(REASONS[self.code].zh, self.fields)

    @property
    def text(self) -> Text:
        """Both sentences."""
        return Text(self.zh, self.en)

    def __str__(self) -> str:
        """The English sentence."""
        return self.en


def _fill(template: str, fields: tuple[tuple[str, str], ...]) -> str:
    return template.format_map(dict(fields)) if fields else template


def doubts(reasons: Iterable[Doubt | str]) -> tuple[Doubt, ...]:
    """``reasons`` as doubts: a sentence (a plugin parser's, or one of gkbg 0.1) read back."""
    if isinstance(reasons, str):
        return (Doubt.from_text(reasons),)
    if type(reasons) is tuple and all(type(reason) is Doubt for reason in reasons):
        return reasons  # (the common case: nothing to convert)
    return tuple(
        reason if isinstance(reason, Doubt) else Doubt.from_text(reason) for reason in reasons
    )


# --------------------------------------------------------------------------------------------
# Reading a sentence back: each template turned into a pattern, once.

_QUOTED = r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*\""""


def _pattern(reason: Reason) -> regex.Pattern[str]:
    parts: list[str] = []
    seen: set[str] = set()
    for literal, field, _, conversion in string.Formatter().parse(reason.en):
        parts.append(regex.escape(literal))
        if not field:
            continue
        if field in seen:
            parts.append(f"(?P={field})")
            continue
        seen.add(field)
        if conversion == "r":
            body = _QUOTED
        elif field in reason.numbers:
            body = r"\d+"
        else:
            body = r".+"
        parts.append(f"(?P<{field}>{body})")
    return regex.compile("".join(parts))


_PATTERNS: tuple[regex.Pattern[str], ...] = tuple(
    _pattern(reason) for reason in REASONS.values() if reason.code != OTHER
)
"""Each declared reason's English template as a pattern (module level, where the audit of
gkbg's patterns in tests/hostile finds them), in the order of `REASONS`."""

_CODES = tuple(code for code in REASONS if code != OTHER)


def _field(reason: Reason, name: str, printed: str) -> str | None:
    """A field's value from its text in a sentence (a quoted one unquoted)."""
    if f"{{{name}!r}}" not in reason.en:
        return printed
    try:
        value = ast.literal_eval(printed)
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


@functools.lru_cache(maxsize=1024)
def _parse(sentence: str) -> Doubt | None:
    for code, pattern in zip(_CODES, _PATTERNS, strict=True):
        found = pattern.fullmatch(sentence)
        if found is None:
            continue
        reason = REASONS[code]
        values = {name: _field(reason, name, found[name]) for name in reason.fields}
        if any(value is None for value in values.values()):
            continue
        doubt = Doubt.of(code, **values)
        if doubt.en == sentence:  # the sentence is the one the doubt writes, exactly
            return doubt
    return None


def reason_zh(reason: str) -> str | None:
    """The Chinese of a reason for doubt given as an English sentence, or None when none.

    Reports of gkbg 0.1 (and their JSON, CSV and notebook output) give a cell's reasons for
    doubt as English sentences; this gives one in Chinese, through the declaration of the
    reasons. A cell read now carries `Doubt` values, which give their Chinese themselves
    (``doubt.zh``).

    Args:
        reason: One English sentence, as gkbg 0.1 wrote it in `Cell.uncertain`.
    """
    doubt = _parse(reason)
    return None if doubt is None else doubt.zh
