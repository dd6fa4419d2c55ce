# SPDX-License-Identifier: MIT
"""A page image before OCR: the seal taken out, the page turned straight, its ruling lines found.

Pure array work on numpy arrays (numpy comes with the ``ocr`` extra), so that it can be tested
without the engine:

* `without_seal`: the page in grey, with its strongly red pixels made white. An official seal
  (公章) is printed in red over the text and the numbers; the text is black, so dropping what
  is red leaves the digits under the seal whole.
* `skew`: the angle the page was scanned turned by, from the horizontal structure of its dark
  pixels (the lines of text and the table's ruling lines make the sharpest rows when the page
  is straight), searched within ``±MAX_SKEW`` degrees.
* `ruling_lines`: the long horizontal and vertical runs of dark pixels, as the `Rule` values
  the PDF reader finds in a page's drawings, in points. A run is a line when it is longer than
  a few characters (horizontal) or than a line of text is tall (vertical) and thin; a slight
  residual slant is tolerated by letting a run wander by a pixel or two. The lines are left
  on the page the engine reads: its detector then finds one text box a cell (with the lines
  whitened it joins a row's numbers into one box, and reads it worse).
* `has_ink`: whether a box of the page holds more dark pixels than specks of noise make (a
  mark the OCR engine did not read).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from gkbg.core.compat import import_extra
from gkbg.read.pdf.geometry import Rule

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Grey = npt.NDArray[np.uint8]
    Mask = npt.NDArray[np.bool_]

__all__ = [
    "MAX_SKEW",
    "dark_pixels",
    "has_ink",
    "ruling_lines",
    "skew",
    "without_seal",
]

MAX_SKEW = 3.0
"""The largest angle (degrees) a page is searched for: a scan turned further is read as it is."""


@functools.cache
def _np() -> Any:  # noqa: ANN401 - numpy, installed with the ocr extra
    return import_extra("numpy", extra="ocr", purpose="reading scanned pages")


# A pixel is red (a seal) when its red channel stands this far above both others.
_RED_MARGIN = 60
_RED_MIN = 120
# Horizontal ruling lines are at least this long (points): longer than a dash "——" in text.
_MIN_ACROSS = 30.0
# Vertical ones at least this long: taller than any character of a report's text.
_MIN_DOWN = 14.0
# A ruling line is at most this thick (points); a thicker dark run is a filled area.
_MAX_THICK = 4.0
# A run may wander by this many pixels up or down (or left or right) along its length.
_WANDER = 2
# A vertical line's ends are this close (points) to the horizontal lines it meets.
_MEET = 4.0
# A vertical run that goes past the last horizontal line it meets by less than this (points:
# less than a row is tall) ends at that line (a mark touching it carried it past).
_OVERSHOOT = 14.0
# A row of a group of runs dark over this share of its length is a ruling line's.
_LINE_COVER = 0.8
# An official seal is at most this wide (points: 42 mm); a line found under a mark must be
# longer, so that no stroke of a seal scanned in grey is taken for one.
_SEAL = 120.0
# An empty cell holds a mark when it has at least this many dark points (square points)
# that are not isolated specks.
_MARK = 4.0


def without_seal(rgb: Grey) -> Grey:
    """The page in grey (0 black, 255 white), its strongly red pixels made white.

    Args:
        rgb: The page, height × width × 3.
    """
    np = _np()
    red = rgb[:, :, 0].astype(np.int32)
    green = rgb[:, :, 1].astype(np.int32)
    blue = rgb[:, :, 2].astype(np.int32)
    grey = (red * 299 + green * 587 + blue * 114) // 1000
    seal = (red >= _RED_MIN) & (red - np.maximum(green, blue) >= _RED_MARGIN)
    grey[seal] = 255
    result: Grey = grey.astype(np.uint8)
    return result


def dark_pixels(grey: Grey) -> Mask:
    """The page's ink: pixels darker than Otsu's threshold of its histogram (at most 200)."""
    np = _np()
    histogram = np.bincount(grey.ravel(), minlength=256).astype(np.float64)
    total = histogram.sum()
    levels = np.arange(256, dtype=np.float64)
    weight = np.cumsum(histogram)
    mass = np.cumsum(histogram * levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mass[-1] * weight - mass * total) ** 2 / (weight * (total - weight))
    between = np.nan_to_num(between)
    threshold = min(int(np.argmax(between)), 200)
    dark: Mask = grey <= threshold
    return dark


def skew(dark: Mask) -> float:
    """The angle (degrees, counter-clockwise) the page's content is turned by.

    The angle whose slanted rows gather the dark pixels most sharply (the largest sum of
    squared row counts), searched in steps of 0.1° within ``±MAX_SKEW`` and then of 0.02°.
    """
    np = _np()
    ys, xs = np.nonzero(dark)
    if len(ys) < 100:
        return 0.0
    step = max(1, len(ys) // 200_000)
    ys, xs = ys[::step].astype(np.float64), xs[::step].astype(np.float64)
    height = dark.shape[0] + dark.shape[1]

    def sharpness(angle: float) -> float:
        rows = (ys + xs * np.tan(np.radians(angle))).astype(np.int64) + dark.shape[1]
        counts = np.bincount(rows, minlength=height + dark.shape[1])
        return float((counts.astype(np.float64) ** 2).sum())

    coarse = [round(a * 0.1, 2) for a in range(-int(MAX_SKEW * 10), int(MAX_SKEW * 10) + 1)]
    best = max(coarse, key=sharpness)
    fine = [best + a * 0.02 for a in range(-5, 6)]
    return float(max(fine, key=sharpness))


def _runs(band: Mask, min_length: int) -> list[tuple[int, int, int]]:
    """Each run of True along the rows of ``band``, ``min_length`` or longer: (row, start, end)."""
    np = _np()
    padded = np.zeros((band.shape[0], band.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = band
    steps = np.diff(padded, axis=1)
    rows, starts = np.nonzero(steps == 1)
    _, ends = np.nonzero(steps == -1)
    long = (ends - starts) >= min_length
    return list(zip(rows[long].tolist(), starts[long].tolist(), ends[long].tolist(), strict=True))


def _lines(
    dark: Mask, min_length: int, max_thick: int, long_line: int
) -> list[tuple[float, int, int, int, int]]:
    """The horizontal lines of ``dark``: (centre row, start, end, first row, last row).

    Runs on neighbouring rows that overlap are one line; a line thicker than ``max_thick``
    rows is a filled area and left out, unless it is at least ``long_line`` long and a thin
    line runs along it (`_line_under_mark`).
    """
    band = dark.copy()
    for shift in range(1, _WANDER + 1):
        band[shift:] |= dark[:-shift]
        band[:-shift] |= dark[shift:]
    # bridge gaps of one pixel along the run (a faint stretch of a scanned line)
    gap = ~band[:, 1:-1] & band[:, :-2] & band[:, 2:]
    band[:, 1:-1] |= gap
    groups: list[list[int]] = []  # [first row, last row, start, end, sum of rows, runs]
    for row, start, end in _runs(band, min_length):
        for group in reversed(groups):
            if group[1] < row - 1:
                continue
            if start < group[3] and end > group[2]:
                group[1] = row
                group[2], group[3] = min(group[2], start), max(group[3], end)
                group[4] += row
                group[5] += 1
                break
        else:
            groups.append([row, row, start, end, row, 1])
    found = []
    for first, last, start, end, total, count in groups:
        thick = last - first + 1 - 2 * _WANDER
        if thick <= max_thick:
            found.append((total / count, start, end, first, last))
            continue
        if end - start < long_line:
            continue
        line = _line_under_mark(dark, (first, last, start, end), max_thick)
        if line is not None:
            found.append((line, start, end, first, last))
    return found


def _line_under_mark(dark: Mask, group: tuple[int, int, int, int], max_thick: int) -> float | None:
    """The row of a thin line in a thick group of runs, or None for a filled area.

    A mark that touches a line (the ring of a seal scanned in grey, a stroke of a signature)
    makes its runs one group with the line's, too thick to be a line. The line is still
    there: a few rows (at most ``max_thick``) dark over most of the group's length, while the
    mark's rows are dark over a short stretch only. A filled area is dark over its whole
    length on many rows: it stays out.
    """
    np = _np()
    first, last, start, end = group
    rows = dark[max(first - _WANDER, 0) : last + _WANDER + 1, start:end]
    cover = rows.sum(axis=1) / max(end - start, 1)
    full = np.flatnonzero(cover >= _LINE_COVER)
    if not 0 < len(full) <= max_thick or int(full[-1] - full[0]) >= max_thick:
        return None
    return float(max(first - _WANDER, 0) + full.mean())


def ruling_lines(dark: Mask, scale: float) -> list[Rule]:
    """The page's ruling lines in points (``scale`` points a pixel).

    A vertical run counts only when it meets horizontal lines at both its ends (`_between`),
    and a short horizontal run inside a table only when it ends at its vertical lines
    (`_stroke`).
    """
    max_thick = max(2, round(_MAX_THICK / scale))
    long_line = round(_SEAL / scale)
    across = [
        Rule.across(centre * scale, start * scale, end * scale)
        for centre, start, end, _, _ in _lines(
            dark, max(8, round(_MIN_ACROSS / scale)), max_thick, long_line
        )
    ]
    down = [
        Rule.down(centre * scale, start * scale, end * scale)
        for centre, start, end, _, _ in _lines(
            dark.T, max(8, round(_MIN_DOWN / scale)), max_thick, long_line
        )
    ]

    down = [line for rule in down if (line := _between(rule, across)) is not None]
    across = [rule for rule in across if not _stroke(rule, down)]
    return across + [line for rule in down if (line := _between(rule, across)) is not None]


def _between(rule: Rule, across: list[Rule]) -> Rule | None:
    """A vertical run as a table's line between horizontal ones, or None when it is not one.

    A vertical line of a table meets horizontal lines at both its ends (within ``_MEET``):
    the upright strokes of a large heading's characters are as long as the side of a short
    cell, but meet no horizontal line. A mark touching the line's end (the ring of a seal
    scanned in grey) carries the run a little past the horizontal line it ends at: a run
    that goes past its first or last horizontal line by less than a row is tall
    (``_OVERSHOOT``) ends there.
    """
    ys = [
        line.at
        for line in across
        if line.start - _MEET <= rule.at <= line.end + _MEET
        and rule.start - _MEET <= line.at <= rule.end + _MEET
    ]
    if not ys:
        return None
    top, bottom = min(ys), max(ys)
    if top - rule.start > _OVERSHOOT or rule.end - bottom > _OVERSHOOT:
        return None
    if abs(top - rule.start) > _MEET or abs(rule.end - bottom) > _MEET:
        if bottom - top < _MIN_DOWN:
            return None
        return Rule.down(rule.at, max(rule.start, top), min(rule.end, bottom))
    return rule


def _stroke(rule: Rule, down: list[Rule]) -> bool:
    """Whether a horizontal run is a stroke of a mark inside a table, not one of its lines.

    A table's horizontal line runs from one of its vertical lines to another. A short run
    (shorter than a seal is wide) that crosses a vertical line and ends at none is a stroke
    of a mark printed over the table: the edge of a seal's star scanned in grey, say. As a
    line it would cut the row it is drawn in into two. (A run that crosses no vertical line,
    in a table without them or outside any table, is left as it is.)
    """
    if rule.end - rule.start >= _SEAL:
        return False
    spans = [line for line in down if line.start - _MEET <= rule.at <= line.end + _MEET]
    crosses = any(rule.start + _MEET < line.at < rule.end - _MEET for line in spans)
    ends = any(abs(line.at - end) <= _MEET for line in spans for end in (rule.start, rule.end))
    return crosses and not ends


def has_ink(dark: Mask, box: tuple[int, int, int, int], scale: float) -> bool:
    """Whether a box (pixels: left, top, right, bottom) holds a mark, not specks of noise.

    A dark pixel counts when its right and lower neighbours are dark too (a stroke, not a
    speck); a mark has at least ``_MARK`` square points of them.
    """
    np = _np()
    left, top, right, bottom = box
    region = dark[max(top, 0) : bottom, max(left, 0) : right]
    if region.shape[0] < 2 or region.shape[1] < 2:
        return False
    solid = region[:-1, :-1] & region[1:, :-1] & region[:-1, 1:]
    return int(np.count_nonzero(solid)) * scale * scale >= _MARK
