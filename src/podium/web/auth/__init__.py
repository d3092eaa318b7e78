"""Who is asking, for the pages and their sockets: the signed identity cookies (attendee and
whether it proved its email, app password, moderator grants), CSRF protection of every form,
the limits on wrong attempts (per event), and the one password login flow (``logins``) that
the moderator pages, the kiosk and the organizers' console use.
"""
