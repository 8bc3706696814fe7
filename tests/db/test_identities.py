"""Signing identities on both backends: keys only in the (test) keyring, certificates in the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from keyring.backends import fail
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from db.engine import read_session
from db.models import SigningIdentity
from desktop.core.errors import UserError
from desktop.services import identities
from desktop.services.identities import KEYRING_SERVICE, KeyringUnavailable


def make_p12(path: Path, passphrase: str, cn: str = "Olga Officer", org: str = "Northwind Analytics S.L.") -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365)).sign(key, hashes.SHA256()))
    data = pkcs12.serialize_key_and_certificates(
        b"olga", key, cert, None, serialization.BestAvailableEncryption(passphrase.encode()))
    path.write_bytes(data)
    return cert.public_bytes(serialization.Encoding.DER)


def _count(engine: Engine) -> int:
    with read_session(engine) as s:
        return int(s.exec(select(func.count()).select_from(SigningIdentity)).one())


def test_new_identity_keeps_the_key_in_the_keyring_only(engine: Engine) -> None:
    info = identities.new_identity(engine, "Alice Approver", email="alice@example.com", organisation="Northwind")
    assert info.source == "generated" and "CN=Alice Approver" in info.subject and "O=Northwind" in info.subject
    pem = keyring.get_password(KEYRING_SERVICE, info.fingerprint_sha256)
    assert pem is not None and pem.startswith("-----BEGIN PRIVATE KEY-----")
    key = serialization.load_pem_private_key(pem.encode(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"
    with read_session(engine) as s:
        row = s.exec(select(SigningIdentity)).one()
        cert = x509.load_der_x509_certificate(row.certificate_der)
        assert cert.public_key().public_numbers() == key.public_key().public_numbers()
        assert row.keyring_service == KEYRING_SERVICE and row.keyring_username == info.fingerprint_sha256
    listed = identities.list_identities(engine, probe_keyring=True)
    assert [i.name for i in listed] == ["Alice Approver"] and listed[0].key_in_keyring is True


def test_duplicate_and_blank_names_are_refused(engine: Engine) -> None:
    identities.new_identity(engine, "Alice Approver", actor="Alice Approver")
    with pytest.raises(UserError, match="already exists"):
        identities.new_identity(engine, "Alice Approver", actor="Alice Approver")
    with pytest.raises(UserError, match="needs a name"):
        identities.new_identity(engine, "  ", actor="  ")
    assert _count(engine) == 1


def test_no_keyring_is_said_clearly_and_nothing_is_written(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    with pytest.raises(KeyringUnavailable, match="No usable OS keyring") as err:
        identities.new_identity(engine, "Alice Approver", actor="Alice Approver")
    assert "PKCS#12" in str(err.value)
    assert _count(engine) == 0


def test_import_p12(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "olga.p12"
    cert_der = make_p12(path, "s3cret passphrase")
    info = identities.import_p12(engine, path, "Olga Officer", "s3cret passphrase")
    assert info.source == "pkcs12" and info.organisation == "Northwind Analytics S.L." and info.key_in_keyring
    assert identities.certificate_der(engine, "Olga Officer") == cert_der
    material = identities.signing_material(engine, "Olga Officer")
    assert material.cert_der == cert_der


def test_import_p12_with_a_wrong_passphrase_or_a_bad_file(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "olga.p12"
    make_p12(path, "right")
    with pytest.raises(UserError, match="passphrase is wrong"):
        identities.import_p12(engine, path, "Olga", "wrong")
    junk = tmp_path / "junk.p12"
    junk.write_bytes(b"nonsense")
    with pytest.raises(UserError, match="junk.p12"):
        identities.import_p12(engine, junk, "Olga", "x")
    with pytest.raises(UserError, match="cannot be read"):
        identities.import_p12(engine, tmp_path / "missing.p12", "Olga", "x")
    assert _count(engine) == 0


def test_import_without_keyring_registers_only_the_certificate(engine: Engine, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "olga.p12"
    make_p12(path, "pw")
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    info = identities.import_p12(engine, path, "Olga Officer", "pw")
    assert info.key_in_keyring is False
    with pytest.raises(KeyringUnavailable):
        identities.signing_material(engine, "Olga Officer")
    # the PKCS#12 route works, and checks the file belongs to the identity
    assert identities.signing_material(engine, "Olga Officer", p12=path, p12_passphrase="pw").cert_der
    other = tmp_path / "other.p12"
    make_p12(other, "pw", cn="Someone Else")
    with pytest.raises(UserError, match="different certificate"):
        identities.signing_material(engine, "Olga Officer", p12=other, p12_passphrase="pw")
