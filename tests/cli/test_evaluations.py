"""``podium evaluation questions``: listing, adding, moving and removing the evaluation form's
questions from the command line, in one transaction, with ``error:`` lines."""

from __future__ import annotations

from sqlalchemy import select

from podium.enums import EvaluationQuestionKind
from podium.evaluations.service import define_evaluation_question, submit_evaluation
from podium.evaluations.types import EvaluationAnswer
from podium.events.service import create_event, get_event
from podium.kit.db import Database
from podium.models import EvaluationQuestion
from podium.program.service import get_session
from tests.cli.conftest import Cli
from tests.factories import make_attendee, make_session

HEADING = 'Evaluation questions of the event "expo", asked after every session:'


async def _event(db: Database) -> tuple[str, list[int]]:
    """The event "expo" with two questions for every session, and a session "Leases"."""
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="expo", name="Expo", timezone="UTC")
        session = await make_session(uow, event, name="Leases")
        rating = await define_evaluation_question(
            uow, event=event, text="How was it?", kind=EvaluationQuestionKind.RATING
        )
        comments = await define_evaluation_question(
            uow, event=event, text="Comments?", kind=EvaluationQuestionKind.TEXT, required=False
        )
        return session.public_id, [rating.id, comments.id]


async def _texts(db: Database) -> list[tuple[str, bool]]:
    """Every question's text and whether it is a session's own, in the event's order."""
    async with db.unit_of_work(write=False) as uow:
        rows = await uow.session.scalars(
            select(EvaluationQuestion).order_by(EvaluationQuestion.position, EvaluationQuestion.id)
        )
        return [(q.text, q.session_id is not None) for q in rows]


async def test_evaluation_questions_lists_the_event_form(cli: Cli, db: Database) -> None:
    _, (rating, comments) = await _event(db)

    result = await cli("evaluation", "questions", "--event", "expo")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        HEADING,
        f"  1. #{rating} How was it? (rating: 1 | 2 | 3 | 4 | 5)",
        f"  2. #{comments} Comments? (text; optional)",
    ]


async def test_evaluation_questions_add_to_the_event_and_to_a_session(
    cli: Cli, db: Database
) -> None:
    session, (rating, comments) = await _event(db)

    everywhere = await cli(
        "evaluation", "questions", "--event", "expo", "--add", "Apply it?", "--kind", "choice",
        "--choice", "Yes", "--choice", "No", "--to", "1",
    )  # fmt: skip
    own = await cli(
        "evaluation", "questions", "--event", "expo", "--session", session,
        "--add", "The speaker?", "--per-presenter",
    )  # fmt: skip

    assert (everywhere.exit_code, own.exit_code) == (0, 0), everywhere.output + own.output
    added = everywhere.stdout.splitlines()
    new = int(added[0].removeprefix("Added question #").removesuffix("."))
    assert added[1:] == [
        HEADING,
        f"  1. #{new} Apply it? (choice: Yes | No)",
        f"  2. #{rating} How was it? (rating: 1 | 2 | 3 | 4 | 5)",
        f"  3. #{comments} Comments? (text; optional)",
    ]
    listed = own.stdout.splitlines()
    assert listed[1] == f'Evaluation questions of the session "Leases" ({session}):'
    assert listed[-1].endswith(
        " The speaker? (rating: 1 | 2 | 3 | 4 | 5; once per presenter; this session only)"
    )
    assert await _texts(db) == [
        ("Apply it?", False),
        ("How was it?", False),
        ("Comments?", False),
        ("The speaker?", True),
    ]


async def test_evaluation_questions_move_one(cli: Cli, db: Database) -> None:
    _, (_rating, comments) = await _event(db)

    result = await cli(
        "evaluation", "questions", "--event", "expo", "--move", str(comments), "--to", "1"
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        f"Moved question #{comments} to place 1.",
        HEADING,
        f"  1. #{comments} Comments? (text; optional)",
    ]
    assert await _texts(db) == [("Comments?", False), ("How was it?", False)]


async def test_evaluation_questions_remove_keeps_answered_ones_unless_told(
    cli: Cli, db: Database
) -> None:
    session_id, (rating, comments) = await _event(db)
    async with db.unit_of_work() as uow:
        event = await get_event(uow, "expo")
        leases = await get_session(uow, event=event, public_id=session_id)
        alex = await make_attendee(uow, event)
        await submit_evaluation(
            uow,
            session=leases,
            attendee=alex,
            answers=[EvaluationAnswer(question_id=rating, value=4)],
        )

    refused = await cli("evaluation", "questions", "--event", "expo", "--remove", str(rating))
    unanswered = await cli("evaluation", "questions", "--event", "expo", "--remove", str(comments))
    forced = await cli(
        "evaluation", "questions", "--event", "expo", "--remove", str(rating), "--with-answers"
    )

    assert refused.exit_code == 1
    assert refused.stderr == (
        f"error: Question #{rating} has 1 answer; removing it deletes them too. "
        "Remove it with its answers, or keep it.\n"
    )
    assert (unanswered.exit_code, unanswered.stdout.splitlines()[0]) == (
        0,
        f"Removed question #{comments}.",
    )
    assert forced.exit_code == 0, forced.output
    assert forced.stdout.splitlines() == [
        f"Removed question #{rating} and its 1 answer.",
        'Evaluation questions of the event "expo", asked after every session: none yet. '
        "Add one with --add TEXT --kind rating|choice|text.",
    ]
    assert await _texts(db) == []


async def test_evaluation_questions_errors_change_nothing(cli: Cli, db: Database) -> None:
    _, (rating, _comments) = await _event(db)
    before = await _texts(db)

    results = {
        "two actions": await cli(
            "evaluation", "questions", "--event", "expo", "--add", "X?", "--remove", str(rating)
        ),
        "no place": await cli("evaluation", "questions", "--event", "expo", "--move", str(rating)),
        "bad place": await cli(
            "evaluation", "questions", "--event", "expo", "--move", str(rating), "--to", "9"
        ),
        "unknown": await cli("evaluation", "questions", "--event", "expo", "--remove", "999"),
        "one choice": await cli(
            "evaluation",
            "questions",
            "--event",
            "expo",
            "--add",
            "X?",
            "--kind",
            "choice",
            "--choice",
            "Yes",
        ),
        "no event": await cli("evaluation", "questions", "--event", "nope"),
    }

    assert {name: (r.exit_code, r.stderr) for name, r in results.items()} == {
        "two actions": (1, "error: give one of --add, --remove at a time\n"),
        "no place": (1, "error: --move: say where with --to PLACE (1 for the first)\n"),
        "bad place": (1, "error: to: the list has 2 questions; give a place from 1 to 2\n"),
        "unknown": (
            1,
            "error: The event has no evaluation question #999; list them to see their numbers.\n",
        ),
        "one choice": (1, "error: choices: give between 2 and 20 labels (got 1)\n"),
        "no event": (1, 'error: There is no event with the URI "nope".\n'),
    }
    assert await _texts(db) == before
