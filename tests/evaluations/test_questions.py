from __future__ import annotations

import pytest

from podium.enums import EvaluationQuestionKind
from podium.evaluations.service import define_evaluation_question, evaluation_form
from podium.events.service import create_event
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.models import Event, EventSession
from tests.factories import add_presenter, make_session

RATING = EvaluationQuestionKind.RATING
CHOICE = EvaluationQuestionKind.CHOICE
TEXT = EvaluationQuestionKind.TEXT


async def test_define_evaluation_question_is_event_wide_by_default(
    uow: UnitOfWork, event: Event
) -> None:
    question = await define_evaluation_question(
        uow, event=event, text="  How was this session? ", kind=RATING
    )

    assert (question.event_id, question.session_id, question.text, question.kind) == (
        event.id,
        None,
        "How was this session?",
        "rating",
    )
    assert (question.per_presenter, question.required, question.position) == (False, True, 1)


async def test_define_evaluation_question_rating_labels_default_to_one_to_five(
    uow: UnitOfWork, event: Event
) -> None:
    question = await define_evaluation_question(uow, event=event, text="Rate it", kind="rating")

    assert question.choices == ["1", "2", "3", "4", "5"]


async def test_define_evaluation_question_keeps_trimmed_labels(
    uow: UnitOfWork, event: Event
) -> None:
    question = await define_evaluation_question(
        uow, event=event, text="Rate it", kind=RATING, choices=[" 1 - Poor", "2 - Great "]
    )

    assert question.choices == ["1 - Poor", "2 - Great"]


async def test_define_evaluation_question_text_has_no_choices(
    uow: UnitOfWork, event: Event
) -> None:
    question = await define_evaluation_question(uow, event=event, text="Comments?", kind=TEXT)

    assert question.choices is None


async def test_define_evaluation_question_places_each_after_the_others(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    first = await define_evaluation_question(uow, event=event, text="A", kind=TEXT)
    placed = await define_evaluation_question(uow, event=event, text="B", kind=TEXT, position=7)
    own = await define_evaluation_question(uow, event=event, text="C", kind=TEXT, session=session)

    assert [first.position, placed.position, own.position] == [1, 7, 8]
    assert own.session_id == session.id


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": "  "}, "text"),
        ({"text": "x" * 1001}, "text"),
        ({"kind": "essay"}, "kind"),
        ({"kind": CHOICE}, "choices"),
        ({"kind": CHOICE, "choices": ["Yes"]}, "choices"),
        ({"kind": CHOICE, "choices": ["Yes", " yes"]}, "choices"),
        ({"kind": CHOICE, "choices": ["Yes", ""]}, "choices"),
        ({"kind": CHOICE, "choices": "Yes,No"}, "choices"),
        ({"kind": RATING, "choices": [str(n) for n in range(11)]}, "choices"),
        ({"kind": TEXT, "choices": ["Yes", "No"]}, "choices"),
    ],
)
async def test_define_evaluation_question_rejects_bad_input_naming_the_field(
    uow: UnitOfWork, event: Event, kwargs: dict[str, object], field: str
) -> None:
    arguments: dict[str, object] = {"text": "How was it?", "kind": RATING}
    arguments.update(kwargs)

    with pytest.raises(InvalidInput) as caught:
        await define_evaluation_question(uow, event=event, **arguments)  # type: ignore[arg-type]

    assert caught.value.field == field
    assert caught.value.message.startswith(f"{field}: ")


async def test_define_evaluation_question_rejects_another_events_session(
    uow: UnitOfWork, event: Event
) -> None:
    other_event = await create_event(uow, uri="other", name="Other")
    theirs = await make_session(uow, other_event)

    with pytest.raises(InvalidInput) as caught:
        await define_evaluation_question(uow, event=event, text="Q", kind=TEXT, session=theirs)

    assert caught.value.field == "session"


async def test_evaluation_form_has_event_wide_and_own_questions_by_position(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    other_session = await make_session(uow, event, name="Other")
    other_event = await create_event(uow, uri="other", name="Other")
    last = await define_evaluation_question(uow, event=event, text="Last", kind=TEXT, position=9)
    own = await define_evaluation_question(
        uow, event=event, text="Own", kind=TEXT, session=session, position=5
    )
    first = await define_evaluation_question(uow, event=event, text="First", kind=TEXT, position=1)
    await define_evaluation_question(
        uow, event=event, text="Elsewhere", kind=TEXT, session=other_session
    )
    await define_evaluation_question(uow, event=other_event, text="Theirs", kind=TEXT)

    form = await evaluation_form(uow, session=session)

    assert [(item.question.id, item.presenter) for item in form] == [
        (first.id, None),
        (own.id, None),
        (last.id, None),
    ]


async def test_evaluation_form_asks_per_presenter_questions_for_each_presenter(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    second = await add_presenter(uow, session, "Riley Second", position=2)
    first = await add_presenter(uow, session, "Jordan First", position=1)
    overall = await define_evaluation_question(uow, event=event, text="Overall?", kind=RATING)
    speaker = await define_evaluation_question(
        uow, event=event, text="Speaker?", kind=RATING, per_presenter=True
    )

    form = await evaluation_form(uow, session=session)

    assert [(item.question.id, item.presenter and item.presenter.name) for item in form] == [
        (overall.id, None),
        (speaker.id, first.name),
        (speaker.id, second.name),
    ]


async def test_evaluation_form_leaves_out_per_presenter_questions_without_presenters(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    await define_evaluation_question(
        uow, event=event, text="Speaker?", kind=RATING, per_presenter=True
    )

    assert await evaluation_form(uow, session=session) == []
