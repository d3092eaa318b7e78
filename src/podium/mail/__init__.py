"""Mail: an outbox in the database and its delivery.

A use case that mails someone calls :func:`service.queue_mail` inside its own transaction: the
mail is a row of ``mail_outbox`` that lands with the change or not at all, and no request ever
waits for a mail server. The worker's mail duty claims the rows that are due, sends them (SMTP
when ``PODIUM_SMTP_URL`` is set, otherwise .eml files under ``var/mail/``) outside any
transaction, and marks each sent, or schedules its next try, or gives it up.
"""
