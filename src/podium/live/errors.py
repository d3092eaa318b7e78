"""Errors of live interaction: polls, votes, questions and upvotes."""

from __future__ import annotations

from podium.kit.errors import ErrorKind, PodiumError


class PollNotFound(PodiumError):
    code = "poll_not_found"
    kind = ErrorKind.NOT_FOUND


class QuestionNotFound(PodiumError):
    code = "question_not_found"
    kind = ErrorKind.NOT_FOUND


class PollStateConflict(PodiumError):
    """A transition the poll's state machine does not allow (e.g. opening an open poll)."""

    code = "poll_state_conflict"
    kind = ErrorKind.CONFLICT


class PollNotOpen(PodiumError):
    code = "poll_not_open"
    kind = ErrorKind.CONFLICT


class AlreadyVoted(PodiumError):
    code = "already_voted"
    kind = ErrorKind.CONFLICT


class QuestionStateConflict(PodiumError):
    """A moderation step the question's state does not allow (e.g. pinning a dismissed one)."""

    code = "question_state_conflict"
    kind = ErrorKind.CONFLICT


class OwnQuestionUpvote(PodiumError):
    """An attendee upvoting the question they asked: upvotes are the rest of the audience's."""

    code = "own_question_upvote"
    kind = ErrorKind.CONFLICT
