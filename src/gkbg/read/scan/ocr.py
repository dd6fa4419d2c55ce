# SPDX-License-Identifier: MIT
"""One page image to the characters and ruling lines the PDF reader's geometry takes.

The OCR engine is RapidOCR (``rapidocr``, PP-OCR detection and recognition on onnxruntime,
its Chinese models inside its wheel: nothing is downloaded), installed with the ``ocr`` extra
and imported when a scanned page is first read. A page goes through these steps:

1. its strongly red pixels (a seal) are made white, and it is turned to grey
   (`gkbg.read.scan.image.without_seal`);
2. it is turned straight when it was scanned turned by more than a tenth of a degree
   (`gkbg.read.scan.image.skew`);
3. its ruling lines are found in the image (`gkbg.read.scan.image.ruling_lines`);
4. the engine reads it: text boxes, and in each the characters with their boxes and the
   engine's confidence in each. The characters of one box are laid edge to edge (the engine's
   boxes of the digits of one number leave small gaps that would cut it into two words);
   a gap wider than half the box's height stays a gap.

The result, `ScanPage`, gives `Char` values in points (72 to the inch) from the page's
top-left corner, as the PDF reader's `Char` values are, and `Rule` values likewise; the PDF
reader's geometry makes lines, words and tables of them. `doubts` then says, for each token of
the finished `Layout`, what the engine was unsure of: a character under `LOW_CONFIDENCE`, a
letter in a cell of digits that the engine may have read for a digit (``1O``), or a mark in
an empty cell that the engine did not read.
"""

from __future__ import annotations

import contextlib
import functools
import math
from typing import TYPE_CHECKING, Any, Self

import attrs

from gkbg.core.compat import import_extra
from gkbg.core.limits import scanned_page
from gkbg.core.reasons import Doubt
from gkbg.read.pdf.geometry import Char, Rule
from gkbg.read.scan.image import (
    dark_pixels,
    has_ink,
    ruling_lines,
    skew,
    without_seal,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from gkbg.read.layout import Layout, Token
    from gkbg.read.scan.image import Grey, Mask

__all__ = [
    "LOW_CONFIDENCE",
    "MAX_READINGS",
    "MIN_CANDIDATE",
    "Candidates",
    "OcrChar",
    "ScanPage",
    "Score",
    "candidate_readings",
    "candidate_scores",
    "doubts",
    "engine",
    "engine_memory",
    "read_image",
    "with_candidates",
]

LOW_CONFIDENCE = 0.95
"""A character the engine reads with less confidence than this makes its token doubtful."""

PURPOSE = "reading scanned documents (OCR)"

# Turned by less than this (degrees), a page is read as it is.
_STRAIGHT = 0.1
# A text box this many times taller than wide (and of several characters) is set top to bottom.
_UPRIGHT_TEXT = 1.5
# Within one text box, a gap narrower than this fraction of its height is no gap.
_NO_GAP = 0.5


# How onnxruntime says that it could not get memory: the C++ exception's name in the message of
# its own exception (its exception types are not part of its API, and rapidocr wraps them).
_OUT_OF_MEMORY = "bad_alloc"
# How the dynamic loader says it could not map a native library of the engine (OpenCV's, say)
# into the address space; "not permitted" is a file system mounted noexec, not memory.
_NO_ROOM_TO_LOAD = "failed to map segment"
_NOT_PERMITTED = "not permitted"


@contextlib.contextmanager
def engine_memory() -> Iterator[None]:
    """Raise `MemoryError` where the engine fails because it could not get memory.

    onnxruntime reports a failed allocation (``std::bad_alloc``, under the isolated worker's
    `Limits.max_memory_bytes`, say) as an error of its own, loading a model or running one,
    whose message holds a whole traceback; under a lower limit still, a native library of the
    engine cannot even be loaded (an `ImportError`: "failed to map segment"). As a
    `MemoryError` it is what it is: the reader's callers name the file and the limit in one
    sentence (`LimitExceededError` on ``max_memory_bytes``). Any other error of the engine is
    left as it is.
    """
    try:
        yield
    except MemoryError:
        raise
    except Exception as error:
        message = str(error)
        unmapped = isinstance(error, ImportError) and _NO_ROOM_TO_LOAD in message
        if _OUT_OF_MEMORY in message or (unmapped and _NOT_PERMITTED not in message):
            raise MemoryError("the OCR engine could not get the memory it needs") from error
        raise


@functools.cache
def engine() -> Any:  # noqa: ANN401 - rapidocr is untyped
    """The OCR engine, made once per process, logging only errors.

    Raises:
        MissingExtraError: The ``ocr`` extra is not installed.
        MemoryError: The engine could not get the memory to load (`engine_memory`).
    """
    rapidocr = import_extra("rapidocr", extra="ocr", purpose=PURPOSE)
    with engine_memory():
        # Every text box the detector finds is recognised, however unsure: an unsure reading
        # is flagged (`doubts`), never dropped (a dropped box would leave its cell silently
        # empty).
        ocr = rapidocr.RapidOCR(params={"Global.log_level": "error", "Global.text_score": 0.0})
        with_candidates(ocr)
    return ocr


def with_candidates(ocr: Any) -> None:  # noqa: ANN401 - rapidocr is untyped
    """Make the engine ``ocr`` give each character's other candidates (`Candidates`).

    The recognition model is CTC: for each step along a text line, a probability for every
    character of its set. The engine keeps the best character of each step; its decoder is
    wrapped so that each character's score also carries the characters that came next
    (`Score`). An engine whose recognition step is not where rapidocr 3 keeps it gives no
    candidates: its characters are read as before, with their confidence alone.
    """
    load = getattr(ocr, "_load_rec_model", None)
    recognizer: Any = load() if callable(load) else None
    decode = getattr(recognizer, "postprocess_op", None)
    if decode is None or isinstance(decode, Candidates):
        return
    if not isinstance(getattr(decode, "character", None), list):
        return
    recognizer.postprocess_op = Candidates(decode)


@functools.cache
def _np() -> Any:  # noqa: ANN401 - numpy, installed with the ocr extra
    return import_extra("numpy", extra="ocr", purpose=PURPOSE)


class Score(float):
    """The engine's confidence in a character, with the characters it rated next.

    A `float` (the engine passes it on as the character's score); ``alternatives`` holds the
    other characters the model gave at least `MIN_CANDIDATE` probability where it read this
    one, each with that probability, likelier first.
    """

    alternatives: tuple[tuple[str, float], ...]

    def __new__(cls, value: float, alternatives: tuple[tuple[str, float], ...] = ()) -> Self:
        """A score of ``value`` with ``alternatives``."""
        score = super().__new__(cls, value)
        score.alternatives = alternatives
        return score


class Candidates:
    """The engine's CTC decoder, its character scores carrying the next-best characters.

    Called as the decoder is, and giving what it gives, except that each line's character
    scores (``confs``, one for each character the engine read, spaces left out so that they
    line up with the characters) are `Score` values.
    """

    def __init__(self, decode: Any) -> None:  # noqa: ANN401 - rapidocr's CTCLabelDecode
        """Wrap ``decode``."""
        self.decode = decode
        self.character: list[str] = decode.character

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - the decoder's other attributes
        """The wrapped decoder's attribute ``name``."""
        return getattr(self.decode, name)

    def __call__(
        self,
        preds: Any,  # noqa: ANN401 - a numpy array: batch × steps × characters
        return_word_box: bool = False,
        **options: Any,  # noqa: ANN401
    ) -> Any:  # noqa: ANN401
        """Decode ``preds`` as the engine does, the scores carrying candidates."""
        lines, words = self.decode(preds, return_word_box, **options)
        if return_word_box:
            for index, info in enumerate(words):
                info.confs = candidate_scores(preds[index], self.character)
        return lines, words


MIN_CANDIDATE = 0.001
"""A character the model rates at least this likely where it read another is a candidate."""
# At most this many candidates a character.
_CANDIDATES = 2


def candidate_scores(probabilities: Any, character: Sequence[str]) -> list[Score]:  # noqa: ANN401
    """The scores of the characters one line's steps read, with their candidates.

    ``probabilities`` is steps × characters. A character is read where the likeliest entry of
    a step is not the blank (0) and differs from the step before (greedy CTC decoding, as the
    engine's); it spans the steps that keep it the likeliest, and another character's
    probability is its highest over them.
    """
    np = _np()
    best = probabilities.argmax(axis=1)
    scores: list[Score] = []
    steps = len(best)
    step = 0
    while step < steps:
        index = int(best[step])
        end = step + 1
        while end < steps and int(best[end]) == index:
            end += 1
        if index != 0 and not character[index].isspace():
            others = probabilities[step:end].max(axis=0).copy()
            others[index] = 0.0
            others[0] = 0.0
            top = np.argsort(others)[::-1][:_CANDIDATES]
            alternatives = tuple(
                (character[int(k)], round(float(others[k]), 5))
                for k in top
                if others[k] >= MIN_CANDIDATE
            )
            scores.append(Score(round(float(probabilities[step, index]), 5), alternatives))
        step = end
    return scores


@attrs.frozen
class OcrChar:
    """A character as the engine read it, in points upright on the page.

    Attributes:
        char: The character and its box.
        score: The engine's confidence in it, 0 to 1.
        alternatives: The other characters the engine rated next, with their probabilities
            (`Score`), likelier first.
    """

    char: Char
    score: float
    alternatives: tuple[tuple[str, float], ...] = ()


@attrs.frozen(eq=False)
class ScanPage:
    """What one page image holds, in points from its top-left corner.

    Attributes:
        number: The page's number, from 1.
        chars: The characters read, with the engine's confidence in each.
        rules: The ruling lines found.
        scale: Points per pixel of the page image.
        dark: The page's ink, straightened, one boolean per pixel.
    """

    number: int
    chars: tuple[OcrChar, ...]
    rules: tuple[Rule, ...]
    scale: float
    dark: Mask = attrs.field(repr=False)


def read_image(rgb: Grey, number: int, dpi: float) -> ScanPage:
    """Read one page image (height × width × 3, ``dpi`` pixels to the inch).

    A page scanned a quarter turn or a half turn off (`quarter_turns`) is turned upright and
    read again; its characters and lines are then in points on the upright page.

    Raises:
        MissingExtraError: The ``ocr`` extra is not installed.
        MemoryError: The engine ran out of memory (`engine_memory`).
    """
    with engine_memory():
        return _read_page(rgb, number, dpi)


def _read_page(rgb: Grey, number: int, dpi: float) -> ScanPage:
    """`read_image`'s work, the engine's failures as they come."""
    ocr = engine()
    scanned_page()
    np = _np()
    grey = _straight(without_seal(rgb))
    result = _read(ocr, grey)
    turns = quarter_turns(ocr, grey, result)
    if turns:
        grey = _straight(np.ascontiguousarray(np.rot90(grey, turns)))
        result = _read(ocr, grey)
    dark = dark_pixels(grey)
    scale = 72.0 / dpi
    rules = ruling_lines(dark, scale)
    chars: list[OcrChar] = []
    if result.boxes is not None:  # no text at all: no boxes, and one empty word result
        for box, words in zip(result.boxes, result.word_results or (), strict=True):
            chars.extend(_box_chars(box, words, scale))
    return ScanPage(number, tuple(chars), tuple(rules), scale, dark)


def _straight(grey: Grey) -> Grey:
    """The page turned straight when it was scanned turned by a little (`skew`)."""
    angle = skew(dark_pixels(grey))
    return _turned(grey, angle) if abs(angle) > _STRAIGHT else grey


def _read(ocr: Any, grey: Grey) -> Any:  # noqa: ANN401 - rapidocr is untyped
    """The engine's reading of a grey page: its text boxes, and the characters of each."""
    return ocr(
        _np().repeat(grey[:, :, None], 3, axis=2),
        return_word_box=True,
        return_single_char_box=True,
    )


# A page whose text boxes set top to bottom hold this many times the characters of those set
# left to right was scanned a quarter turn off.
_SIDEWAYS = 2.0
# A box of fewer characters says nothing of which way the page is turned.
_FEW_CHARS = 2
# Lines of fewer characters in all (a page with a heading or two) are too few to turn a page.
_FEW_TO_TURN = 20


def quarter_turns(ocr: Any, grey: Grey, result: Any) -> int:  # noqa: ANN401 - rapidocr
    """How many quarter turns (counter-clockwise, as `numpy.rot90`) put the page upright.

    The engine's first reading tells: on a page scanned a quarter turn off, its lines of text
    are boxes taller than wide (``_SIDEWAYS``: more characters in those than in wide ones; an
    upright page has a few, its headings set top to bottom). Which way up is asked of the
    engine's own text direction classifier (upright or upside down), on each line's image
    laid as the line would read: the line images read upside down outvote the others, or
    not, weighted by their characters. 0 when the page is upright, or when the engine has no
    classifier.
    """
    np = _np()
    if result.boxes is None:
        return 0
    load = getattr(ocr, "_load_cls_model", None)
    classify = load() if callable(load) else None
    if classify is None:
        return 0
    tall: list[tuple[Any, int]] = []
    wide: list[tuple[Any, int]] = []
    for box, words in zip(result.boxes, result.word_results or (), strict=False):
        count = sum(len("".join(str(word[0]).split())) for word in words)
        if count < _FEW_CHARS:
            continue
        xs = [int(point[0]) for point in box]
        ys = [int(point[1]) for point in box]
        left, right = max(min(xs), 0), min(max(xs), grey.shape[1])
        top, bottom = max(min(ys), 0), min(max(ys), grey.shape[0])
        if right - left < _FEW_CHARS or bottom - top < _FEW_CHARS:
            continue
        crop = np.repeat(grey[top:bottom, left:right, None], 3, axis=2)
        if bottom - top > _UPRIGHT_TEXT * (right - left):
            tall.append((np.ascontiguousarray(np.rot90(crop)), count))
        else:
            wide.append((crop, count))
    sideways = sum(count for _, count in tall) > _SIDEWAYS * sum(count for _, count in wide)
    lines = tall if sideways else wide
    if sum(count for _, count in lines) < _FEW_TO_TURN:
        return 0
    labels = classify([crop for crop, _ in lines]).cls_res
    upside_down = sum(
        count for (_, count), (label, _) in zip(lines, labels, strict=True) if "180" in str(label)
    )
    flipped = upside_down * 2 > sum(count for _, count in lines)
    if sideways:
        # a line read upright once turned counter-clockwise: the page turns that way
        return 3 if flipped else 1
    return 2 if flipped else 0


def _turned(grey: Grey, angle: float) -> Grey:
    """The page turned by ``-angle`` degrees (straight), the corners it uncovers white."""
    image = import_extra("PIL.Image", extra="ocr", purpose=PURPOSE)
    picture = image.fromarray(grey)
    straight = picture.rotate(-angle, resample=image.Resampling.BICUBIC, fillcolor=255)
    turned: Grey = _np().asarray(straight)
    return turned


def _box_chars(box: Any, words: Any, scale: float) -> list[OcrChar]:  # noqa: ANN401 - engine output
    """The characters of one text box, laid edge to edge where the engine left small gaps."""
    ys = [float(point[1]) for point in box]
    top, bottom = min(ys), max(ys)
    height = bottom - top
    xs = [float(point[0]) for point in box]
    if height > _UPRIGHT_TEXT * (max(xs) - min(xs)) and len(words) > 1:
        return _column_chars((min(xs), top, max(xs), bottom), words, scale)
    pieces: list[tuple[str, Any, float, float]] = []  # text, score, left, right (pixels)
    for text, score, corners in words:
        xs = [float(point[0]) for point in corners]
        left, right = min(xs), max(xs)
        # a piece of several characters (a word of Latin letters) is shared out evenly
        width = (right - left) / max(len(text), 1)
        for index, character in enumerate(text):
            start = left + index * width
            # a score is the first character's: candidates only for a piece of one character
            pieces.append(
                (character, score if len(text) == 1 else float(score), start, start + width)
            )
    pieces.sort(key=lambda piece: piece[2])
    chars: list[OcrChar] = []
    for index, (text, score, left, right) in enumerate(pieces):
        start, end = left, right
        if index > 0 and left - pieces[index - 1][3] < _NO_GAP * height:
            start = (left + pieces[index - 1][3]) / 2
        if index + 1 < len(pieces) and pieces[index + 1][2] - right < _NO_GAP * height:
            end = (right + pieces[index + 1][2]) / 2
        end = max(end, start)
        char = Char(text, start * scale, top * scale, end * scale, bottom * scale)
        alternatives = getattr(score, "alternatives", ())
        chars.append(OcrChar(char, float(score), alternatives))
    return chars


def _column_chars(
    box: tuple[float, float, float, float],
    words: Any,  # noqa: ANN401 - engine output
    scale: float,
) -> list[OcrChar]:
    """The characters of a box of text set top to bottom (a heading in a tall merged cell).

    The engine reads such a box turned, first character at the top, and its character boxes
    are not placed along the column: the box is shared out evenly from top to bottom, one
    character under the other, so that each stays within the row it is printed in.
    """
    left, top, right, bottom = box
    pieces = [
        (character, score if len(text) == 1 else float(score))
        for text, score, _ in words
        for character in text
    ]
    step = (bottom - top) / len(pieces)
    chars: list[OcrChar] = []
    for index, (text, score) in enumerate(pieces):
        upper = top + index * step
        char = Char(text, left * scale, upper * scale, right * scale, (upper + step) * scale)
        chars.append(OcrChar(char, float(score), getattr(score, "alternatives", ())))
    return chars


# Letters and marks the engine reads where a digit is printed (0 as O, D or a, 1 as l, I or |,
# 5 as S, 8 as B, 2 as Z, 9 as g or q, 6 as b or G).
_LOOK_LIKE_DIGITS = frozenset("OoDQaIl|iSsBZzgqbGT")


# --------------------------------------------------------------------------------------------
# The finished layout: what the engine was unsure of, token by token.


def doubts(layout: Layout, pages: Sequence[ScanPage]) -> Layout:
    """The layout with each token that holds an unsure character, or an unread mark, flagged.

    A token holds a character when the character's centre is inside the token's box on its
    page. A cell token read empty whose box holds a mark (`has_ink`, inside the cell's ruling
    lines) is flagged ``ocr.unread_mark``: it is unread, not blank.
    """
    by_page = {page.number: page for page in pages}
    tokens: list[Token] = []
    for token in layout.tokens:
        page = by_page.get(token.location.page or 0)
        box = token.location.bbox
        if page is None or box is None:
            tokens.append(token)
            continue
        found = _doubt(token, page, box)
        if found is not None:
            token = attrs.evolve(token, uncertain=(*token.uncertain, found))  # noqa: PLW2901
        readings = candidate_readings(token.text, _inside(page, box)) if token.cell else ()
        if readings:
            token = attrs.evolve(token, readings=readings)  # noqa: PLW2901
        tokens.append(token)
    return attrs.evolve(layout, tokens=tuple(tokens), ocr=True)


def _confusable(token: Token) -> Doubt | None:
    """``ocr.confusable`` for a cell whose text mixes digits with letters that look like one.

    A cell that holds digits and such a letter (``1O``, ``3l``) or only such letters (``O``)
    is a number the engine may have misread; text of several letters (``ABC``) is text.
    """
    text = token.text.strip()
    if not token.cell or not text:
        return None
    confused = [character for character in text if character in _LOOK_LIKE_DIGITS]
    letters = [character for character in text if character.isalpha()]
    digits = any(character.isdigit() for character in text)
    if confused and (digits or len(letters) <= 1) and len(letters) == len(confused):
        return Doubt.of("ocr.confusable", text=token.text, characters="".join(confused))
    return None


# At most this many other readings of a cell, and digits changed in one reading.
MAX_READINGS = 8
_MAX_CHANGED = 2


def candidate_readings(text: str, chars: Sequence[OcrChar]) -> tuple[str, ...]:
    """The other readings of a cell ``text`` as a number that the engine's candidates give.

    ``chars`` are the characters read inside the cell. A reading puts, for one or two of the
    cell's characters, a digit the engine rated next (`OcrChar.alternatives`) in its place:
    never a digit the engine did not propose, and never a reading with a leading zero. A
    character that is not a digit (a ``一`` read where a 1 is printed) must be so replaced for
    the reading to be a number. Likelier readings first (the product of the chosen
    candidates' probabilities), at most `MAX_READINGS`. None when the text is not exactly the
    characters read in the cell (left to right), or no reading of it is all digits.
    """
    printed = "".join(text.split())
    ordered = sorted(chars, key=lambda found: found.char.cx)
    if not printed or "".join(found.char.text for found in ordered) != printed:
        return ()
    options = [
        [(other, p) for other, p in found.alternatives if other.isascii() and other.isdigit()]
        for found in ordered
    ]
    found_readings: dict[str, float] = {}

    def extend(position: int, digits: list[str], changed: int, likelihood: float) -> None:
        if position == len(digits):
            reading = "".join(digits)
            if changed and not (len(reading) > 1 and reading.startswith("0")):
                found_readings[reading] = max(found_readings.get(reading, 0.0), likelihood)
            return
        if digits[position].isascii() and digits[position].isdigit():
            extend(position + 1, digits, changed, likelihood)
        if changed < _MAX_CHANGED:
            for other, probability in options[position]:
                kept = digits[position]
                digits[position] = other
                extend(position + 1, digits, changed + 1, likelihood * probability)
                digits[position] = kept

    extend(0, list(printed), 0, 1.0)
    ranked = sorted(found_readings, key=lambda reading: -found_readings[reading])
    return tuple(ranked[:MAX_READINGS])


def _inside(page: ScanPage, box: tuple[float, float, float, float]) -> list[OcrChar]:
    """The characters of ``page`` (not spaces) whose centre is inside ``box``."""
    x0, top, x1, bottom = box
    return [
        found
        for found in page.chars
        if x0 <= found.char.cx <= x1 and top <= found.char.cy <= bottom and found.char.text.strip()
    ]


def _doubt(token: Token, page: ScanPage, box: tuple[float, float, float, float]) -> Doubt | None:
    x0, top, x1, bottom = box
    inside = _inside(page, box)
    if inside:
        unsure = [found for found in inside if found.score < LOW_CONFIDENCE]
        if not unsure:
            return _confusable(token)
        lowest = min(found.score for found in unsure)
        return Doubt.of(
            "ocr.low_confidence",
            text=token.text,
            characters="".join(found.char.text for found in unsure),
            confidence=math.floor(lowest * 100),
        )
    if token.cell and not token.text.strip():
        margin = 2.5  # points: inside the cell's ruling lines
        pixels = (
            math.floor((x0 + margin) / page.scale),
            math.floor((top + margin) / page.scale),
            math.ceil((x1 - margin) / page.scale),
            math.ceil((bottom - margin) / page.scale),
        )
        if has_ink(page.dark, pixels, page.scale):
            return Doubt.of("ocr.unread_mark")
    return None
