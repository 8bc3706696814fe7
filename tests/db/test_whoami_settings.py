"""Who am I on SQLite (never the OS login), the time-stamping server and trust roots settings."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy.engine import Engine

from db.engine import default_actor
from desktop.core.errors import UserError, ValidationError
from desktop.services import settings, whoami
from desktop.services.identities import export_certificate, new_identity
from tests.support import forge


def test_sqlite_actor_comes_from_option_environment_or_profile_never_the_os_login(
        sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VETTA_USER")
    monkeypatch.setattr(getpass, "getuser", lambda: "root")
    nobody = whoami.resolve(sqlite_engine)
    assert not nobody.known and nobody.source == "none"
    with pytest.raises(UserError, match="does not know who you are"):
        nobody.require()
    assert default_actor() == "unknown"  # with nothing installed: a placeholder, never "root"
    whoami.install(nobody, sqlite_engine)
    with pytest.raises(UserError, match="vetta settings set profile-name"):
        default_actor(sqlite_engine)
    whoami.set_profile_name("  Marta   Ibáñez ")
    assert whoami.resolve(sqlite_engine).name == "Marta Ibáñez"
    monkeypatch.setenv("VETTA_USER", "Script Runner")
    assert whoami.resolve(sqlite_engine).source == "environment"
    assert whoami.resolve(sqlite_engine, "Luis").name == "Luis" and not whoami.resolve(sqlite_engine, "Luis").team
    for bad in ("", "   ", "x" * 201, "tab\x07bell"):
        with pytest.raises(UserError):
            whoami.check_name(bad)


@pytest.mark.parametrize("url", ["ftp://tsa.example", "tsa.example", "https://", "http://exa mple.org",
                                 "https://tsa.example:0/x", "javascript:alert(1)", "https://" + "a" * 600])
def test_bad_time_stamping_addresses_are_refused(sqlite_engine: Engine, url: str) -> None:
    with pytest.raises(ValidationError):
        settings.set_timestamp_url(sqlite_engine, url, actor="Admin")
    assert settings.get_settings(sqlite_engine).timestamp_url == ""


def test_time_stamping_server_is_set_and_cleared_and_survives_saving_the_other_settings(engine: Engine) -> None:
    assert settings.set_timestamp_url(engine, " https://tsa.example/rfc3161 ", actor="Admin").timestamp_url \
        == "https://tsa.example/rfc3161"
    current = settings.get_settings(engine)
    current.name = "Northwind"
    settings.save_settings(engine, current, actor="Admin")  # the organisation form does not clear it
    assert settings.get_settings(engine).timestamp_url == "https://tsa.example/rfc3161"
    assert settings.set_timestamp_url(engine, "", actor="Admin").timestamp_url == ""


def test_trust_roots_are_added_listed_and_removed(engine: Engine, tmp_path: Path) -> None:
    ca1, _ = forge.ca_and_p12("x", "A", ca_name="First CA")
    ca2, _ = forge.ca_and_p12("x", "B", ca_name="Second CA")
    pem = tmp_path / "cas.pem"
    pem.write_bytes(ca1.public_bytes(serialization.Encoding.PEM) + ca2.public_bytes(serialization.Encoding.PEM))
    added = settings.add_trust_roots(engine, pem, actor="Admin")
    assert ["CN=First CA" in added[0].subject, "CN=Second CA" in added[1].subject] == [True, True]
    assert all(r.is_ca for r in added)
    assert settings.add_trust_roots(engine, pem, actor="Admin") == added  # twice: no duplicates
    der = tmp_path / "ca.der"
    der.write_bytes(ca1.public_bytes(serialization.Encoding.DER))
    assert settings.add_trust_roots(engine, der, actor="Admin")[0].fingerprint_sha256 == added[0].fingerprint_sha256
    with pytest.raises(UserError, match="first 8 hexadecimal digits"):
        settings.remove_trust_root(engine, "abc", actor="Admin")
    gone = settings.remove_trust_root(engine, added[0].fingerprint_sha256[:8].upper(), actor="Admin")
    assert gone.subject == added[0].subject
    assert [r.subject for r in settings.list_trust_roots(engine)] == [added[1].subject]
    with pytest.raises(UserError, match="No trust root"):
        settings.remove_trust_root(engine, added[0].fingerprint_sha256, actor="Admin")
    for bad, message in ((tmp_path / "missing.pem", "is not a certificate file"), (tmp_path, "is not a certificate file")):
        with pytest.raises(UserError, match=message):
            settings.add_trust_roots(engine, bad, actor="Admin")
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    with pytest.raises(UserError, match="holds no X.509 certificate"):
        settings.add_trust_roots(engine, junk, actor="Admin")


def test_exported_certificate_holds_no_key(engine: Engine, tmp_path: Path) -> None:
    info = new_identity(engine, "Alice Approver", actor="Alice Approver")
    out = tmp_path / "alice.pem"
    export_certificate(engine, "Alice Approver", out)
    text = out.read_text()
    assert text.count("BEGIN CERTIFICATE") == 1 and "PRIVATE" not in text and "KEY" not in text
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    assert x509.load_pem_x509_certificate(text.encode()).fingerprint(hashes.SHA256()).hex() == info.fingerprint_sha256
    with pytest.raises(UserError, match="not a regular file"):
        export_certificate(engine, "Alice Approver", tmp_path)
    with pytest.raises(UserError, match="no signing identity named"):
        export_certificate(engine, "Nobody", out)
