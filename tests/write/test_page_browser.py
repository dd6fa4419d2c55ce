"""The HTML report in a real headless browser (Chromium): it renders, and its links resolve.

The screenshot is kept as a test artefact in ``build/test-artefacts/`` (or ``$GKBG_ARTEFACTS``).
Without Chromium the tests are skipped, except under CI, which installs it (``.ci/run``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import lxml.html  # type: ignore[import-untyped,unused-ignore]
import pytest

from gkbg.cli import main
from tests.helpers import FIXTURES, SEEDS

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = next(
    (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Chromium is not installed; CI installs it",
)


def _chromium(profile: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Chromium, headless, with its own profile and nothing that reaches the network."""
    assert CHROMIUM is not None, "Chromium is needed for these tests"
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *arguments,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page of three reports (one with errors, one clean, the blank template) and a file
    that cannot be read, as ``gkbg check --html`` writes it."""
    folder = tmp_path_factory.mktemp("page")
    written = folder / "report.html"
    files = [
        SEEDS[2],
        ROOT / "examples" / "xingan-2024.txt",
        FIXTURES / "docx" / "form-2021-template.docx",
        folder / "gone.pdf",
    ]
    assert main(["check", *map(str, files), "--html", str(written), "--lang", "en"]) == 2
    return written


def test_it_renders_and_every_link_resolves(page: Path, tmp_path: Path) -> None:
    dumped = _chromium(tmp_path / "profile", "--dump-dom", page.as_uri()).stdout
    tree = lxml.html.document_fromstring(dumped)  # the DOM as the browser built it
    assert tree.findtext(".//h1") == "gkbg 检查报告 · check report"
    assert [section.get("id") for section in tree.iter("section")] == ["r1", "r2", "r3", "r4"]
    ids = {element.get("id") for element in tree.iter() if element.get("id")}
    links = [str(a.get("href")) for a in tree.iter("a")]
    assert len(links) > 30
    assert all(link.startswith("#") for link in links)
    assert {link[1:] for link in links} <= ids
    assert len(tree.find_class("gkbg-finding")) == 3
    assert len(tree.xpath("//table[@data-table]")) == 9


def test_a_screenshot_is_kept(page: Path, tmp_path: Path) -> None:
    artefacts = Path(os.environ.get("GKBG_ARTEFACTS", ROOT / "build" / "test-artefacts"))
    artefacts.mkdir(parents=True, exist_ok=True)
    shot = artefacts / "html-report.png"
    shot.unlink(missing_ok=True)
    _chromium(
        tmp_path / "profile",
        "--window-size=1280,1800",
        "--hide-scrollbars",
        f"--screenshot={shot}",
        page.as_uri(),
    )
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = pytest.importorskip("PIL.Image")
    with image.open(shot) as picture:
        assert picture.size == (1280, 1800)
        colours = picture.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None
    assert len(colours) > 50  # text, tables and the colours of the findings, not a blank page
    shades = {colour for _, colour in colours}
    assert (248, 180, 180) in shades  # the background of an error's cell (#f8b4b4)
