from __future__ import annotations

import pytest

from podium.enums import DeliveryFormat
from podium.kit.choices import parse_choice
from podium.kit.errors import InvalidInput


@pytest.mark.parametrize("value", ["in-person", " In-Person ", DeliveryFormat.IN_PERSON])
def test_parse_choice_matches_trimmed_and_case_insensitively(value: object) -> None:
    assert (
        parse_choice(DeliveryFormat, value, field="f", noun="a format") == DeliveryFormat.IN_PERSON
    )


def test_parse_choice_names_the_field_and_lists_the_choices() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_choice(DeliveryFormat, "online", field="delivery_format", noun="a delivery format")

    assert raised.value.field == "delivery_format"
    assert raised.value.message == (
        'delivery_format: "online" is not a delivery format; '
        'use one of "in-person", "virtual", "hybrid"'
    )
