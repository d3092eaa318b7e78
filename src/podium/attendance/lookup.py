"""Looking up a session's attendees for the people running it: the kiosk's search among those
expected in a session. (How many are checked in now: ``presence.count_checked_in``.)"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager

from podium.kit.db import UnitOfWork
from podium.models import Attendee, Checkin, EventSession

MAX_LIMIT = 50
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 5


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def search_preloaded(
    uow: UnitOfWork, *, session: EventSession, query: str, limit: int = 20
) -> list[Checkin]:
    """The records of ``session``'s attendees (preloaded, checked in or checked out) whose
    attendee matches ``query``, each with ``attendee`` loaded.

    Every word of the query must appear, in any case, in the attendee's first name, last name
    or email: "ada", "LOVE", "ada lovelace", "lovelace ada" and "ada@exa" all find Ada Lovelace
    <ada@example.org>. Only the first 5 words of the first 200 characters count; a blank query
    finds nobody. (SQLite lowers ASCII letters only, so there other letters match in the case
    they were typed.) At most ``limit`` records (1 to 50), by last name, first name. One query.
    """
    words = query[:MAX_QUERY_LENGTH].lower().split()[:MAX_QUERY_WORDS]
    if not words:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    columns = (
        func.lower(Attendee.first_name),
        func.lower(Attendee.last_name),
        func.lower(func.coalesce(Attendee.email, "")),
    )
    statement = (
        select(Checkin)
        .join(Checkin.attendee)
        .where(Checkin.session_id == session.id)
        .options(contains_eager(Checkin.attendee))
        .order_by(func.lower(Attendee.last_name), func.lower(Attendee.first_name), Attendee.id)
        .limit(limit)
        # records already in the session (a check-in locks and re-reads them) get their attendee
        .execution_options(populate_existing=True)
    )
    for word in words:
        pattern = _like(word)
        statement = statement.where(or_(*(column.like(pattern, escape="\\") for column in columns)))
    return list(await uow.session.scalars(statement))
