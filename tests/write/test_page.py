"""The shareable HTML report (`gkbg check --html`): self-contained, escaped, links that resolve."""

from __future__ import annotations

import base64
import struct
from typing import TYPE_CHECKING

import attrs
import lxml.html  # type: ignore[import-untyped,unused-ignore]
import pytest
from hypothesis import HealthCheck, given, settings

import gkbg
from gkbg import testing
from gkbg.cli import main
from gkbg.write.page import LINKED_CELLS, THUMBNAILS, PageItem, html_page, thumbnails
from tests.helpers import CORPUS, FIXTURES, SEEDS

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

    from gkbg.core.model import Report

YAOHAI = SEEDS[2]
TEMPLATE = FIXTURES / "docx" / "form-2021-template.docx"


def _item(report: Report) -> PageItem:
    return PageItem(report.source or "report", report, gkbg.check(report))


def _links(page: str) -> tuple[list[str], set[str]]:
    """The targets of the page's links within itself, and the ids it has."""
    tree = lxml.html.document_fromstring(page)
    hrefs = [str(a.get("href")) for a in tree.iter("a")]
    assert all(href.startswith("#") for href in hrefs), hrefs  # nothing outside the page
    return [href[1:] for href in hrefs], {str(e.get("id")) for e in tree.iter() if e.get("id")}


def test_a_complete_page_that_fetches_nothing() -> None:
    page = html_page([_item(gkbg.parse(YAOHAI))])
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in page
    lowered = page.lower()
    outside = ("<script", "<link", "<img", "<iframe", "src=", "url(", "@import", "http:", "https:")
    for reference in outside:
        assert reference not in lowered, reference


def test_every_finding_in_both_languages_with_its_cells_linked() -> None:
    report = gkbg.parse(YAOHAI)
    result = gkbg.check(report)
    page = html_page([PageItem("yaohai.txt", report, result)])
    tree = lxml.html.document_fromstring(page)
    findings = tree.find_class("gkbg-finding")
    assert len(findings) == len(result.findings) == 2
    for shown, finding in zip(findings, result.findings, strict=True):
        text = shown.text_content()
        assert finding.message.zh in text
        assert finding.message.en in text
        linked = [a.get("href") for a in shown.iter("a")]
        assert linked == [f"#r1-{key}" for key in finding.cells[:LINKED_CELLS]]
    targets, ids = _links(page)
    assert set(targets) <= ids
    # the cell the finding is about is coloured as an error in the table
    (total,) = tree.xpath('//td[@id="r1-applications.total.natural_person"]')
    assert "gkbg-error" in str(total.get("class"))
    # a cell read with doubt is marked as such
    doubtful = [c.key for c in report.uncertain_cells()]
    assert doubtful
    (first,) = tree.xpath(f'//td[@id="r1-{doubtful[0]}"]')
    assert "gkbg-uncertain" in str(first.get("class"))


def test_the_blank_template_and_a_file_not_read() -> None:
    report = gkbg.parse(TEMPLATE)
    items = [_item(report), PageItem("gone.pdf", error="gone.pdf: no such file")]
    page = html_page(items)
    tree = lxml.html.document_fromstring(page)
    (finding,) = tree.find_class("gkbg-finding")
    assert "table.unfilled" in finding.text_content()
    assert len(list(finding.iter("a"))) == LINKED_CELLS  # of 200 cells; the rest counted
    assert "and 188 more" in finding.text_content()
    assert "gone.pdf: no such file" in tree.get_element_by_id("r2").text_content()
    targets, ids = _links(page)
    assert set(targets) <= ids


def test_report_text_is_escaped() -> None:
    hostile = attrs.evolve(
        gkbg.parse(YAOHAI),
        agency='<script>alert("a")</script>',
        title="<img src=x onerror=alert(1)>",
    )
    page = html_page([PageItem('<b onclick="x">.txt', hostile, gkbg.check(hostile))])
    assert "<script>" not in page
    assert "<img" not in page
    assert '<b onclick="x">' not in page
    assert "&lt;script&gt;" in page


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(invalid=testing.invalid_reports())
def test_generated_reports_every_link_resolves(invalid: testing.Invalid) -> None:
    report = invalid.report
    result = gkbg.check(report)
    page = html_page([PageItem("a", report, result), PageItem("b", report, result)])
    targets, ids = _links(page)
    assert set(targets) <= ids
    # every finding's first cell of the tables is linked
    tree = lxml.html.document_fromstring(page)
    assert len(tree.find_class("gkbg-finding")) == 2 * len(result.findings)
    for finding in result.findings:
        if finding.cells and f"r1-{finding.cells[0]}" in ids:
            assert f"r1-{finding.cells[0]}" in targets


def test_the_command_writes_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "report.html"
    missing = tmp_path / "gone.pdf"
    args = ["check", str(YAOHAI), str(TEMPLATE), str(missing), "--html", str(page)]
    assert main([*args, "--lang", "en"]) == 2
    shown = capsys.readouterr()
    assert "applications.results_total" in shown.out  # the usual output as well
    written = page.read_text(encoding="utf-8")
    tree = lxml.html.document_fromstring(written)
    assert [s.get("id") for s in tree.iter("section")] == ["r1", "r2", "r3"]
    assert "no such file" in tree.get_element_by_id("r3").text_content()
    assert main(["check", str(YAOHAI), "--html", str(tmp_path / "no" / "such" / "x.html")]) == 2
    assert "cannot write the HTML report" in capsys.readouterr().err


def test_the_api_makes_the_same_page_from_paths_or_reports() -> None:
    report = gkbg.parse(YAOHAI)
    assert gkbg.html_report(YAOHAI) == gkbg.html_report([report])
    page = gkbg.html_report([YAOHAI, TEMPLATE], lang="zh", title="某市 2024")
    assert "<title>某市 2024</title>" in page
    assert page.count('class="gkbg-finding') == 3
    quiet = gkbg.html_report(YAOHAI, gkbg.RuleSet.default().without("applications.results_total"))
    assert 'class="gkbg-finding' not in quiet


def _thumbnails(page: str) -> list[tuple[str, bytes]]:
    """The pictures of the page: each its alternative text and its PNG bytes."""
    tree = lxml.html.document_fromstring(page)
    assert all(str(img.get("src")).startswith("data:image/png;base64,") for img in tree.iter("img"))
    return [
        (str(img.get("alt")), base64.b64decode(str(img.get("src")).split(",", 1)[1]))
        for img in tree.find_class("gkbg-thumb")
    ]


def test_a_pdf_finding_shows_the_page_around_its_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """洪泽区 2023 prints two group totals of table 四 as 0: each error shows its page there."""
    pdf = CORPUS[0]
    result = gkbg.check(pdf)
    errors = result.by_rule("appeals.group_total")
    assert len(errors) == 2
    pictures = _thumbnails(gkbg.html_report(pdf))
    assert [alt.split(": ")[1] for alt, _ in pictures] == [e.cells[0] for e in errors]
    for alt, png in pictures:
        assert alt.startswith("第 ")
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", png[16:24])
        assert 0 < height < width / 2  # a band of the page around the cell, not the page
    # the command's page has the same pictures; a text report has none
    out = tmp_path / "page.html"
    assert main(["check", str(pdf), str(YAOHAI), "--html", str(out)]) == 1
    capsys.readouterr()
    assert _thumbnails(out.read_text(encoding="utf-8")) == pictures
    assert _thumbnails(gkbg.html_report(YAOHAI)) == []


def test_thumbnails_are_bounded_and_only_for_placed_cells() -> None:
    report = gkbg.parse(CORPUS[0])
    result = gkbg.check(report)
    document = CORPUS[0].read_bytes()
    many = attrs.evolve(result, findings=result.by_rule("appeals.group_total") * 30)
    pictures = thumbnails(document, report, many)
    assert 0 < len(pictures) <= THUMBNAILS
    assert len({key for key, _ in pictures}) == len(pictures)  # one picture a cell
    assert thumbnails(None, report, result) == ()
    assert thumbnails(document, gkbg.parse(YAOHAI), gkbg.check(gkbg.parse(YAOHAI))) == ()
