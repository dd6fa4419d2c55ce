# SPDX-License-Identifier: MIT
"""A PDF's drawings counted from its own bytes, before PDFium loads a page.

PDFium expands every form a page draws when it loads the page: a page of a kilobyte that
draws a form a thousand times, which draws a form a thousand times, costs it seconds and
gigabytes before anything can count what it made (and forms nested thirty deep, or drawing
each other in a cycle, never finish, or abort the process). This module reads what PDFium
would: the page tree, each page's resources and content streams, and the content of every
form XObject they draw, and bounds the objects PDFium would make of each page:

* every painting operator of a content stream (a path stroked or filled, a text shown, an
  inline image, a shading, an XObject drawn) is one object, as in PDFium's count
  (`gkbg.read.pdf.reader._count_draws`);
* a form drawn ``n`` times adds ``n`` times the objects its own content makes, to PDFium's
  depth (forms nested more than 40 deep are not expanded), so a cycle ends as it does in
  PDFium; each form is counted once per depth, so the cost is linear in the file;
* a content stream is inflated (Flate, ASCIIHex, ASCII85) up to ``Limits.max_member_bytes``:
  one that inflates further is refused, before PDFium tries to hold it.

What it cannot read (an encrypted PDF, a filter it does not decode, an object it cannot
find) it leaves to PDFium's own count after loading: the scan never refuses a page for
something it does not know, only for drawings it counted.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import zlib
from typing import TYPE_CHECKING, Any

import attrs
import regex

from gkbg.core.limits import check_time, exceeded, size_text

if TYPE_CHECKING:
    from collections.abc import Iterator

    from gkbg.read.base import Input

__all__ = ["FORM_DEPTH", "check_pages"]

FORM_DEPTH = 40
"""How deep PDFium expands forms drawn by forms (a form at a deeper level is not read)."""

_WHITE = rb"\x00\t\n\x0c\r "
_DELIMITER = _WHITE + rb"()<>\[\]{}/%"
_TOKEN = regex.compile(
    rb"\s*+(<<|>>|\[|\]|\(|<[0-9A-Fa-f" + _WHITE + rb"]*+>|/[^" + _DELIMITER + rb"]*+"
    rb"|[^" + _DELIMITER + rb"]++)",
)
_REFERENCE = regex.compile(rb"\s*+(\d{1,10})\s++(\d{1,5})\s++R(?![^" + _DELIMITER + rb"])")
_OBJ = regex.compile(rb"(?<!end)obj(?![^" + _DELIMITER + rb"])")
_OBJECT = regex.compile(rb"(?<![0-9])(\d{1,10})[" + _WHITE + rb"]++\d{1,5}[" + _WHITE + rb"]++\Z")
_STREAM = regex.compile(rb"\s*+stream(?:\r\n|\n|\r)?")
_END_STREAM = regex.compile(rb"(?:\r\n|\n|\r)?endstream")
_TRAILER = regex.compile(rb"trailer\s*+<<|/Type\s*+/XRef(?![^" + _DELIMITER + rb"])")
_OBJECT_STREAM = regex.compile(rb"/Type\s*+/ObjStm(?![^" + _DELIMITER + rb"])")
_CATALOG = regex.compile(rb"/Type\s*+/Catalog(?![^" + _DELIMITER + rb"])")
_NAME_ESCAPE = regex.compile(rb"#([0-9A-Fa-f]{2})")
# In a content stream: what is skipped (comments, hex strings, literal strings without
# parentheses inside), a literal string to skip by its parentheses, an XObject drawn by name,
# the other painting operators, and the operators that add segments to a path.
_CONTENT = regex.compile(
    rb"%[^\r\n]*+|(?P<hex><[0-9A-Fa-f" + _WHITE + rb"]*+>)|(?P<literal>\((?:[^()\\]++|\\.)*+\))"
    rb"|(?P<open>\()"
    rb"|/(?P<font>[^" + _DELIMITER + rb"]*+)[" + _WHITE + rb"]++[-+.0-9]++[" + _WHITE + rb"]*+Tf"
    rb"(?![^" + _DELIMITER + rb"])"
    rb"|/(?P<name>[^" + _DELIMITER + rb"]*+)[" + _WHITE + rb"]*+Do(?![^" + _DELIMITER + rb"])"
    rb"|(?<![^" + _WHITE + rb"\])>}])(?:(?P<op>S|s|f\*?|F|B\*?|b\*?|Tj|TJ|'|\"|sh|Do|BI)"
    rb"|(?P<path>re|[mlcvy])|(?P<unpainted>n))(?![^" + _DELIMITER + rb"])",
    regex.DOTALL,
)
_PARENTHESIS = regex.compile(rb"\\.|[()]", regex.DOTALL)
_IMAGE_DATA = regex.compile(rb"[" + _WHITE + rb"]ID[" + _WHITE + rb"]")
_IMAGE_END = regex.compile(rb"[" + _WHITE + rb"]EI(?![^" + _DELIMITER + rb"])")
_MAX_NESTING = 64  # arrays and dictionaries within one another in one object
_MAX_NODES = 10  # page tree nodes walked, per page of the document
_MAX_INFLATED = 8  # all content inflated, in units of max_member_bytes


_EMPTY: dict[bytes, Any] = {}  # one empty dictionary, so that its id() keys the memo


class _UnreadableError(Exception):
    """Something the scan cannot read: left to PDFium."""


@attrs.frozen
class _Reference:
    number: int


@attrs.frozen
class _Stream:
    """A stream object: its dictionary and its raw (still encoded) bytes."""

    info: dict[bytes, Any]
    raw: memoryview  # a view of the file: an image is not copied to read its dictionary


@attrs.frozen
class _Counted:
    """What one content stream draws: objects, path segments, and XObjects by name."""

    objects: int
    segments: int
    chars: int  # at least this many characters shown (a code takes at most four bytes)
    names: tuple[tuple[bytes, int], ...]


# The operators that show text, and the most bytes one character's code takes.
_SHOWING = frozenset({b"Tj", b"TJ", b"'", b'"'})
_CODE_BYTES = 4
# The kinds of font whose codes are one byte each (a Type0 font's take one to four).
_SIMPLE_FONTS = frozenset({b"Type1", b"MMType1", b"TrueType", b"Type3"})
# The operators that paint a path (and end it).
_PAINTING = frozenset({b"S", b"s", b"f", b"f*", b"F", b"B", b"B*", b"b", b"b*"})
# A rectangle (``re``) is a path of five points in PDFium: a move, three lines and a closing line.
_RECTANGLE = 5


# --------------------------------------------------------------------------------------------
# Objects.


def _name(raw: bytes) -> bytes:
    return _NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), raw) if b"#" in raw else raw


def _string_end(data: bytes, start: int) -> int:
    """The end of the literal string opened at ``start``, its parentheses balanced."""
    depth = 0
    for found in _PARENTHESIS.finditer(data, start):
        if found[0] == b"(":
            depth += 1
        elif found[0] == b")":
            depth -= 1
            if depth == 0:
                return int(found.end())
    return len(data)


def _value(data: bytes, position: int, depth: int = 0) -> tuple[Any, int]:
    """The object at ``position``, and where it ends.

    Dictionaries are `dict` of names (`bytes`, without their ``/``), arrays `list`, references
    `_Reference`, names (without their ``/``) and other tokens their `bytes`; strings are `None`.

    Raises:
        _UnreadableError: The object ends early or is nested too deep.
    """
    if depth > _MAX_NESTING:
        raise _UnreadableError
    reference = _REFERENCE.match(data, position)
    if reference is not None:
        return _Reference(int(reference[1])), reference.end()
    token = _TOKEN.match(data, position)
    if token is None:
        raise _UnreadableError
    text, end = token[1], token.end()
    if text == b"(":
        return None, _string_end(data, token.start(1))
    if text == b"<<":
        found: dict[bytes, Any] = {}
        while True:
            key = _TOKEN.match(data, end)
            if key is None:
                raise _UnreadableError
            if key[1] == b">>":
                return found, key.end()
            if not key[1].startswith(b"/"):
                raise _UnreadableError
            found[_name(key[1][1:])], end = _value(data, key.end(), depth + 1)
    if text == b"[":
        items: list[Any] = []
        while True:
            close = _TOKEN.match(data, end)
            if close is None:
                raise _UnreadableError
            if close[1] == b"]":
                return items, close.end()
            item, end = _value(data, end, depth + 1)
            items.append(item)
    if text.startswith(b"/"):
        return _name(text[1:]), end
    if text.startswith(b"<"):
        return None, end
    return text, end


@attrs.define
class _Objects:
    """The PDF's objects, found by scanning its bytes (as PDFium does when its table is bad)."""

    data: bytes
    cap: int
    offsets: dict[int, int] = attrs.field(factory=dict)
    starts: list[int] = attrs.field(factory=list)
    packed: dict[int, tuple[bytes, int]] | None = None
    inflated: int = 0
    cache: dict[int, Any] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        data = self.data
        for keyword in _OBJ.finditer(data):  # "12 0 obj": the keyword found first, then its number
            start = keyword.start()
            found = _OBJECT.search(data, max(0, start - 40), start)
            if found is not None:
                self.offsets[int(found[1])] = keyword.end()  # the last definition wins
                self.starts.append(keyword.end())

    def around(self, position: int) -> int:
        """Where the body of the object holding ``position`` starts (-1 if none does)."""
        index = bisect.bisect_right(self.starts, position) - 1
        return self.starts[index] if index >= 0 else -1

    def get(self, number: int) -> Any:  # noqa: ANN401 - any PDF object
        """Object ``number`` (a `_Stream` for a stream).

        Raises:
            _UnreadableError: It is not in the file, or cannot be read.
        """
        if number in self.cache:
            return self.cache[number]
        if number in self.offsets:
            found = self._top_level(self.offsets[number])
        else:
            data, position = self._packed().get(number, (b"", -1))
            if position < 0:
                raise _UnreadableError
            found = _value(data, position)[0]
        self.cache[number] = found
        return found

    def _top_level(self, position: int) -> Any:  # noqa: ANN401 - any PDF object
        value, end = _value(self.data, position)
        stream = _STREAM.match(self.data, end)
        if not isinstance(value, dict) or stream is None:
            return value
        start = stream.end()
        length = self.resolve(value.get(b"Length"))
        if isinstance(length, bytes) and length.isdigit():
            stop = start + int(length)
            if _END_STREAM.match(self.data, stop) is not None:
                return _Stream(value, memoryview(self.data)[start:stop])
        ending = _END_STREAM.search(self.data, start)
        stop = len(self.data) if ending is None else ending.start()
        return _Stream(value, memoryview(self.data)[start:stop])

    def resolve(self, value: Any) -> Any:  # noqa: ANN401 - any PDF object
        """``value``, or the object it refers to (None when that cannot be read)."""
        seen = 0
        while isinstance(value, _Reference):
            seen += 1
            if seen > _MAX_NESTING:
                return None
            try:
                value = self.get(value.number)
            except _UnreadableError:
                return None
        return value

    def _packed(self) -> dict[int, tuple[bytes, int]]:
        """The objects kept in object streams (``/Type /ObjStm``): each one's data and offset."""
        if self.packed is not None:
            return self.packed
        self.packed = {}
        for mark in _OBJECT_STREAM.finditer(self.data):
            start = self.around(mark.start())
            try:
                stream = self._top_level(start) if start >= 0 else None
                if not isinstance(stream, _Stream) or stream.info.get(b"Type") != b"ObjStm":
                    continue
                data = self.decode(stream)
                count = int(self.resolve(stream.info.get(b"N")) or b"0")
                first = int(self.resolve(stream.info.get(b"First")) or b"0")
            except (_UnreadableError, _InflatedError, ValueError):
                continue
            head = regex.findall(rb"\d+", data[:first])[: 2 * count]
            for index in range(0, len(head) - 1, 2):
                self.packed.setdefault(int(head[index]), (data, first + int(head[index + 1])))
        return self.packed

    def decode(self, stream: _Stream) -> bytes:
        """The stream's bytes, decoded.

        Raises:
            _UnreadableError: A filter the scan does not decode, or damaged data.
            _InflatedError: It decodes to more than ``cap`` bytes.
        """
        filters = self.resolve(stream.info.get(b"Filter"))
        if filters is None:
            filters = []
        elif not isinstance(filters, list):
            filters = [filters]
        parameters = self.resolve(stream.info.get(b"DecodeParms"))
        if parameters is not None and parameters != [None] * len(filters):
            raise _UnreadableError  # a predictor: not in content streams
        data = bytes(stream.raw)
        if len(data) > self.cap:
            raise _InflatedError
        for step in filters:
            data = self._decode_one(self.resolve(step), data)
        return data

    def _decode_one(self, step: object, data: bytes) -> bytes:
        if step in {b"FlateDecode", b"Fl"}:
            inflater = zlib.decompressobj()
            try:
                out = inflater.decompress(data, self.cap + 1)
            except zlib.error:
                raise _UnreadableError from None
        elif step in {b"ASCIIHexDecode", b"AHx"}:
            text = data.split(b">", 1)[0].translate(None, _WHITE)
            try:
                out = binascii.unhexlify(text + b"0" * (len(text) % 2))
            except binascii.Error:
                raise _UnreadableError from None
        elif step in {b"ASCII85Decode", b"A85"}:
            text = data.translate(None, _WHITE).removeprefix(b"<~").split(b"~>", 1)[0]
            try:
                out = base64.a85decode(text)
            except ValueError:
                raise _UnreadableError from None
        else:
            raise _UnreadableError
        if len(out) > self.cap:
            raise _InflatedError
        self.inflated += len(out)
        if self.inflated > _MAX_INFLATED * self.cap:
            raise _UnreadableError  # enough work: the rest is left to PDFium
        return out


class _InflatedError(Exception):
    """A content stream inflates to more than ``Limits.max_member_bytes``."""


# --------------------------------------------------------------------------------------------
# Content streams.


def count_content(
    data: bytes, stop: int, simple: frozenset[bytes] = frozenset()
) -> tuple[int, int, int, dict[bytes, int]]:
    """Content ``data``'s painting operators, segments, fewest characters, XObjects by name.

    The operators counted are those other than an XObject drawn by name; the characters,
    the bytes of the strings text operators show, divided by four (the longest code) unless
    the font set (``Tf``) is one of the ``simple`` fonts, whose codes are one byte each.
    Strings, comments and inline images' data are skipped; a name is counted as it is
    written in the resources (``#xx`` escapes decoded). The count stops once either count is
    over ``stop``.
    """
    objects = segments = pending = 0  # pending: the segments of a path not yet painted
    shown = text = 0  # characters shown, and bytes of strings not yet shown
    width = _CODE_BYTES  # the most bytes a code of the current font takes
    names: dict[bytes, int] = {}
    position = 0
    while position < len(data) and objects <= stop and segments <= stop:
        for found in _CONTENT.finditer(data, position):
            if found["literal"] is not None:
                text += _literal_bytes(found["literal"])
            elif found["hex"] is not None:
                digits = found["hex"].translate(None, _WHITE)
                text += (len(digits) - 1) // 2
            elif found["open"] is not None:
                position = _string_end(data, found.start())
                text += _literal_bytes(data[found.start() : position])
                break
            elif found["font"] is not None:
                width = 1 if _name(found["font"]) in simple else _CODE_BYTES
            name = found["name"]
            if name is not None:
                key = _name(name)
                names[key] = names.get(key, 0) + 1
            elif found["path"] is not None:
                pending += _RECTANGLE if found["path"] == b"re" else 1
                if segments + pending > stop:  # painted or not, PDFium parses each one
                    segments += pending
                    break
            elif found["unpainted"] is not None:
                pending = 0  # a clipping path, or none: PDFium keeps no path object
            elif found["op"] is not None:
                if found["op"] in _PAINTING:
                    segments += pending
                    pending = 0
                elif found["op"] in _SHOWING:
                    shown += text // width
                text = 0
                objects += 1
                if objects > stop:
                    break
                if found["op"] == b"BI":
                    position = _after_image(data, found.end())
                    break
        else:
            break
    return objects, segments, shown, names


def _literal_bytes(string: bytes) -> int:
    """The fewest bytes a literal string (parentheses included) holds (an escape, one)."""
    return max(0, len(string) - 2 - 3 * string.count(b"\\"))


def _after_image(data: bytes, start: int) -> int:
    """Where the content goes on after the inline image whose ``BI`` ends at ``start``."""
    begin = _IMAGE_DATA.search(data, start)
    if begin is None:
        return len(data)
    end = _IMAGE_END.search(data, begin.end())
    return len(data) if end is None else end.end()


# --------------------------------------------------------------------------------------------
# Pages.


@attrs.define
class _Scan:
    """Bounds of each page's objects: ``exact``, or quick where that is enough.

    A quick bound counts a content stream that can draw no form (none is in its resources)
    as half its length: every operator takes a byte and a delimiter. Only when that bound
    is over the limit are the operators counted (``exact``).
    """

    objects: _Objects
    limit: int
    exact: bool
    counted: dict[tuple[int, int, int], _Counted | None] = attrs.field(factory=dict)
    with_forms: dict[int, bool] = attrs.field(factory=dict)
    forms: dict[tuple[int, int, int, int], tuple[int, int]] = attrs.field(factory=dict)

    def pages(self, pages: int) -> Iterator[tuple[dict[bytes, Any], dict[bytes, Any]]]:
        """Each page's dictionary and resources (inherited from the tree), in order.

        Raises:
            _UnreadableError: The page tree cannot be walked.
        """
        root = self.objects.resolve(_root(self.objects))
        if not isinstance(root, dict):
            raise _UnreadableError
        budget = _MAX_NODES * (pages + 10)
        # Each entry: a node, the resources it inherits, and the node numbers above it.
        pending: list[tuple[Any, Any, frozenset[int]]] = [(root.get(b"Pages"), None, frozenset())]
        found = 0
        while pending and found < pages:
            node, inherited, above = pending.pop()
            budget -= 1
            if budget < 0:
                raise _UnreadableError
            number = node.number if isinstance(node, _Reference) else -1
            if number in above:
                continue  # a cycle, which PDFium skips
            value = self.objects.resolve(node)
            if not isinstance(value, dict):
                continue
            resources = value.get(b"Resources", inherited)
            kids = self.objects.resolve(value.get(b"Kids"))
            if isinstance(kids, list) and value.get(b"Type") != b"Page":
                pending.extend((kid, resources, above | {number}) for kid in reversed(kids))
                continue
            found += 1
            yield value, self._dict(resources)

    def _dict(self, value: Any) -> dict[bytes, Any]:  # noqa: ANN401 - any PDF object
        resolved = self.objects.resolve(value)
        return resolved if isinstance(resolved, dict) else _EMPTY

    def page(self, page: dict[bytes, Any], resources: dict[bytes, Any]) -> tuple[int, int, int]:
        """The objects and segments PDFium makes of ``page``, and characters it shows.

        The counts are over ``limit`` when they are over; the characters are the fewest the
        page's own content shows (those of its forms are not counted).

        Raises:
            _UnreadableError: Its content cannot be read.
            _InflatedError: Its content inflates to more than the stream limit.
        """
        contents = self.objects.resolve(page.get(b"Contents"))
        streams = contents if isinstance(contents, list) else [page.get(b"Contents")]
        parts = []
        size = 0
        for item in streams:
            stream = self.objects.resolve(item)
            if stream is None:
                continue
            if not isinstance(stream, _Stream):
                raise _UnreadableError
            parts.append(self.objects.decode(stream))
            size += len(parts[-1])
            if size > self.objects.cap:
                raise _InflatedError
        counted = self._count(b"\n".join(parts), resources, resources)
        return (*self._draws(counted, resources, resources, 0), counted.chars)

    def _count(
        self, data: bytes, resources: dict[bytes, Any], page_resources: dict[bytes, Any]
    ) -> _Counted:
        """What content ``data`` draws, or (quick) a bound, when it can draw no form."""
        if not self.exact and not (
            self._draws_forms(resources) or self._draws_forms(page_resources)
        ):
            # An operator takes a byte and a delimiter; a rectangle's five segments, eleven.
            # Characters: at most one a byte (a bound on the exact count's bound).
            half = (len(data) + 1) // 2
            return _Counted(half, half, len(data), ())
        objects, segments, chars, names = count_content(data, self.limit, self._simple(resources))
        return _Counted(objects, segments, chars, tuple(names.items()))

    def _simple(self, resources: dict[bytes, Any]) -> frozenset[bytes]:
        """The names of ``resources``' fonts whose codes are one byte (any but Type0)."""
        fonts = self._dict(resources.get(b"Font"))
        simple = set()
        for name, value in fonts.items():
            font = self.objects.resolve(value)
            if isinstance(font, dict) and font.get(b"Subtype") in _SIMPLE_FONTS:
                simple.add(name)
        return frozenset(simple)

    def _draws_forms(self, resources: dict[bytes, Any]) -> bool:
        """Whether ``resources`` hold a form XObject (or one the scan cannot read)."""
        xobjects = self._dict(resources.get(b"XObject"))
        if id(xobjects) not in self.with_forms:
            found = False
            for value in xobjects.values():
                stream = self.objects.resolve(value)
                if not isinstance(stream, _Stream) or stream.info.get(b"Subtype") != b"Image":
                    found = True
                    break
            self.with_forms[id(xobjects)] = found
        return self.with_forms[id(xobjects)]

    def _draws(
        self,
        counted: _Counted,
        resources: dict[bytes, Any],
        page_resources: dict[bytes, Any],
        level: int,
    ) -> tuple[int, int]:
        """The objects and segments ``counted`` makes at form ``level``, its forms expanded.

        The count stops once one of them is over the limit.
        """
        limit = self.limit
        total, segments = counted.objects, counted.segments
        own = self._dict(resources.get(b"XObject"))
        fallback = self._dict(page_resources.get(b"XObject"))
        for name, times in counted.names:
            total += times
            if total > limit or segments > limit:
                break
            reference = own.get(name, fallback.get(name))
            if level + 1 > FORM_DEPTH or not isinstance(reference, _Reference):
                continue
            inner, inner_segments = self._form(
                reference.number, resources, page_resources, level + 1
            )
            total += times * inner
            segments += times * inner_segments
            if total > limit or segments > limit:
                break
        return total, segments

    def _form(
        self,
        number: int,
        resources: dict[bytes, Any],
        page_resources: dict[bytes, Any],
        level: int,
    ) -> tuple[int, int]:
        """The objects and segments form ``number`` makes, drawn at ``level`` (none if no form)."""
        key = (number, id(resources), id(page_resources), level)
        if key in self.forms:
            return self.forms[key]
        check_time()
        stream = self.objects.resolve(_Reference(number))
        if not isinstance(stream, _Stream) or stream.info.get(b"Subtype") != b"Form":
            self.forms[key] = (0, 0)
            return 0, 0
        inner = self._dict(stream.info.get(b"Resources")) or resources
        memo = (number, 0, 0) if self.exact else (number, id(inner), id(page_resources))
        counted = self.counted.get(memo, _Counted(-1, 0, 0, ()))
        if counted is not None and counted.objects < 0:
            try:
                counted = self._count(self.objects.decode(stream), inner, page_resources)
            except _UnreadableError:
                counted = None
            self.counted[memo] = counted
        if counted is None:
            self.forms[key] = (0, 0)  # unread: PDFium's count after loading decides
            return 0, 0
        objects, segments = self._draws(counted, inner, page_resources, level)
        found = min(objects, self.limit + 1), min(segments, self.limit + 1)
        self.forms[key] = found
        return found


def _root(objects: _Objects) -> Any:  # noqa: ANN401 - a PDF reference
    """The catalogue's reference, from the last trailer (or cross-reference stream).

    Raises:
        _UnreadableError: No trailer names one, or the PDF is encrypted (its streams then
            cannot be read without decrypting them).
    """
    data = objects.data
    for found in reversed(list(_TRAILER.finditer(data))):
        start = (
            found.end() - 2 if found[0].startswith(b"trailer") else objects.around(found.start())
        )
        try:
            trailer = _value(data, start)[0] if start >= 0 else None
        except _UnreadableError:
            continue
        if not isinstance(trailer, dict) or b"Root" not in trailer:
            continue
        if b"Encrypt" in trailer:
            raise _UnreadableError
        return trailer[b"Root"]
    for found in reversed(list(_CATALOG.finditer(data))):  # no trailer: PDFium rebuilds it
        start = objects.around(found.start())
        if start >= 0:
            return _value(data, start)[0]
    raise _UnreadableError


def check_pages(document: Input, pages: int) -> None:
    """Refuse a PDF whose page draws more than ``max_page_draws`` times, or too much.

    Its first ``pages`` pages are counted; a page whose paths have more than
    ``max_page_segments`` segments, or whose (or whose form's) content inflates to more than
    ``max_member_bytes``, is refused too. Counted from the file's bytes before PDFium loads
    a page (see the module's text); what the scan cannot read is left to PDFium's count after
    loading.

    Raises:
        LimitExceededError: A page is over one of these limits.
    """
    limits = document.limits
    objects = _Objects(document.data, limits.max_member_bytes)
    most, most_segments = limits.max_page_draws, limits.max_page_segments
    quick = _Scan(objects, max(most, most_segments), exact=False)
    scan = _Scan(objects, max(most, most_segments), exact=True)
    number = shown = 0
    try:
        for number, (page, resources) in enumerate(quick.pages(pages), start=1):
            check_time()
            try:
                draws, segments, chars = quick.page(page, resources)
                if (
                    draws > most
                    or segments > most_segments
                    or chars > limits.max_page_chars
                    or shown + chars > limits.max_text_chars
                ):
                    draws, segments, chars = scan.page(page, resources)
                else:
                    chars = 0  # a bound from above only: it counts for no refusal
            except _UnreadableError:
                continue
            shown += chars
            if shown > limits.max_text_chars:  # as PDFium's count: the pages so far first
                raise exceeded(
                    document.name,
                    "max_text_chars",
                    f"the PDF's pages to page {number} show at least {shown:,} characters, more "
                    f"than {limits.max_text_chars:,}: refused as too large",
                )
            if chars > limits.max_page_chars:
                raise exceeded(
                    document.name,
                    "max_page_chars",
                    f"page {number} of the PDF shows at least {chars:,} characters, more than "
                    f"{limits.max_page_chars:,}: refused",
                )
            if draws > most:
                raise exceeded(
                    document.name,
                    "max_page_draws",
                    f"page {number} of the PDF draws more than {most:,} times (its paths, text "
                    "and images, and those of the forms it draws): refused",
                )
            if segments > most_segments:
                raise exceeded(
                    document.name,
                    "max_page_segments",
                    f"page {number} of the PDF draws paths of more than {most_segments:,} "
                    "segments: refused",
                )
    except _UnreadableError:
        return
    except _InflatedError:
        raise exceeded(
            document.name,
            "max_member_bytes",
            f"page {number} of the PDF has content that inflates to more than "
            f"{size_text(limits.max_member_bytes)}: refused",
        ) from None
