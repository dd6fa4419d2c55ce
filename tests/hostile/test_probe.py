"""Issue 18's probe: each hostile input in a child capped at 2 GiB of address space and 30 s,
with the default limits and the API's default isolation, ends in a `GkbgError` (or a
`TypeError` for a wrong Python type) within 5 s of CPU and 1 GiB of memory.

``bench/hostile.py`` runs the probe and prints its figures; here its cases that take under a
second each run in CI (the others, the 60 MB page and the zip64 package among them, are run by
``python bench/hostile.py``; ``docs/robustness.md`` has their figures).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import gkbg

ROOT = Path(__file__).parent.parent.parent
FAST = [
    "pdf-stream-inflating-to-a-gibibyte",
    "html-100k-breaks-in-a-cell",
    "html-40k-sibling-paragraphs",
    "fifo-without-a-writer",
    "str-with-a-lone-surrogate",
    "bytearray",
    "memoryview",
    "ole-random-bytes",
    "pdf-forms-fanning-out-to-a-million",
    "pdf-500k-tiny-characters",
    "xlsx-cells-in-a-and-xfd",
    "pdf-pages-printing-the-same-lines",
    "rules-empty",
    "rules-gbk",
    "rules-nested-50000-deep",
    "pdf-forms-fanning-out-to-four-million",
    "pdf-forms-fanning-out-packed",
    "pdf-forms-nested-30-deep",
    "pdf-forms-in-a-cycle",
    "pdf-huge-inline-image",
    "pdf-path-of-2m-segments",
    "html-200k-children-of-a-cell",
    "html-100k-empty-rows",
    "docx-tables-nested-60-deep",
    "xlsx-cells-in-a-and-aaa",
    "list-instead-of-bytes",
]


def test_the_probe_of_issue_18_ends_every_input_within_bounds() -> None:
    pytest.importorskip("pypdfium2")
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "hostile.py"), "--json", *FAST],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60 * len(FAST),
        check=False,
    )
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [record["case"] for record in records] == FAST, done.stderr[-2000:]
    wrong = {
        record["case"]: record
        for record in records
        if not (record["outcome"] in {"Report", "TypeError"} or hasattr(gkbg, record["outcome"]))
        or record["cpu_seconds"] > 5
        or record["peak_mib"] > 1024
    }
    assert wrong == {}
    assert done.returncode == 0
    # The PDFs that fanned out, nested and cycled are refused by the count before loading, and
    # so is the path of two million segments.
    refused = {record["case"]: record["message"] for record in records}
    for name in FAST:
        if name.startswith("pdf-forms-"):
            assert "(the limit is Limits.max_page_draws)" in refused[name], name
    assert "(the limit is Limits.max_page_segments)" in refused["pdf-path-of-2m-segments"]
