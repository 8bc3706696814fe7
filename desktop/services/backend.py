"""The handle the window holds for its database, the unit of work an operation receives, and the typed
record of what an operation changed.

The user interface never sees SQLAlchemy: it holds a ``Backend`` (an opaque handle it only passes to
services), gives each user action to the operation runner (desktop/ui/operations.py), which opens ONE
``UnitOfWork`` for it off the GUI thread, and broadcasts the ``ChangeSet`` that unit of work actually
wrote. Services called inside join that unit of work (db.engine.unit_of_work), so one action is one
transaction however many services it calls. import-linter keeps sqlalchemy, sqlmodel and db (beyond
db.errors) out of desktop.ui.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NewType

from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.engine import changed_records, default_actor, set_write_guard, unit_of_work

if TYPE_CHECKING:
    from desktop.services.database import DatabaseName

Backend = NewType("Backend", Engine)
"""One open database, as the window holds it: passed to services, never used directly."""


def as_backend(engine: Engine) -> Backend:
    return Backend(engine)


def open_backend(url: str | None = None, **options: Any) -> Backend:
    """Open (and upgrade) the database at ``url`` for the window; see services.database.open_database."""
    from desktop.services.database import open_database

    return Backend(open_database(url, **options))


def close_backend(backend: Backend) -> None:
    """Release the database's connections (the window is closing or switching database)."""
    backend.dispose()


def is_shared(backend: Backend) -> bool:
    """True for a team's PostgreSQL server (who acts is the database login there)."""
    return backend.dialect.name == "postgresql"


def backend_url(backend: Backend) -> str:
    """The database's address without any password, as the window shows it in a tooltip."""
    return backend.url.render_as_string(hide_password=True)


def backend_name(backend: Backend, lang: str | None = None) -> DatabaseName:
    """How the window names the database: a short name, and its full location for a tooltip."""
    from desktop.services.database import database_name

    return database_name(backend.url, lang)


def current_actor(backend: Backend | None = None) -> str:
    """Who is acting on ``backend``: the profile name on SQLite, the database login on PostgreSQL."""
    return default_actor(backend)


def install_write_guard(guard: Callable[[], None] | None) -> None:
    """Run ``guard`` whenever a unit of work starts; the window refuses writes on its GUI thread."""
    set_write_guard(guard)


# --------------------------------------------------------------------------- what changed

# Tables whose rows belong to the vendor register (a vendor's own records, its ownership and
# guarantees) / to assessments / to evidence / to the organisation's settings.
_VENDOR_TABLES = frozenset({
    "vendor", "vendor_tag", "party", "party_identifier", "party_alias", "interest", "contract",
    "certification", "commitment", "data_location", "subprocessor", "vendor_exposure",
    "competitor", "competitor_affiliate", "competitor_match",
})
_ASSESSMENT_TABLES = frozenset({
    "assessment", "answer", "signoff", "assessment_participant", "checklist_template", "checklist_question",
})
_EVIDENCE_TABLES = frozenset({"evidence_file", "evidence_link", "evidence_blob"})
_SETTINGS_TABLES = frozenset({
    "organisation", "competitor", "competitor_affiliate", "trust_root", "signing_identity",
})


@dataclass(frozen=True)
class ChangeSet:
    """What one operation changed, so every view showing that kind of data refreshes.

    ``vendor_id`` names the one vendor changed when the change touched a single vendor; ``tables`` the
    tables written (empty when the change was declared rather than recorded).
    """

    vendors: bool = False
    assessments: bool = False
    evidence: bool = False
    settings: bool = False
    vendor_id: int | None = None
    tables: frozenset[str] = field(default_factory=frozenset, compare=False)  # for the log; not compared

    def touches_vendor(self, vendor_id: int) -> bool:
        return self.vendors and (self.vendor_id is None or self.vendor_id == vendor_id)

    @property
    def empty(self) -> bool:
        return not (self.vendors or self.assessments or self.evidence or self.settings)

    def __or__(self, other: ChangeSet) -> ChangeSet:
        if self.empty:
            return other
        if other.empty:
            return self
        vendor_id = self.vendor_id if self.vendor_id == other.vendor_id else None
        if self.vendors != other.vendors:  # only one side touched vendors: keep its vendor
            vendor_id = self.vendor_id if self.vendors else other.vendor_id
        return ChangeSet(
            vendors=self.vendors or other.vendors,
            assessments=self.assessments or other.assessments,
            evidence=self.evidence or other.evidence,
            settings=self.settings or other.settings,
            vendor_id=vendor_id,
            tables=self.tables | other.tables,
        )

    @classmethod
    def from_records(cls, records: Iterable[tuple[str, int | None]]) -> ChangeSet:
        """The change set of what a unit of work wrote: ``(table, vendor id or None)`` pairs."""
        records = list(records)
        tables = frozenset(t for t, _v in records)
        vendor_rows = [(t, v) for t, v in records if t in _VENDOR_TABLES]
        vendor_ids = {v for _t, v in vendor_rows}
        return cls(
            vendors=bool(vendor_rows),
            assessments=bool(tables & _ASSESSMENT_TABLES),
            evidence=bool(tables & _EVIDENCE_TABLES),
            settings=bool(tables & _SETTINGS_TABLES),
            vendor_id=next(iter(vendor_ids)) if len(vendor_ids) == 1 else None,
            tables=tables,
        )


class UnitOfWork:
    """One user action's transaction, as the work function of an operation receives it.

    Pass ``uow.backend`` to services: they join this unit of work. Everything commits together when
    the work function returns, or nothing does if it raises (or the user cancels and it raises).
    """

    def __init__(self, backend: Backend, session: Session) -> None:
        self.backend = backend
        self._session = session

    @property
    def changes(self) -> ChangeSet:
        """What this unit of work has written so far."""
        return ChangeSet.from_records(changed_records(self._session))


@contextmanager
def open_unit_of_work(backend: Backend, actor: str | None = None) -> Iterator[UnitOfWork]:
    """The operation runner's unit of work: one transaction for one user action."""
    with unit_of_work(backend, actor) as session:
        yield UnitOfWork(backend, session)
