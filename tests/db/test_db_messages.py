"""The storage layer's messages follow the application's language without db importing desktop."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError

from db import messages
from db.backup import backup_before
from db.engine import parse_url
from db.errors import DamagedDatabase, DatabaseError, explain, immutable_message
from db.triggers import MSG_AUDIT
from desktop.core import i18n
from desktop.services.database import open_database


@pytest.fixture
def spanish():
    i18n.set_language("es")  # conftest forgets it before the next test
    yield
    i18n.set_language("en")


def _damage(path):
    path.write_bytes(b"\x00garbage" * 500)


def test_without_a_translator_db_speaks_english():
    messages.set_translator(None)
    try:
        assert messages.tr("The database file {file} does not exist.", file="'x'") == (
            "The database file 'x' does not exist.")
    finally:
        messages.set_translator(i18n.tr)


def test_the_application_installs_its_translator(spanish):
    assert messages.tr("The database file {file} does not exist.", file="'x'") == (
        "El archivo de base de datos 'x' no existe.")


def test_english_stays_the_english_source():
    with pytest.raises(DatabaseError, match="is not a valid database URL"):
        parse_url("://nothing")


def test_a_bad_url_is_explained_in_spanish(spanish):
    with pytest.raises(DatabaseError) as caught:
        parse_url("foo://bar")
    assert str(caught.value) == (
        "La dirección de la base de datos 'foo://bar' no es compatible: use un archivo SQLite o una URL postgresql://.")
    with pytest.raises(DatabaseError, match="no es una URL de base de datos válida"):
        parse_url("://nothing")


def test_a_damaged_file_without_backup_is_explained_in_spanish(spanish, tmp_path):
    path = tmp_path / "broken.sqlite3"
    with pytest.raises(DamagedDatabase) as caught:
        _damage(path)
        open_database(str(path))
    text = str(caught.value)
    assert text.startswith(f"El archivo de base de datos {str(path)!r} está dañado o no es una base de datos de Vetta (")
    assert "is damaged" not in text
    assert f"No hay ninguna copia de seguridad en {str(tmp_path / 'backups')!r}." in text


def test_the_restore_offer_names_the_latest_backup_in_spanish(spanish, tmp_path):
    path = tmp_path / "vetta.sqlite3"
    open_database(str(path)).dispose()
    backup = backup_before(path, "manual")
    _damage(path)
    with pytest.raises(DamagedDatabase) as caught:
        open_database(str(path))
    text = str(caught.value)
    assert text.startswith(f"El archivo de base de datos {str(path)!r} está dañado")
    assert f"La última copia de seguridad es {str(backup)!r}, del " in text
    assert "restáurela con: vetta --db" in text
    assert caught.value.backup == backup


def test_a_trigger_refusal_is_translated(spanish):
    exc = IntegrityError("UPDATE audit_event ...", {}, sqlite3.IntegrityError(MSG_AUDIT))
    expected = "El historial de auditoría solo admite añadidos: sus eventos no se pueden modificar ni eliminar."
    assert immutable_message(exc) == expected
    assert str(explain(exc)) == expected


def test_a_trigger_refusal_stays_english_in_english():
    exc = IntegrityError("UPDATE audit_event ...", {}, sqlite3.IntegrityError(MSG_AUDIT))
    assert immutable_message(exc) == "The audit trail is append-only: its events cannot be changed or deleted."


def test_a_record_conflict_names_the_record_kind_in_spanish(spanish, sqlite_url):
    from db.engine import unit_of_work
    from db.models import Vendor
    from db.repo import get_for_update
    from desktop.services.vendors import VendorForm, create_vendor

    engine = open_database(sqlite_url)
    try:
        vendor = create_vendor(engine, VendorForm(name="Acme Data SL"))
        with pytest.raises(DatabaseError) as caught, unit_of_work(engine) as session:
            get_for_update(session, Vendor, vendor.id, vendor.version + 1)
        assert str(caught.value).startswith("Otra persona ha guardado este registro (proveedor) desde que usted lo abrió")
        with pytest.raises(DatabaseError) as caught, unit_of_work(engine) as session:
            get_for_update(session, Vendor, 999_999, None)
        assert str(caught.value) == (
            "El registro (proveedor) n.º 999999 ya no existe; puede que otra persona lo haya eliminado.")
    finally:
        engine.dispose()
