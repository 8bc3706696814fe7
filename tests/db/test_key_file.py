"""No keyring, no dead end (issue 15.2): the private key in a passphrase-protected PKCS#12 key file in the
data folder, on both backends; signing asks for the passphrase; nothing secret anywhere else."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from keyring.backends import fail
from sqlalchemy.engine import Engine

from db.location import data_dir
from desktop.core.errors import UserError
from desktop.services import identities
from desktop.services.reports import report_pdf
from desktop.services.signoff import approve
from desktop.services.verification import verify_data
from tests.db.test_identities import make_p12
from tests.db.test_signoff import _state
from tests.unit.test_report_builder import make_assessment

PASSPHRASE = "Cabo de Gata 1987 azul"


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """The backend a machine without any OS keyring gets (keyring's 'fail' backend)."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_without_keyring_the_key_goes_to_a_private_encrypted_file(engine: Engine, no_keyring: None,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    assert not identities.keyring_available()
    with pytest.raises(identities.KeyringUnavailable, match="passphrase-protected key file"):
        identities.new_identity(engine, "Alba Aprobadora", actor="Alba Aprobadora")  # no passphrase: the offer
    caplog.set_level(logging.DEBUG)
    info = identities.new_identity(engine, "Alba Aprobadora", actor="Alba Aprobadora", key_passphrase=PASSPHRASE)
    path = Path(info.key_file)
    assert info.key_store == "file" and info.key_file_present is True and info.key_in_keyring is False
    assert path == data_dir() / "keys" / f"{info.fingerprint_sha256}.p12"
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    data = path.read_bytes()
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(data, None)  # encrypted: no key without the passphrase
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(data, b"Cabo de Gata 1987 azuL")
    key, cert, _ = pkcs12.load_key_and_certificates(data, PASSPHRASE.encode())
    assert key is not None and cert is not None
    assert cert.fingerprint(identities.hashes.SHA256()).hex() == info.fingerprint_sha256
    listed = identities.list_identities(engine, probe_keyring=True)
    assert [(i.name, i.key_store, i.key_file) for i in listed] == [("Alba Aprobadora", "file", str(path))]
    # the passphrase and the private key are in no file of the data folder (database, logs, backups)
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    scalar = key.private_numbers().private_value.to_bytes(32, "big")  # type: ignore[union-attr]
    for where, blob in _files(data_dir()).items():
        for secret in (PASSPHRASE.encode(), PASSPHRASE.encode("utf-16-le"), der, scalar, scalar.hex().encode()):
            assert secret not in blob, where
    assert PASSPHRASE not in caplog.text


@pytest.mark.parametrize(("passphrase", "words"), [
    ("short", "at least 12 characters"), ("aaaaaaaaaaaaaaaa", "not all the same"),
    ("twelve chars\x00!", "NUL")])
def test_a_weak_passphrase_is_refused_and_nothing_is_written(engine: Engine, no_keyring: None, passphrase: str,
                                                            words: str) -> None:
    with pytest.raises(UserError, match=words):
        identities.new_identity(engine, "Alba Aprobadora", key_passphrase=passphrase)
    assert identities.list_identities(engine) == []
    assert not (data_dir() / "keys").exists() or not any((data_dir() / "keys").iterdir())


def test_signing_asks_for_the_passphrase_and_the_report_verifies(engine: Engine, no_keyring: None) -> None:
    built = make_assessment(engine)
    identities.new_identity(engine, "Alba Aprobadora", actor="Alba Aprobadora", key_passphrase=PASSPHRASE)
    assert identities.needs_passphrase(engine, "Alba Aprobadora")
    before = _state(engine, built.assessment_id)
    with pytest.raises(UserError, match="passphrase-protected key file: give its passphrase"):
        approve(engine, built.assessment_id, identity="Alba Aprobadora", approver="Alba Aprobadora")
    with pytest.raises(UserError, match="The key file of identity 'Alba Aprobadora' cannot be opened: the "
                                        "passphrase is wrong"):
        approve(engine, built.assessment_id, identity="Alba Aprobadora", approver="Alba Aprobadora",
                p12_passphrase="not the passphrase")
    assert _state(engine, built.assessment_id) == before  # nothing written
    result = approve(engine, built.assessment_id, identity="Alba Aprobadora", approver="Alba Aprobadora",
                     p12_passphrase=PASSPHRASE)
    verdict = verify_data(engine, report_pdf(engine, built.assessment_id).pdf)
    assert verdict.intact and verdict.trusted and verdict.known_identity
    assert verdict.fingerprint == result["fingerprint"]


def test_the_key_file_is_only_on_the_computer_that_made_it(engine: Engine, no_keyring: None, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    built = make_assessment(engine)
    info = identities.new_identity(engine, "Alba Aprobadora", actor="Alba Aprobadora", key_passphrase=PASSPHRASE)
    monkeypatch.setenv("VETTA_DATA_DIR", str(tmp_path / "another-computer"))
    listed = identities.list_identities(engine)[0]
    assert listed.key_file_present is False
    with pytest.raises(UserError, match="The key file of identity 'Alba Aprobadora' is not on this computer"):
        approve(engine, built.assessment_id, identity="Alba Aprobadora", approver="Alba Aprobadora",
                p12_passphrase=PASSPHRASE)
    assert info.key_file_present


def test_import_keeps_a_copy_in_a_key_file(engine: Engine, no_keyring: None, tmp_path: Path) -> None:
    source = tmp_path / "olga.p12"
    cert_der = make_p12(source, "issued pass")
    info = identities.import_p12(engine, source, "Olga Officer", "issued pass", actor="Olga Officer",
                                 key_passphrase=PASSPHRASE)
    assert info.key_store == "file" and info.key_file_present
    source.unlink()  # the user's own file is no longer needed
    material = identities.signing_material(engine, "Olga Officer", p12_passphrase=PASSPHRASE)
    assert material.cert_der == cert_der
    with pytest.raises(UserError, match="wrong"):
        identities.signing_material(engine, "Olga Officer", p12_passphrase="issued pass")


def test_key_file_also_on_request_with_a_keyring(engine: Engine) -> None:
    """--key-file: a user who prefers the file gets it even where a keyring exists; the keyring stays empty."""
    info = identities.new_identity(engine, "Alba Aprobadora", key_passphrase=PASSPHRASE)
    assert info.key_store == "file"
    assert keyring.get_password(identities.KEYRING_SERVICE, info.fingerprint_sha256) is None
    assert identities.signing_material(engine, "Alba Aprobadora", p12_passphrase=PASSPHRASE).key_der


def test_a_failed_save_leaves_no_key_file(engine: Engine, no_keyring: None, monkeypatch: pytest.MonkeyPatch) -> None:
    identities.new_identity(engine, "Alba Aprobadora", key_passphrase=PASSPHRASE)

    def clash(engine: Engine, name: str) -> str:
        return name  # let a duplicate name reach the database, which refuses it

    monkeypatch.setattr(identities, "_check_name", clash)
    with pytest.raises(Exception):  # noqa: B017 - the database's unique name refuses it
        identities.new_identity(engine, "Alba Aprobadora", key_passphrase=PASSPHRASE)
    assert len(list((data_dir() / "keys").iterdir())) == 1
