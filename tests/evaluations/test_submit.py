from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from podium.enums import EvaluationQuestionKind
from podium.evaluations.errors import InvalidAnswer
from podium.evaluations.service import (
    define_evaluation_question,
    list_evaluation_responses,
    submit_evaluation,
)
from podium.evaluations.types import EvaluationAnswer
from podium.events.service import create_event
from podium.kit.db import UnitOfWork
from podium.kit.errors import ErrorKind
from podium.models import (
    Attendee,
    Checkin,
    EvaluationQuestion,
    EvaluationResponse,
    Event,
    EventSession,
)
from tests.factories import add_presenter, make_attendee, make_session

RATING = EvaluationQuestionKind.RATING
CHOICE = EvaluationQuestionKind.CHOICE
TEXT = EvaluationQuestionKind.TEXT
GREAT = ["1 - Poor", "2 - Fair", "3 - Good", "4 - Very good", "5 - Great"]


def answer(
    question: EvaluationQuestion, value: str | int | None, presenter_id: int | None = None
) -> EvaluationAnswer:
    return EvaluationAnswer(question_id=question.id, presenter_id=presenter_id, value=value)


async def _stored(uow: UnitOfWork, attendee: Attendee) -> list[tuple[int, str, Decimal | None]]:
    rows = await uow.session.execute(
        select(
            EvaluationResponse.question_id,
            EvaluationResponse.response,
            EvaluationResponse.response_value,
        )
        .where(EvaluationResponse.attendee_id == attendee.id)
        .order_by(EvaluationResponse.id)
    )
    return [(row[0], row[1], row[2]) for row in rows]


async def test_submit_evaluation_stores_each_answer_with_its_value(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    numbered = await define_evaluation_question(
        uow, event=event, text="How was it?", kind=RATING, choices=GREAT
    )
    worded = await define_evaluation_question(
        uow, event=event, text="Pace?", kind=RATING, choices=["Slow", "Right", "Fast"]
    )
    picked = await define_evaluation_question(
        uow, event=event, text="Format?", kind=CHOICE, choices=["Talk", "Panel"]
    )
    scored = await define_evaluation_question(
        uow, event=event, text="Hours?", kind=CHOICE, choices=["1.5 hours", "2 hours"]
    )
    comment = await define_evaluation_question(uow, event=event, text="Comments?", kind=TEXT)

    responses = await submit_evaluation(
        uow,
        session=session,
        attendee=attendee,
        answers=[
            answer(comment, "  Loved it "),
            answer(numbered, "5 - Great"),
            answer(worded, "right"),
            answer(picked, 2),
            answer(scored, "1.5 hours"),
        ],
    )

    assert [(r.question_id, r.response, r.response_value) for r in responses] == [
        (numbered.id, "5 - Great", Decimal(5)),
        (worded.id, "Right", Decimal(2)),
        (picked.id, "Panel", None),
        (scored.id, "1.5 hours", Decimal("1.5")),
        (comment.id, "Loved it", None),
    ]
    assert [(r.session_id, r.attendee_id, r.presenter_id) for r in responses] == [
        (session.id, attendee.id, None)
    ] * 5
    assert await _stored(uow, attendee) == [
        (numbered.id, "5 - Great", Decimal(5)),
        (worded.id, "Right", Decimal(2)),
        (picked.id, "Panel", None),
        (scored.id, "1.5 hours", Decimal("1.5")),
        (comment.id, "Loved it", None),
    ]


async def test_submit_evaluation_takes_a_rating_by_its_position(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    rating = await define_evaluation_question(
        uow, event=event, text="How was it?", kind=RATING, choices=GREAT
    )

    await submit_evaluation(uow, session=session, attendee=attendee, answers=[answer(rating, 4)])

    assert await _stored(uow, attendee) == [(rating.id, "4 - Very good", Decimal(4))]


async def test_submit_evaluation_answers_per_presenter_questions_per_presenter(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    jordan = await add_presenter(uow, session, "Jordan Example", position=1)
    riley = await add_presenter(uow, session, "Riley Example", position=2)
    speaker = await define_evaluation_question(
        uow, event=event, text="Speaker?", kind=RATING, per_presenter=True
    )

    responses = await submit_evaluation(
        uow,
        session=session,
        attendee=attendee,
        answers=[answer(speaker, "3", riley.id), answer(speaker, "5", jordan.id)],
    )

    assert [(r.presenter_id, r.response, r.response_value) for r in responses] == [
        (jordan.id, "5", Decimal(5)),
        (riley.id, "3", Decimal(3)),
    ]


async def test_submit_evaluation_replaces_the_previous_submission(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    rating = await define_evaluation_question(uow, event=event, text="How?", kind=RATING)
    comment = await define_evaluation_question(
        uow, event=event, text="Comments?", kind=TEXT, required=False
    )
    other = await make_attendee(uow, event, email="other@example.com")
    await submit_evaluation(uow, session=session, attendee=other, answers=[answer(rating, "2")])
    await submit_evaluation(
        uow,
        session=session,
        attendee=attendee,
        answers=[answer(rating, "1"), answer(comment, "Too fast")],
    )

    await submit_evaluation(uow, session=session, attendee=attendee, answers=[answer(rating, "4")])

    assert await _stored(uow, attendee) == [(rating.id, "4", Decimal(4))]
    assert await _stored(uow, other) == [(rating.id, "2", Decimal(2))]


async def test_submit_evaluation_keeps_other_sessions_responses(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    rating = await define_evaluation_question(uow, event=event, text="How?", kind=RATING)
    other_session = await make_session(uow, event, name="Other")
    await submit_evaluation(
        uow, session=other_session, attendee=attendee, answers=[answer(rating, "2")]
    )

    await submit_evaluation(uow, session=session, attendee=attendee, answers=[answer(rating, "5")])

    assert sorted(await _stored(uow, attendee)) == [
        (rating.id, "2", Decimal(2)),
        (rating.id, "5", Decimal(5)),
    ]


async def test_submit_evaluation_skips_optional_and_blank_answers(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    rating = await define_evaluation_question(uow, event=event, text="How?", kind=RATING)
    comment = await define_evaluation_question(
        uow, event=event, text="Comments?", kind=TEXT, required=False
    )
    extra = await define_evaluation_question(
        uow, event=event, text="Anything else?", kind=TEXT, required=False
    )

    await submit_evaluation(
        uow,
        session=session,
        attendee=attendee,
        answers=[answer(rating, "3"), answer(comment, "   "), answer(extra, None)],
    )

    assert await _stored(uow, attendee) == [(rating.id, "3", Decimal(3))]


async def test_submit_evaluation_sets_evaluation_completed_on_the_checkin(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    rating = await define_evaluation_question(uow, event=event, text="How?", kind=RATING)
    other = await make_attendee(uow, event, email="other@example.com")
    mine = Checkin(session_id=session.id, attendee_id=attendee.id, checked_in=True)
    theirs = Checkin(session_id=session.id, attendee_id=other.id, checked_in=True)
    uow.session.add_all([mine, theirs])
    await uow.session.flush()

    responses = await submit_evaluation(
        uow, session=session, attendee=attendee, answers=[answer(rating, "5")]
    )

    assert mine.evaluation_completed_at == responses[0].submitted_at
    assert theirs.evaluation_completed_at is None


async def test_submit_evaluation_without_a_checkin_creates_none(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    rating = await define_evaluation_question(uow, event=event, text="How?", kind=RATING)

    await submit_evaluation(uow, session=session, attendee=attendee, answers=[answer(rating, "5")])

    assert await uow.session.scalar(select(func.count()).select_from(Checkin)) == 0


async def test_submit_evaluation_rejects_a_missing_required_answer_naming_the_question(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    await define_evaluation_question(uow, event=event, text="How was it?", kind=RATING)
    comment = await define_evaluation_question(uow, event=event, text="Comments?", kind=TEXT)

    with pytest.raises(InvalidAnswer) as caught:
        await submit_evaluation(
            uow, session=session, attendee=attendee, answers=[answer(comment, "Good")]
        )

    assert (caught.value.kind, caught.value.field, caught.value.message) == (
        ErrorKind.INVALID,
        "answers",
        'answers: "How was it?" needs an answer',
    )


async def test_submit_evaluation_rejects_a_missing_presenter_answer_naming_the_presenter(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    jordan = await add_presenter(uow, session, "Jordan Example", position=1)
    await add_presenter(uow, session, "Riley Example", position=2)
    speaker = await define_evaluation_question(
        uow, event=event, text="Speaker?", kind=RATING, per_presenter=True
    )

    with pytest.raises(InvalidAnswer) as caught:
        await submit_evaluation(
            uow, session=session, attendee=attendee, answers=[answer(speaker, 5, jordan.id)]
        )

    assert caught.value.message == 'answers: "Speaker?" for Riley Example needs an answer'


async def test_submit_evaluation_rejects_bad_answers_and_keeps_the_previous_submission(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    jordan = await add_presenter(uow, session, "Jordan Example")
    rating = await define_evaluation_question(
        uow, event=event, text="How was it?", kind=RATING, choices=GREAT
    )
    choice = await define_evaluation_question(
        uow, event=event, text="Format?", kind=CHOICE, choices=["Talk", "Panel"], required=False
    )
    comment = await define_evaluation_question(
        uow, event=event, text="Comments?", kind=TEXT, required=False
    )
    speaker = await define_evaluation_question(
        uow, event=event, text="Speaker?", kind=RATING, per_presenter=True, required=False
    )
    elsewhere = await define_evaluation_question(
        uow,
        event=event,
        text="Elsewhere?",
        kind=TEXT,
        session=await make_session(uow, event, name="Other"),
    )
    stranger = await add_presenter(uow, await make_session(uow, event), "Sam Stranger")
    filler = await define_evaluation_question(
        uow, event=event, text="Filler?", kind=TEXT, required=False
    )
    await submit_evaluation(uow, session=session, attendee=attendee, answers=[answer(rating, 1)])
    bad_answers: list[tuple[EvaluationAnswer, str, str]] = [
        (answer(choice, "Workshop"), "answers[1].value", '"Workshop" is not an answer to'),
        (answer(rating, 6), "answers[1].value", '"6" is not an answer to "How was it?"'),
        (answer(rating, True), "answers[1].value", '"True" is not an answer'),  # type: ignore[arg-type]
        (answer(choice, 0), "answers[1].value", '"0" is not an answer to "Format?"'),
        (answer(comment, "x" * 5001), "answers[1].value", 'the answer to "Comments?" is longer'),
        (answer(elsewhere, "Hi"), "answers[1].question_id", f"question {elsewhere.id} is not"),
        (answer(filler, "Again"), "answers[1]", '"Filler?" is answered twice'),
        (answer(choice, "Talk", jordan.id), "answers[1].presenter_id", '"Format?" is not asked'),
        (answer(speaker, 5), "answers[1].presenter_id", '"Speaker?" is answered for each'),
        (answer(speaker, 5, stranger.id), "answers[1].presenter_id", "presenter "),
    ]

    for bad, field, message in bad_answers:
        with pytest.raises(InvalidAnswer) as caught:
            await submit_evaluation(
                uow, session=session, attendee=attendee, answers=[answer(filler, "Hi"), bad]
            )
        assert caught.value.field == field
        assert caught.value.message.startswith(f"{field}: {message}")

    assert await _stored(uow, attendee) == [(rating.id, "1 - Poor", Decimal(1))]


async def test_list_evaluation_responses_has_this_events_responses_in_submission_order(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    jordan = await add_presenter(uow, session, "Jordan Example")
    rating = await define_evaluation_question(uow, event=event, text="How?", kind=RATING)
    speaker = await define_evaluation_question(
        uow, event=event, text="Speaker?", kind=RATING, per_presenter=True
    )
    other = await make_attendee(uow, event, email="other@example.com")
    other_event = await create_event(uow, uri="other", name="Other")
    their_question = await define_evaluation_question(
        uow, event=other_event, text="Theirs?", kind=TEXT
    )
    await submit_evaluation(
        uow,
        session=await make_session(uow, other_event),
        attendee=await make_attendee(uow, other_event),
        answers=[answer(their_question, "Hi")],
    )
    await submit_evaluation(
        uow,
        session=session,
        attendee=other,
        answers=[answer(rating, 2), answer(speaker, 3, jordan.id)],
    )
    await submit_evaluation(
        uow,
        session=session,
        attendee=attendee,
        answers=[answer(rating, 5), answer(speaker, 4, jordan.id)],
    )

    records = await list_evaluation_responses(uow, event=event)

    assert [
        (r.session, r.attendee, r.presenter, r.question, r.response, r.response_value)
        for r in records
    ] == [
        (session, other, None, "How?", "2", Decimal(2)),
        (session, other, jordan, "Speaker?", "3", Decimal(3)),
        (session, attendee, None, "How?", "5", Decimal(5)),
        (session, attendee, jordan, "Speaker?", "4", Decimal(4)),
    ]
