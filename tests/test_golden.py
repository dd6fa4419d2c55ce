"""Every real report we have (seeds, corpus PDFs and markdown), against its hand-read golden."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

import gkbg
from tests.helpers import DOCUMENTS, SEEDS, golden, number

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(params=DOCUMENTS, ids=[doc.stem[:20] for doc in DOCUMENTS])
def seed(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


def test_every_cell(seed: Path) -> None:
    expected = golden(seed)
    cells = gkbg.parse(seed).cells()
    wanted = expected["cells"]
    assert isinstance(wanted, dict)
    assert set(cells) == set(wanted)
    ambiguous = _ambiguous(expected)
    report = gkbg.parse(seed)
    wrong = {
        key: (cells[key], value)
        for key, value in wanted.items()
        if (cells[key] is None or cells[key] != number(value))
        and not (key in ambiguous and report.cell(key).uncertain)
    }
    assert wrong == {}


def _ambiguous(expected: dict[str, object]) -> set[str]:
    """The cells the printed characters alone cannot decide: right or flagged both pass."""
    listed = expected.get("ambiguous", [])
    assert isinstance(listed, list)
    return {str(key) for key in listed}


def test_variant_year_agency(seed: Path) -> None:
    expected = golden(seed)
    report = gkbg.parse(seed)
    assert report.variant == expected["variant"]
    assert report.year == expected["year"]
    if "agency" in expected:
        assert report.agency == expected["agency"]
    by_table = expected.get("variant_by_table")
    if isinstance(by_table, dict):
        for table, variant in by_table.items():
            assert report.table(table).variant == variant


def test_findings(seed: Path) -> None:
    expected = golden(seed)
    result = gkbg.check(gkbg.parse(seed))
    listed = expected["findings"]
    assert isinstance(listed, list)
    unmatched = list(result.findings)
    for item in listed:
        assert isinstance(item, dict)
        match = next(
            (
                f
                for f in unmatched
                if f.rule == item["rule"]
                and f.severity.value == item["severity"]
                and ("cells" not in item or f.cells[0] == item["cells"][0])
                and ("expected" not in item or f.expected == number(item["expected"]))
                and ("actual" not in item or f.actual == number(item["actual"]))
            ),
            None,
        )
        assert match is not None, f"missing finding {item}; got {result.findings}"
        unmatched.remove(match)
    assert [f for f in unmatched if f.severity is gkbg.Severity.ERROR] == []


def test_no_cell_is_silently_unread(seed: Path) -> None:
    report = gkbg.parse(seed)
    ambiguous = _ambiguous(golden(seed))
    assert all(
        cell.state is not gkbg.CellState.UNREAD or (cell.key in ambiguous and cell.uncertain)
        for cell in report.iter_cells()
    )


def test_pingtan_flat_cells_chosen_by_the_relations_say_so() -> None:
    """Crawled text runs cells together: a split the relations chose carries its reason."""
    path = next(doc for doc in DOCUMENTS if doc.name == "pingtan-2021-flat.txt")
    report = gkbg.parse(path)
    # 220000325 also splits 2|20|0|0|0|3|25 (its row adds up); the columns' totals decide.
    cell = report.cell("applications.unavailable.not_held.natural_person")
    assert cell.value == 22
    assert [doubt.code for doubt in cell.uncertain] == ["run.chosen"]
    assert "applications.results_total" in cell.uncertain[0].en
    # 693665 in table 二: nothing relates its cells, so none is guessed.
    for key in ("issued", "repealed", "in_force"):
        unread = report.cell(f"active.normative_docs.{key}")
        assert unread.state is gkbg.CellState.UNREAD
        assert [doubt.code for doubt in unread.uncertain] == ["run.ambiguous"]


def test_json_round_trip(seed: Path) -> None:
    report = gkbg.parse(seed)
    assert gkbg.from_json(gkbg.to_json(report)) == report
    result = gkbg.check(report)
    assert gkbg.from_json(gkbg.to_json(result), gkbg.CheckResult) == result


def test_seed_002_reads_its_layout_with_doubt() -> None:
    """The flattened seed: placed-by-layout cells and the '00' cells are flagged, not hidden."""
    report = gkbg.parse(next(s for s in SEEDS if s.name.startswith("002")))
    uncertain = {cell.key for cell in report.uncertain_cells()}
    assert "active.rules.total_published" in uncertain
    assert "appeals.litigation_direct.total" in uncertain
    assert "applications.denied.internal_affairs.research" in uncertain
    assert report.cell("applications.denied.internal_affairs.research").raw == "00"
    assert report.cell("active.other_services.change").value == -62
    assert report.cell("active.procurement.amount").value == Decimal("29628302.01")


def test_seed_000_text_contradicts_table() -> None:
    report = gkbg.parse(next(s for s in SEEDS if s.name.startswith("000")))
    (finding,) = gkbg.check(report).by_rule("narrative.received")
    assert finding.actual == 2
    assert finding.expected == 0
    assert finding.quote is not None
    assert "收到依申请公开2个" in finding.quote
