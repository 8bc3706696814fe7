"""Use cases: one function per user action, taking a session scope, returning plain data.

Importing any service installs the staleness hook (desktop/services/staleness.py): a material change
marks the decided assessments it touches stale, in the same transaction.
"""

from desktop.services import staleness as _staleness  # noqa: F401  (installs the before_flush hook)
