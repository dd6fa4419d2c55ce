# SPDX-License-Identifier: MIT
"""The one schema alignment: from a `Layout`'s tokens to the cells of the statutory tables.

Every parser ends here, so no format re-implements the statute. The steps:

1. **Sections.** The three tables are found in the token stream by their part headings,
   block captions, the corner note and first row labels; part 五/六 closes the last one.
2. **Form.** Each table is read in each form; the labels that only one form prints decide which
   form the table is in, and how well each form fits the values decides when no label does.
3. **Cells.** Values are placed by the form's structure, never by counting blindly. In a table
   whose tokens carry their grid position (HTML, DOCX, XLSX, ruled PDF), `gkbg.align.grid`
   places each value at the row and column its labels name; `gkbg.align.order` reads the cells
   it cannot place (each flagged uncertain), and every table of the text formats, by reading
   order.

A printed number is never changed to make totals agree, and a blank is never read as 0.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import attrs

from gkbg.align.candidates import choose_candidates
from gkbg.align.grid import GridReading, packed, read_grid, role_matcher, several_numbers
from gkbg.align.header import follow_header
from gkbg.align.metadata import extract_metadata
from gkbg.align.misreads import flag_misreads
from gkbg.align.order import Item, Placed, Reading, new_item, read_by_order
from gkbg.align.runs import run_together, split_labels
from gkbg.core.errors import DocumentError, NoTablesError
from gkbg.core.limits import DEFAULT_LIMITS, check_time, time_budget
from gkbg.core.model import CellState, Columns, Report, Table
from gkbg.core.reasons import EMPTY_UNREAD, Doubt, doubts
from gkbg.core.schema import TABLES, TableForm, forms
from gkbg.core.statements import stated
from gkbg.core.text import LabelMatcher, label_key, read_value
from gkbg.read.base import Input
from gkbg.read.layout import Layout, Token, TokenKind, token_span
from gkbg.read.registry import parse_layout

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import TypeAlias

    from gkbg.core.limits import Limits
    from gkbg.core.model import Location, Value
    from gkbg.core.statements import Stated

    _Said: TypeAlias = Callable[[str], Sequence[Stated]] | None
    """What the report's text states, by form: asked only for run-together digits."""

    _Fields: TypeAlias = tuple[
        CellState, Value | None, str | None, tuple[Doubt, ...], Location | None
    ]
    """A cell's fields after its key: state, value, raw text, doubts, location."""

    from gkbg.core.schema import ValueKind
    from gkbg.read.registry import ParserRegistry, Source

__all__ = ["build_report", "parse"]

_SECTION_END = "end"
_WEAK = "weak:"


# --------------------------------------------------------------------------------------------
# Vocabularies, built once from the forms.


@functools.cache
def _section_matcher() -> LabelMatcher:
    entries: list[tuple[str, str]] = []
    for form in forms().values():
        entries.extend((heading, _SECTION_END) for heading in form.parts[4:])
        for table in form.tables:
            entries.append((table.heading, table.key))
            first_block = table.blocks[0]
            if table.key == "active":
                entries.extend((b.caption, "active") for b in table.blocks if b.caption)
            elif table.key == "applications":
                entries.append((first_block.rows[0].label, table.key))
                if table.note:
                    entries.append((table.note, table.key))
                if first_block.header:
                    entries.append((first_block.header, table.key))
            else:
                # A bare 行政复议 also occurs in the text: it opens table 四 only after a table.
                entries.append((first_block.rows[0].label, _WEAK + table.key))
    return LabelMatcher(entries)


@functools.cache
def _evidence_matcher(table_key: str) -> LabelMatcher:
    """Every label of one table across the forms, matched to the forms that print it."""
    printed_by: dict[str, set[str]] = {}
    for variant, form in forms().items():
        for label in form.table(table_key).printed_labels():
            printed_by.setdefault(label, set()).add(variant)
    return LabelMatcher((label, " ".join(sorted(vs))) for label, vs in printed_by.items())


@functools.cache
def _distinct_forms(table_key: str) -> list[TableForm]:
    """One form's version of the table per distinct layout (table 四 is the same in all)."""
    seen: dict[tuple[object, ...], TableForm] = {}
    for form in forms().values():
        table = form.table(table_key)
        shape = tuple(
            (cell.key, cell.row.label, cell.column.label, cell.kind) for cell in table.cells
        )
        seen.setdefault(shape, table)
    return list(seen.values())


# --------------------------------------------------------------------------------------------
# Step 1: sections.


def _find_sections(tokens: Sequence[Token]) -> dict[str, tuple[int, int]]:
    matcher = _section_matcher()
    starts: dict[str, int] = {}
    end = len(tokens)
    for index, token in enumerate(tokens):
        if token.kind is not TokenKind.TEXT:
            continue
        found = matcher.match(token.text)
        if found is None:
            continue
        target = found.target.removeprefix(_WEAK)
        weak = found.target.startswith(_WEAK)
        if target == _SECTION_END:
            if "applications" in starts or "appeals" in starts:
                end = index
                break
            continue
        later = TABLES[TABLES.index(target) :]
        if any(t in starts for t in later):
            continue
        earlier = TABLES[: TABLES.index(target)]
        if weak and not any(t in starts for t in earlier):
            continue
        starts[target] = index
    if "appeals" in starts and end == len(tokens):
        end = _cell_run_end(tokens, starts["appeals"])
    sections: dict[str, tuple[int, int]] = {}
    ordered = sorted(starts.items(), key=lambda item: item[1])
    for position, (key, start) in enumerate(ordered):
        stop = ordered[position + 1][1] if position + 1 < len(ordered) else end
        sections[key] = (start, stop)
    return sections


def _cell_run_end(tokens: Sequence[Token], start: int) -> int:
    """In cell-delimited text, the last table ends at the first narrative token after a cell."""
    seen_cell = False
    for index in range(start, len(tokens)):
        if tokens[index].cell:
            seen_cell = True
        elif seen_cell:
            return index
    return len(tokens)


# --------------------------------------------------------------------------------------------
# Step 3: cells: the grid's placements first, the reading order (`gkbg.align.order`) for the rest.


_GRID_FALLBACK = Doubt.of("align.grid_silent")
_GRID_CONTRADICTED = Doubt.of("align.grid_contradicted")
_NO_VALUE = Doubt.of("align.no_value")


def _align(tokens: Sequence[Token], form: TableForm, said: _Said = None) -> Reading:
    grid = read_grid(tokens, form)
    if grid is None:
        return follow_header(tokens, read_by_order(tokens, form, said))
    # The order-based reading only fills the cells the grid neither places nor shows unread:
    # when there are none (the common case for a grid), it is not needed.
    if all(index in grid.placed or index in grid.unread for index in range(len(form.cells))):
        return _with_grid(form, grid, Reading(form))
    return _with_grid(form, grid, follow_header(tokens, read_by_order(tokens, form, said)))


def _item(token: Token) -> Item:
    kind = token.kind
    if kind is TokenKind.VALUE:
        return new_item(("value", token, None, 0, 1))
    return new_item(("empty" if kind is TokenKind.EMPTY else "text", token, None, 0, 1))


def _with_grid(form: TableForm, grid: GridReading, order: Reading) -> Reading:
    """The grid's placements; the order-based reading only where the grid says nothing."""
    reading = Reading(form, evidence=grid.rows)
    for index, placement in grid.placed.items():
        reading.placed[index] = Placed(_item(placement.token), placement.reasons)
    # Whether the two readings agree where both place a cell, and the tokens the grid places:
    # both needed only for a cell the order-based reading fills, so found when first needed.
    agrees: bool | None = None
    used: set[Token] | None = None
    for index in range(len(form.cells)):
        if index in reading.placed:
            continue
        if index in grid.unread:
            reading.unread[index] = grid.unread[index]
            continue
        fallback = order.placed.get(index)
        fits = False
        if fallback is not None and agrees is None:
            agrees = _agree(grid, order)
        if fallback is not None and agrees:
            if used is None:
                used = {placement.token for placement in grid.placed.values()}
            fits = fallback.item.token not in used
        if fits and fallback is not None:
            reasons = (*fallback.uncertain, _GRID_FALLBACK)
            reading.placed[index] = Placed(fallback.item, reasons)
        elif index in grid.unplaced:
            reading.unread[index] = grid.unplaced[index]
        elif fallback is not None:
            reading.unread[index] = _GRID_CONTRADICTED
        elif index in order.unread:
            reading.unread[index] = order.unread[index]
    return reading


def _agree(grid: GridReading, order: Reading) -> bool:
    """Whether the order-based reading places the grid's token wherever it places a cell.

    A number the grid cut out of a cell printing several (`packed`) is no token of the
    order-based reading's, which reads that cell as it is printed: not compared.
    """
    # (A token is equal to itself: comparing the fields is needed only for two tokens.)
    return all(
        (token := order.placed[index].item.token) is placement.token or token == placement.token
        for index, placement in grid.placed.items()
        if index in order.placed and not packed(placement.token)
    )


_STATES = {"value": CellState.VALUE, "blank": CellState.BLANK}


@functools.cache
def _cell_specs(form: TableForm) -> tuple[tuple[str, ValueKind], ...]:
    """Each cell's key and kind, in the form's order."""
    return tuple((spec.key, spec.kind) for spec in form.cells)


def _columns(reading: Reading) -> Columns:
    """The reading's cells, in the form's order, as the table's `Columns` (no `Cell` made)."""
    placed, unread = reading.placed, reading.unread
    form = reading.form
    fields = [
        _cell(kind, placed.get(index), unread, index)
        for index, (_, kind) in enumerate(_cell_specs(form))
    ]
    if not fields:
        return Columns((), (), (), (), (), (), positions=form.positions)
    states, values, raws, reasons, locations = zip(*fields, strict=True)
    return Columns(form.keys, states, values, raws, reasons, locations, positions=form.positions)


def _cell(kind: ValueKind, placed: Placed | None, unread: dict[int, Doubt], index: int) -> _Fields:
    if placed is None:
        reason = unread.get(index, _NO_VALUE)
        return (CellState.UNREAD, None, None, (reason,), None)
    item = placed.item
    token = item.token
    reasons = doubts((*token.uncertain, *placed.uncertain))
    if item.kind == "empty":
        if any(reason.code in EMPTY_UNREAD for reason in reasons):
            # An empty cell whose number the source may print elsewhere: not a blank.
            return (CellState.UNREAD, None, None, reasons, token.location)
        return (CellState.BLANK, None, "", reasons, token.location)
    if item.kind == "text":
        if several_numbers(token):
            # Two cells' numbers in one (a conversion that lost a column boundary) that the
            # grid did not cut apart: which is this cell's is not known.
            apart = (*reasons, Doubt.of("order.packed", text=token.text))
            return (CellState.UNREAD, None, None, apart, token.location)
        return (CellState.INVALID, None, token.text, reasons, token.location)
    text = token.text
    if item.parts > 1:
        text = "0"
        glued = Doubt.of("value.glued_zeros", text=token.text, parts=item.parts)
        reasons = (*reasons, glued)
    read = read_value(text, kind)
    if read.note is not None and item.parts == 1:
        reasons = (*reasons, read.note)
    state = _STATES.get(read.state, CellState.INVALID)
    return (state, read.value, token.text, reasons, token.location)


# --------------------------------------------------------------------------------------------
# Step 2 and the report.


def _prints_own_rows(tokens: Sequence[Token], form: TableForm) -> bool:
    """Whether the text prints the label of every row that only ``form`` has.

    Asked of run-together text only (a crawled page keeps every label it prints); converted
    markdown may lose a row's label and keep its numbers (a row placed by its order).

    A form whose own rows are printed nowhere in the text (the 2021 form's three rows under
    （六）其他处理 in a 2019 table 三) is not the form the text prints, however well its other
    rows fit: numbers fall under its absent rows only by chance, and a reading that leaves them
    unread hides the relations that would break under the form printed (a wrong total of a
    2019 table read as a consistent 2021 one).
    """
    own = _own_labels(form)
    if not own:
        return True
    text = label_key("".join(token.text for token in tokens if token.kind is TokenKind.TEXT))
    return all(any(label_key(label) in text for label in labels) for labels in own.values())


def _evidence(tokens: Sequence[Token], table_key: str) -> dict[str, int]:
    matcher = _evidence_matcher(table_key)
    counts: dict[str, int] = {}
    previous: Token | None = None
    for token in tokens:
        if token.kind is TokenKind.TEXT:
            # A label broken over two tokens (行政 / 规范性文件) is evidence for the label it
            # makes whole, not for the label its second piece happens to be in another form.
            joined = matcher.match(previous.text + token.text) if previous is not None else None
            whole = joined is not None and joined.edits == 0 and not joined.partial
            found = joined if whole else matcher.match(token.text)
            if found is not None and " " not in found.target:
                counts[found.target] = counts.get(found.target, 0) + 1
        previous = token
    return counts


def _best_reading(
    tokens: Sequence[Token],
    candidates: Sequence[TableForm],
    prefer: str | None,
    *,
    every_form: bool = False,
    said: _Said = None,
) -> Reading:
    """The reading of the candidate form that fits the tokens best.

    The forms are ranked by the labels only one form prints, then by whether the text prints
    any row only the form has (`_own_rows_absent`), then, in run-together text, by whether it
    prints the labels of every row only the form has (`_prints_own_rows`), then by
    whether the source's labels fix every row of the form, then by how completely and how well
    each form's reading places the values. A form whose labels already rank it below
    another cannot win on its reading, so it is not read, unless ``every_form`` asks for the
    full search (the definition the shortcut is tested against).
    """
    evidence = _evidence(tokens, candidates[0].key)
    # Crawled text runs cells together but keeps every label: a row only one form has whose
    # label is printed nowhere is not there. (Converted text may lose a row's label and keep
    # its numbers: there, the labels printed do not rule a form out.)
    crawled = not any(token.cell for token in tokens) and run_together(tokens)
    margins = []
    for form in candidates:
        others = max((n for v, n in evidence.items() if v != form.variant), default=0)
        margins.append(evidence.get(form.variant, 0) - others)
    best_margin = max(margins)
    ranked = []
    for form, margin in zip(candidates, margins, strict=True):
        if margin < best_margin and not every_form:
            continue
        reading = _align(tokens, form, said)
        fit = (
            margin,
            not _own_rows_absent(tokens, form),
            not crawled or _prints_own_rows(tokens, form),
            _every_row_labelled(reading),
            reading.decided == len(form.cells),
            reading.decided,
            reading.evidence,
            form.variant == prefer,
        )
        ranked.append((fit, reading))
    ranked.sort(key=lambda entry: entry[0], reverse=True)
    return ranked[0][1]


@functools.cache
def _own_labels(form: TableForm) -> dict[str, tuple[str, ...]]:
    """The labels of the rows only ``form`` has, by row key.

    A row is the form's own when no other form's table of the same key prints its label (or one
    of its aliases) as a row's.
    """
    others = {
        label_key(label)
        for other in forms().values()
        if other.variant != form.variant
        for row in other.table(form.key).rows
        for label in (row.label, *row.aliases)
    }
    own: dict[str, tuple[str, ...]] = {}
    for row in form.rows:
        labels = (row.label, *row.aliases)
        if not {label_key(label) for label in labels} & others:
            own[row.key] = labels
    return own


def _own_rows_absent(tokens: Sequence[Token], form: TableForm) -> bool:
    """Whether the text prints none of the rows only ``form`` has, though it has some.

    The 2021 form's table 三 has three rows under （六）其他处理 that the 2019 form's lacks; a
    text that prints the 2019 table names none of them, and neither form's labels alone tell
    the two apart (the 2019 form's row （六）其他处理 is the 2021 form's group label). A row
    counts as printed when a token is its label (the tolerant matcher) or when its label is in
    the text with the tokens joined (a label broken over lines).
    """
    own = _own_labels(form)
    if not own:
        return False
    match = role_matcher(form.variant, form.key).match
    matched: set[str] = set()
    words: list[str] = []
    for token in tokens:
        if token.kind is TokenKind.TEXT:
            words.append(token.text)
            found = match(token.text)
            if found is not None:
                matched.add(found.target)
    if any(f"row:{key}" in matched for key in own):
        return False
    text = label_key("".join(words))
    return not any(label_key(label) in text for labels in own.values() for label in labels)


def _every_row_labelled(reading: Reading) -> bool:
    """Whether the source's own labels fixed every row of the reading's form.

    When no label only one form prints is found (table 三 of the 2019 form prints none the
    2021 form lacks), a form whose rows are all found by their labels is what the source
    prints; another form that fits only by placing numbers under rows whose labels are absent
    (the 2021 form's three rows under （六）) must not win on the count of cells it places.
    """
    return reading.evidence >= len(reading.form.rows)


def _read_table(
    tokens: Sequence[Token], table_key: str, prefer: str | None, said: _Said = None
) -> Table:
    candidates = _distinct_forms(table_key)
    reading = _best_reading(tokens, candidates, prefer, said=said)
    form = reading.form
    variant = form.variant
    if len(candidates) == 1 and prefer is not None:
        variant = prefer
    return Table.from_columns(table_key, variant, _columns(reading))


def build_report(layout: Layout) -> Report:
    """Align a layout to the statutory tables and read the report's metadata."""
    tokens: Sequence[Token] = layout.tokens
    if not any(token.cell for token in tokens):
        # Text that runs numbers into labels (a crawled page) runs labels together too: each is
        # cut out where it begins.
        tokens = split_labels(tokens)
    sections = _find_sections(tokens)
    metadata = extract_metadata(layout.text)
    narrative = _narrative(layout, tokens, sections)

    def said(variant: str) -> tuple[Stated, ...]:
        # What the text states may choose between readings the relations leave open.
        return stated(narrative, variant, metadata.year)

    tables: dict[str, Table] = {}
    prefer: str | None = None
    for key in ("active", "applications", "appeals"):
        if key not in sections:
            tables[key] = Table(key, None)
            continue
        check_time()
        start, stop = sections[key]
        table = _read_table(tokens[start:stop], key, prefer, said)
        tables[key] = table
        prefer = prefer or table.variant
    variant = next((t.variant for t in tables.values() if t.variant), None)
    report = Report(
        tables=tuple(tables[key] for key in TABLES),
        variant=variant,
        year=metadata.year,
        agency=metadata.agency,
        title=metadata.title,
        text=narrative,
        source=layout.source,
        format=layout.format,
    )
    report = _form_of_shared_tables(report)
    if not layout.ocr:
        return report
    # a scan: the relations may choose among the OCR engine's own candidates for a cell's
    # digits, and point at digits it may have misread (flagged, not changed)
    readings = {token.location: token.readings for token in layout.tokens if token.readings}
    return flag_misreads(choose_candidates(report, readings))


@functools.cache  # the forms are loaded once (`forms`)
def _printed_alike(table_key: str) -> bool:
    """Whether every form prints the table alike (table 四): same cells, labels and kinds."""
    shapes = {
        tuple(
            (cell.key, cell.row.label, cell.column.label, cell.kind)
            for cell in form.table(table_key).cells
        )
        for form in forms().values()
    }
    return len(shapes) == 1


def _form_in_force(year: int | None) -> str | None:
    """The form for reports of ``year``; for no year, the form in force now."""
    if year is None:
        current = [variant for variant, form in forms().items() if form.last_year is None]
        return current[-1] if current else None
    return next((variant for variant, form in forms().items() if form.applies_to(year)), None)


def _form_of_shared_tables(report: Report) -> Report:
    """A report whose only tables every form prints alike takes the form of its year.

    Nothing printed tells the form of such a report (table 四 alone): rather than the first
    form, it is the form in force for the report year, or, for a report naming no year, the
    form in force now.
    """
    found = [table for table in report.tables if table.found]
    if not found or not all(_printed_alike(table.key) for table in found):
        return report
    variant = _form_in_force(report.year)
    if variant is None:
        return report
    tables = tuple(
        attrs.evolve(table, variant=variant) if table.found else table for table in report.tables
    )
    return attrs.evolve(report, tables=tables, variant=variant)


def _narrative(
    layout: Layout, tokens: Sequence[Token], sections: dict[str, tuple[int, int]]
) -> str:
    """The document's text with the table sections cut out."""
    spans = sorted(
        span
        for start, stop in sections.values()
        if (span := token_span(tokens[start:stop])) is not None
    )
    pieces: list[str] = []
    position = 0
    for start, stop in spans:
        pieces.append(layout.text[position:start])
        position = max(position, stop)
    pieces.append(layout.text[position:])
    return "\n".join(piece.strip() for piece in pieces if piece.strip())


def parse(
    source: Source,
    *,
    format: str | None = None,  # noqa: A002 - the name users expect
    registry: ParserRegistry | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Report:
    """Read a report's statistical tables and metadata.

    Args:
        source: A path (`str` or `os.PathLike`), the document's bytes (or a `bytearray` or
            `memoryview` of them), its text as `str`, or a file object opened in binary mode
            (or in text mode), read from where it stands and not closed. A one-line `str` that
            names an existing file, or ends in a document suffix such as ``.txt`` or ``.pdf``,
            is a path; any other `str` is the document's text. Only a regular file is read: a
            FIFO, a socket or a device is refused at once.
        format: A format name (``"pdf"``, ``"html"``, ``"docx"``, ``"xlsx"``, ``"legacy"``,
            ``"markdown"``, ``"pipe"``, ``"text"``, or one a plugin registered); by default the
            format is detected from the content.
        registry: The parsers to choose from; by default the built-in ones and those installed
            through the ``gkbg.parsers`` entry points.
        limits: How large the document may be (`Limits`); by default `Limits()`.

    Returns:
        The report. Cells the parser could not read with certainty say so in `Cell.uncertain`.

    Raises:
        DocumentError: The document cannot be read; the message names it and the cause. Its
            subclasses say more: `EmptyDocumentError`, `UnknownFormatError`, `NoTablesError`,
            `ScannedDocumentError`, `CorruptDocumentError`, `EncryptedDocumentError`,
            `EncodingError` (also for a `str` holding a lone surrogate), `UnsafeDocumentError`,
            `LimitExceededError`.
        TypeError: ``source`` is of none of the types above; the message names them.
    """
    document = Input.of(source, limits)
    with time_budget(document.name, limits):
        layout = parse_layout(document, format=format, registry=registry, limits=limits)
        report = build_report(layout)
        if format is None and layout.format == "html" and not _found(report):
            # Text that quotes markup (a page's text with its scripts' ``<table>`` strings, as
            # ``lxml``'s text_content gives it) looks like HTML to the sniffer, but its tables
            # are in its text: it is read as the text it is.
            as_text = _as_text(document, registry, limits)
            if as_text is not None:
                layout, report = as_text
    if not _found(report):
        raise NoTablesError(
            layout.source or "<document>",
            "none of the three statutory tables (二、主动公开, 三、收到和处理申请, "
            "四、行政复议和行政诉讼) was found in it",
        )
    return report


def _found(report: Report) -> bool:
    return any(table.found for table in report.tables)


def _as_text(
    document: Input, registry: ParserRegistry | None, limits: Limits
) -> tuple[Layout, Report] | None:
    """The layout and report of a text document read as flat text, if it finds a table."""
    if not document.is_text():
        return None
    try:
        layout = parse_layout(document, format="text", registry=registry, limits=limits)
    except DocumentError:
        return None
    report = build_report(layout)
    return (layout, report) if _found(report) else None
