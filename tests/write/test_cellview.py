"""Looking at one cell: its PDF page with the cell framed, or the tables with the cell framed."""

from __future__ import annotations

import io
import re
import struct
import zlib
from typing import TYPE_CHECKING

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
from gkbg import render, testing
from gkbg.cli import main
from gkbg.core.model import Location
from gkbg.write.cellview import cell_png, png
from tests.helpers import FIXTURES, SEEDS

if TYPE_CHECKING:
    from pathlib import Path

    from gkbg.core.model import Report

HONGZE = FIXTURES / "corpus" / "hongze-district-2024.pdf"
KEY = "applications.received.total"


def _pixels(image: bytes) -> tuple[int, int, bytes]:
    """Width, height and the RGB rows of a PNG that `png` wrote (filter 0 on every row)."""
    width, height = struct.unpack(">II", image[16:24])
    data, position = b"", 8
    while position < len(image):
        (length,) = struct.unpack(">I", image[position : position + 4])
        kind = image[position + 4 : position + 8]
        if kind == b"IDAT":
            data += image[position + 8 : position + 8 + length]
        position += 12 + length
    raw = zlib.decompress(data)
    rows = b"".join(raw[1 + r * (3 * width + 1) : (r + 1) * (3 * width + 1)] for r in range(height))
    return width, height, rows


def _at(width: int, rows: bytes, x: int, y: int) -> tuple[int, int, int]:
    start = 3 * (y * width + x)
    red, green, blue = rows[start : start + 3]
    return red, green, blue


def test_png_round_trips() -> None:
    rows = bytes(range(256)) * 3 + b"\x00" * 0  # 2 rows of 128 pixels... padded to a stride
    image = png(128, 2, rows[: 2 * 384], 384)
    assert image.startswith(b"\x89PNG\r\n\x1a\n")
    assert _pixels(image) == (128, 2, rows[: 2 * 384])


def test_the_page_of_a_pdf_cell_with_the_cell_framed() -> None:
    pytest.importorskip("pypdfium2")
    report = gkbg.parse(HONGZE)
    cell = report.cell(KEY)
    assert cell.location is not None
    assert cell.location.page == 3
    assert cell.location.bbox is not None
    image = cell_png(HONGZE.read_bytes(), cell)
    width, height, rows = _pixels(image)
    assert (width, height) == (1190, 1684)  # A4 at 2 pixels a point
    x0, top, x1, bottom = (round(2 * v) for v in cell.location.bbox)
    # the red frame just outside the cell's box, the number inside left as printed
    assert _at(width, rows, (x0 + x1) // 2, top - 11) == (211, 47, 47)
    inside = {_at(width, rows, x, (top + bottom) // 2) for x in range(x0, x1)}
    assert (211, 47, 47) not in inside
    assert any(sum(colour) < 200 for colour in inside)  # the printed digits, dark
    # the row's band reaches the left edge of the page, where the row's label is
    assert _at(width, rows, 10, top - 6) == (21, 101, 192)


def test_a_cell_without_a_place_on_a_page() -> None:
    report = gkbg.parse(SEEDS[2])
    cell = attrs.evolve(report.cell(KEY), location=Location(line=3))
    with pytest.raises(gkbg.GkbgError, match="no place on a PDF page"):
        cell_png(b"%PDF-", cell)


def test_show_cell_from_paths_bytes_files_and_reports() -> None:
    pytest.importorskip("pypdfium2")
    view = gkbg.show_cell(HONGZE, KEY)
    assert view.image is not None
    assert view._repr_png_() == view.image
    assert view._repr_html_() is None  # a notebook shows the page
    assert repr(view) == f"<CellView {KEY}: page image 1190×1684>"
    data = HONGZE.read_bytes()
    assert gkbg.show_cell(data, KEY).image == view.image
    assert gkbg.show_cell(io.BytesIO(data), KEY).image == view.image
    assert gkbg.show_cell(gkbg.parse(HONGZE), KEY).image == view.image
    assert f'id="cell-{KEY}"' in view.html
    text = gkbg.show_cell(SEEDS[2], KEY)
    assert text.image is None
    assert text._repr_html_() == text.html
    assert f'td[id="cell-{KEY}"]' in text.html
    with pytest.raises(KeyError, match="no cell"):
        gkbg.show_cell(SEEDS[2], "applications.no_such_row.total")


def test_a_report_shows_its_own_cells() -> None:
    """``report.show_cell(key)``: the page again from the file the report was read from."""
    pytest.importorskip("pypdfium2")
    report = gkbg.parse(HONGZE)
    view = report.show_cell(KEY, lang="en")
    assert isinstance(view, gkbg.CellView)
    assert view.image == gkbg.show_cell(HONGZE, KEY).image
    assert view.html == gkbg.show_cell(report, KEY, lang="en").html
    # Read from bytes, the report names no file: the tables, not the page.
    from_bytes = gkbg.parse(HONGZE.read_bytes())
    assert from_bytes.show_cell(KEY).image is None
    assert f'td[id="cell-{KEY}"]' in from_bytes.show_cell(KEY).html
    # With a check result, its findings are marked too (洪泽 2023 prints a wrong group total).
    wrong = gkbg.parse(FIXTURES / "corpus" / "hongze-district-2023.pdf")
    total = "appeals.reconsideration.total"
    marked = wrong.show_cell(total, gkbg.check(wrong), lang="en").html
    assert re.search(f'<td id="cell-{total}" class="[^"]*gkbg-error', marked)
    assert not re.search(
        f'<td id="cell-{total}" class="[^"]*gkbg-error', wrong.show_cell(total).html
    )
    with pytest.raises(KeyError, match="no cell"):
        report.show_cell("applications.no_such_row.total")


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=testing.reports(), data=st.data())
def test_any_cell_of_a_rendered_report_is_framed(report: Report, data: st.DataObject) -> None:
    read = gkbg.parse(render.html(report))
    key = data.draw(st.sampled_from([cell.key for cell in read.iter_cells()]))
    view = gkbg.show_cell(read, key)
    assert view.image is None
    assert len(re.findall(f'<td[^>]* id="cell-{re.escape(key)}"', view.html)) == 1


def test_the_show_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pypdfium2")
    out = tmp_path / "cell.png"
    assert main(["show", str(HONGZE), "--cell", KEY, "-o", str(out)]) == 0
    assert out.read_bytes() == gkbg.show_cell(HONGZE, KEY).image
    assert capsys.readouterr().out == f"{out}\n"
    page = tmp_path / "cell.html"
    assert main(["show", str(SEEDS[2]), "--cell", KEY, "-o", str(page)]) == 0
    assert f'id="cell-{KEY}"' in page.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["show", str(SEEDS[2]), "--cell", KEY, "-o", str(tmp_path / "x.png")]) == 2
    assert "-o cell.html" in capsys.readouterr().err
    assert main(["show", str(SEEDS[2]), "--cell", "nope"]) == 2
    assert "no cell 'nope'" in capsys.readouterr().err
    assert main(["show", str(tmp_path / "gone.pdf"), "--cell", KEY]) == 2
    assert "no such file" in capsys.readouterr().err
