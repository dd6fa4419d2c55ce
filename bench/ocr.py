# SPDX-License-Identifier: MIT
"""Scanned pages: seconds a page on one core, the OCR engine's own time as the floor.

Run from the repository root (with the ``ocr`` extra installed)::

    python bench/ocr.py                                   # the corpus PDFs' table pages, 150 dpi
    python bench/ocr.py --dpi 150 200 300 --pages 4       # one page at several resolutions
    python bench/ocr.py --pdf tests/fixtures/corpus/hongze-district-2024.pdf --pages 2 3 4

The chosen pages of each PDF (by default those its tables are on) are rendered at ``--dpi``
(greyscale, as a scanner gives them), wrapped into one image-only PDF, and read with
`gkbg.parse`; the engine's calls are timed inside that read, so the floor is the engine's own
time on exactly what gkbg gives it. Two parts of gkbg's work run inside or beside the engine's
and are counted as gkbg's, and shown apart: the candidates (`ocr.candidate_scores`, inside the
engine's decoder: taken out of the floor) and the engine's direction classifier, which gkbg
runs on each page's lines to tell which way up the page is (`ocr.quarter_turns`). The engine
and onnxruntime are held to one thread (``OMP_NUM_THREADS=1`` and the engine's
``intra_op_num_threads``), and the times are the process's CPU seconds (`time.process_time`),
so the figures are for one core and do not depend on what else the machine runs. Printed per
document: seconds a page, the engine's seconds a page, gkbg's work on top of the engine as a
share of the engine's time (target: at most 20%), the cells read exactly, flagged and silently
wrong (or missing) against the text-layer original, the false errors (errors `gkbg.check`
reports on the scan and not on the original) and the original's errors found on the scan.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

import pypdfium2 as pdfium

import gkbg
from gkbg.read.scan import ocr

if TYPE_CHECKING:
    from PIL import Image

CORPUS = Path("tests/fixtures/corpus")


def _one_thread() -> _Timed:
    """The engine made with one onnxruntime thread, timed (replacing the cached default)."""
    rapidocr = __import__("rapidocr")
    engine = rapidocr.RapidOCR(
        params={
            "Global.log_level": "error",
            "Global.text_score": 0.0,
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
    )
    ocr.with_candidates(engine)
    timed = _Timed(engine)
    scores = ocr.candidate_scores

    def candidate_scores(*arguments: Any) -> Any:  # noqa: ANN401 - as the function
        started = time.process_time()
        try:
            return scores(*arguments)
        finally:
            timed.candidates += time.process_time() - started

    ocr.candidate_scores = candidate_scores  # type: ignore[assignment]
    ocr.engine.cache_clear()
    ocr.engine = lambda: timed  # type: ignore[assignment]
    sys.modules["gkbg.read.pdf.reader"].engine = ocr.engine  # type: ignore[attr-defined]
    sys.modules["gkbg.read.scan.reader"].engine = ocr.engine  # type: ignore[attr-defined]
    return timed


class _Timed:
    """The engine, timing its calls (the floor: what OCR alone takes)."""

    def __init__(self, engine: Any) -> None:  # noqa: ANN401 - rapidocr is untyped
        self.engine = engine
        self.seconds = 0.0  # the engine's calls, the candidates in them included
        self.candidates = 0.0  # gkbg's candidates, inside the engine's calls
        self.direction = 0.0  # the direction classifier, as gkbg runs it

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - the engine's other parts
        found = getattr(self.engine, name)
        if name != "_load_cls_model":
            return found

        def load() -> Any:  # noqa: ANN401 - the classifier
            classify = found()
            if classify is None:
                return None

            def timed(*arguments: Any) -> Any:  # noqa: ANN401
                started = time.process_time()
                try:
                    return classify(*arguments)
                finally:
                    self.direction += time.process_time() - started

            return timed

        return load

    def __call__(self, *arguments: Any, **options: Any) -> Any:  # noqa: ANN401
        started = time.process_time()
        try:
            return self.engine(*arguments, **options)
        finally:
            self.seconds += time.process_time() - started


def _pages(path: Path, numbers: list[int], dpi: float) -> list[Image.Image]:
    pdf = pdfium.PdfDocument(path)
    try:
        pages: list[Image.Image] = [
            pdf[number - 1].render(scale=dpi / 72).to_pil().convert("L") for number in numbers
        ]
        return pages
    finally:
        pdf.close()


def _measure(path: Path, numbers: list[int], dpi: float, timed: _Timed) -> dict[str, float]:
    pages = _pages(path, numbers, dpi)
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    original = gkbg.parse(path)
    expected = list(original.iter_cells())
    timed.seconds = timed.candidates = timed.direction = 0.0
    started = time.process_time()
    scanned = gkbg.parse(buffer.getvalue())
    whole = time.process_time() - started
    got = {cell.key: cell for cell in scanned.iter_cells()}
    errors = {(f.rule, f.cells) for f in gkbg.check(original).errors}
    found = {(f.rule, f.cells) for f in gkbg.check(scanned).errors}
    exact = flagged = wrong = 0
    for printed in expected:
        cell = got.get(printed.key)
        if cell is None:
            wrong += 1
        elif cell.uncertain or cell.state is gkbg.CellState.UNREAD:
            flagged += 1
        elif (cell.state, cell.value) == (printed.state, printed.value):
            exact += 1
        else:
            wrong += 1
    return {
        "whole": whole,
        "engine": timed.seconds - timed.candidates,
        "candidates": timed.candidates,
        "direction": timed.direction,
        "cells": len(expected),
        "exact": exact,
        "flagged": flagged,
        "wrong": wrong,
        "false": len(found - errors),
        "found": len(found & errors),
        "errors": len(errors),
    }


def main() -> None:
    """Measure and print one line a document and resolution."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pdf", type=Path, nargs="*", default=sorted(CORPUS.glob("*.pdf")))
    parser.add_argument("--pages", type=int, nargs="*", help="pages (from 1); default: tables'")
    parser.add_argument("--dpi", type=float, nargs="*", default=[150.0])
    arguments = parser.parse_args()
    timed = _one_thread()
    print(
        f"{'document':<28} {'pages':>5} {'dpi':>4} {'s/page':>7} {'OCR s/page':>10} "
        f"{'direction':>9} {'candidates':>10} {'on top':>6} {'cells':>5} {'exact':>5} "
        f"{'flag':>4} {'wrong':>5} "
        f"{'false errors':>12} {'errors found':>12}"
    )
    for path in arguments.pdf:
        numbers = arguments.pages or sorted(
            {
                cell.location.page
                for cell in gkbg.parse(path).iter_cells()
                if cell.location is not None and cell.location.page is not None
            }
        )
        for dpi in arguments.dpi:
            m = _measure(path, numbers, dpi, timed)
            count = len(numbers)
            share = (m["whole"] - m["engine"]) / m["engine"]
            print(
                f"{path.name:<28} {count:>5} {dpi:>4.0f} {m['whole'] / count:>7.2f} "
                f"{m['engine'] / count:>10.2f} {m['direction'] / count:>9.2f} "
                f"{m['candidates'] / count:>10.2f} {share:>6.0%} {m['cells']:>5.0f} "
                f"{m['exact']:>5.0f} {m['flagged']:>4.0f} {m['wrong']:>5.0f} "
                f"{m['false']:>12.0f} {m['found']:>8.0f} of {m['errors']:.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
