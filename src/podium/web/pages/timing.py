"""When a session runs, as the pages show it: its date and times in the event's time zone
(:func:`podium.program.service.session_window`), and whether that is now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from podium.models import Event, EventSession
from podium.program.service import session_window
from podium.program.types import PageEvent, PageSession


@dataclass(frozen=True)
class Window:
    """The instants (UTC) a session starts and ends; None for a session without a date."""

    starts: datetime | None
    ends: datetime | None

    def running(self, now: datetime) -> bool:
        return self.starts is not None and self.ends is not None and self.starts <= now < self.ends

    def upcoming(self, now: datetime) -> bool:
        return self.starts is not None and now < self.starts

    @property
    def live_attributes(self) -> dict[str, str]:
        """``data-live-from`` and ``data-live-until`` of a ``[data-live-status]`` element, which
        then says "Live" only while the session runs (podium.js); empty (never "Live") for a
        session without a date."""
        return {
            "data-live-from": _iso(self.starts),
            "data-live-until": _iso(self.ends),
        }


def window(event: Event | PageEvent, session: EventSession | PageSession) -> Window:
    starts, ends = session_window(
        session.date, session.start_time, session.end_time, event.timezone
    )
    return Window(starts=starts, ends=ends)


def _iso(instant: datetime | None) -> str:
    return instant.isoformat().replace("+00:00", "Z") if instant is not None else ""
