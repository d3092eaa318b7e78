"""``podium demo``: a realistic event, made through the same services the API and pages use.

Three days in six rooms, forty sessions with presenters and fields of study (credits and
codewords), three hundred attendees who check in and out (some take a break and come back),
enter codewords, vote in polls, ask and upvote questions and fill in evaluations. Sessions that
are over have their whole story; the one running now has people in the room; later ones have
preloaded attendees waiting at the kiosk. The same seed gives the same event.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from podium.attendance.service import (
    check_out_ended_sessions,
    perform_checkin,
    perform_checkout,
    preload_attendees,
    submit_codeword,
)
from podium.attendance.types import PreloadAttendee
from podium.cli import demo_data
from podium.cli.running import load_settings, run_in_unit_of_work
from podium.cli.serve import address_lines
from podium.config import DEFAULT_HOST, DEFAULT_PORT
from podium.credits.service import set_credit_rules
from podium.credits.types import CodewordRule, EvaluationRule, RulesChange
from podium.enums import AttendanceSource, DeliveryFormat, EvaluationQuestionKind, PollType
from podium.evaluations.service import (
    define_evaluation_question,
    evaluation_form,
    submit_evaluation,
)
from podium.evaluations.types import EvaluationAnswer
from podium.events.service import create_event, find_event, get_event, update_event_settings
from podium.events.types import EventChanges
from podium.kit.clock import utcnow
from podium.kit.db import UnitOfWork
from podium.live.service import (
    ask_question,
    cast_vote,
    close_poll,
    create_poll,
    mark_question_answered,
    open_poll,
    upvote_question,
)
from podium.models import Attendee, Event, EventSession, Poll
from podium.people.service import attendee_details, find_or_create_attendees
from podium.program.service import create_session, list_sessions, set_codewords
from podium.program.types import FieldOfStudyDraft, PresenterRef, SessionDraft

TIMEZONE = "America/Chicago"
ATTENDEES = 300
SLOTS = [
    (time(9, 0), time(10, 15)),
    (time(10, 45), time(12, 0)),
    (time(13, 30), time(14, 45)),
    (time(15, 15), time(16, 30)),
]
SESSIONS_PER_DAY = (14, 14, 12)
# NASBA-style: 50 minutes a credit, partial credit in fifths, half of a field's codewords,
# ten minutes' grace at either end; ethics sessions want every codeword and the evaluation
CREDIT_RULES = RulesChange(
    minutes_per_credit=50,
    partial_credit_step=Decimal("0.2"),
    codeword_rule=CodewordRule.RATIO,
    codeword_minimum=Decimal("0.5"),
    late_checkin_minutes=10,
    early_checkout_minutes=10,
)
ETHICS_RULES = RulesChange(
    codeword_rule=CodewordRule.ALL, evaluation_rule=EvaluationRule.FOR_CREDIT
)
RATING = ["1 - Poor", "2 - Fair", "3 - Good", "4 - Very good", "5 - Excellent"]


@dataclass
class DemoSummary:
    event: Event
    sessions: int = 0
    attendees: int = 0
    checkins: int = 0
    preloaded: int = 0
    codewords: int = 0
    votes: int = 0
    questions: int = 0
    evaluations: int = 0
    checked_out_at_end: int = 0


@dataclass
class _Slot:
    session: EventSession
    starts: datetime
    ends: datetime
    codewords: dict[str, list[str]] = field(default_factory=dict)
    checked_in: list[Attendee] = field(default_factory=list)


async def load_demo(
    uow: UnitOfWork,
    *,
    uri: str = "demo",
    first_day: date,
    now: datetime,
    seed: int = 2026,
    attendees: int = ATTENDEES,
) -> DemoSummary | None:
    """Create the demo event ``uri`` whose three days start on ``first_day``, as it stands at
    ``now``, with ``attendees`` people. Returns None, changing nothing, when an event ``uri``
    already exists."""
    if await find_event(uow, uri) is not None:
        return None
    rng = random.Random(seed)
    event = await create_event(
        uow, uri=uri, name="Heartland Accounting & Finance Conference", timezone=TIMEZONE
    )
    await update_event_settings(
        uow,
        event=event,
        changes=EventChanges(
            start_date=first_day,
            end_date=first_day + timedelta(days=len(SESSIONS_PER_DAY) - 1),
            moderator_password="moderate-demo",
            organizer="Heartland Society of CPAs",
            custom_attendee_field_1="Registration ID",
            custom_attendee_field_2="License State",
        ),
    )
    summary = DemoSummary(event=event)
    await _define_evaluation(uow, event)
    await set_credit_rules(uow, event=event, change=CREDIT_RULES, actor="demo")
    slots = await _create_program(uow, event, first_day, rng)
    for slot in slots:
        if "Ethics" in slot.session.name:
            await set_credit_rules(
                uow, event=event, session=slot.session, change=ETHICS_RULES, actor="demo"
            )
    summary.sessions = len(slots)
    people = await _create_attendees(uow, event, attendees, rng)
    summary.attendees = len(people)
    parallel: dict[datetime, list[_Slot]] = {}  # the sessions that run at the same time
    for slot in slots:
        parallel.setdefault(slot.starts, []).append(slot)
    for attendee in people:
        await _attend(uow, attendee, list(parallel.values()), now, rng, summary)
    for slot in slots:
        await _run_live(uow, slot, now, rng, summary)
    # as a running server would have: whoever is still in a session that has ended is checked
    # out at its end
    summary.checked_out_at_end = await uow.run(partial(check_out_ended_sessions, now=now))
    return summary


async def _define_evaluation(uow: UnitOfWork, event: Event) -> None:
    await define_evaluation_question(
        uow,
        event=event,
        text="Overall, how would you rate this session?",
        kind=EvaluationQuestionKind.RATING,
        choices=RATING,
    )
    await define_evaluation_question(
        uow,
        event=event,
        text="How well did the presenter know the material?",
        kind=EvaluationQuestionKind.RATING,
        choices=RATING,
        per_presenter=True,
    )
    await define_evaluation_question(
        uow,
        event=event,
        text="Will you apply what you learned?",
        kind=EvaluationQuestionKind.CHOICE,
        choices=["Yes", "Partly", "No"],
    )
    await define_evaluation_question(
        uow,
        event=event,
        text="What could be improved?",
        kind=EvaluationQuestionKind.TEXT,
        required=False,
    )


async def _create_program(
    uow: UnitOfWork, event: Event, first_day: date, rng: random.Random
) -> list[_Slot]:
    zone = ZoneInfo(TIMEZONE)
    slots: list[_Slot] = []
    talks = iter(enumerate(demo_data.TALKS))
    for day_index, count in enumerate(SESSIONS_PER_DAY):
        day = first_day + timedelta(days=day_index)
        for j in range(count):
            index, (title, fields) = next(talks)
            start, end = SLOTS[j * len(SLOTS) // count]
            keynote = "Keynote" in title or title.startswith("Panel")
            presenters = _presenters_for(index, title)
            session = await create_session(
                uow,
                event=event,
                draft=SessionDraft(
                    name=title,
                    external_id=f"SES-{index + 101}",
                    location=demo_data.ROOMS[0 if keynote else 1 + j % (len(demo_data.ROOMS) - 1)],
                    description=f"{title}. Bring your questions for the Q&A at the end.",
                    date=day,
                    start_time=start,
                    end_time=end,
                    checkin_required=True,
                    checkout_required=True,
                    checkin_code=f"{rng.randint(1000, 9999)}" if index % 5 == 0 else None,
                    delivery_format=DeliveryFormat.HYBRID
                    if keynote
                    else DeliveryFormat.VIRTUAL
                    if index % 9 == 4
                    else DeliveryFormat.IN_PERSON,
                    learning_objectives=[
                        f"Explain the key changes covered in {title.split(':')[0]}",
                        "Apply them to a client engagement",
                    ],
                    presenters=presenters,
                    fields_of_study=[
                        FieldOfStudyDraft(name=name, credits=Decimal(credits))
                        for name, credits in fields.items()
                    ],
                ),
            )
            slot = _Slot(
                session=session,
                starts=datetime.combine(day, start, tzinfo=zone),
                ends=datetime.combine(day, end, tzinfo=zone),
            )
            for name in fields:
                words = rng.sample(demo_data.CODEWORDS, 2)
                await set_codewords(uow, session=session, field_of_study_name=name, words=words)
                slot.codewords[name] = words
            slots.append(slot)
    return slots


def _presenters_for(index: int, title: str) -> list[PresenterRef]:
    names = demo_data.PRESENTERS
    count = 3 if title.startswith("Panel") else 2 if index % 4 == 3 else 1
    chosen = [names[(index * 5 + k * 7) % len(names)] for k in range(count)]
    # half the presenters come from a speaker database, with its ids
    return [
        PresenterRef(name=name, external_id=f"SPK-{names.index(name) + 1:03d}")
        if names.index(name) % 2 == 0
        else PresenterRef(name=name)
        for name in chosen
    ]


async def _create_attendees(
    uow: UnitOfWork, event: Event, count: int, rng: random.Random
) -> list[Attendee]:
    people = []
    states = ["IL", "IA", "MO", "WI", "MN", "IN", "KS", "NE"]
    for n in range(count):
        first = demo_data.FIRST_NAMES[n % len(demo_data.FIRST_NAMES)]
        last = demo_data.LAST_NAMES[
            (n * 7 + n // len(demo_data.FIRST_NAMES)) % len(demo_data.LAST_NAMES)
        ]
        people.append(
            attendee_details(
                email=f"{first}.{last}.{n + 1}@example.com".lower(),
                first_name=first,
                last_name=last,
                external_id=f"REG-{10001 + n}",
                fields={"field_1": f"REG-{10001 + n}", "field_2": rng.choice(states)},
            )
        )
    return await find_or_create_attendees(uow, event=event, people=people)


async def _attend(
    uow: UnitOfWork,
    attendee: Attendee,
    time_slots: list[list[_Slot]],
    now: datetime,
    rng: random.Random,
    summary: DemoSummary,
) -> None:
    """One attendee's conference: at most one of the sessions of each time slot."""
    for candidates in time_slots:
        if rng.random() > 0.4:
            continue
        slot = rng.choice(candidates)
        if slot.starts > now:
            if rng.random() < 0.3:
                summary.preloaded += await preload_attendees(
                    uow,
                    session=slot.session,
                    attendees=[
                        PreloadAttendee(email=attendee.email, external_id=attendee.external_id)
                    ],
                )
            continue
        await _attend_session(uow, attendee, slot, now, rng, summary)


async def _attend_session(
    uow: UnitOfWork,
    attendee: Attendee,
    slot: _Slot,
    now: datetime,
    rng: random.Random,
    summary: DemoSummary,
) -> None:
    session = slot.session
    arrived = slot.starts + timedelta(minutes=rng.randint(-10, 12))
    if arrived > now:
        return
    source = AttendanceSource.KIOSK if rng.random() < 0.2 else AttendanceSource.WEB
    fmt = (
        DeliveryFormat.VIRTUAL
        if session.delivery_format == DeliveryFormat.VIRTUAL
        else (
            DeliveryFormat.VIRTUAL
            if session.delivery_format == DeliveryFormat.HYBRID and rng.random() < 0.3
            else DeliveryFormat.IN_PERSON
        )
    )
    await perform_checkin(
        uow,
        session=session,
        attendee=attendee,
        code=session.checkin_code,
        source=source,
        delivery_format=fmt,
        at=arrived,
    )
    summary.checkins += 1
    slot.checked_in.append(attendee)
    # the codewords are announced through the session; most people catch most of them
    for field_name, words in slot.codewords.items():
        for position, word in enumerate(words):
            said = slot.starts + (slot.ends - slot.starts) * (position + 1) / (len(words) + 1)
            if said > now or said < arrived or rng.random() > 0.85:
                continue
            typed = word if rng.random() > 0.05 else word[::-1]
            await submit_codeword(
                uow,
                session=session,
                attendee=attendee,
                field_of_study_name=field_name,
                word=typed,
                at=said + timedelta(seconds=rng.randint(5, 90)),
            )
            summary.codewords += 1
    left = slot.ends + timedelta(minutes=rng.randint(-8, 6))
    if rng.random() < 0.1:
        # a break in the middle, then back in the room
        out = arrived + (slot.ends - arrived) / 3
        back = out + timedelta(minutes=rng.randint(5, 15))
        if back < min(left, now):
            await perform_checkout(uow, session=session, attendee=attendee, source=source, at=out)
            await perform_checkin(
                uow,
                session=session,
                attendee=attendee,
                code=session.checkin_code,
                source=source,
                at=back,
            )
    if left > now or rng.random() < 0.05:
        return  # still in the room, or left without checking out
    await perform_checkout(uow, session=session, attendee=attendee, source=source, at=left)
    if rng.random() < 0.6:
        await _evaluate(uow, attendee, session, left + timedelta(minutes=rng.randint(1, 20)), rng)
        summary.evaluations += 1


async def _evaluate(
    uow: UnitOfWork, attendee: Attendee, session: EventSession, at: datetime, rng: random.Random
) -> None:
    answers = []
    for item in await evaluation_form(uow, session=session):
        question = item.question
        if question.kind == EvaluationQuestionKind.TEXT:
            if rng.random() < 0.3:
                answers.append(
                    EvaluationAnswer(
                        question_id=question.id,
                        value=rng.choice(
                            [
                                "More time for questions, please.",
                                "Great examples.",
                                "The room was too cold.",
                                "Slides were hard to read from the back.",
                            ]
                        ),
                    )
                )
            continue
        labels = question.choices or []
        weights = [1, 2, 5, 9, 8] if len(labels) == 5 else [6, 3, 1]
        answers.append(
            EvaluationAnswer(
                question_id=question.id,
                presenter_id=item.presenter.id if item.presenter else None,
                value=rng.choices(labels, weights=weights[: len(labels)])[0],
            )
        )
    await submit_evaluation(uow, session=session, attendee=attendee, answers=answers, at=at)


async def _run_live(
    uow: UnitOfWork,
    slot: _Slot,
    now: datetime,
    rng: random.Random,
    summary: DemoSummary,
) -> None:
    """Polls and Q&A of one session, from the people who were in the room."""
    session = slot.session
    chosen = rng.sample(demo_data.POLLS, 2)
    prepared = slot.starts - timedelta(days=2)
    polls = [
        await create_poll(
            uow, session=session, name=name, type=PollType(kind), choices=choices, at=prepared
        )
        for name, kind, choices in chosen
    ]
    if slot.starts > now or not slot.checked_in:
        return
    for index, poll in enumerate(polls):
        opened = slot.starts + timedelta(minutes=10 + 25 * index)
        if opened > now:
            break
        closes = opened + timedelta(minutes=4)
        await open_poll(uow, poll=poll, at=opened)
        for attendee in slot.checked_in:
            cast = opened + timedelta(seconds=rng.randint(5, 200))
            if cast > now or rng.random() > 0.7:
                continue
            await _vote(uow, poll, attendee, cast, rng)
            summary.votes += 1
        if closes <= now:
            await close_poll(uow, poll=poll, at=closes)
    for text in rng.sample(demo_data.QUESTIONS, rng.randint(2, 4)):
        asked = slot.starts + (slot.ends - slot.starts) * rng.uniform(0.1, 0.8)
        if asked > now:
            continue
        asker = rng.choice(slot.checked_in)
        question = await ask_question(uow, session=session, attendee=asker, text=text, at=asked)
        summary.questions += 1
        for voter in rng.sample(slot.checked_in, min(len(slot.checked_in), rng.randint(0, 12))):
            if voter.id != asker.id:
                await upvote_question(uow, question=question, attendee=voter)
        if slot.ends <= now and rng.random() < 0.6:
            await mark_question_answered(
                uow, question=question, at=slot.ends - timedelta(minutes=5)
            )


async def _vote(
    uow: UnitOfWork, poll: Poll, attendee: Attendee, at: datetime, rng: random.Random
) -> None:
    if poll.type == PollType.MULTIPLE_CHOICE:
        choice = rng.randrange(len(poll.choices))
        await cast_vote(uow, poll=poll, attendee=attendee, choices=[choice], at=at)
    elif poll.type == PollType.MULTIPLE_ANSWER:
        picks = sorted(rng.sample(range(len(poll.choices)), rng.randint(1, 3)))
        await cast_vote(uow, poll=poll, attendee=attendee, choices=picks, at=at)
    elif poll.type == PollType.RATING:
        rating = rng.choices(range(1, 6), [1, 2, 4, 6, 3])[0]
        await cast_vote(uow, poll=poll, attendee=attendee, rating=rating, at=at)
    else:
        word = rng.choice(demo_data.CHALLENGES)
        await cast_vote(uow, poll=poll, attendee=attendee, text=word, at=at)


def demo(
    event: Annotated[str, typer.Option(help="The URI of the demo event.")] = "demo",
    host: Annotated[
        str,
        typer.Option(
            metavar="HOST", help="The address `podium serve` will listen on (for the addresses)."
        ),
    ] = DEFAULT_HOST,
    port: Annotated[
        int,
        typer.Option(
            min=1,
            max=65535,
            metavar="PORT",
            help="The port `podium serve` will listen on (for the addresses).",
        ),
    ] = DEFAULT_PORT,
) -> None:
    """Load the demo event (does nothing if an event with that URI exists), then print the
    addresses of its pages as `podium serve --host HOST --port PORT` will serve them (or at
    PODIUM_BASE_URL, when set)."""
    now = utcnow()
    first_day = now.astimezone(ZoneInfo(TIMEZONE)).date() - timedelta(days=1)

    async def work(uow: UnitOfWork) -> DemoSummary | None:
        return await load_demo(uow, uri=event, first_day=first_day, now=now)

    summary = run_in_unit_of_work(work)
    if summary is None:
        typer.echo(f'The event "{event}" already exists; nothing was changed.')
    else:
        typer.echo(
            f'Loaded the demo event "{event}": {summary.sessions} sessions, {summary.attendees} '
            f"attendees, {summary.checkins} check-ins, {summary.preloaded} preloaded, "
            f"{summary.codewords} codewords entered, {summary.votes} votes, {summary.questions} "
            f"questions, {summary.evaluations} evaluations; "
            f"{summary.checked_out_at_end} checked out at the end of their session. "
            "Credits: 50 minutes a credit in steps of 0.2, half the codewords (ethics: all of "
            "them and the evaluation); see an attendee's with `podium certificates build "
            f"--event {summary.event.uri} --attendee EMAIL`."
        )

    settings = load_settings().serving(host, port)

    async def tour(uow: UnitOfWork) -> list[str]:
        return await page_tour(uow, uri=event, base_url=settings.base_url, now=utcnow())

    for line in run_in_unit_of_work(tour):
        typer.echo(line)
    for line in address_lines(settings, host=host, port=port)[1:]:
        typer.echo(line, err=True)  # the note about a wildcard host, if any


async def page_tour(uow: UnitOfWork, *, uri: str, base_url: str, now: datetime) -> list[str]:
    """Where to look: the pages of the event ``uri``, around the session running at ``now`` (or
    the next one, or the first), with the moderator password they need."""
    event = await get_event(uow, uri)
    sessions = await list_sessions(uow, event=event)
    if not sessions:
        return [f"Event home: {base_url}/e/{uri}"]
    local = now.astimezone(ZoneInfo(event.timezone or "UTC")).replace(tzinfo=None)

    def _span(session: EventSession) -> tuple[datetime, datetime]:
        day = session.date or local.date()
        start = datetime.combine(day, session.start_time or time.min)
        return start, datetime.combine(day, session.end_time or time.max)

    timed = sorted(sessions, key=_span)
    featured = next((s for s in timed if _span(s)[1] > local), timed[0])
    session_url = f"{base_url}/e/{uri}/s/{featured.public_id}"
    password = event.moderator_password or "(none set)"
    return [
        f"Event home (join here):  {base_url}/e/{uri}",
        f'Session "{featured.name}":  {session_url}',
        f"  moderator page:  {session_url}/moderate   (password: {password})",
        f"  screen page:     {session_url}/screen",
        f"Kiosk:  {base_url}/e/{uri}/kiosk   (password: {password})",
    ]
