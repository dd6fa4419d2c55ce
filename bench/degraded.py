# SPDX-License-Identifier: MIT
"""Degraded shapes: how many cells gkbg reads exactly, flags, or gets silently wrong.

Run from the repository root (with the ``test`` extra installed, for hypothesis)::

    python bench/degraded.py --shape run --n 10000 --jobs 2
    python bench/degraded.py --shape all --n 10000 --jobs 2      # every shape but split-pdf
    python bench/degraded.py --shape split-pdf --n 500 --jobs 2   # LibreOffice: slow
    python bench/degraded.py --shape libreoffice --n 200 --jobs 1  # every lo-* shape: slower
    python bench/degraded.py --shape pdf-text --n 300 --jobs 1  # PDF text: pdftotext, pdfplumber…
    python bench/degraded.py --table bench/results/degraded.json  # print the docs table again

Reports are drawn with hypothesis from `gkbg.testing`, rendered by `gkbg.render` in a degraded
shape, parsed back with `gkbg.parse` (format detected from the content) and checked with
`gkbg.check`; the read report is compared with the generated one, cell by cell.

The shapes (each option combination is spread evenly over the draws, by the draw's index):

``run``
    crawled page text, each table on one line with labels and cells run together
    (``render.text(report, "run")``);
``flat``
    text as copied out of a PDF, one table row per line, cells separated by a space, an empty
    cell printing nothing (``render.text(report, "flat")``);
``markdown``
    a PDF-to-markdown converter's output (``render.markdown``), over every distinct
    combination of ``generic_headers`` (False, True, "all"), ``split``, ``repeat_header``,
    ``footer`` (None, ``— 5 —``) and ``broken_labels`` (with ``split`` the other three do
    nothing, so 3 + 3 × 2 × 2 × 2 = 27 combinations);
``markdown-garbled``
    a badly garbled conversion (OCR, a language model asked for markdown): ``render.markdown``
    with every option drawn at once for each draw (`GARBLED`, seeded by the draw's index): the
    options of ``markdown`` and ``footer_row``, ``scattered_headers``, ``unlabelled``,
    ``notes``, ``floating``, ``uneven``, ``loose``, ``plain``, ``merged_values`` and
    ``labels_apart``;
``split-docx``
    a Word file whose table 二 or 三 is printed in two parts, the second on another column
    grid (narrower label columns, one label column fewer), with or without a page break
    between them (``render.docx(report, split=..., page_break=...)``);
``split-html``
    an HTML page whose table 二 or 三 is two ``<table>`` elements, the second without the
    first label column (one column to the left of the first part's grid), adjacent or with a
    page footer paragraph between them (cut as ``render.docx`` cuts it);
``split-pdf``
    the ``split-docx`` file converted to PDF by LibreOffice (many files per ``soffice`` call);
``lo-doc``, ``lo-pdf``, ``lo-pdf-landscape``, ``lo-html``, ``lo-docx``, ``lo-odt``
    the report re-published through LibreOffice (`gkbg.testing.republish`, one ``soffice`` run
    per chunk and shape): ``render.docx`` with table 二 or 三 printed in two parts on two column
    grids or not split (``split``), the parts adjacent or a page apart (``page_break``; never
    apart for ``.doc``, so that LibreOffice joins them into one table on a joined grid), the
    title typed over two lines after the agency's name or inside it, or on one
    (``title_break``), laid out by `gkbg.testing.relaid_docx` on an A4 portrait page
    (``lo-pdf-landscape``: landscape at 10.5 points, so that table 三 runs over to the next page)
    and saved as ``.doc``, PDF, HTML, ``.docx`` or ``.odt``;
``lo-xls``, ``lo-xlsx``, ``lo-ods``
    the HTML page (the table split as in ``split-html``, or not) opened in LibreOffice Calc and
    saved as a spreadsheet;
``pdftotext``, ``pdftotext-layout``, ``pdfplumber``, ``pdfplumber-layout``, ``pypdf``
    the text a researcher holds of a PDF report: ``render.docx`` laid out by
    `gkbg.testing.relaid_docx` on an A4 page, portrait or landscape at 10.5 points
    (``orientation``), with table 二 or 三 printed in two parts on two column grids or not
    (``split``), the parts adjacent or a page apart (``page_break``), exported to PDF by
    LibreOffice (one ``soffice`` run per chunk; the same PDFs for every one of these shapes,
    drawn by `_pdf_text_options`), and its text extracted by poppler's ``pdftotext -enc UTF-8
    [-layout]`` (Debian's ``poppler-utils``), pdfplumber's ``page.extract_text([layout=True])``
    of every page joined by line breaks, or pypdf's ``page.extract_text()`` likewise. pdfplumber
    and pypdf are no dependency of gkbg: they run in a virtual environment of their own
    (``$GKBG_PDFVENV``, by default ``/tmp/pdfvenv``: ``python -m venv /tmp/pdfvenv &&
    /tmp/pdfvenv/bin/pip install pdfplumber pypdf``), one process per chunk. A shape whose
    tool is missing is refused at the start.

Every shape is also drawn with the form's labels and with a drawn `gkbg.testing.LabelStyle`
(punctuation, ``，`` for ``、``, line breaks inside labels, shortened labels), alternately.

The reports (the same draws for every shape): chunks of ``--chunk`` draws, each chunk one kind
in the cycle valid, invalid, blanked, mixed, valid, invalid, blanked, valid, invalid, blanked
(3 : 3 : 3 : 1). valid: `gkbg.testing.reports` (either form, every relation holding); invalid:
`gkbg.testing.invalid_reports` (1-3 cells moved so that an error relation breaks); blanked:
`gkbg.testing.blanked_reports` (1-3 cells blank, printing nothing, ``/``, ``-``, ``—``, ``无``…);
mixed: `gkbg.testing.mixed_reports` (tables in different forms). Chunk ``i`` is drawn by a
hypothesis test seeded with ``seed * 1_000_003 + i`` (``--seed``, default 0), generation phase
only, no database: the same command draws the same reports whatever ``--jobs`` is.

Definitions (per cell of the generated report; the read cell has the same key):

* **exact**: the read cell has the generated state (a number, or blank) and value, and carries
  no doubt;
* **flagged**: the read cell carries a doubt (`gkbg.Cell.uncertain`) or is unread
  (``CellState.UNREAD``), whatever its value; ``flagged right`` counts those whose value is
  nevertheless the generated one;
* **missing**: the read report has no cell of that key (its table was not found, or found in
  the other form), or the parse raised (every cell of that report; the count of such reports
  is ``parse failures``);
* **silently wrong**: anything else: the value (or state) differs from the generated one and
  the cell carries no doubt and is not unread. This must be 0.

Per report: a **false error** is an error finding of ``gkbg.check`` on the read report (rule
and cells) that ``gkbg.check`` on the generated report does not give; counted on valid,
blanked and mixed reports (``false errors``: findings, ``reports with a false error``), and
separately on invalid ones. An invalid report **keeps its errors** when every error finding
of the generated report is found on the read report, or at least one of its cells is flagged
or missing there (the reader said it could not be sure); ``invalid kept`` is the share of
invalid reports that keep every error, ``invalid caught`` those whose every error finding is
found as such. **agency, year read**: the share of reports whose agency and year are read as
generated.

Output: a markdown table on stdout (``--table`` prints it again from the JSON), the figures in
``bench/results/degraded.json`` (``--out``; shapes already in the file and not measured again
are kept), and every report with a silently wrong cell, a false error or an error lost
written with its input to ``/tmp/degraded-failures/<shape>/`` (``--failures``): the rendered
document, and a ``.json`` with the draw (chunk, index, kind, options), the generated cells and
what went wrong. The first ``--keep`` (default 200) of each shape are written; all are counted.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

import gkbg
from gkbg.testing import (
    LabelStyle,
    blanked_reports,
    invalid_reports,
    label_styles,
    mixed_reports,
    relaid_docx,
    reports,
    republish,
)
from gkbg.write.render import _split, by_row, grid

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "degraded.json"
FAILURES = Path("/tmp/degraded-failures")  # noqa: S108 - where the brief wants them

# Re-published through LibreOffice (`gkbg.testing.republish`): the shape, what is converted
# (``docx``: `render.docx`, laid out by `gkbg.testing.relaid_docx`; ``html``: the page, with
# its split table as two ``<table>`` elements, opened in Calc) and what LibreOffice saves.
LIBREOFFICE: dict[str, tuple[str, str]] = {
    "lo-doc": ("docx", "doc"),
    "lo-pdf": ("docx", "pdf"),
    "lo-pdf-landscape": ("docx", "pdf"),
    "lo-html": ("docx", "html"),
    "lo-docx": ("docx", "docx"),
    "lo-odt": ("docx", "odt"),
    "lo-xls": ("html", "xls"),
    "lo-xlsx": ("html", "xlsx"),
    "lo-ods": ("html", "ods"),
}
CALC_FROM_HTML = "HTML (StarCalc)"
# A PDF's text as a tool extracts it: the tool, and its command's options (``pdftotext``) or
# the keyword arguments of ``extract_text`` (pdfplumber, pypdf, run in `PDFVENV`).
PDF_TEXT: dict[str, tuple[str, dict[str, Any] | list[str]]] = {
    "pdftotext": ("pdftotext", []),
    "pdftotext-layout": ("pdftotext", ["-layout"]),
    "pdfplumber": ("pdfplumber", {}),
    "pdfplumber-layout": ("pdfplumber", {"layout": True}),
    "pypdf": ("pypdf", {}),
}
PDFVENV = Path(os.environ.get("GKBG_PDFVENV", "/tmp/pdfvenv"))  # noqa: S108 - bench only
SHAPES = (
    "run",
    "flat",
    "markdown",
    "markdown-garbled",
    "split-docx",
    "split-html",
    "split-pdf",
    *LIBREOFFICE,
    *PDF_TEXT,
)
FAST_SHAPES = SHAPES[:6]  # ``all``: every shape but LibreOffice's
KINDS = (
    "valid",
    "invalid",
    "blanked",
    "mixed",
    "valid",
    "invalid",
    "blanked",
    "valid",
    "invalid",
    "blanked",
)
FOOTER = "— 5 —"
SPLIT_TABLES = ("active", "applications")  # table 四 has one row of values: nothing to cut


# --- the options of each shape -------------------------------------------------------------


def _markdown_options() -> list[dict[str, Any]]:
    combos: list[dict[str, Any]] = [
        {"generic_headers": generic, "split": True} for generic in (False, True, "all")
    ]
    combos += [
        {
            "generic_headers": generic,
            "split": False,
            "repeat_header": repeat,
            "footer": footer,
            "broken_labels": broken,
        }
        for generic, repeat, footer, broken in itertools.product(
            (False, True, "all"), (False, True), (None, FOOTER), (False, True)
        )
    ]
    return combos


# The garbling options of ``render.markdown`` and the values each is drawn from: the older ones
# (as in ``markdown``) and the newer, all drawn at once, each value equally likely.
GARBLED: dict[str, tuple[Any, ...]] = {
    "generic_headers": (False, True, "all"),
    "split": (False, True),
    "repeat_header": (False, True),
    "footer": (None, FOOTER),
    "footer_row": (False, True),
    "broken_labels": (False, True),
    "scattered_headers": (None, "spans", "packed"),
    "unlabelled": (False, True),
    "notes": (False, True),
    "floating": (False, True, "above"),
    "uneven": (False, True),
    "loose": (False, True),
    "plain": ((), ("active",), ("appeals",), ("applications",)),
    "merged_values": (False, True),
    "labels_apart": (False, True),
}


def _garbled_options(index: int) -> dict[str, Any]:
    """The garbling of draw ``index``: every option drawn from `GARBLED` by a generator seeded
    with the index (the same draw whatever the chunk size or ``--jobs``)."""
    chooser = random.Random(f"markdown-garbled {index}")  # noqa: S311 - not for security
    chosen = {name: chooser.choice(values) for name, values in GARBLED.items()}
    chosen["plain"] = list(chosen["plain"])  # (JSON has no tuples)
    return chosen


OPTIONS: dict[str, list[dict[str, Any]]] = {
    "run": [{}],
    "flat": [{}],
    "markdown": _markdown_options(),
    "markdown-garbled": [],  # drawn per index (`_garbled_options`)
    "split-docx": [
        {"split": table, "page_break": brk} for table in SPLIT_TABLES for brk in (True, False)
    ],
    "split-html": [
        {"split": table, "footer": footer} for table in SPLIT_TABLES for footer in (None, FOOTER)
    ],
    "split-pdf": [{"split": table} for table in SPLIT_TABLES],
    **{shape: [] for shape in LIBREOFFICE},  # drawn per index (`_libreoffice_options`)
    **{shape: [] for shape in PDF_TEXT},  # drawn per index (`_pdf_text_options`)
}


def _libreoffice_options(shape: str, index: int) -> dict[str, Any]:
    """The layout of draw ``index`` re-published as ``shape``: which table is printed in two
    parts (or none), whether a page break separates them (never for ``.doc``, where adjacent
    parts become one table on a joined grid, as LibreOffice saves them), and where the title
    breaks over two lines (at the end of the agency's name, inside it, or nowhere)."""
    chooser = random.Random(f"{shape} {index}")  # noqa: S311 - not for security
    chosen: dict[str, Any] = {"split": chooser.choice((None, *SPLIT_TABLES))}
    if LIBREOFFICE[shape][0] == "docx":
        chosen["page_break"] = shape != "lo-doc" and chooser.random() < 0.5
        chosen["title_break"] = chooser.choice((None, "agency", "inside"))
    else:
        chosen["footer"] = chooser.choice((None, FOOTER)) if chosen["split"] else None
    return chosen


def _pdf_text_options(index: int) -> dict[str, Any]:
    """The PDF of draw ``index`` for every PDF-text shape (the same for all of them): the
    page's orientation, which table is printed in two parts (or none), whether a page break
    separates them."""
    chooser = random.Random(f"pdf-text {index}")  # noqa: S311 - not for security
    return {
        "orientation": chooser.choice(("portrait", "landscape")),
        "split": chooser.choice((None, *SPLIT_TABLES)),
        "page_break": chooser.random() < 0.5,
    }


def options_of(shape: str, index: int) -> dict[str, Any]:
    """The options of draw ``index`` (over the whole run): every combination in turn, then
    the same again with the drawn label style (``labels``: ``form`` or ``styled``)."""
    if shape in PDF_TEXT:
        chosen = _pdf_text_options(index)
        chosen["labels"] = "styled" if index % 2 else "form"
        return chosen
    if shape == "markdown-garbled" or shape in LIBREOFFICE:
        chosen = (
            _garbled_options(index)
            if shape == "markdown-garbled"
            else _libreoffice_options(shape, index)
        )
        chosen["labels"] = "styled" if index % 2 else "form"
        return chosen
    combos = OPTIONS[shape]
    chosen = dict(combos[index % len(combos)])
    chosen["labels"] = "styled" if (index // len(combos)) % 2 else "form"
    return chosen


# --- rendering -------------------------------------------------------------------------------


def _html_table(placed: Sequence[gkbg.render.Placed]) -> str:
    lines = ['<table border="1">']
    for row in by_row(placed):
        tds = "".join(
            "<td"
            + (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "")
            + (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            + ">"
            + "<br>".join(escape(line) for line in cell.text.split("\n"))
            + "</td>"
            for cell in row
        )
        lines.append(f"<tr>{tds}</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def split_html(
    report: gkbg.Report,
    table: str,
    *,
    footer: str | None = None,
    labels: Callable[[str], str] | None = None,
) -> str:
    """``render.html`` with ``table`` printed as two ``<table>`` elements, cut as
    ``render.docx(split=...)`` cuts it (the second part one label column narrower), adjacent
    or with a page footer paragraph between them."""
    page = gkbg.render.html(report, labels=labels)
    whole = _html_table(grid(report, table, labels=labels))
    first, second = _split(grid(report, table, labels=labels))
    between = f"\n<p>{escape(footer)}</p>\n" if footer else "\n"
    parts = _html_table(first) + between + _html_table(second)
    if whole not in page:
        raise AssertionError(f"the page does not hold table {table} as rendered")
    return page.replace(whole, parts, 1)


def render(shape: str, report: gkbg.Report, options: dict[str, Any], style: LabelStyle) -> bytes:
    """The report in ``shape`` with ``options`` (for ``split-pdf``: the Word file to convert)."""
    labels = style if options["labels"] == "styled" else None
    if shape in {"run", "flat"}:
        return gkbg.render.text(report, shape, labels=labels).encode()  # type: ignore[arg-type]
    if shape in {"markdown", "markdown-garbled"}:
        chosen = {key: value for key, value in options.items() if key != "labels"}
        return gkbg.render.markdown(report, labels=labels, **chosen).encode()
    if shape == "split-docx":
        return gkbg.render.docx(
            report, labels=labels, split=options["split"], page_break=options["page_break"]
        )
    if shape == "split-html":
        return split_html(
            report, options["split"], footer=options["footer"], labels=labels
        ).encode()
    if shape == "split-pdf":
        return gkbg.render.docx(report, labels=labels, split=options["split"])
    if shape in LIBREOFFICE:
        return _libreoffice_source(shape, report, options, labels)
    if shape in PDF_TEXT:
        word = gkbg.render.docx(
            report, labels=labels, split=options["split"], page_break=options["page_break"]
        )
        landscape = options["orientation"] == "landscape"
        return relaid_docx(
            word, orientation=options["orientation"], font_size=10.5 if landscape else None
        )
    raise ValueError(f"unknown shape {shape!r}")


# pdfplumber and pypdf, run in `PDFVENV` on the PDFs named on its standard input (one path a
# line); the text of each, pages joined by line breaks, as a JSON list on its standard output.
_EXTRACT = """
import json, sys
tool, kwargs = sys.argv[1], json.loads(sys.argv[2])
texts = []
for path in sys.stdin.read().split(chr(10)):
    if not path:
        continue
    try:
        if tool == "pdfplumber":
            import pdfplumber
            with pdfplumber.open(path) as pdf:
                texts.append(chr(10).join(page.extract_text(**kwargs) or "" for page in pdf.pages))
        else:
            import pypdf
            reader = pypdf.PdfReader(path)
            texts.append(chr(10).join(page.extract_text(**kwargs) or "" for page in reader.pages))
    except Exception:
        texts.append(None)
print(json.dumps(texts))
"""


def pdf_text_tools(shapes: Iterable[str]) -> list[str]:
    """What is missing to measure ``shapes`` (the tools their text is extracted with)."""
    missing: list[str] = []
    for shape in shapes:
        if shape not in PDF_TEXT:
            continue
        tool = PDF_TEXT[shape][0]
        if tool == "pdftotext" and shutil.which("pdftotext") is None:
            missing.append(f"{shape}: pdftotext (apt-get install poppler-utils)")
        elif tool != "pdftotext" and not (PDFVENV / "bin" / "python").is_file():
            missing.append(f"{shape}: {tool} in {PDFVENV} (python -m venv; pip install {tool})")
    return missing


def extract_text(shape: str, pdfs: Sequence[bytes | None]) -> list[bytes | None]:
    """The text ``shape``'s tool extracts from each PDF (UTF-8), None where it fails."""
    tool, options = PDF_TEXT[shape]
    out: list[bytes | None] = [None] * len(pdfs)
    with tempfile.TemporaryDirectory(prefix="gkbg-pdf-text-") as folder:
        paths: dict[int, Path] = {}
        for index, data in enumerate(pdfs):
            if data is not None:
                paths[index] = Path(folder) / f"{index}.pdf"
                paths[index].write_bytes(data)
        if tool == "pdftotext":
            for index, path in paths.items():
                done = subprocess.run(  # noqa: S603 - our own arguments
                    ["pdftotext", "-enc", "UTF-8", *options, str(path), "-"],  # noqa: S607
                    capture_output=True,
                    check=False,
                    timeout=60,
                )
                out[index] = done.stdout if done.returncode == 0 else None
            return out
        done = subprocess.run(  # noqa: S603 - our own arguments
            [str(PDFVENV / "bin" / "python"), "-c", _EXTRACT, tool, json.dumps(options)],
            input="\n".join(str(path) for path in paths.values()),
            capture_output=True,
            text=True,
            check=True,
            timeout=60 + 20 * len(paths),
        )
        texts = json.loads(done.stdout)
        for index, text in zip(paths, texts, strict=True):
            out[index] = None if text is None else text.encode()
    return out


def _libreoffice_source(
    shape: str,
    report: gkbg.Report,
    options: dict[str, Any],
    labels: Callable[[str], str] | None,
) -> bytes:
    """What LibreOffice converts for ``shape``: the Word file laid out as the shape wants it
    (portrait; landscape at 10.5 points, so that a long table runs over to the next page), or
    the HTML page for Calc."""
    split = options["split"]
    if LIBREOFFICE[shape][0] == "html":
        if split is None:
            return gkbg.render.html(report, labels=labels).encode()
        return split_html(report, split, footer=options["footer"], labels=labels).encode()
    word = gkbg.render.docx(report, labels=labels, split=split, page_break=options["page_break"])
    agency = report.agency or ""
    where = {"agency": len(agency), "inside": max(len(agency) // 2, 1), None: None}
    landscape = shape == "lo-pdf-landscape"
    return relaid_docx(
        word,
        orientation="landscape" if landscape else "portrait",
        font_size=10.5 if landscape else None,
        title_break=where[options["title_break"]] if agency else None,
    )


SUFFIX = {
    "run": "txt",
    "flat": "txt",
    "markdown": "md",
    "markdown-garbled": "md",
    "split-docx": "docx",
    "split-html": "html",
    "split-pdf": "pdf",
    **{shape: target for shape, (_, target) in LIBREOFFICE.items()},
    **dict.fromkeys(PDF_TEXT, "txt"),
}


# --- drawing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draw:
    """One generated report."""

    chunk: int
    index: int  # over the whole run: chunk * size + position in the chunk
    kind: str
    report: gkbg.Report
    style: LabelStyle


def _strategy(kind: str) -> st.SearchStrategy[gkbg.Report]:
    if kind == "valid":
        return reports()
    if kind == "invalid":
        return invalid_reports().map(lambda invalid: invalid.report)
    if kind == "blanked":
        return blanked_reports().map(lambda blanked: blanked.report)
    return mixed_reports()


def draw_chunk(chunk: int, size: int, base_seed: int) -> list[Draw]:
    """The reports of one chunk: ``size`` hypothesis draws of its kind, seeded by its index."""
    kind = KINDS[chunk % len(KINDS)]
    drawn: list[tuple[gkbg.Report, LabelStyle]] = []
    strategy = st.tuples(_strategy(kind), label_styles())

    @seed(base_seed * 1_000_003 + chunk)
    @settings(
        database=None,
        max_examples=size,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def collect(pair: tuple[gkbg.Report, LabelStyle]) -> None:
        if len(drawn) < size:
            drawn.append(pair)

    collect()
    return [
        Draw(chunk, chunk * size + position, kind, report, style)
        for position, (report, style) in enumerate(drawn)
    ]


# --- judging -----------------------------------------------------------------------------------


@dataclass
class Tally:
    """The counts of one shape (or of one option combination of it)."""

    reports: int = 0
    cells: int = 0
    exact: int = 0
    flagged: int = 0
    flagged_right: int = 0
    missing: int = 0
    wrong: int = 0
    parse_failures: int = 0
    crashes: int = 0
    reports_wrong: int = 0
    clean_reports: int = 0  # valid, blanked or mixed
    false_errors: int = 0
    reports_false_error: int = 0
    invalid: int = 0
    invalid_kept: int = 0
    invalid_caught: int = 0
    invalid_false_errors: int = 0
    agency_read: int = 0  # reports whose agency is read as generated
    year_read: int = 0  # reports whose year is read as generated
    seconds: float = 0.0  # wall time rendering, reading and checking
    cpu_seconds: float = 0.0  # this process's CPU time for it (not LibreOffice's)

    def add(self, other: Tally) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value


def _errors(report: gkbg.Report) -> set[tuple[str, tuple[str, ...]]]:
    return {(f.rule, tuple(f.cells)) for f in gkbg.check(report).errors}


@dataclass
class Verdict:
    """What one read report got right and wrong."""

    tally: Tally
    wrong: list[dict[str, object]] = field(default_factory=list)
    false_errors: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    lost_errors: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    failure: str | None = None  # why nothing was read


def judge(generated: gkbg.Report, kind: str, read: gkbg.Report | None) -> Verdict:
    """Compare the read report with the generated one (None: the parse raised)."""
    tally = Tally(reports=1)
    verdict = Verdict(tally)
    cells = list(generated.iter_cells())
    tally.cells = len(cells)
    if read is None:
        tally.parse_failures = 1
        tally.missing = len(cells)
        if kind == "invalid":
            tally.invalid = 1
            tally.invalid_kept = 1  # nothing read, nothing claimed
        else:
            tally.clean_reports = 1
        return verdict
    tally.agency_read = int(read.agency == generated.agency)
    tally.year_read = int(read.year == generated.year)
    found = {cell.key: cell for cell in read.iter_cells()}
    doubtful: set[str] = set()
    for cell in cells:
        got = found.get(cell.key)
        if got is None:
            tally.missing += 1
            doubtful.add(cell.key)
            continue
        right = got.state is cell.state and got.value == cell.value
        if got.uncertain or got.state is gkbg.CellState.UNREAD:
            tally.flagged += 1
            tally.flagged_right += right
            doubtful.add(cell.key)
        elif right:
            tally.exact += 1
        else:
            tally.wrong += 1
            verdict.wrong.append(
                {
                    "key": cell.key,
                    "generated": _plain(cell.value),
                    "generated_state": cell.state.value,
                    "generated_raw": cell.raw,
                    "read": _plain(got.value),
                    "read_state": got.state.value,
                    "read_raw": got.raw,
                }
            )
    tally.reports_wrong = int(bool(verdict.wrong))
    expected = _errors(generated)
    actual = _errors(read)
    verdict.false_errors = sorted(actual - expected)
    if kind == "invalid":
        tally.invalid = 1
        tally.invalid_false_errors = len(verdict.false_errors)
        verdict.lost_errors = sorted(
            finding
            for finding in expected - actual
            if not any(key in doubtful for key in finding[1])
        )
        tally.invalid_kept = int(not verdict.lost_errors)
        tally.invalid_caught = int(expected <= actual)
    else:
        tally.clean_reports = 1
        tally.false_errors = len(verdict.false_errors)
        tally.reports_false_error = int(bool(verdict.false_errors))
    return verdict


def _read(data: bytes | None) -> tuple[gkbg.Report | None, str | None]:
    """The report read from ``data``, or None and why (``GkbgError`` or a crash's class)."""
    if data is None:
        return None, "no document (the conversion failed)"
    try:
        return gkbg.parse(data), None
    except gkbg.GkbgError as exc:
        return None, f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # noqa: BLE001 - a crash is counted and saved, not hidden
        return None, f"CRASH {type(exc).__name__}: {exc}"


@dataclass
class ChunkResult:
    """One chunk's figures, by shape and by option combination."""

    chunk: int
    draw_seconds: float
    tallies: dict[str, Tally]
    by_option: dict[str, dict[str, Tally]]
    by_kind: dict[str, dict[str, Tally]]
    failures: dict[str, list[dict[str, object]]]


def _save(
    folder: Path,
    shape: str,
    draw: Draw,
    *,
    options: dict[str, Any],
    data: bytes,
    verdict: Verdict,
) -> dict[str, object]:
    name = f"chunk{draw.chunk:04}-{draw.index:06}"
    record: dict[str, object] = {
        "shape": shape,
        "chunk": draw.chunk,
        "index": draw.index,
        "kind": draw.kind,
        "options": options,
        "label_style": asdict_style(draw.style) if options["labels"] == "styled" else None,
        "input": f"{name}.{SUFFIX[shape]}",
        "failure": verdict.failure,
        "wrong": verdict.wrong,
        "false_errors": [[rule, list(keys)] for rule, keys in verdict.false_errors],
        "lost_errors": [[rule, list(keys)] for rule, keys in verdict.lost_errors],
    }
    target = folder / shape
    target.mkdir(parents=True, exist_ok=True)
    (target / record["input"]).write_bytes(data)  # type: ignore[operator]
    full = {
        **record,
        "variants": draw.report.variants,
        "year": draw.report.year,
        "agency": draw.report.agency,
        "cells": {
            cell.key: [cell.state.value, _plain(cell.value), cell.raw]
            for cell in draw.report.iter_cells()
        },
    }
    (target / f"{name}.json").write_text(
        json.dumps(full, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return record


def asdict_style(style: LabelStyle) -> dict[str, object]:
    return {
        "punctuation": style.punctuation,
        "comma": style.comma,
        "break_after": style.break_after,
        "shorten": style.shorten,
    }


def _option_name(options: dict[str, Any]) -> str:
    # (A list of values joined by "+": the name is split at its commas, `by_value`.)
    return ",".join(
        f"{key}={'+'.join(value) if isinstance(value, list) else value}"
        for key, value in options.items()
    )


def measure_chunk(
    shapes: Sequence[str], chunk: int, size: int, *, base_seed: int, failures: Path, keep: int
) -> ChunkResult:
    """Draw one chunk of reports, render them in every shape, read them back and judge."""
    start = time.process_time()
    draws = draw_chunk(chunk, size, base_seed)
    result = ChunkResult(chunk, time.process_time() - start, {}, {}, {}, {})
    pdfs: list[bytes | None] | None = None  # the PDF-text shapes' PDFs, made once
    sources: dict[str, list[bytes | None]] = {}
    for shape in shapes:
        tally = result.tallies.setdefault(shape, Tally())
        saved = result.failures.setdefault(shape, [])
        begun, cpu = time.perf_counter(), time.process_time()
        chosen = [options_of(shape, draw.index) for draw in draws]
        documents = [
            render(shape, draw.report, options, draw.style)
            for draw, options in zip(draws, chosen, strict=True)
        ]
        inputs: list[bytes | None] = list(documents)
        if shape in PDF_TEXT:
            # The same PDFs for every PDF-text shape of the chunk: converted once.
            if pdfs is None:
                pdfs = republish(documents, "docx", "pdf")
            sources[shape] = pdfs
            inputs = extract_text(shape, pdfs)
        elif shape == "split-pdf":
            inputs = republish(documents, "docx", "pdf")
        elif shape in LIBREOFFICE:
            source, target = LIBREOFFICE[shape]
            infilter = CALC_FROM_HTML if source == "html" else None
            inputs = republish(documents, source, target, infilter=infilter)
        for draw, options, data in zip(draws, chosen, inputs, strict=True):
            read, why = _read(data)
            verdict = judge(draw.report, draw.kind, read)
            if why is not None:
                verdict.failure = why
                verdict.tally.crashes = int(why.startswith("CRASH"))
            tally.add(verdict.tally)
            name = _option_name(options)
            result.by_option.setdefault(shape, {}).setdefault(name, Tally()).add(verdict.tally)
            result.by_kind.setdefault(shape, {}).setdefault(draw.kind, Tally()).add(verdict.tally)
            if verdict.wrong or verdict.false_errors or verdict.lost_errors or verdict.failure:
                record: dict[str, object] = {
                    "failure": verdict.failure,
                    "chunk": draw.chunk,
                    "index": draw.index,
                    "kind": draw.kind,
                    "options": options,
                    "wrong": verdict.wrong,
                    "false_errors": [[r, list(k)] for r, k in verdict.false_errors],
                    "lost_errors": [[r, list(k)] for r, k in verdict.lost_errors],
                }
                if len(saved) < keep:
                    record = _save(
                        failures, shape, draw, options=options, data=data or b"", verdict=verdict
                    )
                    if shape == "split-pdf" or shape in LIBREOFFICE:  # the source too
                        source = LIBREOFFICE.get(shape, ("docx", ""))[0]
                        name_source = f"chunk{draw.chunk:04}-{draw.index:06}.source.{source}"
                        (failures / shape / name_source).write_bytes(documents[draws.index(draw)])
                    if shape in PDF_TEXT:  # the PDF the text was extracted from
                        name_source = f"chunk{draw.chunk:04}-{draw.index:06}.source.pdf"
                        pdf = sources[shape][draws.index(draw)]
                        (failures / shape / name_source).write_bytes(pdf or b"")
                saved.append(record)
        tally.seconds += time.perf_counter() - begun
        tally.cpu_seconds += time.process_time() - cpu
    return result


# --- running and reporting ------------------------------------------------------------------


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def summary(tally: Tally) -> dict[str, object]:
    """The figures of a tally, with the shares."""
    figures: dict[str, object] = dict(asdict(tally))
    figures["seconds"] = round(tally.seconds, 1)
    figures["cpu_seconds"] = round(tally.cpu_seconds, 1)
    figures["share_exact"] = round(_share(tally.exact, tally.cells), 6)
    figures["share_flagged"] = round(_share(tally.flagged, tally.cells), 6)
    figures["share_missing"] = round(_share(tally.missing, tally.cells), 6)
    figures["share_invalid_kept"] = round(_share(tally.invalid_kept, tally.invalid), 6)
    figures["share_invalid_caught"] = round(_share(tally.invalid_caught, tally.invalid), 6)
    figures["share_agency_read"] = round(_share(tally.agency_read, tally.reports), 6)
    figures["share_year_read"] = round(_share(tally.year_read, tally.reports), 6)
    return figures


def run(
    shapes: Sequence[str],
    n: int,
    *,
    jobs: int = 1,
    chunk: int = 100,
    base_seed: int = 0,
    failures: Path = FAILURES,
    keep: int = 200,
    progress: bool = False,
    checkpoint: Callable[[dict[str, dict[str, object]]], None] | None = None,
) -> dict[str, dict[str, object]]:
    """Measure ``shapes`` over ``n`` drawn reports each; the figures by shape.

    Each shape's entry: its `Tally` with the shares (`summary`), ``by_kind`` and ``by_option``
    (the same figures per kind of report and per option combination), ``failures`` (every
    report with a silently wrong cell, a false error or an error lost) and the run's settings.
    """
    for shape in shapes:
        shutil.rmtree(failures / shape, ignore_errors=True)
    chunks = [(index, min(chunk, n - index * chunk)) for index in range((n + chunk - 1) // chunk)]
    results: list[ChunkResult] = []
    started = time.perf_counter()
    if jobs <= 1:
        for index, size in chunks:
            results.append(
                measure_chunk(
                    shapes, index, size, base_seed=base_seed, failures=failures, keep=keep
                )
            )
            if progress:
                _progress(results, len(chunks), started)
            if checkpoint is not None:
                wall = time.perf_counter() - started
                checkpoint(
                    gather(
                        shapes, results, n=n, base_seed=base_seed, chunk=chunk, jobs=jobs, wall=wall
                    )
                )
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [
                pool.submit(
                    measure_chunk,
                    shapes,
                    index,
                    size,
                    base_seed=base_seed,
                    failures=failures,
                    keep=keep,
                )
                for index, size in chunks
            ]
            for future in as_completed(futures):
                results.append(future.result())
                if progress:
                    _progress(results, len(chunks), started)
                if checkpoint is not None:
                    wall = time.perf_counter() - started
                    checkpoint(
                        gather(
                            shapes,
                            results,
                            n=n,
                            base_seed=base_seed,
                            chunk=chunk,
                            jobs=jobs,
                            wall=wall,
                        )
                    )
    return gather(
        shapes,
        results,
        n=n,
        base_seed=base_seed,
        chunk=chunk,
        jobs=jobs,
        wall=time.perf_counter() - started,
    )


def gather(
    shapes: Sequence[str],
    results: list[ChunkResult],
    *,
    n: int,
    base_seed: int,
    chunk: int,
    jobs: int,
    wall: float,
) -> dict[str, dict[str, object]]:
    """The figures by shape from the chunks measured so far."""
    results = sorted(results, key=lambda result: result.chunk)
    draw_seconds = sum(result.draw_seconds for result in results)
    out: dict[str, dict[str, object]] = {}
    for shape in shapes:
        total = Tally()
        by_option: dict[str, Tally] = {}
        by_kind: dict[str, Tally] = {}
        records: list[dict[str, object]] = []
        for result in results:
            total.add(result.tallies[shape])
            for name, tally in result.by_option.get(shape, {}).items():
                by_option.setdefault(name, Tally()).add(tally)
            for name, tally in result.by_kind.get(shape, {}).items():
                by_kind.setdefault(name, Tally()).add(tally)
            records += result.failures.get(shape, [])
        out[shape] = {
            **summary(total),
            "n": n,
            "complete": total.reports == n,
            "seed": base_seed,
            "chunk": chunk,
            "chunks_measured": [result.chunk for result in results],
            "jobs": jobs,
            "wall_seconds": round(wall, 1),
            "draw_seconds": round(draw_seconds, 1),
            "by_kind": {name: summary(tally) for name, tally in sorted(by_kind.items())},
            "by_option": {name: summary(tally) for name, tally in sorted(by_option.items())},
            "failures": records,
        }
    return out


def _progress(results: list[ChunkResult], chunks: int, started: float) -> None:
    wrong = sum(tally.wrong for result in results for tally in result.tallies.values())
    elapsed = time.perf_counter() - started
    print(
        f"  {len(results)}/{chunks} chunks, {elapsed:.0f} s, silently wrong so far: {wrong}",
        file=sys.stderr,
        flush=True,
    )


HEADER = (
    "| shape | reports | cells | exact | flagged | missing | silently wrong | "
    "reports with a false error | invalid: errors kept | invalid: errors found as such | "
    "agency, year read |"
)


def table(results: dict[str, dict[str, Any]], breakdown: str | None = None) -> str:
    """The docs table: one row per shape, in the order of `SHAPES`; with ``breakdown``
    (``kind``, ``option`` or ``value``), one row per kind of report, option combination or
    option value (over every combination holding it) of each shape.
    """
    lines = [HEADER, "|" + "---|" * HEADER.count(" | ") + "---|"]
    rows: list[tuple[str, dict[str, Any]]] = []
    for shape in sorted(results, key=lambda name: (*SHAPES, name).index(name)):
        if breakdown is None:
            rows.append((shape, results[shape]))
        elif breakdown == "value":
            rows += [(f"{shape}: {name}", figures) for name, figures in by_value(results[shape])]
        else:
            parts = results[shape][f"by_{breakdown}"]
            rows += [(f"{shape}: {name}", figures) for name, figures in parts.items()]
    for shape, figures in rows:
        parse = f" ({figures['parse_failures']} unparsed)" if figures["parse_failures"] else ""
        clean = figures["clean_reports"]
        false = f"{figures['reports_false_error']} of {clean:,}" if clean else "—"
        kept, caught = (
            (f"{figures['share_invalid_kept']:.2%}", f"{figures['share_invalid_caught']:.2%}")
            if figures["invalid"]
            else ("—", "—")
        )
        metadata = (  # (not counted before the libreoffice shapes)
            f"{figures['share_agency_read']:.2%}, {figures['share_year_read']:.2%}"
            if "share_agency_read" in figures
            else "—"
        )
        lines.append(
            f"| {shape} | {figures['reports']:,}{parse} | {figures['cells']:,} | "
            f"{figures['share_exact']:.2%} | {figures['share_flagged']:.2%} | "
            f"{figures['share_missing']:.2%} | **{figures['wrong']}** | "
            f"{false} | {kept} | {caught} | {metadata} |"
        )
    return "\n".join(lines)


def by_value(figures: dict[str, Any]) -> list[tuple[str, dict[str, object]]]:
    """A shape's figures for each value of each option, over every combination holding it."""
    counts = set(asdict(Tally()))
    sums: dict[str, Tally] = {}
    for name, option in figures["by_option"].items():
        for value in name.split(","):
            tally = sums.setdefault(value, Tally())
            tally.add(Tally(**{key: option.get(key, 0) for key in counts}))
    return [(value, summary(tally)) for value, tally in sums.items()]


def _load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _describe(results: dict[str, dict[str, Any]]) -> Iterable[str]:
    for shape, figures in results.items():
        yield (
            f"{shape}: {figures['reports']} reports in {figures['wall_seconds']} s wall "
            f"({figures['seconds']} s rendering, reading and checking, of which "
            f"{figures.get('cpu_seconds', '?')} s CPU; {figures['draw_seconds']} s CPU drawing; "
            "summed over the workers)"
        )
        for record in figures["failures"][:20]:
            yield f"  {json.dumps(record, ensure_ascii=False)}"
        if len(figures["failures"]) > 20:
            yield f"  … {len(figures['failures']) - 20} more in the JSON"


def _commit() -> str | None:
    """The commit of the working tree measured (``+`` when it has changes), if git says."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git on the PATH
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "src"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    return head + ("+" if changed else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shape",
        action="append",
        choices=[*SHAPES, "all", "libreoffice", "pdf-text"],
        help=(
            "a shape to measure (repeat for several; all: every shape but LibreOffice's; "
            "libreoffice: every lo-* shape; pdf-text: every PDF-text shape)"
        ),
    )
    parser.add_argument("--n", type=int, default=10_000, help="reports per shape")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument("--chunk", type=int, default=100, help="draws per hypothesis run")
    parser.add_argument("--seed", type=int, default=0, help="the base seed")
    parser.add_argument("--out", type=Path, default=RESULTS, help="the JSON file")
    parser.add_argument("--failures", type=Path, default=FAILURES, help="where to save failures")
    parser.add_argument("--keep", type=int, default=200, help="failures saved per shape")
    parser.add_argument("--table", type=Path, help="only print the table of this JSON file")
    parser.add_argument(
        "--by",
        choices=["kind", "option", "value"],
        help="with --table: a row per kind of report, option combination or option value",
    )
    args = parser.parse_args(argv)
    if args.table:
        print(table(_load(args.table)["shapes"], args.by))
        return 0
    shapes = list(
        dict.fromkeys(
            itertools.chain.from_iterable(
                FAST_SHAPES
                if shape == "all"
                else tuple(LIBREOFFICE)
                if shape == "libreoffice"
                else tuple(PDF_TEXT)
                if shape == "pdf-text"
                else (shape,)
                for shape in args.shape or ["all"]
            )
        )
    )
    print(
        f"gkbg {gkbg.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f}); "
        f"{', '.join(shapes)}: {args.n} reports each, {args.jobs} jobs",
        file=sys.stderr,
    )
    missing = pdf_text_tools(shapes)
    if missing:
        print("cannot measure: " + "; ".join(missing), file=sys.stderr)
        return 2
    commit = _commit()

    def save(results: dict[str, dict[str, object]]) -> None:
        """Write ``results`` into the JSON file (other shapes in it kept); what it holds."""
        stored = _load(args.out)
        for figures in results.values():
            figures["commit"] = commit
        merged = {**stored.get("shapes", {}), **results}
        stored.update(
            {
                "gkbg": gkbg.__version__,
                "python": platform.python_version(),
                "shapes": {shape: merged[shape] for shape in SHAPES if shape in merged},
            }
        )
        args.out.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(stored, ensure_ascii=False, indent=1) + "\n"
        partial = args.out.with_suffix(".part")
        partial.write_text(text, encoding="utf-8")
        partial.replace(args.out)

    results = run(
        shapes,
        args.n,
        jobs=args.jobs,
        chunk=args.chunk,
        base_seed=args.seed,
        failures=args.failures,
        keep=args.keep,
        progress=True,
        checkpoint=save,
    )
    save(results)
    for line in _describe(results):
        print(line, file=sys.stderr)
    print(table(_load(args.out)["shapes"]))
    wrong = sum(int(str(figures["wrong"])) for figures in results.values())
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
