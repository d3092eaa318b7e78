"""kit.text: the first text that cannot be stored, with the path to it."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from podium.kit.text import (
    Unstorable,
    UnstorableText,
    check_storable,
    find_unstorable,
    json_may_be_unstorable,
)


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("fine", None),
        ("\U0001f600 and ü", None),
        (
            {"learning_objectives": ["ok", "\ud800"]},
            Unstorable("learning_objectives[1]", "a lone surrogate"),
        ),
        ([{"email": "a@x.org"}, {"email": "b\x00"}], Unstorable("[1].email", "a NUL character")),
        (
            {"presenters": [{"name\udc80": "x"}]},
            Unstorable("presenters[0]", "a lone surrogate", in_name=True),
        ),
        ({"count": 3, "flag": True, "none": None}, None),
    ],
)
def test_find_unstorable_names_the_path_to_the_first_bad_text(
    value: object, found: Unstorable | None
) -> None:
    assert find_unstorable(value) == found


def test_check_storable_raises_a_sentence_naming_the_field() -> None:
    with pytest.raises(UnstorableText) as raised:
        check_storable({"learning_objectives": ["\ud800"]})

    assert raised.value.message == (
        "learning_objectives[0]: contains a character that cannot be stored (a lone surrogate); "
        "remove it."
    )
    assert raised.value.field == "learning_objectives[0]"


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_json_without_a_hint_never_decodes_to_unstorable_text(value: object) -> None:
    body = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")

    if not json_may_be_unstorable(body):
        assert find_unstorable(json.loads(body)) is None
