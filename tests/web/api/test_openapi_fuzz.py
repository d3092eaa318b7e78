"""Every dialect answers as its OpenAPI document says: a property-based run (schemathesis)
against a real server, on every operation, with valid and invalid requests.

Each dialect joins by adding a :class:`FuzzedDialect` to :data:`DIALECTS`: where it is mounted
and how to seed an event for it (the credential to send, and real ids for the path
parameters, so that requests reach real objects as well as missing ones). The run asserts no
server error and no answer that contradicts the document: its status, content type, body
schema and headers, and that each operation carried out at least one request (2xx).

The examples are the same on every run (derandomized), so that the suite does not flake;
``PODIUM_FUZZ_EXAMPLES`` sets how many per operation and kind (valid, invalid) — the default
keeps the run to about a minute per database — and ``PODIUM_FUZZ_RANDOM=1`` draws new ones
each run, to hunt with many examples locally.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import SearchStrategy
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from podium.attendance.service import (
    perform_checkin,
    perform_checkout,
    preload_attendees,
    submit_codeword,
)
from podium.attendance.types import PreloadAttendee
from podium.config import Settings
from podium.enums import AttendanceSource, EvaluationQuestionKind, PollType
from podium.evaluations.service import define_evaluation_question, submit_evaluation
from podium.evaluations.types import EvaluationAnswer
from podium.kit.db import Database
from podium.live.service import ask_question, cast_vote, create_poll, open_poll
from podium.web.app import create_app
from tests.conftest import make_event_with_key
from tests.factories import add_presenter, make_attendee, make_session
from tests.in_loop import serving

WEB, KIOSK = AttendanceSource.WEB, AttendanceSource.KIOSK

EXAMPLES = int(os.environ.get("PODIUM_FUZZ_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@dataclass(frozen=True)
class Seeded:
    """What a run sends: the credential, and real values of the path parameters."""

    headers: dict[str, str]
    path_values: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class FuzzedDialect:
    name: str
    prefix: str
    seed: Callable[[Database], Awaitable[Seeded]]


async def _seed_conferences_io(db: Database) -> Seeded:
    """An app (America/Chicago) whose sessions have fields of study with codewords, a
    presenter, attendees checked in and out, a codeword entered, one preloaded, polls of every
    kind with votes, questions (one anonymous) and evaluation answers."""
    event, key = await make_event_with_key(db)
    sessions = []
    async with db.unit_of_work() as uow:
        rating = await define_evaluation_question(
            uow,
            event=event,
            text="How was this session?",
            kind=EvaluationQuestionKind.RATING,
            choices=["1 - Poor", "2 - Fair", "3 - Good", "4 - Very good", "5 - Great"],
        )
        remark = await define_evaluation_question(
            uow,
            event=event,
            text="About the speaker?",
            kind=EvaluationQuestionKind.TEXT,
            per_presenter=True,
        )
        for index in range(4):
            # no date: the codewords are open whenever the test runs
            session = await make_session(
                uow,
                event,
                name=f"Session {index}",
                session_date=None if index < 2 else date(2026, 6, index),
                fields_of_study={"Ethics": ("1.5", ["honest"]), "Taxes": ("2", [])},
            )
            sessions.append(session)
            presenter = await add_presenter(uow, session, f"Presenter {index}")
            people = [
                await make_attendee(
                    uow, event, email=f"p{index}-{n}@example.com", external_id=f"A-{index}-{n}"
                )
                for n in range(3)
            ]
            for person in people[:2]:
                await perform_checkin(uow, session=session, attendee=person, source=WEB)
            await perform_checkout(uow, session=session, attendee=people[0], source=KIOSK)
            if index < 2:
                await submit_codeword(
                    uow,
                    session=session,
                    attendee=people[1],
                    field_of_study_name="Ethics",
                    word="honest",
                )
            await preload_attendees(
                uow,
                session=session,
                attendees=[PreloadAttendee(email=people[2].email, first_name="Pre")],
            )
            choice = await create_poll(
                uow,
                session=session,
                name="Which?",
                type=PollType.MULTIPLE_CHOICE,
                choices=["A", "B"],
            )
            many = await create_poll(
                uow,
                session=session,
                name="Which ones?",
                type=PollType.MULTIPLE_ANSWER,
                choices=["A", "B"],
            )
            pace = await create_poll(uow, session=session, name="Pace?", type=PollType.RATING)
            word = await create_poll(
                uow, session=session, name="One word?", type=PollType.WORD_CLOUD
            )
            await create_poll(uow, session=session, name="Later", type=PollType.OPEN_TEXT)
            for poll in (choice, many, pace, word):
                await open_poll(uow, poll=poll)
            await cast_vote(uow, poll=choice, attendee=people[0], choices=[1])
            await cast_vote(uow, poll=many, attendee=people[0], choices=[0, 1])
            await cast_vote(uow, poll=pace, attendee=people[1], rating=3)
            await cast_vote(uow, poll=word, attendee=people[1], text="ledgers")
            await ask_question(uow, session=session, attendee=people[1], text="Why?")
            await ask_question(uow, session=session, attendee=None, text="And how?")
            await submit_evaluation(
                uow,
                session=session,
                attendee=people[0],
                answers=[
                    EvaluationAnswer(question_id=rating.id, value="5 - Great"),
                    EvaluationAnswer(
                        question_id=remark.id, presenter_id=presenter.id, value="Clear"
                    ),
                ],
            )
    return Seeded(
        headers={"API-Key": key},
        path_values={"session_id": [session.public_id for session in sessions]},
    )


DIALECTS = [FuzzedDialect("conferences_io", "/api/v2", _seed_conferences_io)]


@contextlib.asynccontextmanager
async def _served(db: Database, settings: Settings) -> AsyncIterator[str]:
    """The base URL of uvicorn serving Podium in this event loop."""
    async with serving(create_app(settings=settings, database=db)) as (host, port):
        yield f"http://{host}:{port}"


def _order(operation: APIOperation) -> tuple[bool, int, str]:
    """Deletions last, the deepest first, so that the other operations meet the seeded
    objects."""
    return (operation.method.upper() == "DELETE", -operation.path.count("/"), operation.label)


def _cases(operation: APIOperation, mode: GenerationMode, seeded: Seeded) -> SearchStrategy[Case]:
    """Requests with the credential, to generated paths and, as often, to seeded objects."""
    cases = [operation.as_strategy(generation_mode=mode, headers=seeded.headers)]
    known = [name for name in seeded.path_values if name in operation.path_parameters]
    if known:
        cases += [
            operation.as_strategy(
                generation_mode=mode, headers=seeded.headers, path_parameters=dict(chosen)
            )
            for chosen in itertools.product(
                *([(name, value) for value in seeded.path_values[name]] for name in known)
            )
        ]
        cases = [cases[0], st.one_of(cases[1:])]
    return st.one_of(cases)


@dataclass
class Run:
    failures: list[str] = field(default_factory=list)  # each operation's first, per mode
    statuses: dict[str, set[int]] = field(default_factory=dict)  # answered, by operation


def _fuzz(document: dict[str, Any], base_url: str, seeded: Seeded) -> Run:
    """Each operation's first failure, for valid and for invalid requests (a report with the
    request that reproduces it), and the statuses each operation answered."""
    schema = schemathesis.openapi.from_dict(document, config=schemathesis.Config())
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=_order)
    done = Run()
    with requests.Session() as http:
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                @settings(
                    max_examples=EXAMPLES,
                    deadline=None,
                    database=None,
                    derandomize=os.environ.get("PODIUM_FUZZ_RANDOM") != "1",
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
                @given(case=_cases(operation, mode, seeded))
                def run(case: Case) -> None:
                    response = case.call(base_url=base_url, session=http)
                    done.statuses.setdefault(case.operation.label, set()).add(response.status_code)
                    case.validate_response(response, checks=CHECKS)

                try:
                    run()
                except Unsatisfiable:
                    # the document allows no invalid request of this operation (every
                    # parameter a string, no body): there is nothing to send
                    assert mode is GenerationMode.NEGATIVE, operation.label
                except Exception as exc:
                    done.failures.append(f"{operation.label} ({mode.value}): {exc}")
    return done


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda dialect: dialect.name)
async def test_dialect_answers_as_its_openapi_document_says(
    dialect: FuzzedDialect, db: Database, settings: Settings
) -> None:
    seeded = await dialect.seed(db)
    async with _served(db, settings) as base_url:
        async with httpx.AsyncClient() as client:
            document = (await client.get(f"{base_url}{dialect.prefix}/openapi.json")).json()
        run = await asyncio.to_thread(_fuzz, document, base_url + dialect.prefix, seeded)

    assert run.failures == [], "\n\n".join(run.failures)
    # every operation was reached with a request it carried out, not only refused ones
    unanswered = sorted(
        label
        for label, statuses in run.statuses.items()
        if not any(200 <= status < 300 for status in statuses)
    )
    assert (unanswered, len(run.statuses)) == ([], len(_operation_labels(document)))


def _operation_labels(document: dict[str, Any]) -> list[str]:
    return [
        f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item
    ]
