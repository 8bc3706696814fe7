"""A keyring backend that is there but refuses to store anything (``NoKeyringError``), as a locked or broken
Secret Service does: Vetta must not treat it as a dead end either (issue 15.2)."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import NoKeyringError, PasswordDeleteError


class RefusingKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NoKeyringError("no keyring service is reachable")

    def delete_password(self, service: str, username: str) -> None:
        raise PasswordDeleteError(username)
