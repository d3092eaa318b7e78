"""The pages people use during an event: join, session, moderator, screen and kiosk.

Server-rendered Jinja2 with htmx; every form also works as a plain POST without JavaScript.
"""
