"""Routes of the attendee pages, mounted under ``/e``:

- ``GET /`` the events; ``GET /{event}`` an event's home (app password, join, schedule);
  ``POST /{event}/password``, ``/join``, ``/leave`` (``home.py``);
- ``GET /{event}/s/{session}`` a session's page and ``…/fragments/{name}`` its sections
  (``page.py``);
- ``POST /{event}/s/{session}/checkin``, ``/checkout``, ``/codewords``,
  ``/polls/{poll}/vote``, ``/questions``, ``/questions/{question}/upvote``, ``/evaluation``,
  ``/note`` (``actions.py``);
- ``GET /{event}/credits`` the attendee's transcript, "My credits" (``credits.py``), for a
  browser that proved the attendee's email;
- ``GET``/``POST /{event}/verify``, ``POST …/verify/resend``, ``…/verify/send``, ``GET``/``POST
  /{event}/signin/{token}``: proving the email with a mailed code or link (``verification.py``).
"""

from __future__ import annotations

from fastapi import APIRouter

from podium.web.pages.attendee import actions, credits, home, page, verification

router = APIRouter()
# each module's router is a page_router(): its routes keep their transaction and CSRF check
for module in (home, verification, page, actions, credits):
    router.include_router(module.router)
