"""Errors meant for the user: one clear sentence naming the file, place and reason."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or an action that cannot be done; the message is shown as it is."""


class NotFound(UserError):
    """A record named by the user does not exist."""


class ValidationError(UserError):
    """Input failed validation; ``field`` names what, when known."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
