# SPDX-License-Identifier: MIT
"""Scans of real documents: cells exact, flagged and silently wrong; false errors; errors found.

Run from the repository root (with the ``ocr`` extra, and LibreOffice for the DOCX)::

    python bench/scans.py                              # every document, every damage
    python bench/scans.py --damage plain skew --out bench/results/scans.json

The table pages of the corpus PDFs (``tests/fixtures/corpus``) and of the corpus DOCX
converted to PDF by LibreOffice are rendered to greyscale page images at ``--dpi`` (150, as
issue 15 measures), damaged as a scan is (``plain``; ``noise-jpeg``: noise and JPEG
artefacts; ``skew``: turned by 0.5-1.2 degrees; ``grey-seal``: a seal printed over the table
and scanned in grey), wrapped into an image-only PDF and read with `gkbg.parse`. Each cell is
compared with the text-layer original: *exact* (same, no doubt), *flagged* (unread or with a
doubt), *wrong* (different with no doubt, or missing). *False errors* are the errors
`gkbg.check` reports on the scan and not on the original (by rule and cells; the one finding
of ``table.unfilled`` counts as one claim a table it names); *found* are the original's errors
also reported on the scan. The figures are in ``docs/scans.md``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.read.test_scan import degrade, image_pdf, pages_of, seal

import gkbg
from gkbg.core.office import find_soffice

if TYPE_CHECKING:
    from collections.abc import Callable

CORPUS = Path("tests/fixtures/corpus")
DOCX = Path("../shared/corpus/form-2021-template.docx")
_ANGLES = (0.8, -1.2, 0.5, -0.6)

DAMAGE: dict[str, Callable[[Any, int], Any]] = {
    "plain": lambda page, n: degrade(page, grey=True, seed=n),
    "noise-jpeg": lambda page, n: degrade(page, grey=True, noise=6.0, jpeg=70, seed=n),
    "skew": lambda page, n: degrade(page, grey=True, angle=_ANGLES[n % 4], seed=n),
    "grey-seal": lambda page, n: seal(page, n).convert("L"),
}


def _documents(docx: Path) -> dict[str, bytes]:
    documents = {path.stem: path.read_bytes() for path in sorted(CORPUS.glob("*.pdf"))}
    soffice = find_soffice()
    if docx.exists() and soffice is not None:
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run(  # noqa: S603 - LibreOffice on the project's own file
                [str(soffice), "--headless", "--convert-to", "pdf", "--outdir", folder, str(docx)],
                check=True,
                capture_output=True,
            )
            documents[f"{docx.stem} (DOCX)"] = (Path(folder) / f"{docx.stem}.pdf").read_bytes()
    return documents


_PER_TABLE = {
    rule.id for rule in gkbg.RuleSet.default() if getattr(rule, "kind", None) == "unfilled"
}


def _errors(report: gkbg.Report) -> set[tuple[str, tuple[str, ...]]]:
    """What the errors of ``report`` claim, each by its rule and cells.

    A finding of an ``unfilled`` rule is one for the report naming every table printed with no
    number: it claims each table apart, and a scan that can say so of fewer tables than the
    original (a seal left some of their cells unread: they may hold numbers) claims nothing
    false.
    """
    claims: set[tuple[str, tuple[str, ...]]] = set()
    for finding in gkbg.check(report).errors:
        if finding.rule not in _PER_TABLE:
            claims.add((finding.rule, finding.cells))
            continue
        for table in sorted({key.split(".", 1)[0] for key in finding.cells}):
            cells = tuple(key for key in finding.cells if key.split(".", 1)[0] == table)
            claims.add((finding.rule, cells))
    return claims


def measure(data: bytes, damage: str, dpi: float) -> dict[str, Any]:
    """One document under one damage: the counts of the module's docstring."""
    original = gkbg.parse(data)
    numbers = sorted(
        {c.location.page for c in original.iter_cells() if c.location and c.location.page}
    )
    pages = [DAMAGE[damage](page, n) for n, page in enumerate(pages_of(data, dpi, numbers))]
    started = time.perf_counter()
    scanned = gkbg.parse(image_pdf(pages, dpi))
    seconds = time.perf_counter() - started
    cells = {cell.key: cell for cell in scanned.iter_cells()}
    counts = {"cells": 0, "exact": 0, "flagged": 0, "wrong": 0}
    for cell in original.iter_cells():
        counts["cells"] += 1
        got = cells.get(cell.key)
        if got is None:
            counts["wrong"] += 1
        elif got.uncertain or got.state is gkbg.CellState.UNREAD:
            counts["flagged"] += 1
        elif (got.state, got.value) == (cell.state, cell.value):
            counts["exact"] += 1
        else:
            counts["wrong"] += 1
    errors, found = _errors(original), _errors(scanned)
    return {
        **counts,
        "false_errors": len(found - errors),
        "errors_found": len(found & errors),
        "errors": len(errors),
        "pages": len(pages),
        "seconds": round(seconds, 1),
    }


def main() -> None:
    """Measure and print one JSON line a document and damage (and write them all)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--damage", nargs="*", default=list(DAMAGE), choices=list(DAMAGE))
    parser.add_argument("--dpi", type=float, default=150.0)
    parser.add_argument("--docx", type=Path, default=DOCX)
    parser.add_argument("--out", type=Path, help="write the results here as JSON")
    arguments = parser.parse_args()
    rows = []
    for name, data in _documents(arguments.docx).items():
        for damage in arguments.damage:
            row = {"document": name, "damage": damage, "dpi": arguments.dpi}
            row |= measure(data, damage, arguments.dpi)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    if arguments.out is not None:
        text = json.dumps({"gkbg": gkbg.__version__, "rows": rows}, ensure_ascii=False, indent=1)
        arguments.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
