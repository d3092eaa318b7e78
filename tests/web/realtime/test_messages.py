"""The realtime relay (web/realtime/messages.py): every domain event reaches the session
channel as today's message, byte for byte, or as nothing; each distinct message once per
transaction or batch; installed once by every application sharing a database."""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
from datetime import UTC, datetime
from functools import partial

import orjson
import pytest

from podium import domain_events
from podium.config import Settings
from podium.domain_events import (
    AttendeesPreloaded,
    CheckedIn,
    CheckedOut,
    CheckinsRemoved,
    CodewordAccepted,
    CodewordAnnounced,
    CreditRulesChanged,
    Departure,
    EvaluationSubmitted,
    EventTimezoneChanged,
    PollClosed,
    PollCreated,
    PollOpened,
    PollReordered,
    PollResultsShown,
    QuestionAnswered,
    QuestionApproved,
    QuestionAsked,
    QuestionDismissed,
    QuestionPinned,
    QuestionUpvoted,
    SessionChanged,
    SessionFact,
    VoteCast,
)
from podium.enums import AttendanceSource, QuestionState
from podium.kit.db import Database
from podium.kit.subscribers import Committed
from podium.kit.writer import Work
from podium.reactions import open_database
from podium.web.app import create_app
from podium.web.realtime.messages import messages_of, publish_messages
from tests.live.conftest import RecordingBroker

AT = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
HERE = {"event_id": 1, "session_id": 2, "session_public_id": "abcd"}
POLL = {**HERE, "poll_public_id": "p1"}
QUESTION = {**HERE, "question_public_id": "q1"}


def _departure(session: str, attendee: int) -> Departure:
    return Departure(
        session_id=2, session_public_id=session, attendee_id=attendee, checkin_id=9, at=AT
    )


# each event, and the JSON of its messages on the wire ("session:abcd" unless named)
SENT = [
    (
        CheckedIn(**HERE, attendee_id=3, checkin_id=9, source=AttendanceSource.WEB, at=AT),
        [b'{"type":"attendance.changed"}'],
    ),
    (
        CheckedOut(
            event_id=1,
            source=AttendanceSource.SESSION_END,
            departures=(_departure("abcd", 3), _departure("abcd", 4), _departure("efgh", 3)),
        ),
        [b'{"type":"attendance.changed"}', b'{"type":"attendance.changed"}'],
    ),
    (CheckinsRemoved(**HERE, checkin_ids=(9,)), [b'{"type":"attendance.changed"}']),
    (PollCreated(**POLL), [b'{"type":"poll.created","poll":"p1"}']),
    (PollOpened(**POLL), [b'{"type":"poll.opened","poll":"p1"}']),
    (PollClosed(**POLL), [b'{"type":"poll.closed","poll":"p1"}']),
    (PollReordered(**POLL), [b'{"type":"poll.reordered","poll":"p1"}']),
    (
        PollResultsShown(**POLL, visible=True),
        [b'{"type":"poll.results","poll":"p1","visible":true}'],
    ),
    (VoteCast(**POLL, attendee_id=3, vote_id=7), [b'{"type":"poll.voted","poll":"p1"}']),
    (
        QuestionAsked(**QUESTION, state=QuestionState.PENDING),
        [b'{"type":"question.asked","question":"q1","state":"pending"}'],
    ),
    (QuestionApproved(**QUESTION), [b'{"type":"question.approved","question":"q1"}']),
    (QuestionDismissed(**QUESTION), [b'{"type":"question.dismissed","question":"q1"}']),
    (
        QuestionAnswered(**QUESTION, answered=True),
        [b'{"type":"question.answered","answered":true,"question":"q1"}'],
    ),
    (
        QuestionPinned(**QUESTION, pinned=False),
        [b'{"type":"question.pinned","pinned":false,"question":"q1"}'],
    ),
    (
        QuestionUpvoted(**QUESTION, attendee_id=3, upvotes=4),
        [b'{"type":"question.upvoted","question":"q1","upvotes":4}'],
    ),
    (
        SessionChanged(
            **HERE, changed=frozenset({SessionFact.QUESTIONS_MODERATED}), questions_moderated=True
        ),
        [b'{"type":"session.updated","session":"abcd","questions_moderated":true}'],
    ),
    (
        CodewordAnnounced(**HERE, field_of_study="Accounting", codeword_id=5),
        [b'{"type":"codeword.announced","field_of_study":"Accounting"}'],
    ),
]
# events that change nothing the sessions' pages show live
SILENT = [
    AttendeesPreloaded(**HERE, attendee_ids=(3, 4)),
    CodewordAccepted(**HERE, attendee_id=3, checkin_id=9, field_of_study_id=5, codeword_id=6),
    EvaluationSubmitted(**HERE, attendee_id=3, checkin_id=9, first_on_record=True),
    SessionChanged(
        **HERE,
        changed=frozenset({SessionFact.TIMES, SessionFact.FIELDS_OF_STUDY}),
        questions_moderated=True,
    ),
    EventTimezoneChanged(event_id=1, timezone="Europe/Paris"),
    CreditRulesChanged(event_id=1, session_id=None, changed=("minutes_per_credit",)),
]


@pytest.mark.parametrize(("event", "wire"), SENT, ids=lambda value: type(value).__name__)
def test_messages_of_an_event_are_todays_messages_byte_for_byte(
    event: object, wire: list[bytes]
) -> None:
    sent = messages_of(event)

    assert [orjson.dumps(message) for _channel, message in sent] == wire


def test_messages_of_a_check_out_go_to_each_session_left_once() -> None:
    event = SENT[1][0]

    assert [channel for channel, _message in messages_of(event)] == [
        "session:abcd",
        "session:efgh",
    ]


@pytest.mark.parametrize("event", SILENT, ids=lambda value: type(value).__name__)
def test_messages_of_an_event_the_pages_do_not_show_live_is_nothing(event: object) -> None:
    assert messages_of(event) == []


def test_every_domain_event_is_decided_for_the_wire() -> None:
    """A new event type must be added to SENT or SILENT: a deliberate choice, not a gap."""
    declared = {
        kind
        for _name, kind in inspect.getmembers(domain_events, inspect.isclass)
        if dataclasses.is_dataclass(kind)
        and kind.__module__ == domain_events.__name__
        and not kind.__name__.startswith("In")
        and kind is not Departure
    }

    decided = {type(event) for event, _wire in SENT} | {type(event) for event in SILENT}

    assert sorted(kind.__name__ for kind in declared) == sorted(kind.__name__ for kind in decided)


async def test_publish_messages_sends_each_distinct_message_once_per_delivery() -> None:
    broker = RecordingBroker()
    votes = [VoteCast(**POLL, attendee_id=n, vote_id=n) for n in range(100)]
    other = VoteCast(**{**POLL, "poll_public_id": "p2"}, attendee_id=1, vote_id=101)

    await publish_messages(Committed(events=(*votes, other, votes[0]), broker=broker))

    assert broker.published == [
        ("session:abcd", {"type": "poll.voted", "poll": "p1"}),
        ("session:abcd", {"type": "poll.voted", "poll": "p2"}),
    ]


async def test_a_hundred_votes_in_one_batch_make_one_poll_voted(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    broker = RecordingBroker()
    monkeypatch.setattr(db, "broker", broker)

    def vote(number: int, work: Work) -> None:
        work.emit(VoteCast(**POLL, attendee_id=number, vote_id=number))

    writer = db.group_commit
    before = writer.batches_committed
    await asyncio.gather(*(writer.run(partial(vote, number)) for number in range(100)))

    assert writer.batches_committed - before == 1
    assert broker.published == [("session:abcd", {"type": "poll.voted", "poll": "p1"})]


async def test_create_app_installs_the_relay_once_for_apps_sharing_a_database(
    db: Database, settings: Settings
) -> None:
    fresh = open_database(db.url)
    try:
        assert fresh.subscribers.after_commit == []

        create_app(settings=settings, database=fresh)
        create_app(settings=settings, database=fresh)

        assert fresh.subscribers.after_commit == [publish_messages]
    finally:
        await fresh.dispose()


def test_departure_is_not_sent_alone() -> None:
    assert messages_of(_departure("abcd", 3)) == []
