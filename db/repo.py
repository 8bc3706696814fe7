"""Small repository helpers shared by the services."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlmodel import Session, SQLModel

from db.errors import ConflictError, DatabaseError
from db.messages import tr

T = TypeVar("T", bound=SQLModel)


def get_for_update(session: Session, model: type[T], record_id: int, expected_version: int | None) -> T:
    """Load a record to change it, refusing when someone saved it since the caller read it.

    ``expected_version`` is the version the user's form was loaded with; SQLAlchemy's version
    column additionally guards the gap between this read and the UPDATE.
    """
    obj = session.get(model, record_id)
    if obj is None:
        raise DatabaseError(tr("The {record} #{id} no longer exists; someone may have removed it.",
                               record=tr(_label(model)), id=record_id))
    current = getattr(obj, "version", None)
    if expected_version is not None and current != expected_version:
        raise ConflictError(tr(
            "Someone else saved this {record} since you opened it "
            "(your copy is version {expected}, the saved one is version {current}).",
            record=tr(_label(model)), expected=expected_version, current=current,
        ))
    return obj


def _label(model: type[Any]) -> str:
    return str(getattr(model, "__tablename__", model.__name__)).replace("_", " ")
