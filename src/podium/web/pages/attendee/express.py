"""The express lane: a session's page, a check-in, a vote and a question, answered before the
framework.

When a keynote's audience opens the session's page and checks in, or a poll opens in a
ballroom, these arrive by the thousand within seconds. Through the whole application each one
would cross every middleware, the routing of every page, dependency solving, and a dozen ORM
queries (the forms' inside a write transaction that holds SQLite's single write lock across
every turn of the event loop). Here each form is one group-commit job (:mod:`podium.kit.writer`):
its lookups and writes run back to back with those of the forms that arrived with it, in one
transaction with one commit, and the answer goes out once that commit is done. Check-ins and
votes that arrive together are written together (their jobs' ``together``): on PostgreSQL a
crowd's first check-ins are two statements, its first votes one, whatever their number.

A page GET is the page's read job (``reading.read_page``: Core statements, no ORM row), run
with the other page loads of the same turn of the event loop by ``Database.read``, so that the
session's part of the page (its heading, polls and tallies, questions, evaluation form) is read
once for all of them; then the same template the route renders (``page.whole_page``).

The lane takes only the common case, and answers it exactly as the full route would: a plain
form with a 303 back to the page (``?done=checked-in``, ``?done=voted``, ``?done=asked``), an
htmx form with its section saying so, once the write has committed. The section is read on
its own, by the read job the page runs for it (``attendance.SectionRead``,
``live.PollsRead``, ``reading.read_page`` for the questions: a few Core statements, run with
the other answers of the same commit by ``Database.read``, which reads the attendees' own
rows of a kind at once), and rendered here
(``page.attendance_answer``, ``page.polls_answer``, ``page.section_fragment``): the answer
phones wait for at a keynote's doors costs a fraction of a page's reads. A question goes
through the group commit too, rather than a unit of work holding SQLite's write lock while it
renders its answer, which kept the votes of the same minute waiting. The lane's conditions:

- ``GET /e/<event>/s/<session>`` and ``GET /e/<event>/s/<session>/fragments/<section>`` with
  no query or only ``?done=<what>``, from a browser that has its CSRF cookie, joined the event
  as one of its attendees (still there) and gave the event's current app password, if any;
- ``POST /e/<event>/s/<session>/checkin``, ``…/polls/<poll>/vote`` or ``…/questions``:
  a urlencoded form of at most 8 KB (and within ``PODIUM_MAX_BODY_BYTES``), carrying this
  browser's CSRF token, from a browser that joined the event as one of its attendees and gave
  the event's current app password, if it has one; and a job that succeeds.

Everything else goes on to the application with the body the lane already read, and the full
route answers it the full way: the join page, a message in its section, the 4xx page, counting
a wrong check-in code. A job that fails has written nothing, so the full route starts from the
same state. The lane changes how fast a form is answered, never what the answer is: a check-in
is checked and written by the same code either way (``checkin_form.admit_checkin``), which the
lane runs in the group commit and the route in its unit of work; so are a vote
(``live.record_vote``, ``live.record_votes`` for a run) and a question
(``live.record_question``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Literal, NamedTuple, TypeVar
from urllib.parse import parse_qsl

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from podium.attendance.service import SectionRead
from podium.kit.clock import utcnow
from podium.kit.errors import PodiumError
from podium.kit.text import find_unstorable
from podium.kit.writer import Work
from podium.live.service import (
    Casting,
    PollsRead,
    record_question,
    record_votes,
    visited_poll,
)
from podium.live.types import PollFacts, QuestionPlace
from podium.program.service import visited_page
from podium.web.auth import csrf, identity
from podium.web.metrics import ROUTE_TEMPLATE_KEY
from podium.web.pages.attendee import views
from podium.web.pages.attendee.checkin_form import (
    CheckedInHere,
    CheckinForm,
    CheckinRefused,
    admit_checkin,
)
from podium.web.pages.attendee.page import (
    DONE,
    FRAGMENTS,
    MY_ATTENDANCE_CHANGED,
    NO_STORE,
    attendance_answer,
    done_url,
    fragment_done,
    page_messages,
    polls_answer,
    section_fragment,
    whole_page,
)
from podium.web.pages.attendee.reading import SECTIONS, PageRead, read_page
from podium.web.runtime import Runtime
from podium.web.urls import PAGES_PREFIX

MAX_FORM_BYTES = 8 * 1024
_SESSION = PAGES_PREFIX + r"/(?P<event_uri>[^/]+)/s/(?P<session_id>[^/]+)"
PAGE_PATH = re.compile(_SESSION + r"(?:/fragments/(?P<fragment>[^/]+))?")
CHECKIN_PATH = re.compile(_SESSION + "/checkin")
VOTE_PATH = re.compile(_SESSION + r"/polls/(?P<poll_id>[^/]+)/vote")
QUESTION_PATH = re.compile(_SESSION + "/questions")
PAGE_ROUTE = PAGES_PREFIX + "/{event_uri}/s/{session_id}"
FRAGMENT_ROUTE = PAGE_ROUTE + "/fragments/{name}"
CHECKIN_ROUTE = PAGES_PREFIX + "/{event_uri}/s/{session_id}/checkin"
VOTE_ROUTE = PAGES_PREFIX + "/{event_uri}/s/{session_id}/polls/{poll_id}/vote"
QUESTION_ROUTE = PAGES_PREFIX + "/{event_uri}/s/{session_id}/questions"
_FORM_TYPE = b"application/x-www-form-urlencoded"
_ANSWER_FIELDS = ("choice", "choices", "rating", "text")
# the headers of the attendance section answering a check-in, as the page's route gives them
_CHECKED_IN_HEADERS = (*NO_STORE.items(), *MY_ATTENDANCE_CHANGED.items())

Fields = dict[str, list[str]]
T = TypeVar("T")

log = logging.getLogger(__name__)


class _Voted(NamedTuple):
    """Who voted in which session (the polls section the answer shows)."""

    session_id: int
    attendee_id: int


class _Asked(NamedTuple):
    """Who asked a question where (the questions section the answer shows)."""

    event_id: int
    event_uri: str
    session_public_id: str
    attendee_id: int


class _PassOn(Exception):
    """The job met a case the lane leaves to the full route (no such place, no access)."""


class ExpressLane:
    """ASGI middleware: answers the common check-in and vote forms (see the module's
    docstring); passes everything else on to ``app``."""

    def __init__(self, app: ASGIApp, *, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime
        self.max_form_bytes = min(MAX_FORM_BYTES, runtime.settings.max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            found = PAGE_PATH.fullmatch(scope["path"])
            if found is not None and await self._page(scope, send, found):
                return
            await self.app(scope, receive, send)
            return
        if scope["type"] == "http" and scope["method"] == "POST":
            path: str = scope["path"]
            found = CHECKIN_PATH.fullmatch(path) if path.endswith("/checkin") else None
            if found is None and path.endswith("/vote"):
                found = VOTE_PATH.fullmatch(path)
            if found is None and path.endswith("/questions"):
                found = QUESTION_PATH.fullmatch(path)
            if found is not None:
                await self._express(scope, receive, send, found)
                return
        await self.app(scope, receive, send)

    async def _page(self, scope: Scope, send: Send, found: re.Match[str]) -> bool:
        """Answer a GET of a session's page or of one of its sections (``…/fragments/<name>``)
        as the route would, read by the page's read job with the other page loads of this turn
        of the event loop; False (nothing sent) to leave it to the route."""
        fragment = found["fragment"]
        done = _page_done(scope["query_string"])
        browser = csrf.browser_cookie(scope)
        if done is False or browser is None or (fragment is not None and fragment not in FRAGMENTS):
            return False  # a browser's first visit gets its CSRF cookie from the route
        connection = HTTPConnection(scope)
        joined = identity.joined(connection)
        if joined is None:
            return False
        event_id, attendee_id = joined
        event_uri, session_id = found["event_uri"], found["session_id"]
        now = utcnow()

        def page(work: Work) -> PageRead | None:
            read = read_page(
                work,
                event_id=event_id,
                event_uri=event_uri,
                session_public_id=session_id,
                attendee_id=attendee_id,
                sections=SECTIONS if fragment is None else {fragment},
                now=now,
            )
            if read is None or not identity.gave_app_password(
                connection, event_id, read.event.app_password
            ):
                return None
            return read

        try:
            read = await self.runtime.database.read(page)
        except Exception:  # the route will meet it too, and answer for it
            log.warning("the express lane passed a page on after an error", exc_info=True)
            return False
        if read is None:
            return False
        token = csrf.token_for(self.runtime.secret_key, browser)
        if fragment is None:
            scope[ROUTE_TEMPLATE_KEY] = PAGE_ROUTE
            body = whole_page(read, csrf_token=token, messages=page_messages(done))
            await _send_html(send, body.encode(), tuple(NO_STORE.items()))
            return True
        scope[ROUTE_TEMPLATE_KEY] = FRAGMENT_ROUTE
        message, headers = fragment_done(fragment, done)
        body = section_fragment(read, fragment, csrf_token=token, message=message)
        await _send_html(send, body.encode(), (*NO_STORE.items(), *headers.items()))
        return True

    async def _express(
        self, scope: Scope, receive: Receive, send: Send, found: re.Match[str]
    ) -> None:
        read: list[Message] = []
        fields = await self._form(scope, receive, read)
        done = await self._answer(scope, found, fields) if fields is not None else None
        if done is None:
            await self.app(scope, _replaying(read, receive), send)
            return
        section, what, did = done
        scope[ROUTE_TEMPLATE_KEY] = _ROUTES[section]
        event_uri, session_id = found["event_uri"], found["session_id"]
        if _is_htmx(scope):
            if isinstance(did, CheckedInHere):
                body: bytes | None = await self._attendance(scope, event_uri, did)
                headers = _CHECKED_IN_HEADERS
            elif isinstance(did, _Asked):
                body, headers = await self._questions(scope, did, what), tuple(NO_STORE.items())
            else:
                body = await self._polls(scope, event_uri, session_id, did)
                headers = tuple(NO_STORE.items())
            if body is not None:  # else the page, which says why (the route's)
                await _send_html(send, body, headers)
                return
        location = done_url(event_uri, session_id, section, what)
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [(b"location", location.encode()), (b"content-length", b"0")],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    async def _form(self, scope: Scope, receive: Receive, read: list[Message]) -> Fields | None:
        """The form's fields, when the request is one the lane takes; what it read of the body
        is kept in ``read`` either way."""
        form = False
        for name, value in scope["headers"]:
            if name == b"content-type":
                form = value.startswith(_FORM_TYPE)
            elif name == b"content-length" and not (
                value.isdigit() and int(value) <= self.max_form_bytes
            ):
                return None
        if not form:  # the full route reads no form from any other body, and refuses it
            return None
        size = 0
        while True:
            message = await receive()
            read.append(message)
            if message["type"] != "http.request":
                return None
            size += len(message.get("body", b""))
            if size > self.max_form_bytes:
                return None
            if not message.get("more_body", False):
                break
        try:
            body = b"".join(part.get("body", b"") for part in read).decode()
        except UnicodeDecodeError:
            return None
        fields: Fields = {}
        for name, value in parse_qsl(body, keep_blank_values=True):
            fields.setdefault(name, []).append(value)
        # text that cannot be stored: the full route refuses it with a 400 page
        return fields if find_unstorable(fields) is None else None

    async def _attendance(self, scope: Scope, event_uri: str, checked_in: CheckedInHere) -> bytes:
        """An htmx check-in's answer: its attendance section, read now that it has committed."""
        session = checked_in.session
        attendance = await self.runtime.database.read(
            SectionRead(session_id=session.id, attendee_id=checked_in.attendee_id, now=utcnow())
        )
        return attendance_answer(
            event_uri=event_uri,
            session=session,
            attendance=attendance,
            done="checked-in",
            csrf_token=self._csrf_token(scope),
        )

    async def _polls(self, scope: Scope, event_uri: str, session_id: str, voted: _Voted) -> bytes:
        """An htmx vote's answer: the session's polls section, read now that it has committed
        (the tallies count the vote; those of the votes committed with it are read once)."""
        polls = await self.runtime.database.read(PollsRead(voted.session_id, voted.attendee_id))
        return polls_answer(
            event_uri=event_uri,
            session_public_id=session_id,
            polls=polls,
            done="voted",
            csrf_token=self._csrf_token(scope),
        )

    async def _questions(self, scope: Scope, asked: _Asked, done: str) -> bytes | None:
        """An htmx question's answer: the questions section, read now that it has committed
        (the session's list is read once for the questions committed with it); None when the
        attendee or session is gone meanwhile."""
        now = utcnow()
        read = await self.runtime.database.read(
            partial(
                read_page,
                event_id=asked.event_id,
                event_uri=asked.event_uri,
                session_public_id=asked.session_public_id,
                attendee_id=asked.attendee_id,
                sections={"questions"},
                now=now,
            )
        )
        if read is None:
            return None
        body = section_fragment(
            read,
            "questions",
            csrf_token=self._csrf_token(scope),
            message=views.Message(DONE[done][1]),
        )
        return body.encode()

    def _csrf_token(self, scope: Scope) -> str:
        browser = csrf.browser_cookie(scope)
        assert browser is not None  # the job ran: the form carried this browser's token
        return csrf.token_for(self.runtime.secret_key, browser)

    async def _answer(
        self, scope: Scope, found: re.Match[str], fields: Fields
    ) -> tuple[str, str, CheckedInHere | _Voted | _Asked] | None:
        """Once the job has committed, the section of the form, what it did (a key of
        ``page.DONE``) and what its answer shows (the check-in, who voted where, who asked
        where); None to pass the form on."""
        connection = HTTPConnection(scope)
        event_uri, session_id = found["event_uri"], found["session_id"]
        poll_id = found.groupdict().get("poll_id")
        if poll_id is not None:
            return await self._vote(connection, event_uri, session_id, poll_id, fields)
        if scope["path"].endswith("/questions"):
            return await self._ask(connection, event_uri, session_id, fields)
        return await self._check_in(connection, event_uri, session_id, fields)

    async def _ask(
        self, connection: HTTPConnection, event_uri: str, session_id: str, fields: Fields
    ) -> tuple[str, str, CheckedInHere | _Voted | _Asked] | None:
        """The question form: ``record_question`` in the group commit, where the page's route
        runs it in its unit of work."""
        joined = self._joined(connection, fields)
        text = _last(fields, "text")
        if joined is None or text is None or len(fields.get("text", ())) != 1:
            return None
        event_id, attendee_id = joined

        def ask(work: Work) -> bool:
            visited = visited_page(
                work, event_id=event_id, event_uri=event_uri, session_public_id=session_id
            )
            if visited is None or not identity.gave_app_password(
                connection, event_id, visited.event.app_password
            ):
                raise _PassOn
            session = visited.session
            record_question(
                work,
                session=QuestionPlace(session.id, session.public_id, session.event_id),
                attendee_id=attendee_id,
                text=text,
                moderated=session.questions_moderated,
            )
            return session.questions_moderated

        moderated = await self._run(ask)
        if moderated is None:
            return None
        done = "asked-moderated" if moderated else "asked"
        return "questions", done, _Asked(event_id, event_uri, session_id, attendee_id)

    def _joined(self, connection: HTTPConnection, fields: Fields) -> tuple[int, int] | None:
        """(event id, attendee id) of a form carrying this browser's CSRF token from a browser
        that joined an event as one of its attendees; None otherwise."""
        browser = csrf.browser_cookie(connection.scope)
        if browser is None or not csrf.token_matches(
            self.runtime.secret_key, browser, _last(fields, csrf.FIELD)
        ):
            return None
        return identity.joined(connection)

    async def _check_in(
        self, connection: HTTPConnection, event_uri: str, session_id: str, fields: Fields
    ) -> tuple[str, str, CheckedInHere | _Voted | _Asked] | None:
        """The page's own checks and write (``checkin_form``), run in the group commit."""
        try:
            job = await admit_checkin(
                self.runtime,
                connection,
                event_uri=event_uri,
                session_public_id=session_id,
                form=CheckinForm.of(partial(_last, fields)),
            )
        except CheckinRefused:
            return None
        done = await self._run(job)
        if done is None:
            return None
        return "attendance", "checked-in", done

    async def _vote(
        self,
        connection: HTTPConnection,
        event_uri: str,
        session_id: str,
        poll_id: str,
        fields: Fields,
    ) -> tuple[str, str, CheckedInHere | _Voted | _Asked] | None:
        joined = self._joined(connection, fields)
        if joined is None:
            return None
        event_id, attendee_id = joined
        answer = _vote_answer(fields)
        if answer is None:
            return None
        choices, rating, text = answer
        nonce = _last(fields, "nonce")

        vote = _VoteForm(
            connection=connection,
            event_id=event_id,
            event_uri=event_uri,
            session_public_id=session_id,
            poll_public_id=poll_id,
            attendee_id=attendee_id,
            choices=choices,
            rating=rating,
            text=text,
            nonce=nonce,
        )
        poll = await self._run(vote)
        return None if poll is None else ("polls", "voted", _Voted(poll.session_id, attendee_id))

    async def _run(self, job: Callable[[Work], T]) -> T | None:
        """What ``job`` returned, once committed; None when it failed (it wrote nothing)."""
        try:
            return await self.runtime.database.group_commit.run(job)
        except (PodiumError, CheckinRefused, _PassOn):
            return None
        except Exception:  # the full route will meet it too, and answer for it
            log.warning("the express lane passed a form on after an error", exc_info=True)
            return None


def _votes_together(works: Sequence[Work], forms: Sequence[_VoteForm]) -> list[PollFacts]:
    """The forms' votes, each checked as it would be alone, written by ``record_votes`` (one
    statement for a burst's first votes on PostgreSQL); the poll of each."""
    casting = [form.casting(work) for work, form in zip(works, forms, strict=True)]
    record_votes(works, casting)
    return [vote.poll for vote in casting]


@dataclass(frozen=True, slots=True)
class _VoteForm:
    """The job of a vote form the lane takes; the votes that arrive together are written
    together (``together``)."""

    connection: HTTPConnection
    event_id: int
    event_uri: str
    session_public_id: str
    poll_public_id: str
    attendee_id: int
    choices: list[int] | None
    rating: int | None
    text: str | None
    nonce: str | None

    together = staticmethod(_votes_together)

    def __call__(self, work: Work) -> PollFacts:
        return _votes_together([work], [self])[0]

    def casting(self, work: Work) -> Casting:
        """The vote this form casts, once the poll at its address is found and the browser may
        use it (_PassOn otherwise: the full route answers)."""
        visited = visited_poll(
            work,
            event_id=self.event_id,
            event_uri=self.event_uri,
            session_public_id=self.session_public_id,
            poll_public_id=self.poll_public_id,
        )
        if visited is None or not identity.gave_app_password(
            self.connection, self.event_id, visited.app_password
        ):
            raise _PassOn
        return Casting(
            poll=visited.poll,
            attendee_id=self.attendee_id,
            choices=self.choices,
            rating=self.rating,
            text=self.text,
            nonce=self.nonce,
        )


# the route of each section's form, as the request metrics name it
_ROUTES = {"attendance": CHECKIN_ROUTE, "polls": VOTE_ROUTE, "questions": QUESTION_ROUTE}


def _last(fields: Fields, name: str) -> str | None:
    """The field's value (its last, as the full route's form reading takes)."""
    values = fields.get(name)
    return values[-1] if values else None


def _vote_answer(fields: Fields) -> tuple[list[int] | None, int | None, str | None] | None:
    """(choices, rating, text) from the one answer field the form has (which one the poll's
    type takes is checked by the vote itself); None when it is not that simple."""
    given = [name for name in _ANSWER_FIELDS if name in fields]
    if len(given) != 1:
        return None
    name = given[0]
    values = fields[name]
    try:
        if name == "choices":
            return [int(value.strip()) for value in values], None, None
        if len(values) != 1:
            return None
        if name == "choice":
            return [int(values[0].strip())], None, None
        if name == "rating":
            return None, int(values[0].strip()), None
    except ValueError:
        return None
    return None, None, values[0]


def _page_done(query: bytes) -> str | Literal[False] | None:
    """``done`` of a page's query (``?done=checked-in``); None without a query; False for any
    other query, which the route answers (it reads ``done`` alone, the lane takes no chances)."""
    if not query:
        return None
    name, _, value = query.decode("latin-1").partition("=")
    if name != "done" or "&" in value or value not in DONE:
        return False
    return value


def _is_htmx(scope: Scope) -> bool:
    return any(name == b"hx-request" and value == b"true" for name, value in scope["headers"])


async def _send_html(send: Send, body: bytes, headers: tuple[tuple[str, str], ...]) -> None:
    """A 200 with the section ``body``, and ``headers`` as the page's route gives them."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *((name.lower().encode(), value.encode()) for name, value in headers),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _replaying(read: list[Message], receive: Receive) -> Receive:
    """``receive`` that first gives back the messages the lane already read."""
    pending = list(read)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
