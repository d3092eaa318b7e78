"""Background work: what runs beside the requests, on a timer, in every ``podium serve`` process
(or alone): the check-out of attendees whose session has ended, the delivery of queued mail,
and, as the issues add them, webhooks and long jobs. Each duty is a loop of rounds; a failed
round is logged and the next one tries again. Several processes may run the same duties: each
round leaves alone what another process already did."""
