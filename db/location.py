"""Where the database is: the user data folder, the default SQLite file, ``--db`` and the environment.

Light on purpose (standard library and platformdirs only): the program's start-up uses it before
SQLAlchemy is imported. ``db.engine`` re-exports these names.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote

import platformdirs

ENV_URL = "VETTA_DATABASE_URL"
ENV_DATA_DIR = "VETTA_DATA_DIR"
APP_NAME = "Vetta"


def data_dir() -> Path:
    """The per-user data directory (``VETTA_DATA_DIR`` overrides it, e.g. for tests)."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, APP_NAME))


def default_url() -> str:
    return f"sqlite:///{data_dir() / 'vetta.sqlite3'}"


def resolve_url(explicit: str | None = None) -> str:
    """``--db`` beats ``VETTA_DATABASE_URL`` beats the SQLite default."""
    return explicit or os.environ.get(ENV_URL) or default_url()


def plain_sqlite_file(url: str | None) -> Path | None:
    """The SQLite file ``url`` names when that is certain without parsing it fully, else None.

    A plain path or a ``sqlite:///path`` URL without options; anything else (PostgreSQL, options,
    memory databases, odd input) gives None and is left to ``db.engine.parse_url``.
    """
    value = resolve_url(url)
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value) or "?" in value:
        return None
    try:
        if "://" not in value:
            return Path(value).expanduser().resolve()
        if value.startswith("sqlite:///") and len(value) > len("sqlite:///"):
            database = unquote(value[len("sqlite:///"):])
            return None if database == ":memory:" else Path(database)
    except (OSError, ValueError, RuntimeError):
        return None
    return None
