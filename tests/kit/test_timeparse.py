from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from podium.kit.timeparse import parse_date, parse_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-01-24", date(2019, 1, 24)),
        ("January 23, 2023", date(2023, 1, 23)),
        ("January 23 2023", date(2023, 1, 23)),
        ("january 23rd, 2023", date(2023, 1, 23)),
        ("Jan 2, 2024", date(2024, 1, 2)),
        ("Sep. 1, 2024", date(2024, 9, 1)),
        ("23 January 2023", date(2023, 1, 23)),
        ("Monday, January 23, 2023", date(2023, 1, 23)),
        ("01/24/2019", date(2019, 1, 24)),
        ("2019/01/24", date(2019, 1, 24)),
        ("  January   23,  2023 ", date(2023, 1, 23)),
    ],
)
def test_parse_date_reads_iso_and_english_dates(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "tomorrow", "2019-13-01", "February 30, 2023", "24/01/2019"])
def test_parse_date_rejects_non_dates_with_a_sentence_naming_the_input(text: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_date(text)

    assert str(raised.value) == (
        f'"{text}" is not a date; use YYYY-MM-DD (e.g. "2019-01-24") '
        'or a date like "January 23, 2023"'
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20:00", time(20, 0)),
        ("08:30:00", time(8, 30)),
        ("8:05", time(8, 5)),
        ("23:59:59", time(23, 59, 59)),
        ("24:00", time(0, 0)),
        ("8pm", time(20, 0)),
        ("8:00PM", time(20, 0)),
        ("8:30 a.m.", time(8, 30)),
        ("8 AM", time(8, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("12:30:15 pm", time(12, 30, 15)),
        ("noon", time(12, 0)),
        ("Midnight", time(0, 0)),
        (" 9:15pm ", time(21, 15)),
    ],
)
def test_parse_time_reads_24_hour_and_12_hour_times(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text", ["", "25:00", "24:01", "12:60", "13pm", "0am", "8", "eight pm", "8:5pm", "20h00"]
)
def test_parse_time_rejects_non_times_with_a_sentence_naming_the_input(text: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_time(text)

    assert str(raised.value) == (
        f'"{text}" is not a time; use 24-hour HH:MM (e.g. "20:00") or a time like "8pm" or "8:00PM"'
    )


_EVENT_DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


@given(_EVENT_DATES)
def test_parse_date_round_trips_every_date_in_each_written_form(day: date) -> None:
    forms = {
        day.isoformat(),
        day.strftime("%B %d, %Y"),
        f"{day:%B} {day.day}, {day.year}",
        day.strftime("%b %d %Y"),
        day.strftime("%d %B %Y"),
        day.strftime("%A, %B %d, %Y"),
        day.strftime("%m/%d/%Y"),
    }

    assert {form: parse_date(form) for form in forms} == {form: day for form in forms}


@given(st.times().map(lambda t: t.replace(microsecond=0)))
def test_parse_time_round_trips_every_time_in_24_and_12_hour_forms(moment: time) -> None:
    twelve_hour = (moment.hour % 12) or 12
    meridiem = "am" if moment.hour < 12 else "pm"
    forms = {
        moment.strftime("%H:%M:%S"),
        f"{twelve_hour}:{moment:%M:%S}{meridiem}",
        f"{twelve_hour}:{moment:%M:%S} {meridiem.upper()}",
    }

    assert {form: parse_time(form) for form in forms} == {form: moment for form in forms}


@given(st.text(max_size=40))
def test_parsers_answer_any_text_with_a_value_or_a_value_error(text: str) -> None:
    for parse in (parse_date, parse_time):
        try:
            parse(text)
        except ValueError as exc:
            assert str(exc).startswith(f'"{text}" is not a ')


@pytest.mark.parametrize("text", ["9999-12-31", "1899-12-31", "2201-01-01", "January 1, 0001"])
def test_parse_date_refuses_years_outside_1900_to_2200(text: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_date(text)

    assert str(raised.value) == f'"{text}" is not a date between the years 1900 and 2200'


def test_parse_date_accepts_the_first_and_last_days_of_the_range() -> None:
    assert [parse_date("1900-01-01"), parse_date("2200-12-31")] == [
        date(1900, 1, 1),
        date(2200, 12, 31),
    ]
