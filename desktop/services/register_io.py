"""Import vendors from CSV/XLSX (column mapping, dry run, all or nothing) and export the register.

``plan_import`` reads the file, maps its columns to vendor fields and checks every row without
touching the database; ``import_vendors`` does the same then writes every accepted row in one
transaction, refusing to write anything when any row is rejected.

One party per real entity: a row is matched against the register (LEI or VAT, then name, then alias,
desktop/services/identifiers.py). A party already there that is not yet a vendor becomes the vendor
(nothing is duplicated); a row that is already a vendor is rejected; a row that only looks like a
party of the register is imported as a new party and listed in ``ImportPlan.notes`` so the user sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.engine import read_session, unit_of_work
from db.models import Party, Vendor, search_key
from desktop.core.errors import UserError
from desktop.core.i18n import N_, ntr, tr
from desktop.core.tabular import Table, read_table, write_table
from desktop.services.identifiers import Incoming, match_incoming
from desktop.services.register import RegisterQuery, flag_label, register_rows
from desktop.services.vendors import VendorForm, create_vendor_in, make_vendor_of, validate_form

Progress = Callable[[int, int], None]  # (done, total)
Cancelled = Callable[[], bool]

# Field -> header names recognised automatically (case-free).
IMPORT_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "legal name", "vendor", "vendor name", "supplier", "company", "nombre", "razón social",
             "razon social", "proveedor"),
    "country": ("country", "country code", "país", "pais"),
    "website": ("website", "web", "url", "sitio web"),
    "services": ("services", "service", "servicios"),
    "tier": ("tier", "criticality", "criticality tier", "criticidad"),
    "status": ("status", "estado"),
    "internal_owner": ("internal owner", "owner", "responsable"),
    "tags": ("tags", "etiquetas"),
    "notes": ("notes", "notas", "comments"),
    "lei": ("lei",),
    "vat": ("vat", "vat number", "nif", "cif", "nif-iva", "iva"),
    "next_review_due": ("next review due", "next review", "próxima revisión", "proxima revision"),
}
EXPORT_HEADERS = ("Name", "Country", "Services", "Tier", "Status", "Internal owner", "Latest rating",
                  "Last signed assessment", "Next review due", "Flags")


_CONTROL = frozenset(chr(c) for c in (*range(32), 127))
_HOW = {"identifier": N_("the same identifier"), "name": N_("the same name"), "alias": N_("a recorded alias")}


@dataclass(frozen=True)
class Rejection:
    row: int  # row number in the file (header is row 1)
    column: str  # the file's column name ('' when the whole row)
    reason: str

    def sentence(self) -> str:
        if self.column:
            return tr("row {row}, column {column}: {reason}", row=self.row, column=repr(self.column),
                      reason=self.reason)
        return tr("row {row}: {reason}", row=self.row, reason=self.reason)


@dataclass
class ImportPlan:
    path: str
    headers: list[str]
    mapping: dict[str, str]  # file column -> field
    accepted: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    preview: list[dict[str, str]] = field(default_factory=list)  # first rows, by field
    imported: int = 0
    dry_run: bool = True
    # one party per real entity: rows that are a party already in the register (it becomes the vendor),
    # and rows that look like one without certainty (a new party is created; check them)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.accepted + len({r.row for r in self.rejections})


def auto_mapping(headers: list[str]) -> dict[str, str]:
    """File column -> field for the columns whose header Vetta recognises."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        key = " ".join(header.casefold().replace("_", " ").split())
        for fld, names in IMPORT_FIELDS.items():
            if fld not in taken and (key == fld.replace("_", " ") or key in names):
                out[header] = fld
                taken.add(fld)
                break
    return out


def _resolve_mapping(path: str, table: Table, overrides: Mapping[str, str] | None) -> dict[str, str]:
    mapping = auto_mapping(table.headers)
    by_fold = {h.casefold(): h for h in table.headers}
    for column, fld in (overrides or {}).items():
        header = by_fold.get(column.casefold())
        if header is None:
            raise UserError(tr("The file {path} has no column {column} (columns: {headers}).",
                               path=repr(path), column=repr(column), headers=', '.join(table.headers)))
        if fld in ("", "-", "ignore"):
            mapping.pop(header, None)
            continue
        if fld not in IMPORT_FIELDS:
            raise UserError(tr("{fld} is not a vendor field; use one of {import_fields}.",
                               fld=repr(fld), import_fields=', '.join(IMPORT_FIELDS)))
        for other, f in list(mapping.items()):
            if f == fld:
                mapping.pop(other)
        mapping[header] = fld
    if "name" not in mapping.values():
        raise UserError(tr("The file {path} has no column mapped to the vendor name; map one with --map "
                           "COLUMN=name.", path=repr(path)))
    return mapping


def _form(values: dict[str, str]) -> tuple[VendorForm, dict[str, str]]:
    errors: dict[str, str] = {}
    due: date | None = None
    if values.get("next_review_due"):
        try:
            due = date.fromisoformat(values["next_review_due"])
        except ValueError:
            errors["next_review_due"] = tr("{value} is not a date (YYYY-MM-DD).", value=repr(values['next_review_due']))
    tags = [t.strip() for t in values.get("tags", "").replace(";", ",").split(",") if t.strip()]
    form = VendorForm(
        name=values.get("name", "").strip(), country=values.get("country", "").strip().upper(),
        website=values.get("website", ""), services=values.get("services", ""),
        tier=(values.get("tier") or "medium").strip().lower(), status=(values.get("status") or "prospect").strip().lower(),
        internal_owner=values.get("internal_owner", ""), tags=tags, notes=values.get("notes", ""),
        lei=values.get("lei", "").replace(" ", "").upper(), vat=values.get("vat", "").replace(" ", "").upper(),
        next_review_due=due)
    errors.update(validate_form(form))
    return form, errors


def _resolve_row(session: Session, form: VendorForm, row_no: int, plan: ImportPlan,
                 vendor_parties: set[int]) -> tuple[int | None, str | None]:
    """(the register's party this row is, or None for a new one; a reason to reject the row, or None)."""
    identifiers = [(scheme, value, None) for scheme, value in (("LEI", form.lei), ("VAT", form.vat)) if value]
    found = match_incoming(session, Incoming("entity", form.name, identifiers))
    if found.party is not None and found.party.id is not None:
        if found.party.id in vendor_parties:
            if found.how == "identifier" and search_key(found.party.name) != search_key(form.name):
                return None, tr("its identifier belongs to the vendor {name}, already in the register.",
                                name=repr(found.party.name))
            return None, tr("A vendor named {name} is already in the register.", name=repr(found.party.name))
        plan.notes.append(tr("row {row}: {name} is {party}, already in the register (found by {how}); it becomes a "
                             "vendor.", row=row_no, name=repr(form.name), party=repr(found.party.name),
                             how=tr(_HOW.get(found.how, found.how))))
        return int(found.party.id), None
    if not found.certain:
        if any(p.id in vendor_parties for p in found.candidates):
            return None, tr("it may be a vendor already in the register: {reason}.", reason=found.reason)
        plan.notes.append(tr("row {row}: {name} may be a party already in the register ({reason}); a new party is "
                             "created for it.", row=row_no, name=repr(form.name), reason=found.reason))
    return None, None


def _check(engine: Engine, path: Path, overrides: Mapping[str, str] | None,
           progress: Progress | None, cancelled: Cancelled | None
           ) -> tuple[ImportPlan, list[tuple[VendorForm, int | None]]]:
    table = read_table(path)
    mapping = _resolve_mapping(str(path), table, overrides)
    column_of = {fld: header for header, fld in mapping.items()}
    index = {h: i for i, h in enumerate(table.headers)}
    plan = ImportPlan(str(path), table.headers, mapping)
    with read_session(engine) as session:
        return _check_rows(session, table, mapping, column_of, index, plan, progress, cancelled)


def _check_rows(session: Session, table: Table, mapping: dict[str, str], column_of: dict[str, str],
                index: dict[str, int], plan: ImportPlan, progress: Progress | None, cancelled: Cancelled | None
                ) -> tuple[ImportPlan, list[tuple[VendorForm, int | None]]]:
    vendor_parties = {int(pid) for pid in session.exec(select(col(Vendor.party_id)))}
    seen: dict[str, int] = {}
    seen_lei: dict[str, int] = {}
    forms: list[tuple[VendorForm, int | None]] = []
    total = len(table.rows)
    for n, raw in enumerate(table.rows):
        if cancelled is not None and cancelled():
            raise UserError(tr("The import was cancelled; nothing was written."))
        if progress is not None and n % 200 == 0:
            progress(n, total)
        row_no = n + 2
        if not any(raw):
            continue
        values = {fld: raw[index[header]] for header, fld in mapping.items()}
        if len(plan.preview) < 20:
            plan.preview.append(values)
        form, errors = _form(values)
        for fld, value in values.items():  # NUL and other control characters (PostgreSQL refuses NUL)
            bad = next((ch for ch in value if ch in _CONTROL and not (fld == "notes" and ch in "\t\n\r")), None)
            if bad is not None:
                errors.setdefault(fld, tr("the value contains the control character U+{code}; remove it.",
                                          code=f"{ord(bad):04X}"))
        key = search_key(form.name)
        party_id: int | None = None
        if form.name and key in seen:
            errors.setdefault("name", tr("The vendor {name} is already on row {row} of this file.",
                                         name=repr(form.name), row=seen[key]))
        elif form.lei and form.lei in seen_lei:
            errors.setdefault("lei", tr("the LEI {lei} is already on row {row} of this file.", lei=form.lei,
                                        row=seen_lei[form.lei]))
        elif form.name and not errors:
            party_id, reason = _resolve_row(session, form, row_no, plan, vendor_parties)
            if reason:
                errors.setdefault("name", reason)
        if errors:
            for fld, reason in errors.items():
                plan.rejections.append(Rejection(row_no, column_of.get(fld, ""), reason))
            continue
        seen[key] = row_no
        if form.lei:
            seen_lei[form.lei] = row_no
        forms.append((form, party_id))
        plan.accepted += 1
    if progress is not None:
        progress(total, total)
    return plan, forms


def plan_import(engine: Engine, path: Path, mapping: Mapping[str, str] | None = None,
                progress: Progress | None = None, cancelled: Cancelled | None = None) -> ImportPlan:
    """Dry run: what would be imported and every row that would be rejected, and why."""
    plan, _forms = _check(engine, path, mapping, progress, cancelled)
    return plan


def import_vendors(engine: Engine, path: Path, mapping: Mapping[str, str] | None = None, *, dry_run: bool = False,
                   actor: str | None = None, progress: Progress | None = None,
                   cancelled: Cancelled | None = None) -> ImportPlan:
    """Import the vendors of ``path`` in one transaction; nothing is written if any row is rejected."""
    plan, forms = _check(engine, path, mapping, progress, cancelled)
    plan.dry_run = dry_run
    if dry_run:
        return plan
    if plan.rejections:
        first = plan.rejections[0]
        rejected = len({r.row for r in plan.rejections})
        raise UserError(ntr("Nothing was imported from {path}: {count} row would be rejected, at {first}",
                            "Nothing was imported from {path}: {count} rows would be rejected, the first at {first}",
                            rejected, path=repr(str(path)), count=rejected, first=first.sentence()))
    if not forms:
        raise UserError(tr("The file {path} has no vendor rows to import.", path=repr(str(path))))
    with unit_of_work(engine, actor) as session:
        for n, (form, party_id) in enumerate(forms):
            if cancelled is not None and cancelled():
                raise UserError(tr("The import was cancelled; nothing was written."))
            party = session.get(Party, party_id) if party_id is not None else None
            if party is not None:
                make_vendor_of(session, party, form)
            else:
                create_vendor_in(session, form)
            if progress is not None and n % 100 == 0:
                progress(n, len(forms))
    plan.imported = len(forms)
    return plan


def export_vendors(engine: Engine, path: Path, query: RegisterQuery | None = None, *, lang: str = "en",
                   progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
    """Write the (filtered) register to ``path`` (.csv or .xlsx); returns the number of vendors."""
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise UserError(tr("Cannot export to {path}: use a .csv or .xlsx file name.", path=repr(str(path))))
    rows = register_rows(engine, query or RegisterQuery())

    def lines() -> Iterator[list[object]]:
        for n, r in enumerate(rows):
            if cancelled is not None and cancelled():
                raise UserError(tr("The export was cancelled; {path} is incomplete, delete it.",
                                   path=repr(str(path))))
            if progress is not None and n % 500 == 0:
                progress(n, len(rows))
            yield [r.name, r.country, r.services, r.tier, r.status, r.internal_owner, r.latest_rating or "",
                   r.last_signed.date().isoformat() if r.last_signed else "",
                   r.next_review_due.isoformat() if r.next_review_due else "",
                   ", ".join(flag_label(f, lang) for f in r.flags)]

    count = write_table(path, EXPORT_HEADERS, lines())
    if progress is not None:
        progress(len(rows), len(rows))
    return count
