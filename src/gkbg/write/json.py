# SPDX-License-Identifier: MIT
"""JSON through one cattrs converter: `to_json`, `from_json`, `converter`.

Decimals travel as text (``"7730.28"``) so that no amount is ever a binary float; counts stay
JSON integers. A cell's reason for doubt (`Doubt`) is an object of its code and fields, with its
English and Chinese sentences for readers without gkbg. Everything round-trips:
``from_json(to_json(report)) == report``; the JSON of gkbg 0.1, whose reasons for doubt are
English sentences, is read too (each sentence back to its code and fields). A `CheckResult`
carries its ``advice`` only when it has one (a relation fails); without it, it reads as None.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, overload

import cattrs
from cattrs.gen import make_dict_unstructure_fn, override
from cattrs.preconf.json import make_converter

from gkbg.checks.findings import CheckResult, Finding
from gkbg.core.errors import GkbgError
from gkbg.core.model import Report
from gkbg.core.reasons import OTHER, REASONS, Doubt

__all__ = ["converter", "from_json", "to_json"]

T = TypeVar("T")

_NUMBER_TYPES: tuple[object, ...] = (int | Decimal, int | Decimal | None, Decimal, Decimal | None)


def _structure_number(value: object, _: object) -> int | Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError(f"{value!r} is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a decimal number") from None
    raise TypeError(f"{value!r} is not an integer or a decimal written as text")


def _unstructure_number(value: int | Decimal | None) -> int | str | None:
    if isinstance(value, Decimal):
        return str(value)
    return value


def _is_number_type(type_: object) -> bool:
    return type_ in _NUMBER_TYPES


def _unstructure_doubt(doubt: Doubt) -> dict[str, object]:
    return {"code": doubt.code, "fields": dict(doubt.fields), "en": doubt.en, "zh": doubt.zh}


def _structure_doubt(data: object, _: object) -> Doubt:
    """A doubt from its object, or from the English sentence gkbg 0.1 wrote."""
    if isinstance(data, str):
        return Doubt.from_text(data)
    if not isinstance(data, dict):
        raise TypeError(f"{data!r} is not a reason for doubt")
    code, fields, english = data.get("code"), data.get("fields", {}), data.get("en")
    reason = REASONS.get(code) if isinstance(code, str) else None
    if (
        reason is not None
        and isinstance(fields, dict)
        and fields.keys() == set(reason.fields)
        and all(isinstance(value, str) for value in fields.values())
    ):
        return Doubt(reason.code, tuple((name, fields[name]) for name in reason.fields))
    if isinstance(english, str):
        # A reason this version does not declare (a later one's): its sentence, kept.
        return Doubt(OTHER, (("text", english),))
    raise ValueError(f"{data!r} is not a reason for doubt of gkbg")


def _is_result(type_: object) -> bool:
    return isinstance(type_, type) and issubclass(type_, CheckResult)


def _make() -> cattrs.Converter:
    made = make_converter()
    made.register_unstructure_hook(Decimal, str)
    made.register_unstructure_hook(Doubt, _unstructure_doubt)
    made.register_structure_hook(Doubt, _structure_doubt)
    made.register_structure_hook_func(_is_number_type, _structure_number)
    made.register_unstructure_hook_func(_is_number_type, _unstructure_number)
    # Only a check across reports names the reports it compared; only a relation failing in
    # every reading of its unread cells says so.
    made.register_unstructure_hook(
        Finding,
        make_dict_unstructure_fn(
            Finding,
            made,
            reports=override(omit_if_default=True),
            every_reading=override(omit_if_default=True),
        ),
    )
    # Only a result with a failing relation carries advice; the JSON of gkbg 0.1 has none.
    # (the results of a series and a roll-up, subclasses, keep their own fields).
    made.register_unstructure_hook_factory(
        _is_result,
        lambda cls: make_dict_unstructure_fn(cls, made, advice=override(omit_if_default=True)),
    )
    return made


converter: cattrs.Converter = _make()
"""The converter behind `to_json` and `from_json`; use it to (un)structure gkbg objects."""


def to_json(obj: object, *, indent: int | None = 2) -> str:
    """Serialise a `Report`, `CheckResult`, `Finding` (or a list of them) to JSON text."""
    return json.dumps(converter.unstructure(obj), ensure_ascii=False, indent=indent)


@overload
def from_json(text: str | bytes) -> Report: ...
@overload
def from_json(text: str | bytes, cls: type[T]) -> T: ...
def from_json(text: str | bytes, cls: type[Any] = Report) -> Any:
    """Rebuild an object from `to_json` output; by default a `Report`.

    Raises:
        GkbgError: The text is not JSON, or not JSON of ``cls``.
    """
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GkbgError(f"not JSON: {exc}") from exc
    try:
        return converter.structure(data, cls)
    except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
        detail = (
            "; ".join(cattrs.transform_error(exc))
            if isinstance(exc, cattrs.BaseValidationError)
            else str(exc)
        )
        raise GkbgError(f"not a gkbg {cls.__name__} in JSON: {detail}") from exc
