"""Who is asking, for the pages and their sockets: the signed identity cookies (attendee, app
password, moderator grants), CSRF protection of every form, and the limits on wrong attempts.
"""
