"""The realtime relay: after a commit, the domain events it carried become the messages of the
sessions' channels (``session:<session public id>``), published on the broker.

Messages carry ids and flags only, never text: a channel reaches the audience and the
moderators alike, and a question waiting for moderation must not reach the audience. Listeners
fetch what they show. The messages, by event (``podium.domain_events``):

- CheckedIn, CheckedOut (each session left), CheckinsRemoved: ``{"type": "attendance.changed"}``
  (the hub turns it into ``attendance.count``)
- PollCreated: ``{"type": "poll.created", "poll": <poll public id>}``
- PollOpened / PollClosed: ``{"type": "poll.opened" | "poll.closed", "poll"}``
- PollResultsShown: ``{"type": "poll.results", "poll", "visible": bool}``
- VoteCast: ``{"type": "poll.voted", "poll"}`` (the hub turns it into ``poll.tally``)
- PollReordered: ``{"type": "poll.reordered", "poll"}`` (the moved poll; listeners fetch the
  new order)
- QuestionAsked: ``{"type": "question.asked", "question": <question public id>, "state"}``
- QuestionApproved / QuestionDismissed: ``{"type": "question.approved" |
  "question.dismissed", "question"}``
- QuestionAnswered: ``{"type": "question.answered", "answered": bool, "question"}``
- QuestionPinned: ``{"type": "question.pinned", "pinned": bool, "question"}``
- QuestionUpvoted: ``{"type": "question.upvoted", "question", "upvotes": int}``
- SessionChanged naming ``questions_moderated``: ``{"type": "session.updated", "session":
  <session public id>, "questions_moderated": bool}``
- CodewordAnnounced: ``{"type": "codeword.announced", "field_of_study": <its name>}``

The other events send nothing. Each distinct message is sent once per transaction or
group-commit batch: a hundred votes written in one batch make one ``poll.voted``.
"""

from __future__ import annotations

from podium.domain_events import (
    CheckedIn,
    CheckedOut,
    CheckinsRemoved,
    CodewordAnnounced,
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
from podium.kit.db import Database
from podium.kit.pubsub import Message, session_channel
from podium.kit.subscribers import Committed


def _attendance_changed() -> Message:
    return {"type": "attendance.changed"}


def messages_of(event: object) -> list[tuple[str, Message]]:
    """The ``(channel, message)`` pairs ``event`` is sent as; none for most events."""
    match event:
        case CheckedIn(session_public_id=session) | CheckinsRemoved(session_public_id=session):
            return [(session_channel(session), _attendance_changed())]
        case CheckedOut():
            return [
                (session_channel(session), _attendance_changed())
                for session in event.session_public_ids
            ]
        case VoteCast(session_public_id=session, poll_public_id=poll):
            return [(session_channel(session), {"type": "poll.voted", "poll": poll})]
        case PollCreated(session_public_id=session, poll_public_id=poll):
            return [(session_channel(session), {"type": "poll.created", "poll": poll})]
        case PollOpened(session_public_id=session, poll_public_id=poll):
            return [(session_channel(session), {"type": "poll.opened", "poll": poll})]
        case PollClosed(session_public_id=session, poll_public_id=poll):
            return [(session_channel(session), {"type": "poll.closed", "poll": poll})]
        case PollReordered(session_public_id=session, poll_public_id=poll):
            return [(session_channel(session), {"type": "poll.reordered", "poll": poll})]
        case PollResultsShown(session_public_id=session, poll_public_id=poll, visible=visible):
            message: Message = {"type": "poll.results", "poll": poll, "visible": visible}
            return [(session_channel(session), message)]
        case QuestionAsked(session_public_id=session, question_public_id=question, state=state):
            message = {"type": "question.asked", "question": question, "state": state.value}
            return [(session_channel(session), message)]
        case QuestionApproved(session_public_id=session, question_public_id=question):
            return [(session_channel(session), {"type": "question.approved", "question": question})]
        case QuestionDismissed(session_public_id=session, question_public_id=question):
            message = {"type": "question.dismissed", "question": question}
            return [(session_channel(session), message)]
        case QuestionAnswered(
            session_public_id=session, question_public_id=question, answered=answered
        ):
            message = {"type": "question.answered", "answered": answered, "question": question}
            return [(session_channel(session), message)]
        case QuestionPinned(session_public_id=session, question_public_id=question, pinned=pinned):
            message = {"type": "question.pinned", "pinned": pinned, "question": question}
            return [(session_channel(session), message)]
        case QuestionUpvoted(
            session_public_id=session, question_public_id=question, upvotes=upvotes
        ):
            message = {"type": "question.upvoted", "question": question, "upvotes": upvotes}
            return [(session_channel(session), message)]
        case SessionChanged(session_public_id=session, changed=changed) if (
            SessionFact.QUESTIONS_MODERATED in changed
        ):
            message = {
                "type": "session.updated",
                "session": session,
                "questions_moderated": event.questions_moderated,
            }
            return [(session_channel(session), message)]
        case CodewordAnnounced(session_public_id=session, field_of_study=field):
            message = {"type": "codeword.announced", "field_of_study": field}
            return [(session_channel(session), message)]
    return []


async def publish_messages(committed: Committed) -> None:
    """Publish the messages of what committed on its broker, each distinct one once."""
    broker = committed.broker
    if broker is None:
        return
    sent: set[tuple[str, tuple[tuple[str, object], ...]]] = set()
    for event in committed.events:
        for channel, message in messages_of(event):
            key = (channel, tuple(message.items()))  # plain values, in the order built here
            if key in sent:
                continue
            sent.add(key)
            await broker.publish(channel, message)


def install(database: Database) -> None:
    """Relay ``database``'s committed events to its broker from now on (once, however often
    it is called: several applications may share one database)."""
    database.subscribers.listen_after_commit(publish_messages)
