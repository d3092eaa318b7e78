"""Use cases of the program: sessions with their room, presenters, fields of study, codewords."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError

from podium.domain_events import SessionChanged, SessionFact
from podium.enums import DeliveryFormat
from podium.kit import ids
from podium.kit.changes import KEEP, Change
from podium.kit.choices import parse_choice
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.kit.timeparse import date_out_of_range
from podium.kit.writer import Work
from podium.models import (
    Codeword,
    Event,
    EventSession,
    FieldOfStudy,
    Presenter,
    Room,
    SessionPresenter,
)
from podium.program import repository
from podium.program.announcements import AnnouncedCodeword as AnnouncedCodeword
from podium.program.announcements import announce_codeword as announce_codeword
from podium.program.announcements import latest_announcements as latest_announcements
from podium.program.errors import FieldOfStudyNotFound, SessionNotFound
from podium.program.schedule import ScheduledSession as ScheduledSession
from podium.program.schedule import as_scheduled as as_scheduled
from podium.program.schedule import load_schedule as load_schedule
from podium.program.schedule import schedule_version as schedule_version
from podium.program.types import (
    FieldOfStudyDraft,
    PresenterRef,
    SessionChanges,
    SessionDraft,
    VisitedPage,
    VisitedSession,
    text_key,
)
from podium.program.window import session_window as session_window

_NAME_LENGTH = 500
_TEXT_LENGTH = 255
_MAX_CREDITS = Decimal("99999999.9999")
_CREDIT_DECIMALS = 4
_PUBLIC_ID_ATTEMPTS = 10

# Short text columns of a session and whether surrounding whitespace is dropped. Passwords are
# kept exactly as given, like the event's.
_SHORT_TEXT = {
    "external_id": True,
    "access_code": True,
    "checkin_code": True,
    "checkout_code": True,
    "moderator_password": False,
}
# Fields of SessionDraft/SessionChanges that are not plain columns of EventSession.
_NOT_COLUMNS = frozenset({"location", "presenters", "fields_of_study"})
# the columns that decide when a session runs, and so its attendees' time
_TIMES = frozenset({"date", "start_time", "end_time"})


# --- reading -------------------------------------------------------------------------------


async def get_session(uow: UnitOfWork, *, event: Event, public_id: str) -> EventSession:
    """The session ``public_id`` of ``event``; SessionNotFound for another event's session."""
    session = await repository.find_session(uow, event=event, public_id=public_id)
    if session is None:
        raise SessionNotFound(f'There is no session with the id "{public_id}" in this app.')
    return session


def visited_session(
    work: Work, *, event_id: int, event_uri: str, session_public_id: str
) -> VisitedSession | None:
    """The session at a page's address, read in a group-commit job (see
    :func:`podium.program.repository.visited_session`)."""
    return repository.visited_session(
        work, event_id=event_id, event_uri=event_uri, session_public_id=session_public_id
    )


def visited_page(
    work: Work, *, event_id: int, event_uri: str, session_public_id: str
) -> VisitedPage | None:
    """The event and session at a session page's address as the page shows them, read in a
    read job (see :func:`podium.program.repository.visited_page`)."""
    return repository.visited_page(
        work, event_id=event_id, event_uri=event_uri, session_public_id=session_public_id
    )


async def load_session(
    uow: UnitOfWork, *, event: Event, public_id: str, with_codewords: bool = False
) -> EventSession:
    """:func:`get_session` with its room, presenters and fields of study (and, when asked, the
    fields' codewords) loaded."""
    session = await repository.find_session_with_details(
        uow, event=event, public_id=public_id, with_codewords=with_codewords
    )
    if session is None:
        raise SessionNotFound(f'There is no session with the id "{public_id}" in this app.')
    return session


async def list_sessions(uow: UnitOfWork, *, event: Event) -> list[EventSession]:
    """Every session of ``event`` with its room, presenters and fields of study, by date, start
    time, name and creation (no date or start time last). A fixed number of queries."""
    return await repository.list_sessions(uow, event=event)


# --- writing -------------------------------------------------------------------------------


async def create_session(uow: UnitOfWork, *, event: Event, draft: SessionDraft) -> EventSession:
    """Create a session in ``event``.

    Makes the room named by ``location`` when the event has none of that name, and the
    presenters the draft names that the event does not have yet (see PresenterRef); updates the
    presenters referred to by id. Validates everything before writing anything; flushes.
    """
    draft_values = {
        f.name: getattr(draft, f.name) for f in fields(draft) if f.name not in _NOT_COLUMNS
    }
    if not draft.name.strip():
        raise InvalidInput("name: a session needs a name", field="name")
    columns = _validated_columns(draft_values)
    _check_times(columns["start_time"], columns["end_time"])
    location = _location(draft.location)
    fields_of_study = _validated_fields_of_study(draft.fields_of_study)
    steps, chosen = await _plan_presenters(uow, event=event, refs=draft.presenters)
    public_id = await _new_public_id(uow)

    room = await _room(uow, event=event, name=location) if location else None
    presenters = await _carry_out(uow, event=event, steps=steps, chosen=chosen)
    session = EventSession(event_id=event.id, public_id=public_id, room=room, **columns)
    session.presenter_links = [
        SessionPresenter(presenter=presenter, position=position)
        for position, presenter in enumerate(presenters)
    ]
    session.fields_of_study = _replace_fields_of_study([], fields_of_study)
    uow.session.add(session)
    await uow.session.flush()
    return session


async def update_session(
    uow: UnitOfWork, *, event: Event, session: EventSession, changes: SessionChanges
) -> EventSession:
    """Apply a partial update to ``session``; fields left KEEP do not change.

    ``presenters`` and ``fields_of_study`` replace the lists; a field of study whose name stays
    (case-insensitively) keeps its row, so its codewords and the attendees' codeword submissions
    and credit adjustments stay too; fields of study that go are deleted with all of those.
    Makes rooms and presenters as :func:`create_session` does. Validates everything before
    writing anything; flushes. A change of the session's date, times or fields of study emits
    SessionChanged (naming which), whose reaction recomputes its attendees' credits. Returns
    the session with its room, presenters and fields loaded.
    """
    if session.event_id != event.id:
        raise SessionNotFound(f'There is no session with the id "{session.public_id}" in this app.')
    values = {
        f.name: getattr(changes, f.name)
        for f in fields(changes)
        if f.name not in _NOT_COLUMNS and getattr(changes, f.name) is not KEEP
    }
    if "name" in values and (values["name"] is None or not str(values["name"]).strip()):
        raise InvalidInput("name: a session's name cannot be blank or unset", field="name")
    columns = _validated_columns(values)
    _check_times(
        columns.get("start_time", session.start_time), columns.get("end_time", session.end_time)
    )
    location = KEEP if changes.location is KEEP else _location(changes.location)
    fields_of_study = (
        KEEP
        if changes.fields_of_study is KEEP
        else _validated_fields_of_study(changes.fields_of_study)
    )
    plan = (
        None
        if changes.presenters is KEEP
        else await _plan_presenters(uow, event=event, refs=changes.presenters)
    )
    session = await repository.reload_session_with_details(uow, session=session)

    if location is not KEEP:
        session.room = await _room(uow, event=event, name=location) if location else None
    for column, value in columns.items():
        setattr(session, column, value)
    if plan is not None:
        presenters = await _carry_out(uow, event=event, steps=plan[0], chosen=plan[1])
        links = {link.presenter_id: link for link in session.presenter_links}
        replaced: list[SessionPresenter] = []
        for position, presenter in enumerate(presenters):
            link = links.get(presenter.id) or SessionPresenter(presenter=presenter)
            link.position = position
            replaced.append(link)
        session.presenter_links = replaced
    if fields_of_study is not KEEP:
        session.fields_of_study = _replace_fields_of_study(session.fields_of_study, fields_of_study)
    await uow.session.flush()
    changed = set()
    if _TIMES.intersection(columns):
        changed.add(SessionFact.TIMES)
    if fields_of_study is not KEEP:
        changed.add(SessionFact.FIELDS_OF_STUDY)
    if changed:
        await uow.emit(_session_changed(session, changed))
    return session


def _session_changed(session: EventSession, changed: set[SessionFact]) -> SessionChanged:
    return SessionChanged(
        event_id=session.event_id,
        session_id=session.id,
        session_public_id=session.public_id,
        changed=frozenset(changed),
        questions_moderated=session.questions_moderated,
    )


async def delete_session(uow: UnitOfWork, *, session: EventSession) -> None:
    """Delete ``session``. Its presenter links, fields of study, codewords, check-ins, polls,
    questions and evaluation responses go with it (database cascades); the event's presenters
    and rooms stay. Flushes."""
    await uow.session.delete(session)
    await uow.session.flush()


async def set_codewords(
    uow: UnitOfWork, *, session: EventSession, field_of_study_name: str, words: Sequence[str]
) -> FieldOfStudy:
    """Replace the codewords of the session's field of study named ``field_of_study_name``
    (case-insensitively) by ``words``, in order.

    Words are trimmed and deduplicated case-insensitively (the first spelling wins); a blank word
    is refused; an empty list removes them all. A word that stays keeps its row, so attendees who
    already submitted it keep it as valid. Flushes; emits SessionChanged (codewords), whose
    reaction recomputes the session's attendees' credits. Returns the field with its codewords.
    """
    cleaned: dict[str, str] = {}
    for index, word in enumerate(words):
        spelled = word.strip()
        if not spelled:
            raise InvalidInput(f"words[{index}]: a codeword cannot be blank", field="words")
        _check_length(spelled, field=f"words[{index}]", limit=_TEXT_LENGTH)
        cleaned.setdefault(text_key(spelled), spelled)
    field = await repository.find_field_of_study(
        uow, session=session, name_key=text_key(field_of_study_name)
    )
    if field is None:
        raise FieldOfStudyNotFound(
            f'The session has no field of study named "{field_of_study_name}".',
            field="field_of_study_name",
        )
    existing = {codeword.word_key: codeword for codeword in field.codewords}
    replaced: list[Codeword] = []
    for position, (key, spelled) in enumerate(cleaned.items()):
        codeword = existing.get(key) or Codeword(word_key=key)
        codeword.word = spelled
        codeword.position = position
        replaced.append(codeword)
    field.codewords = replaced
    await uow.session.flush()
    await uow.emit(_session_changed(session, {SessionFact.CODEWORDS}))
    return field


def validate_fields_of_study(drafts: Sequence[FieldOfStudyDraft]) -> None:
    """InvalidInput naming the first field of study that cannot be stored (blank or repeated
    name, credits negative, too large or with more than 4 decimals); else nothing."""
    _validated_fields_of_study(drafts)


# --- validation ----------------------------------------------------------------------------


def _check_length(value: str, *, field: str, limit: int) -> None:
    if len(value) > limit:
        raise InvalidInput(
            f"{field}: {len(value)} characters is too long; use at most {limit}", field=field
        )


def _validated_columns(values: Mapping[str, Any]) -> dict[str, Any]:
    """The session's column values from a draft's or a change set's, checked and normalized."""
    columns: dict[str, Any] = {}
    for column, value in values.items():
        if column == "name":
            name = str(value).strip()
            _check_length(name, field="name", limit=_NAME_LENGTH)
            columns[column] = name
        elif column in _SHORT_TEXT:
            text = value.strip() if value is not None and _SHORT_TEXT[column] else value
            if text is not None and text.strip():
                _check_length(text, field=column, limit=_TEXT_LENGTH)
            columns[column] = text if text is not None and text.strip() else None
        elif column == "description":
            columns[column] = value if value is not None and value.strip() else None
        elif column == "delivery_format":
            columns[column] = _delivery_format(value)
        elif column == "learning_objectives":
            objectives = [item.strip() for item in value or ()]
            columns[column] = [item for item in objectives if item] or None
        elif column in ("checkin_required", "checkout_required"):
            columns[column] = bool(value)
        elif column == "date" and value is not None:
            _check_date(value, field="date")
            columns[column] = value
        else:
            columns[column] = value
    return columns


def _check_date(value: dt.date, *, field: str) -> None:
    out_of_range = date_out_of_range(value)
    if out_of_range is not None:
        raise InvalidInput(f"{field}: {out_of_range}", field=field)


def _delivery_format(value: str | None) -> str | None:
    if value is None:
        return None
    return parse_choice(
        DeliveryFormat, value, field="delivery_format", noun="a delivery format"
    ).value


def _check_times(start: dt.time | None, end: dt.time | None) -> None:
    if start is not None and end is not None and end < start:
        raise InvalidInput(
            f"end_time: the session cannot end ({end:%H:%M:%S}) before it starts "
            f"({start:%H:%M:%S})",
            field="end_time",
        )


def _location(name: str | None) -> str | None:
    if name is None or not name.strip():
        return None
    location = name.strip()
    _check_length(location, field="location", limit=_TEXT_LENGTH)
    return location


@dataclass(frozen=True)
class _FieldOfStudyValues:
    name: str
    key: str
    credits: Decimal


def _validated_fields_of_study(drafts: Sequence[FieldOfStudyDraft]) -> list[_FieldOfStudyValues]:
    validated: list[_FieldOfStudyValues] = []
    keys: set[str] = set()
    for index, draft in enumerate(drafts):
        name = draft.name.strip()
        if not name:
            raise InvalidInput(
                f"fields_of_study[{index}].name: a field of study needs a name",
                field="fields_of_study",
            )
        _check_length(name, field=f"fields_of_study[{index}].name", limit=_TEXT_LENGTH)
        key = text_key(name)
        if key in keys:
            raise InvalidInput(
                f'fields_of_study[{index}].name: "{name}" is listed twice; list each field of '
                "study once",
                field="fields_of_study",
            )
        keys.add(key)
        validated.append(_FieldOfStudyValues(name, key, _credits(draft.credits, index=index)))
    return validated


def _credits(value: Decimal, *, index: int) -> Decimal:
    exponent = value.normalize().as_tuple().exponent if value.is_finite() else None
    if (
        not isinstance(exponent, int)
        or value < 0
        or value > _MAX_CREDITS
        or exponent < -_CREDIT_DECIMALS
    ):
        raise InvalidInput(
            f'fields_of_study[{index}].credits: "{value}" is not usable; give a number from 0 to '
            f"{_MAX_CREDITS} with at most {_CREDIT_DECIMALS} decimals",
            field="fields_of_study",
        )
    # fixed-point ("100", not "1E+2") so that both databases store the same text
    return Decimal(format(value.normalize(), "f")) if value != 0 else Decimal(0)


def _replace_fields_of_study(
    current: Sequence[FieldOfStudy], wanted: Sequence[_FieldOfStudyValues]
) -> list[FieldOfStudy]:
    """The new list: rows of names that stay are reused (with their codewords), others made."""
    existing = {field.name_key: field for field in current}
    replaced: list[FieldOfStudy] = []
    for position, values in enumerate(wanted):
        field = existing.get(values.key)
        if field is None:
            field = FieldOfStudy(name_key=values.key, codewords=[])
        field.name = values.name
        field.credits = values.credits
        field.position = position
        replaced.append(field)
    return replaced


# --- presenters ----------------------------------------------------------------------------


@dataclass
class _PlannedPresenter:
    """A presenter as it will be once the list is carried out; ``presenter`` None: to be made."""

    presenter: Presenter | None
    name: str
    external_id: str | None


@dataclass(frozen=True)
class _Step:
    """Set ``planned`` to (name, external_id), making it when it does not exist yet."""

    planned: _PlannedPresenter
    name: str
    external_id: str | None


@dataclass(frozen=True)
class _CleanRef:
    public_id: str | None
    name: str | None
    external_id: Change[str | None]


def _clean_ref(index: int, ref: PresenterRef) -> _CleanRef:
    public_id = (ref.public_id or "").strip() or None
    name = (ref.name or "").strip() or None
    external_id: Change[str | None] = ref.external_id
    if isinstance(external_id, str):
        external_id = external_id.strip() or None
    if name is not None:
        _check_length(name, field=f"presenters[{index}].name", limit=_TEXT_LENGTH)
    if isinstance(external_id, str):
        _check_length(external_id, field=f"presenters[{index}].external_id", limit=_TEXT_LENGTH)
    if public_id is None and name is None and not isinstance(external_id, str):
        raise InvalidInput(
            f"presenters[{index}]: give the presenter's name, external_id or id",
            field="presenters",
        )
    return _CleanRef(public_id, name, external_id)


async def _plan_presenters(
    uow: UnitOfWork, *, event: Event, refs: Sequence[PresenterRef]
) -> tuple[list[_Step], list[_PlannedPresenter]]:
    """Resolve ``refs`` against the event's presenters without changing anything.

    Returns the changes to carry out, in order, and the session's presenters (deduplicated, in
    the order first named). Each ref is resolved against the state the earlier ones leave, so a
    presenter renamed or made by one ref is found by a later one.
    """
    cleaned = [_clean_ref(index, ref) for index, ref in enumerate(refs)]
    candidates = await repository.presenters_matching(
        uow,
        event=event,
        public_ids={ref.public_id for ref in cleaned if ref.public_id},
        external_ids={ref.external_id for ref in cleaned if isinstance(ref.external_id, str)},
        name_keys={text_key(ref.name) for ref in cleaned if ref.name},
    )
    known = [_PlannedPresenter(p, p.name, p.external_id) for p in candidates]
    by_public_id = {planned.presenter.public_id: planned for planned in known if planned.presenter}
    steps: list[_Step] = []
    chosen: list[_PlannedPresenter] = []

    def with_external_id(external_id: str) -> _PlannedPresenter | None:
        return next((p for p in known if p.external_id == external_id), None)

    def with_name(name: str) -> _PlannedPresenter | None:
        key = text_key(name)
        return next((p for p in known if text_key(p.name) == key), None)

    for index, ref in enumerate(cleaned):
        if ref.public_id is not None:
            found = by_public_id.get(ref.public_id)
            if found is None:
                raise InvalidInput(
                    f'presenters[{index}].id: there is no presenter with the id "{ref.public_id}" '
                    "in this app",
                    field="presenters",
                )
            name = ref.name or found.name
            external_id = found.external_id if ref.external_id is KEEP else ref.external_id
            holder = with_external_id(external_id) if external_id is not None else None
            if holder is not None and holder is not found:
                raise InvalidInput(
                    f'presenters[{index}].external_id: the presenter "{holder.name}" already has '
                    f'the external_id "{external_id}"',
                    field="presenters",
                )
            if (name, external_id) != (found.name, found.external_id):
                found.name, found.external_id = name, external_id
                steps.append(_Step(found, name, external_id))
            planned = found
        elif isinstance(ref.external_id, str):
            existing = with_external_id(ref.external_id)
            if existing is None:
                if ref.name is None:
                    raise InvalidInput(
                        f"presenters[{index}].name: there is no presenter with the external_id "
                        f'"{ref.external_id}" in this app; give a name to create one',
                        field="presenters",
                    )
                existing = _PlannedPresenter(None, ref.name, ref.external_id)
                known.append(existing)
                steps.append(_Step(existing, ref.name, ref.external_id))
            planned = existing
        else:
            assert ref.name is not None  # _clean_ref refuses a ref with nothing to go by
            existing = with_name(ref.name)
            if existing is None:
                existing = _PlannedPresenter(None, ref.name, None)
                known.append(existing)
                steps.append(_Step(existing, ref.name, None))
            planned = existing
        if not any(planned is other for other in chosen):
            chosen.append(planned)
    return steps, chosen


async def _carry_out(
    uow: UnitOfWork, *, event: Event, steps: Sequence[_Step], chosen: Sequence[_PlannedPresenter]
) -> list[Presenter]:
    """Make and update presenters as planned, one step at a time, so that an external id that
    moves from one presenter to another is never held by two at once."""
    for step in steps:
        presenter = step.planned.presenter
        if presenter is None:
            step.planned.presenter = await _add_presenter(
                uow, event=event, name=step.name, external_id=step.external_id
            )
            continue
        presenter.name = step.name
        presenter.name_key = text_key(step.name)
        presenter.external_id = step.external_id
        await uow.session.flush()
    made = [planned.presenter for planned in chosen if planned.presenter is not None]
    assert len(made) == len(chosen), "every presenter of the list was found or made above"
    return made


async def _add_presenter(
    uow: UnitOfWork, *, event: Event, name: str, external_id: str | None
) -> Presenter:
    presenter = Presenter(
        event_id=event.id,
        public_id=ids.presenter_id(),
        name=name,
        name_key=text_key(name),
        external_id=external_id,
    )
    if external_id is None:
        uow.session.add(presenter)
        await uow.session.flush()
        return presenter
    try:
        async with uow.session.begin_nested():
            uow.session.add(presenter)
    except IntegrityError:
        # Another transaction made a presenter with this external id since we looked.
        existing = await repository.find_presenter_by_external_id(
            uow, event=event, external_id=external_id
        )
        if existing is None:
            raise
        return existing
    return presenter


# --- rooms and ids -------------------------------------------------------------------------


async def _room(uow: UnitOfWork, *, event: Event, name: str) -> Room:
    """The event's room called ``name`` (the same spelling first, else case-insensitively),
    made when there is none."""
    rooms = await repository.rooms_of_event(uow, event=event)
    found = next((room for room in rooms if room.name == name), None) or next(
        (room for room in rooms if text_key(room.name) == text_key(name)), None
    )
    if found is not None:
        return found
    room = Room(event_id=event.id, name=name)
    try:
        async with uow.session.begin_nested():
            uow.session.add(room)
    except IntegrityError:
        # Another transaction made this room since we looked.
        existing = await repository.find_room(uow, event=event, name=name)
        if existing is None:
            raise
        return existing
    return room


async def _new_public_id(uow: UnitOfWork) -> str:
    for _attempt in range(_PUBLIC_ID_ATTEMPTS):
        candidate = ids.session_id()
        if not await repository.session_public_id_taken(uow, candidate):
            return candidate
    raise RuntimeError(f"no free session id after {_PUBLIC_ID_ATTEMPTS} attempts")
