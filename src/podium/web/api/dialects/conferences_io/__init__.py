"""The Conferences i/o App REST API v2 dialect, served at ``/api/v2``.

Field names and envelopes are the vendor's (../shared/specs/conferences-io-api-v2.txt); what the
document left open is written down in docs/dialects/conferences-io.md.
"""
