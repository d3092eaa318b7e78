"""Proving that a person holds an attendee's email: a one-time code (or a sign-in link from the
same mail) sent to that address, for one device (browser).

Anyone may type any email on a join page, so an attendee that some browser already joined as
is only given to another browser that proves the address; and only a device that proved it
sees the attendee's credits, transcript and certificates. Checking in, codewords and votes
need no proof (a keynote cannot wait for mail).
"""
