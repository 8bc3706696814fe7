"""Choices the parsers offer, kept here so that building the parser imports no service.

They mirror constants of the services (a test checks that they stay equal):
``SORT_COLUMNS``/``RATINGS`` of desktop/services/register.py, ``EXPOSURE_FILTERS`` of
desktop/services/exposure/ (``FILTERS``) and the keys of
``IMPORT_FIELDS`` in desktop/services/register_io.py.
"""

from __future__ import annotations

SORT_COLUMNS = (
    "name", "country", "services", "tier", "status", "latest_rating", "last_signed", "next_review_due", "exposure",
)
EXPOSURE_FILTERS = ("any", "control", "stake", "people", "none")
RATINGS = ("neutral", "conditionally_neutral", "not_neutral", "none")
IMPORT_FIELD_NAMES = (
    "name", "country", "website", "services", "tier", "status", "internal_owner", "tags", "notes", "lei", "vat",
    "next_review_due",
)
