"""The example notebook runs from top to bottom, and shows the tables and the findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import gkbg

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def test_the_tour_notebook_runs() -> None:
    nbformat: Any = pytest.importorskip("nbformat")
    nbclient: Any = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.read(EXAMPLES / "tour.ipynb", as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    client = nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": EXAMPLES}}
    )
    client.execute()
    outputs = [
        output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
    ]
    assert not [output for output in outputs if output.output_type == "error"]
    html = [
        output["data"]["text/html"] for output in outputs if "text/html" in output.get("data", {})
    ]
    report = gkbg.parse(EXAMPLES / "yaohai-2019.txt")
    result = gkbg.check(report)
    tables = html[0]
    assert tables.count("<table") == len(gkbg.TABLES)
    assert tables.count("gkbg-error") >= len(result.errors)
    for finding in result.findings:
        assert finding.rule in html[1]
    assert "applications.results_total" in html[2]  # the findings as a DataFrame
    assert "127" in html[2]
