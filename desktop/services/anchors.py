"""Audit anchors kept outside the database: ``vetta audit anchor -o FILE`` and ``audit verify --anchor FILE``.

An anchor file is a small JSON checkpoint of the audit trail's head (its sequence number and hash),
signed with a signing identity's key, meant to be kept where the database's owner cannot reach it
(a team's document system, an e-mail). Later, ``vetta audit verify --anchor FILE`` checks the
signature and that the trail still holds that event with that hash: rewriting or truncating the
trail before the checkpoint is then detected, even by someone who recomputed every hash.

File format (``vetta-audit-anchor/1``)::

    {"format": "vetta-audit-anchor/1",
     "anchor": {"seq": 154, "hash": "f5b0…", "taken_at": "2026-11-27T10:00:00+00:00",
                "organisation": "…", "signer": "Alba Aprobadora", "fingerprint": "<SHA-256 of the certificate>"},
     "algorithm": "ecdsa-sha256" | "rsa-pkcs1v15-sha256" | "ed25519",
     "certificate": "<base64 DER>", "signature": "<base64 over the canonical JSON of anchor>"}

The canonical JSON is ``json.dumps(anchor, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``
in UTF-8, so anyone can check a file with standard tools.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlmodel import col, select

from db.audit import canonical
from db.engine import read_session
from db.errors import explain
from db.models import Organisation, SigningIdentity
from desktop.core.errors import UserError
from desktop.core.files import loads_json, read_regular_file
from desktop.core.i18n import tr

FORMAT = "vetta-audit-anchor/1"
MAX_ANCHOR_BYTES = 64 * 1024  # a certificate and a signature: a few kilobytes


class TrailNotIntact(UserError):
    """The trail does not check out, so it is not anchored (``vetta audit verify`` says why)."""


@dataclass(frozen=True)
class AnchorInfo:
    """A written anchor."""

    path: str
    seq: int
    hash: str
    signer: str
    fingerprint: str
    taken_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LoadedAnchor:
    """An anchor file read and its signature checked (not yet compared with a database)."""

    path: str
    seq: int
    hash: str
    signer: str
    fingerprint: str
    taken_at: str
    signature_ok: bool


@dataclass(frozen=True)
class AnchorCheck:
    """An anchor file compared with the database's trail."""

    path: str
    seq: int
    hash: str
    signer: str
    fingerprint: str
    taken_at: str
    ok: bool
    problem: str = ""  # one sentence when not ok
    kind: str = ""  # forged | unknown-signer | truncated | rewritten

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------- signing


def _sign(key_der: bytes, data: bytes) -> tuple[str, bytes]:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

    key = serialization.load_der_private_key(key_der, password=None)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return "ecdsa-sha256", key.sign(data, ec.ECDSA(hashes.SHA256()))
    if isinstance(key, rsa.RSAPrivateKey):
        return "rsa-pkcs1v15-sha256", key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519", key.sign(data)
    raise UserError(tr("This signing identity's key type cannot sign an audit anchor; use an EC, RSA or "
                       "Ed25519 key."))


def _signature_holds(cert_der: bytes, algorithm: str, signature: bytes, data: bytes) -> bool:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

    try:
        public = x509.load_der_x509_certificate(cert_der).public_key()
        if algorithm == "ecdsa-sha256" and isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif algorithm == "rsa-pkcs1v15-sha256" and isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif algorithm == "ed25519" and isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(signature, data)
        else:
            return False
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def write_anchor(engine: Engine, identity: str, output: Path, *, actor: str, p12: Path | None = None,
                 p12_passphrase: str | None = None) -> AnchorInfo:
    """Check the whole trail, then write its head to ``output`` signed with ``identity``'s key.

    ``actor`` (who acts, see desktop.services.whoami) must own ``identity``, as for a sign-off. A
    trail that does not check out is not anchored (``TrailNotIntact``): an anchor vouches for
    everything before it.
    """
    from desktop.services.audit import verify_integrity
    from desktop.services.identities import signing_material
    from desktop.services.signoff import check_identity_owner

    with read_session(engine) as s:
        check_identity_owner(s, identity, actor)  # one's own identity only, before asking for any key
    material = signing_material(engine, identity, p12=p12, p12_passphrase=p12_passphrase)  # the key first
    report = verify_integrity(engine)
    if not report.ok:
        raise TrailNotIntact(tr("The audit trail does not check out, so it was not anchored; "
                                "`vetta audit verify` says what is wrong."))
    with read_session(engine) as s:
        org = s.exec(select(Organisation)).first()
        signer = s.exec(select(SigningIdentity).where(col(SigningIdentity.name) == identity)).one()
        organisation, name = (org.name if org else ""), signer.name
    anchor = {
        "seq": report.chain.head_seq, "hash": report.chain.head_hash,
        "taken_at": datetime.now(UTC).replace(microsecond=0).isoformat(), "organisation": organisation,
        "signer": name, "fingerprint": hashlib.sha256(material.cert_der).hexdigest(),
    }
    algorithm, signature = _sign(material.key_der, canonical(anchor).encode("utf-8"))
    document = {"format": FORMAT, "anchor": anchor, "algorithm": algorithm,
                "certificate": base64.b64encode(material.cert_der).decode("ascii"),
                "signature": base64.b64encode(signature).decode("ascii")}
    _write(output, (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    return AnchorInfo(str(output), report.chain.head_seq, report.chain.head_hash, name, str(anchor["fingerprint"]),
                      str(anchor["taken_at"]))


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(tr("The file {path} cannot be written: {strerror}.", path=repr(str(path)),
                           strerror=exc.strerror)) from exc


# --------------------------------------------------------------------------- reading and checking


def _not_anchor(path: Path, reason: str) -> UserError:
    return UserError(tr("The file {path} is not a Vetta audit anchor ({reason}).", path=repr(str(path)),
                        reason=reason))


def read_anchor_file(path: Path) -> LoadedAnchor:
    """Read ``path`` (bounded), check its shape and its signature. Not an anchor at all: ``UserError``."""
    data = read_regular_file(path, MAX_ANCHOR_BYTES, what=tr("audit anchors"))
    document = loads_json(data, str(path), max_depth=8)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _not_anchor(path, tr("its format is not {format}", format=FORMAT))
    anchor = document.get("anchor")
    if not isinstance(anchor, dict):
        raise _not_anchor(path, tr("it has no anchor"))
    seq, digest = anchor.get("seq"), anchor.get("hash")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise _not_anchor(path, tr("its sequence number is not a whole number"))
    if not isinstance(digest, str) or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise _not_anchor(path, tr("its hash is not 64 hexadecimal digits"))
    try:
        cert_der = base64.b64decode(str(document.get("certificate", "")), validate=True)
        signature = base64.b64decode(str(document.get("signature", "")), validate=True)
    except (binascii.Error, ValueError):
        raise _not_anchor(path, tr("its certificate or signature is not base64")) from None
    fingerprint = hashlib.sha256(cert_der).hexdigest()
    holds = bool(cert_der and signature) and fingerprint == anchor.get("fingerprint") and _signature_holds(
        cert_der, str(document.get("algorithm", "")), signature, canonical(anchor).encode("utf-8"))
    return LoadedAnchor(str(path), seq, digest, str(anchor.get("signer", "")), fingerprint,
                        str(anchor.get("taken_at", "")), holds)


def check_loaded(conn: Connection, loaded: LoadedAnchor, head_seq: int) -> AnchorCheck:
    """Compare a read anchor with the trail in ``conn``."""
    from desktop.services.audit import anchor_problem, event_hashes

    def result(ok: bool, kind: str = "", problem: str = "") -> AnchorCheck:
        return AnchorCheck(loaded.path, loaded.seq, loaded.hash, loaded.signer, loaded.fingerprint,
                           loaded.taken_at, ok, problem, kind)

    source = f"The anchor file {loaded.path!r}"
    if not loaded.signature_ok:
        return result(False, "forged",
                      f"{source} does not carry a valid signature of its content: it was altered or forged.")
    known = conn.execute(select(col(SigningIdentity.name)).where(
        col(SigningIdentity.fingerprint_sha256) == loaded.fingerprint)).first()
    if known is None:
        return result(False, "unknown-signer",
                      f"{source} is signed by a certificate that is none of this database's signing identities "
                      f"(fingerprint {loaded.fingerprint[:16]}…).")
    problem = anchor_problem(source, (loaded.seq, loaded.hash), event_hashes(conn, {loaded.seq}), head_seq)
    if problem is not None:
        return result(False, problem.kind, problem.message)
    return result(True)


def check_anchor_file(engine: Engine, path: Path) -> AnchorCheck:
    """Read ``path`` and compare it with ``engine``'s trail (without the rest of ``audit verify``)."""
    loaded = read_anchor_file(path)
    try:
        with engine.connect() as conn:
            from db.audit import audit_anchor

            return check_loaded(conn, loaded, int(audit_anchor(conn)["seq"]))
    except UserError:
        raise
    except Exception as exc:
        raise explain(exc, engine.url) from exc
