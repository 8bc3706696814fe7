"""A test keyring backend that keeps secrets in a JSON file, so separate `vetta` processes share them.

Only for tests that run several real `vetta` processes (tests/e2e/test_secrets.py): the folder comes
from ``VETTA_TEST_KEYRING_DIR`` and must lie OUTSIDE the data folder being scanned, standing in for
the OS keyring (which is outside Vetta's files too). Select it with
``PYTHON_KEYRING_BACKEND=tests.support.file_keyring.FileKeyring``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

ENV = "VETTA_TEST_KEYRING_DIR"


def _file(folder: Path | None = None) -> Path:
    return (folder or Path(os.environ[ENV])) / "keyring.json"


def entries(folder: Path | None = None) -> dict[str, str]:
    """Every stored secret, keyed ``service\\x1fusername``."""
    path = _file(folder)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return entries().get(f"{service}\x1f{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = entries()
        data[f"{service}\x1f{username}"] = password
        _file().parent.mkdir(parents=True, exist_ok=True)
        _file().write_text(json.dumps(data), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        data = entries()
        if data.pop(f"{service}\x1f{username}", None) is None:
            raise PasswordDeleteError(username)
        _file().write_text(json.dumps(data), encoding="utf-8")
