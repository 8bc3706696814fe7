"""Vetta's storage layer: SQLModel models, engine and unit of work, audit trail, migrations, backups.

This package knows nothing of the application (import-linter enforces it).
"""

from db import audit as _audit  # noqa: F401  (installs the audit-trail hook)
