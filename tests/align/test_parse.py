"""Parsing: what is read from realistic text, and what is never invented."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import gkbg
from gkbg import testing
from tests.helpers import SEEDS, pipe_text


def test_pipe_text_of_each_form_reads_back() -> None:
    for variant in ("2019", "2021"):
        form = gkbg.form(variant)
        cells = {cell.key: str(index % 7) for index, cell in enumerate(form.cells())}
        report = gkbg.parse(pipe_text(variant, cells))
        assert report.variants == dict.fromkeys(gkbg.TABLES, variant)
        assert {k: str(v) for k, v in report.cells().items()} == cells
        assert report.uncertain_cells() == ()
        assert report.format == "pipe"


def test_blank_and_placeholders_are_missing_not_zero() -> None:
    text = pipe_text(
        "2021",
        {
            "applications.granted.total": "",
            "applications.partially_granted.total": "/",
            "applications.denied.state_secret.total": "—",
            "applications.denied.third_party.total": "无",
        },
    )
    report = gkbg.parse(text)
    for key, raw in (
        ("applications.granted.total", ""),
        ("applications.partially_granted.total", "/"),
        ("applications.denied.state_secret.total", "—"),
        ("applications.denied.third_party.total", "无"),
    ):
        cell = report.cell(key)
        assert cell.state is gkbg.CellState.BLANK
        assert cell.value is None
        assert cell.raw == raw
    result = gkbg.check(report)
    assert result.ok
    missing = {f.cells[0] for f in result.by_rule("cell.missing")}
    assert "applications.granted.total" in missing
    assert any(
        n.rule == "applications.row_total" and "applications.granted.total" in n.missing
        for n in result.not_checkable
    )


def test_total_column_filled_only_on_some_rows_gives_warnings_not_errors() -> None:
    """A real pattern (上海 2019): only 一、二、（七）、四 carry the 总计 column."""
    form = gkbg.form("2019").table("applications")
    filled = {"received", "carried_over", "total", "carried_forward"}
    cells: dict[str, object] = {
        f"applications.{row.key}.total": "" for row in form.rows if row.key not in filled
    }
    report = gkbg.parse(pipe_text("2019", cells))
    result = gkbg.check(report)
    assert result.errors == ()
    assert len(result.by_rule("cell.missing")) == len(form.rows) - len(filled)


def test_numbers_as_fillers_type_them() -> None:
    text = pipe_text(
        "2019",
        {
            "active.licensing.change": "+14",
            "active.other_services.change": "-62",
            "active.penalty.prev_items": "1,234",
            "active.coercion.prev_items": "１２",
            "active.procurement.amount": "251000元",
        },
    )
    report = gkbg.parse(text)
    assert report.cell("active.licensing.change").value == 14
    assert report.cell("active.other_services.change").value == -62
    assert report.cell("active.penalty.prev_items").value == 1234
    assert report.cell("active.coercion.prev_items").value == 12
    amount = report.cell("active.procurement.amount")
    assert amount.value == Decimal(251000)
    assert isinstance(amount.value, Decimal)
    assert amount.raw == "251000元"
    assert gkbg.check(report).errors == ()


def test_text_in_a_number_cell_is_invalid() -> None:
    report = gkbg.parse(pipe_text("2021", {"applications.received.research": "若干"}))
    cell = report.cell("applications.received.research")
    assert cell.state is gkbg.CellState.INVALID
    assert cell.value is None
    assert cell.raw == "若干"
    (finding,) = gkbg.check(report).by_rule("cell.invalid")
    assert finding.cells == ("applications.received.research",)
    assert "若干" in finding.message.zh


def test_negative_count_is_invalid_but_a_change_may_be_negative() -> None:
    report = gkbg.parse(
        pipe_text(
            "2019",
            {
                "active.penalty.change": "-3",
                "active.penalty.prev_items": "5",
                "appeals.reconsideration.upheld": "-1",
                "appeals.reconsideration.total": "-1",
            },
        )
    )
    invalid = {f.cells[0] for f in gkbg.check(report).by_rule("cell.invalid")}
    assert invalid == {"appeals.reconsideration.upheld", "appeals.reconsideration.total"}


def test_each_table_in_its_own_form() -> None:
    """The hybrid seen at 洪泽区 2023: the 2021 table 二 above a 2019 table 三."""
    text = pipe_text(
        {"active": "2021", "applications": "2019", "appeals": "2021"},
        title="某某区人民政府2023年政府信息公开工作年度报告",
    )
    report = gkbg.parse(text)
    assert report.variant == "2021"
    assert report.table("applications").variant == "2019"
    assert "applications.other.total" in report.cells()
    result = gkbg.check(report)
    assert sorted(f.rule for f in result) == ["report.variant_mixed", "report.variant_year"]
    (outdated,) = result.by_rule("report.variant_year")
    assert "表三" in outdated.message.zh


def test_outdated_form_is_reported() -> None:
    report = gkbg.parse(pipe_text("2019", title="某某局2022年政府信息公开工作年度报告"))
    assert report.year == 2022
    (finding,) = gkbg.check(report).by_rule("report.variant_year")
    assert "2019" in finding.message.en
    assert gkbg.check(report).errors == ()


def test_a_missing_table_is_reported_and_the_others_kept() -> None:
    report = gkbg.parse(pipe_text("2021", {"applications.received.total": "3"}, omit=("active",)))
    assert not report.table("active").found
    assert report.cell("applications.received.total").value == 3
    findings = gkbg.check(report).by_rule("table.missing")
    assert len(findings) == 1
    assert "主动公开" in findings[0].message.zh


def test_a_block_whose_row_prints_no_number_is_found_not_missing() -> None:
    """Flat text prints nothing for an empty cell: 行政许可 alone is a found row, its cell unread.

    The block (第二十条第（五）项) is there, heading and label: the cell says why it is unread,
    and no `table.missing` error accuses the report of leaving the block out.
    """
    cells = {spec.key: 1 for spec in gkbg.form("2021").cells()}
    report = testing.report_of("2021", cells, 2022, "某某区人民政府")
    report = testing.blank_cell(report, "active.licensing.decisions", "")
    flat = gkbg.render.text(report, "flat")
    assert "\n行政许可\n" in flat
    read = gkbg.parse(flat)
    cell = read.cell("active.licensing.decisions")
    assert cell.state is gkbg.CellState.UNREAD
    assert [doubt.code for doubt in cell.uncertain] == ["order.count_mismatch"]
    result = gkbg.check(read)
    assert result.by_rule("table.missing") == ()
    assert [f.cells for f in result.by_rule("cell.unread")] == [("active.licensing.decisions",)]
    # Tables that are not there at all (三 and 四, cut off here) are still missing.
    without = gkbg.parse(flat.split("三、收到和处理")[0].replace("第二十条第（五）项", "", 1))
    assert gkbg.check(without).by_rule("table.missing")


def test_values_that_do_not_fit_are_left_unread_with_a_reason() -> None:
    """Flattened text with one value lost: no cell of the affected rows is guessed."""
    seed = next(s for s in SEEDS if s.name.startswith("002")).read_text(encoding="utf-8")
    damaged = seed.replace("27 0 00 0 0 0 27", "27 0 00 0 0 27", 1)
    report = gkbg.parse(damaged)
    unread = [c for c in report.iter_cells() if c.state is gkbg.CellState.UNREAD]
    assert unread
    assert all(c.value is None and c.uncertain for c in unread)
    assert all(c.key.startswith("applications.") for c in unread)
    assert report.cell("applications.received.total").value == 124
    result = gkbg.check(report)
    assert {f.cells[0] for f in result.by_rule("cell.unread")} == {c.key for c in unread}
    assert all(not set(f.cells) & {c.key for c in unread} for f in result.errors)


def test_cell_locations_point_into_the_text() -> None:
    seed = next(s for s in SEEDS if s.name.startswith("003"))
    text = seed.read_text(encoding="utf-8")
    report = gkbg.parse(seed)
    cell = report.cell("active.licensing.decisions")
    assert cell.location is not None
    assert cell.location.start is not None
    assert cell.location.end is not None
    assert text[cell.location.start : cell.location.end].strip() == "282"
    assert cell.location.line is not None
    assert text.splitlines()[cell.location.line - 1].startswith("282")


def test_sources_path_bytes_and_text_agree() -> None:
    seed = SEEDS[0]
    from_path = gkbg.parse(seed)
    from_bytes = gkbg.parse(seed.read_bytes())
    from_text = gkbg.parse(seed.read_text(encoding="utf-8"))
    assert from_path.cells() == from_bytes.cells() == from_text.cells()
    assert from_path.source == str(seed)
    assert from_bytes.source == "<bytes>"


def test_gb18030_text_is_decoded() -> None:
    seed = SEEDS[3]
    report = gkbg.parse(seed.read_text(encoding="utf-8").encode("gb18030"))
    assert report.cells() == gkbg.parse(seed).cells()


def test_format_can_be_forced() -> None:
    seed = SEEDS[0]
    assert gkbg.parse(seed, format="pipe").format == "pipe"
    with pytest.raises(
        gkbg.UnknownFormatError,
        match="known formats: html, docx, odt, xlsx, pdf, image, legacy, markdown, pipe, text",
    ):
        gkbg.parse(seed, format="epub")
    with pytest.raises(gkbg.DocumentError, match=r"not a Word \.docx file"):
        gkbg.parse(seed, format="docx")


@pytest.mark.parametrize(
    ("source", "error", "message"),
    [
        (b"", gkbg.EmptyDocumentError, "empty"),
        (b"   \n\t ", gkbg.EmptyDocumentError, "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", gkbg.DocumentError, r"damaged image|gkbg\[ocr\]"),
        (b"GIF89a" + bytes(100), gkbg.UnknownFormatError, "binary"),
        ("这是一段与政府信息公开无关的文字。\n第二段。", gkbg.NoTablesError, "none of the three"),
        (Path("no/such/report.txt"), gkbg.DocumentError, "no such file"),
        ("missing-report.pdf", gkbg.DocumentError, "no such file"),
        # Found by fuzzing: names the system cannot take are errors of the document, too.
        ("报" * 300 + ".txt", gkbg.DocumentError, "cannot be read"),
        ("报" * 300, gkbg.NoTablesError, "none of the three"),
        ("report\x00.txt", gkbg.DocumentError, "not a valid file name"),
        ("report\x00", gkbg.UnknownFormatError, "binary data"),
    ],
)
def test_unreadable_input_gives_a_clear_error(
    source: str | bytes | Path, error: type[gkbg.GkbgError], message: str
) -> None:
    with pytest.raises(error, match=message) as info:
        gkbg.parse(source)
    assert isinstance(info.value, gkbg.GkbgError)
    assert isinstance(info.value, ValueError)


def test_errors_name_the_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(gkbg.EmptyDocumentError) as info:
        gkbg.parse(empty)
    assert str(empty) in str(info.value)
    assert info.value.source == str(empty)


def test_labels_as_the_wild_prints_them() -> None:
    """Markup, line breaks, ASCII punctuation, shortened labels, ， for 、 and known aliases."""
    text = pipe_text("2021", {"applications.carried_forward.total": 0})
    text = (
        text.replace("本年制发件数 |", "本年制发<br/>件数 |")
        .replace("（二）部分公开（区分处理的，只计这一情形，不计其他情形） |", "(二)部分公开 |")
        .replace("逾期不补正、行政机关", "逾期不补正,行政机关")
        .replace("四、结转下年度继续办理 |", "四、结转下一年度继续办理 |")
        .replace("商业企业 |", "商业\n企业 |")
    )
    report = gkbg.parse(text)
    assert report.variants == dict.fromkeys(gkbg.TABLES, "2021")
    assert report.uncertain_cells() == ()
    assert gkbg.check(report).findings == ()


def test_a_merged_label_written_out_as_empty_cells_does_not_shift_values() -> None:
    """Conversions lose merges: 一、 followed by two empty cells, then its seven values."""
    cells = {
        f"applications.received.{column.key}": index
        for index, column in enumerate(gkbg.form("2021").table("applications").columns, start=1)
    }
    text = pipe_text("2021", cells).replace(
        "一、本年新收政府信息公开申请数量 |\n", "一、本年新收政府信息公开申请数量 |\n|\n|\n", 1
    )
    report = gkbg.parse(text)
    got = {key: report.cells()[key] for key in cells}
    assert got == cells
