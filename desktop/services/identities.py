"""Signing identities: an EC P-256 key with a self-signed certificate, or an imported PKCS#12.

The private key lives in the OS keyring (``keyring``): PEM/PKCS#8 text as the "password" of service
``KEYRING_SERVICE`` and username = the certificate's SHA-256 fingerprint. Where no OS keyring is
available (a fresh Linux install), the user may instead keep it in a **key file**: a PKCS#12 file in
the data folder (``keys/<fingerprint>.p12``, readable by the user only), encrypted with a passphrase
the user chooses (PBES2, AES-256-CBC, PBKDF2-SHA256) and asked for at each signature; the row then
names ``KEY_FILE_SERVICE`` instead of the keyring. The database keeps the certificate (and the CA
chain of an imported one) and where the key is. Nothing secret (key, passphrase) is written to the
database, a log, or a file other than the encrypted key file.

An identity belongs to the user who registers it (``owner``: the profile name on SQLite, the login on
PostgreSQL); only that user may sign with it (desktop.services.signoff checks it, and in team mode a
database guard too). ``export_certificate`` writes the certificate alone, for outsiders to verify.

One concern: signing identities and where their keys live (OS keyring or key file); kept together because
creating, importing, listing and signing must apply the same storage rules.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from db.engine import read_session, unit_of_work
from db.location import data_dir
from db.models import IdentitySource, Organisation, SigningIdentity
from desktop.core.errors import NotFound, UserError
from desktop.core.files import read_regular_file
from desktop.core.i18n import N_, tr
from desktop.report.signing import KeyMaterial, material_from_p12, material_from_pem

KEYRING_SERVICE = "Vetta signing"
KEY_FILE_SERVICE = "Vetta key file"  # keyring_service of an identity whose key is in a key file (see above)
KEY_FILE_KDF_ROUNDS = 600_000  # PBKDF2-SHA256 iterations guarding a key file (OWASP's 2023 figure)
MIN_PASSPHRASE = 12
CERT_YEARS = 5
MAX_P12_BYTES = 1024 * 1024  # a key with its certificate chain is a few kilobytes
log = logging.getLogger("vetta.identities")


class KeyringUnavailable(UserError):
    """No usable OS keyring: the caller offers the PKCS#12-with-passphrase route."""


NO_KEYRING = N_("No usable OS keyring is available on this computer, so Vetta cannot keep a signing key there; "
                "keep it in a passphrase-protected key file instead (vetta identity new NAME --key-file, or "
                "Settings, Signing identities), or sign with your own PKCS#12 file (vetta identity import "
                "FILE.p12 --name NAME, then vetta assessment approve ID --identity NAME --p12 FILE).")


KEY_FILE_OFFER = N_("No OS keyring is available on this computer, so Vetta can keep your private key in a file "
                    "in its data folder, encrypted with a passphrase you choose and asked for each time you sign.")
PASSPHRASE_RULE = N_("The passphrase needs at least 12 characters, not all the same; nobody can recover it "
                     "for you.")


def passphrase_problem(passphrase: str) -> str | None:
    """None when ``passphrase`` may protect a key file, else the rule it breaks (one sentence)."""
    if len(passphrase) < MIN_PASSPHRASE or len(set(passphrase)) < 2:
        return tr(PASSPHRASE_RULE)
    if "\x00" in passphrase:
        return tr("A passphrase cannot contain a NUL character.")
    return None


def key_file_path(fingerprint: str) -> Path:
    """Where the key file of the identity with this certificate fingerprint is kept."""
    return data_dir() / "keys" / f"{fingerprint}.p12"


def _write_key_file(fingerprint: str, name: str, key: Any, cert: x509.Certificate, chain: tuple[bytes, ...],
                    passphrase: str) -> Path:
    """Write the key, its certificate and chain as a PKCS#12 file encrypted with ``passphrase`` (mode 0600)."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    from db.backup import PRIVATE_DIR, make_private

    problem = passphrase_problem(passphrase)
    if problem:
        raise UserError(problem)
    encryption = (serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(KEY_FILE_KDF_ROUNDS)
                  .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC).hmac_hash(hashes.SHA256())
                  .build(passphrase.encode("utf-8")))
    cas = [x509.load_der_x509_certificate(c) for c in chain] or None
    data = pkcs12.serialize_key_and_certificates(name.encode("utf-8"), key, cert, cas, encryption)
    path = key_file_path(fingerprint)
    try:
        path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        make_private(path.parent, PRIVATE_DIR)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except FileExistsError as exc:
        raise UserError(tr("A key file for this certificate already exists ({path}); nothing was written.",
                           path=str(path))) from exc
    except OSError as exc:
        raise UserError(tr("The key file {path} cannot be written: {strerror}.", path=str(path),
                           strerror=exc.strerror)) from exc
    return path


def _forget_key_file(fingerprint: str) -> None:
    try:
        key_file_path(fingerprint).unlink()
    except OSError:
        log.info("no key file to remove for identity %s", fingerprint)


@dataclass(frozen=True)
class IdentityInfo:
    id: int
    name: str
    email: str
    organisation: str
    subject: str
    fingerprint_sha256: str
    not_before: str
    not_after: str
    source: str
    key_in_keyring: bool | None  # None: the keyring could not be asked
    owner: str = ""
    issuer: str = ""  # the issuer's name; equal to subject for a self-signed certificate
    chain_length: int = 0  # CA certificates stored with an imported identity
    key_store: str = "keyring"  # keyring | file (a passphrase-protected key file in the data folder)
    key_file: str = ""  # the key file's path on this computer, for key_store "file"
    key_file_present: bool | None = None  # whether that file is on this computer (None: not a key file)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _keyring() -> Any:
    """The keyring backend, or ``KeyringUnavailable`` when only the 'fail' backend is there."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception as exc:  # broken configuration, missing D-Bus...
        raise KeyringUnavailable(tr(NO_KEYRING)) from exc
    if isinstance(backend, fail.Keyring):
        raise KeyringUnavailable(tr(NO_KEYRING))
    return backend


def keyring_available() -> bool:
    try:
        _keyring()
    except KeyringUnavailable:
        return False
    return True


def _store_key(username: str, pem: str) -> None:
    backend = _keyring()
    try:
        backend.set_password(KEYRING_SERVICE, username, pem)
    except Exception as exc:
        raise KeyringUnavailable(tr(NO_KEYRING)) from exc


def _forget_key(username: str) -> None:
    try:
        _keyring().delete_password(KEYRING_SERVICE, username)
    except Exception:  # nothing to clean up
        log.info("no keyring entry to remove for identity %s", username)


def _org_name(engine: Engine) -> str:
    with read_session(engine) as s:
        org = s.exec(select(Organisation)).first()
        return org.name if org else ""


def _info(row: SigningIdentity, probe: bool = False) -> IdentityInfo:
    assert row.id is not None
    present: bool | None = None
    in_file = row.keyring_service == KEY_FILE_SERVICE
    if in_file:
        present = False  # never in the keyring
    elif probe:
        try:
            present = _keyring().get_password(row.keyring_service, row.keyring_username) is not None
        except Exception:
            present = None
    try:
        issuer = x509.load_der_x509_certificate(bytes(row.certificate_der)).issuer.rfc4514_string()
    except ValueError:
        issuer = ""
    return IdentityInfo(row.id, row.name, row.email, row.organisation, row.subject, row.fingerprint_sha256,
                        row.not_before.isoformat() if row.not_before else "",
                        row.not_after.isoformat() if row.not_after else "", row.source, present,
                        owner=row.owner, issuer=issuer, chain_length=len(_chain(row.chain_pem)),
                        key_store="file" if in_file else "keyring",
                        key_file=str(key_file_path(row.keyring_username)) if in_file else "",
                        key_file_present=key_file_path(row.keyring_username).is_file() if in_file else None)


def _chain(pem: str) -> list[bytes]:
    if not pem.strip():
        return []
    return [c.public_bytes(serialization.Encoding.DER) for c in x509.load_pem_x509_certificates(pem.encode("ascii"))]


def _check_name(engine: Engine, name: str) -> str:
    name = name.strip()
    if not name:
        raise UserError(tr("An identity needs a name (the signer's full name)."))
    if len(name) > 200:
        raise UserError(tr("The identity name is longer than 200 characters; shorten it."))
    with read_session(engine) as s:
        if s.exec(select(SigningIdentity).where(col(SigningIdentity.name) == name)).first() is not None:
            raise UserError(tr("An identity named {name} already exists; choose another name.",
                               name=repr(name)))
    return name


def _save(engine: Engine, actor: str | None, *, name: str, email: str, organisation: str, cert: x509.Certificate,
          key_pem: str, source: str, key_optional: bool = False, owner: str | None = None,
          chain: tuple[bytes, ...] = (), key_passphrase: str | None = None) -> IdentityInfo:
    der = cert.public_bytes(serialization.Encoding.DER)
    fp = cert.fingerprint(hashes.SHA256()).hex()
    stored = True
    in_file = key_passphrase is not None
    with read_session(engine) as s:  # before any key is stored anywhere
        if s.exec(select(SigningIdentity).where(col(SigningIdentity.fingerprint_sha256) == fp)).first():
            raise UserError(tr("This certificate is already registered as a signing identity."))
    if in_file:
        assert key_passphrase is not None
        key = serialization.load_pem_private_key(key_pem.encode("ascii"), password=None)
        _write_key_file(fp, name, key, cert, chain, key_passphrase)  # refuses a weak passphrase first
    else:
        try:
            _store_key(fp, key_pem)  # refuse before writing anything when there is no keyring
        except KeyringUnavailable:
            if not key_optional:
                raise
            stored = False  # PKCS#12 route: the certificate is registered, the key stays in the user's file
    try:
        with unit_of_work(engine, actor) as s:
            if s.exec(select(SigningIdentity).where(col(SigningIdentity.fingerprint_sha256) == fp)).first():
                raise UserError(tr("This certificate is already registered as a signing identity."))
            chain_pem = "".join(x509.load_der_x509_certificate(c).public_bytes(serialization.Encoding.PEM).decode("ascii")
                                for c in chain)
            row = SigningIdentity(
                name=name, email=email, organisation=organisation, certificate_der=der, fingerprint_sha256=fp,
                subject=cert.subject.rfc4514_string()[:500], not_before=cert.not_valid_before_utc,
                not_after=cert.not_valid_after_utc, source=source,
                keyring_service=KEY_FILE_SERVICE if in_file else KEYRING_SERVICE,
                keyring_username=fp, owner=(owner or str(s.info["actor"])).strip()[:200], chain_pem=chain_pem,
            )
            s.add(row)
            s.flush()
            info = _info(row) if in_file else replace(_info(row), key_in_keyring=stored)
    except BaseException:
        if in_file:
            _forget_key_file(fp)
        elif stored:
            _forget_key(fp)
        raise
    log.info("signing identity %r created (fingerprint %s, key in %s)", name, fp, "a key file" if in_file else
             "the keyring" if stored else "the user's own PKCS#12 file")
    return info


def new_identity(engine: Engine, name: str, *, email: str = "", organisation: str | None = None,
                 actor: str | None = None, key_passphrase: str | None = None) -> IdentityInfo:
    """Generate an EC P-256 key and a self-signed certificate naming the person and organisation.

    The key goes to the OS keyring (``KeyringUnavailable`` when there is none), or, with
    ``key_passphrase``, to a key file encrypted with it (see the module docstring).
    The identity belongs to ``actor`` (default: who acts, desktop.services.whoami).
    """
    name = _check_name(engine, name)
    if key_passphrase is not None and (problem := passphrase_problem(key_passphrase)):
        raise UserError(problem)
    org = organisation if organisation is not None else _org_name(engine)
    key = ec.generate_private_key(ec.SECP256R1())
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, name)]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org[:64]))
    if email:
        attrs.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    subject = x509.Name(attrs)
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=365 * CERT_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if email:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    cert = builder.sign(key, hashes.SHA256())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode("ascii")
    return _save(engine, actor, name=name, email=email, organisation=org, cert=cert, key_pem=pem,
                 source=IdentitySource.GENERATED.value, key_passphrase=key_passphrase)


def import_p12(engine: Engine, path: Path, name: str, passphrase: str | None, *,
               actor: str | None = None, key_passphrase: str | None = None) -> IdentityInfo:
    """Import an organisation-issued PKCS#12 file: key to the keyring, certificate and CA chain to the database.

    Without a usable keyring only the certificate is registered (``key_in_keyring`` False): signing
    then needs the PKCS#12 file and its passphrase each time. The chain (the company CA's
    certificates in the file) is sent with every signature, so a verifier who trusts the company CA
    (``vetta verify --trust CA.pem``, or trust roots in Settings) trusts the signer.
    With ``key_passphrase`` the key is kept in a key file encrypted with it instead of the keyring.
    """
    name = _check_name(engine, name)
    if key_passphrase is not None and (problem := passphrase_problem(key_passphrase)):
        raise UserError(problem)
    try:
        size = path.stat().st_size
        if size > MAX_P12_BYTES and not path.is_dir():
            raise UserError(tr("The file {path} is {size} bytes, too large to be a PKCS#12 key file (the "
                               "limit is {max_p12_bytes} bytes).",
                               path=repr(str(path)), size=size, max_p12_bytes=MAX_P12_BYTES))
        data = read_regular_file(path, MAX_P12_BYTES, what=tr("PKCS#12 key files"))  # ordinary files only, bounded
    except OSError as exc:
        raise UserError(tr("The file {path} cannot be read: {strerror}.",
                           path=repr(str(path)), strerror=exc.strerror)) from exc
    material = material_from_p12(data, passphrase, source=f"The file {str(path)!r}")
    cert = x509.load_der_x509_certificate(material.cert_der)
    key = serialization.load_der_private_key(material.key_der, password=None)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode("ascii")
    orgs = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    emails = cert.subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS)
    return _save(engine, actor, name=name, email=str(emails[0].value) if emails else "",
                 organisation=str(orgs[0].value) if orgs else "", cert=cert, key_pem=pem,
                 source=IdentitySource.PKCS12.value, key_optional=True, chain=_ordered_chain(cert, material.chain_der),
                 key_passphrase=key_passphrase)


def _ordered_chain(leaf: x509.Certificate, extra: tuple[bytes, ...]) -> tuple[bytes, ...]:
    """The CA certificates of a PKCS#12 file from the leaf's issuer upwards (others after, as given)."""
    pool = [x509.load_der_x509_certificate(d) for d in extra]
    ordered: list[x509.Certificate] = []
    current = leaf
    while True:
        parent = next((c for c in pool if c.subject == current.issuer and c not in ordered and c != current), None)
        if parent is None:
            break
        ordered.append(parent)
        if parent.subject == parent.issuer:
            break
        current = parent
    ordered += [c for c in pool if c not in ordered and c != leaf]
    return tuple(c.public_bytes(serialization.Encoding.DER) for c in ordered)


def list_identities(engine: Engine, *, probe_keyring: bool = False, owner: str | None = None) -> list[IdentityInfo]:
    """Every identity (or those ``owner`` may sign with: names compared without case)."""
    with read_session(engine) as s:
        rows = s.exec(select(SigningIdentity).where(col(SigningIdentity.archived_at).is_(None))
                      .order_by(col(SigningIdentity.name))).all()
        if owner is not None:
            rows = [r for r in rows if r.owner.casefold() == owner.strip().casefold()]
        return [_info(r, probe_keyring) for r in rows]


def get_identity(engine: Engine, name: str) -> IdentityInfo:
    with read_session(engine) as s:
        row = s.exec(select(SigningIdentity).where(col(SigningIdentity.name) == name)).first()
        if row is None or row.archived_at is not None:
            raise NotFound(tr("There is no signing identity named {name}; see `vetta identity list`.",
                              name=repr(name)))
        return _info(row)


def export_certificate(engine: Engine, name: str, output: Path) -> IdentityInfo:
    """Write identity ``name``'s certificate (and its CA chain, if any) as PEM to ``output``; never the key."""
    info = get_identity(engine, name)
    with read_session(engine) as s:
        row = s.exec(select(SigningIdentity).where(col(SigningIdentity.name) == name)).one()
        der, chain_pem = bytes(row.certificate_der), row.chain_pem
    pem = x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM).decode("ascii") + chain_pem
    try:
        if output.exists() and not output.is_file():
            raise UserError(tr("{output} is not a regular file; choose a file name for the certificate.",
                               output=repr(str(output))))
        output.write_text(pem, encoding="ascii")
    except OSError as exc:
        raise UserError(tr("The certificate cannot be written to {output}: {strerror}.",
                           output=repr(str(output)), strerror=exc.strerror)) from exc
    return info


def identity_owner(engine: Engine, name: str) -> str:
    with read_session(engine) as s:
        row = s.exec(select(SigningIdentity).where(col(SigningIdentity.name) == name)).first()
        if row is None or row.archived_at is not None:
            raise NotFound(tr("There is no signing identity named {name}; see `vetta identity list`.",
                              name=repr(name)))
        return row.owner


def certificate_der(engine: Engine, name: str) -> bytes:
    with read_session(engine) as s:
        row = s.exec(select(SigningIdentity).where(col(SigningIdentity.name) == name)).first()
        if row is None:
            raise NotFound(tr("There is no signing identity named {name}; see `vetta identity list`.",
                              name=repr(name)))
        return bytes(row.certificate_der)


def signing_material(engine: Engine, name: str, *, p12: Path | None = None,
                     p12_passphrase: str | None = None) -> KeyMaterial:
    """The key to sign with for identity ``name``: from the keyring, or from ``p12`` when given.

    A PKCS#12 file must hold the identity's own certificate.
    """
    info = get_identity(engine, name)
    cert_der = certificate_der(engine, name)
    if p12 is not None:
        try:
            data = read_regular_file(p12, MAX_P12_BYTES, what=tr("PKCS#12 key files"))  # ordinary files only
        except OSError as exc:
            raise UserError(tr("The file {p12} cannot be read: {strerror}.",
                               p12=repr(str(p12)), strerror=exc.strerror)) from exc
        material = material_from_p12(data, p12_passphrase, source=f"The file {str(p12)!r}")
        if material.cert_der != cert_der:
            raise UserError(tr("The file {p12} holds a different certificate from identity {name}; use that "
                               "identity's own PKCS#12 file.", p12=repr(str(p12)), name=repr(name)))
        with read_session(engine) as s:
            stored = _chain(s.exec(select(SigningIdentity).where(col(SigningIdentity.name) == name)).one().chain_pem)
        return replace(material, chain_der=tuple(stored) or material.chain_der)
    with read_session(engine) as s:
        row = s.exec(select(SigningIdentity).where(col(SigningIdentity.name) == name)).one()
        service, username = row.keyring_service, row.keyring_username
        chain = tuple(_chain(row.chain_pem))
    if service == KEY_FILE_SERVICE:
        return replace(_from_key_file(name, username, cert_der, p12_passphrase), chain_der=chain)
    try:
        pem = _keyring().get_password(service, username)
    except KeyringUnavailable:
        raise
    except Exception as exc:
        raise KeyringUnavailable(tr(NO_KEYRING)) from exc
    if pem is None:
        raise UserError(tr("The private key of identity {name} is not in this computer's keyring "
                           "(fingerprint {fingerprint_sha256}…); sign with its PKCS#12 file (--p12 FILE).",
                           name=repr(name), fingerprint_sha256=info.fingerprint_sha256[:16]))
    return replace(material_from_pem(pem.encode("ascii"), cert_der), chain_der=chain)


def _from_key_file(name: str, fingerprint: str, cert_der: bytes, passphrase: str | None) -> KeyMaterial:
    path = key_file_path(fingerprint)
    if not path.is_file():
        raise UserError(tr("The key file of identity {name} is not on this computer (it was kept at {path} where "
                           "the identity was created); sign there, or with its PKCS#12 file (--p12 FILE).",
                           name=repr(name), path=str(path)))
    if not passphrase:
        raise UserError(tr("The private key of identity {name} is in a passphrase-protected key file: give its "
                           "passphrase to sign.", name=repr(name)))
    try:
        data = read_regular_file(path, MAX_P12_BYTES, what=tr("PKCS#12 key files"))
    except OSError as exc:
        raise UserError(tr("The file {p12} cannot be read: {strerror}.",
                           p12=repr(str(path)), strerror=exc.strerror)) from exc
    material = material_from_p12(data, passphrase, source=tr("The key file of identity {name}", name=repr(name)))
    if material.cert_der != cert_der:
        raise UserError(tr("The key file {path} holds a different certificate from identity {name}.",
                           path=str(path), name=repr(name)))
    return material


def needs_passphrase(engine: Engine, name: str) -> bool:
    """True when signing as identity ``name`` needs the passphrase of its key file."""
    with read_session(engine) as s:
        row = s.exec(select(SigningIdentity).where(col(SigningIdentity.name) == name)).first()
        return row is not None and row.keyring_service == KEY_FILE_SERVICE


def known_fingerprints(engine: Engine) -> set[str]:
    with read_session(engine) as s:
        return set(s.exec(select(SigningIdentity.fingerprint_sha256)).all())
