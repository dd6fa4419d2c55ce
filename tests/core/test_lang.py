# SPDX-License-Identifier: MIT
"""Bilingual texts (`gkbg.core.lang`): a message is filled as its plain fill gives.

A template all of whose fields are given is filled from the fields themselves (the shortcut);
the plain fill, ``str.format_map`` over the fields, is written out here as the definition.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from gkbg.core.lang import Text, _Kept

# --------------------------------------------------------------------------------------------
# Messages: a template all of whose fields are given is filled from the fields themselves.

_TEMPLATE_PIECES = [
    "表三",
    "{a}",
    "{b}",
    "{a!r}",
    "{b:>4}",
    "{a.real}",
    "{b[0]}",
    "{a:{b}}",
    "{0}",
    "{}",
    "{{",
    "}}",
    "{",
    "}",
    "{raw}",
    " ",
]


def _plain_fill(template: str, fields: dict[str, object]) -> str | type[Exception]:
    try:
        return template.format_map(_Kept(fields))
    except Exception as exc:  # noqa: BLE001 - the error is what is compared
        return type(exc)


@given(
    st.lists(st.sampled_from(_TEMPLATE_PIECES), max_size=6).map("".join),
    st.lists(st.sampled_from(_TEMPLATE_PIECES), max_size=6).map("".join),
    st.dictionaries(
        st.sampled_from(["a", "b", "raw", "c"]),
        st.one_of(st.integers(-3, 30), st.text("ab{}", max_size=3), st.none()),
    ),
)
@example("{a:{b}}", "{a}", {"a": 1})
@example("{a.real}{b[0]}", "{raw!r:>6}", {"a": 2, "b": "xy", "raw": ""})
def test_a_message_is_filled_as_its_plain_fill(zh: str, en: str, fields: dict[str, object]) -> None:
    plain = (_plain_fill(zh, fields), _plain_fill(en, fields))
    errors = [outcome for outcome in plain if isinstance(outcome, type)]
    try:
        filled = Text(zh, en).fill(fields)
    except Exception as exc:  # noqa: BLE001 - the error is what is compared
        outcome: object = type(exc)
    else:
        outcome = (filled.zh, filled.en)
    assert outcome == (errors[0] if errors else plain)
