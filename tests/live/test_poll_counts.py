"""poll_counts: the counts of every poll's answers the database keeps as votes are written
(migration 0009's triggers), equal to counting the votes, whichever path wrote or removed them."""

from __future__ import annotations

from collections import Counter
from functools import partial

from alembic import command
from sqlalchemy import delete, select, text, update
from sqlalchemy.engine import Connection

from podium.enums import PollType
from podium.events.service import create_event
from podium.kit.db import Database, UnitOfWork
from podium.kit.writer import Work
from podium.live.service import Casting, cast_vote, create_poll, open_poll, record_votes
from podium.live.types import PollFacts
from podium.migrations import alembic_config, upgrade_to_head
from podium.models import Attendee, Poll, PollCount, Vote
from tests.factories import make_attendee, make_session


async def _counts(uow: UnitOfWork) -> dict[tuple[int, int], int]:
    rows = await uow.session.execute(select(PollCount.poll_id, PollCount.answer, PollCount.votes))
    return {(poll_id, answer): votes for poll_id, answer, votes in rows if votes}


async def _counted(uow: UnitOfWork) -> dict[tuple[int, int], int]:
    """The same counts, counted from the votes."""
    counted: Counter[tuple[int, int]] = Counter()
    for vote in await uow.session.scalars(select(Vote)):
        counted[(vote.poll_id, PollCount.EVERY_VOTE)] += 1
        for index in set(vote.choices or ()):
            counted[(vote.poll_id, index)] += 1
        if vote.rating is not None:
            counted[(vote.poll_id, vote.rating - 1)] += 1
    return dict(counted)


async def _world(uow: UnitOfWork) -> tuple[dict[str, Poll], list[Attendee]]:
    event = await create_event(uow, uri="counts", name="Counts", timezone="UTC")
    session = await make_session(uow, event)
    polls = {
        "choice": (PollType.MULTIPLE_CHOICE, ("A", "B", "C")),
        "answers": (PollType.MULTIPLE_ANSWER, ("A", "B", "C")),
        "rating": (PollType.RATING, None),
        "cloud": (PollType.WORD_CLOUD, None),
    }
    made = {
        name: await open_poll(
            uow,
            poll=await create_poll(uow, session=session, name=name, type=kind, choices=choices),
        )
        for name, (kind, choices) in polls.items()
    }
    people = [await make_attendee(uow, event, email=f"p{n}@example.com") for n in range(6)]
    return made, people


async def test_the_counts_follow_every_vote_written_changed_or_removed(uow: UnitOfWork) -> None:
    polls, people = await _world(uow)
    # one at a time through the unit of work (the API's and the full route's path)
    await cast_vote(uow, poll=polls["choice"], attendee=people[0], choices=[1])
    await cast_vote(uow, poll=polls["answers"], attendee=people[0], choices=[2, 0])
    await cast_vote(uow, poll=polls["rating"], attendee=people[0], rating=4)
    await cast_vote(uow, poll=polls["cloud"], attendee=people[0], text="audit")
    await uow.session.flush()
    # a burst's first votes in one statement (the express lane's path)
    session_public_id = (await uow.session.execute(text("SELECT public_id FROM sessions"))).scalar()
    facts = {
        name: PollFacts.of(
            poll, session_public_id=str(session_public_id), event_id=people[0].event_id
        )
        for name, poll in polls.items()
    }
    casting = [
        Casting(poll=facts["choice"], attendee_id=people[1].id, choices=[1]),
        Casting(poll=facts["choice"], attendee_id=people[2].id, choices=[2]),
        Casting(poll=facts["answers"], attendee_id=people[1].id, choices=[0, 1, 2]),
        Casting(poll=facts["answers"], attendee_id=people[2].id, choices=[1]),
        Casting(poll=facts["rating"], attendee_id=people[1].id, rating=4),
        Casting(poll=facts["rating"], attendee_id=people[2].id, rating=1),
        Casting(poll=facts["cloud"], attendee_id=people[1].id, text="tax"),
    ]

    def burst(work: Work) -> list[int]:
        return record_votes([Work(work.connection, events=[]) for _ in casting], casting)

    await uow.run(burst)
    choice, answers, rating = polls["choice"].id, polls["answers"].id, polls["rating"].id
    assert await _counts(uow) == await _counted(uow)
    assert (await _counts(uow))[(choice, 1)] == 2
    assert (await _counts(uow))[(answers, 1)] == 2
    assert (await _counts(uow))[(rating, 3)] == 2
    assert (await _counts(uow))[(polls["cloud"].id, PollCount.EVERY_VOTE)] == 2

    # a vote changed by hand (plain SQL), an attendee removed with their votes, a poll deleted
    await uow.session.execute(
        update(Vote)
        .where(Vote.poll_id == choice, Vote.attendee_id == people[2].id)
        .values(choices=[0])
    )
    await uow.session.execute(delete(Attendee).where(Attendee.id == people[1].id))
    await uow.session.execute(delete(Poll).where(Poll.id == rating))
    await uow.session.flush()

    assert await _counts(uow) == await _counted(uow)
    assert (await _counts(uow)).get((choice, 1)) == 1  # people[0]'s; people[1] is gone
    assert (await _counts(uow))[(choice, 0)] == 1  # people[2]'s, changed from 2
    assert (choice, 2) not in await _counts(uow)
    assert not [key for key in await _counts(uow) if key[0] == rating]


def _downgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


async def test_the_migration_counts_the_votes_cast_before_it(db: Database) -> None:
    async with db.unit_of_work() as uow:
        polls, people = await _world(uow)
        for number, person in enumerate(people):
            await cast_vote(uow, poll=polls["choice"], attendee=person, choices=[number % 2])
            await cast_vote(
                uow,
                poll=polls["answers"],
                attendee=person,
                choices=[0, number % 3] if number % 3 else [0],
            )
            await cast_vote(uow, poll=polls["rating"], attendee=person, rating=1 + number % 5)
    async with db.write_engine.begin() as connection:
        await connection.run_sync(partial(_downgrade, revision="0008"))
    await upgrade_to_head(db)

    async with db.unit_of_work(write=False) as uow:
        counts = await _counts(uow)
        assert counts == await _counted(uow)
    assert counts[(polls["choice"].id, 0)] == counts[(polls["choice"].id, 1)] == 3
    assert counts[(polls["answers"].id, 0)] == 6
    assert counts[(polls["rating"].id, PollCount.EVERY_VOTE)] == 6
