"""The field app (``/field/``): district officers record follow-up visits on a phone, offline.

A server-rendered worklist and visit form (``views``), a progressive web app around them (the
manifest, the service worker and the outbox script are static files under ``static/field/``) and
the sync endpoint the outbox posts to (``services.visits_sync``). Part of the programme layer:
it imports ``programs`` and core, and nothing below imports it. ``docs/field.md`` describes it.
"""
