"""Vetta's storage layer: SQLModel models, engine and unit of work, audit trail, migrations, backups.

This package knows nothing of the application (import-linter enforces it). Importing it is free:
``db.location`` and ``db.filecheck`` serve the program's start-up before SQLAlchemy loads;
``db.engine`` installs the audit-trail hook (``db.audit``) that every session goes through.
"""
