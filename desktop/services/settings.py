"""Organisation settings: profile, logo, thresholds, review intervals, language; the competitor watchlist;
the time-stamping server and the trust roots that signatures are checked against."""

from __future__ import annotations

import mimetypes
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from db.engine import read_session, unit_of_work
from db.models import DEFAULT_REVIEW_MONTHS, Competitor, CompetitorAffiliate, Organisation, TrustRoot
from db.repo import get_for_update
from db.types import utcnow
from desktop.core.errors import NotFound, UserError, ValidationError
from desktop.core.files import read_regular_file
from desktop.core.i18n import N_, tr

LANGUAGES = ("", "en", "es")  # '' follows the system
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_TYPES = ("image/png", "image/jpeg")


@dataclass
class OrgSettings:
    name: str = ""
    language: str = ""
    beneficial_ownership_threshold: float = 25.0
    significant_influence_threshold: float = 20.0
    control_threshold: float = 50.0
    people_lookback_months: int = 24
    review_months_critical: int = DEFAULT_REVIEW_MONTHS["critical"]
    review_months_high: int = DEFAULT_REVIEW_MONTHS["high"]
    review_months_medium: int = DEFAULT_REVIEW_MONTHS["medium"]
    review_months_low: int = DEFAULT_REVIEW_MONTHS["low"]
    has_logo: bool = False
    version: int = 0
    timestamp_url: str = ""  # read here; changed with set_timestamp_url (save_settings leaves it alone)


def _org(session: Session) -> Organisation:
    org = session.exec(select(Organisation).order_by(col(Organisation.id))).first()
    if org is None:
        org = Organisation()
        session.add(org)
        session.flush()
    return org


def _to_settings(org: Organisation) -> OrgSettings:
    return OrgSettings(
        name=org.name, language=org.language,
        beneficial_ownership_threshold=org.beneficial_ownership_threshold,
        significant_influence_threshold=org.significant_influence_threshold,
        control_threshold=org.control_threshold, people_lookback_months=org.people_lookback_months,
        review_months_critical=org.review_months_critical, review_months_high=org.review_months_high,
        review_months_medium=org.review_months_medium, review_months_low=org.review_months_low,
        has_logo=org.logo is not None, version=org.version, timestamp_url=org.timestamp_url or "")


def get_settings(engine: Engine) -> OrgSettings:
    with read_session(engine) as session:
        org = session.exec(select(Organisation).order_by(col(Organisation.id))).first()
        return _to_settings(org) if org is not None else OrgSettings()


_REVIEW_TOO_SHORT = {
    "critical": N_("The review interval for critical vendors must be at least one month."),
    "high": N_("The review interval for high-tier vendors must be at least one month."),
    "medium": N_("The review interval for medium-tier vendors must be at least one month."),
    "low": N_("The review interval for low-tier vendors must be at least one month."),
}


def validate_settings(s: OrgSettings) -> dict[str, str]:
    """The problems of ``s`` by field, each one sentence in the user's language (empty when valid)."""
    errors: dict[str, str] = {}
    if len(s.name) > 300:
        errors["name"] = tr("The organisation name is longer than 300 characters.")
    if s.language not in LANGUAGES:
        errors["language"] = tr("The language must be English (en), Spanish (es) or the system's.")
    if not 10 <= s.beneficial_ownership_threshold <= 100:
        errors["beneficial_ownership_threshold"] = tr(
            "The beneficial ownership threshold must be between 10 and 100 %.")
    if not 0 < s.significant_influence_threshold <= 100:
        errors["significant_influence_threshold"] = tr("The influence threshold must be above 0 and at most 100 %.")
    if not 50 <= s.control_threshold <= 100:
        errors["control_threshold"] = tr("The control threshold must be between 50 and 100 %.")
    if s.people_lookback_months < 0:
        errors["people_lookback_months"] = tr("The look-back period cannot be negative.")
    for tier, reason in _REVIEW_TOO_SHORT.items():
        if getattr(s, f"review_months_{tier}") <= 0:
            errors[f"review_months_{tier}"] = tr(reason)
    return errors


def save_settings(engine: Engine, s: OrgSettings, actor: str | None = None) -> OrgSettings:
    """Save the organisation settings; ``ConflictError`` when someone saved them since they were read."""
    errors = validate_settings(s)
    if errors:
        fld, reason = next(iter(errors.items()))
        raise ValidationError(reason, field=fld)
    with unit_of_work(engine, actor) as session:
        existing = session.exec(select(Organisation).order_by(col(Organisation.id))).first()
        if existing is None:
            org = _org(session)
        else:
            assert existing.id is not None
            org = get_for_update(session, Organisation, existing.id, s.version or None)
        for key, value in asdict(s).items():
            if key not in ("has_logo", "version", "timestamp_url"):
                setattr(org, key, value)
        org.updated_at = utcnow()
        session.add(org)
        session.flush()
        return _to_settings(org)


def set_logo(engine: Engine, path: Path | None, actor: str | None = None) -> OrgSettings:
    """Use the PNG or JPEG at ``path`` as the logo on reports (None removes it)."""
    data: bytes | None = None
    mime: str | None = None
    if path is not None:
        mime = mimetypes.guess_type(path.name)[0]
        if mime not in LOGO_TYPES:
            raise UserError(tr("The logo {path} must be a PNG or JPEG image.", path=repr(str(path))))
        try:
            data = read_regular_file(path, LOGO_MAX_BYTES, what=tr("logos"))  # ordinary files only, bounded
        except OSError as exc:
            raise UserError(tr("The logo {path} cannot be read: {strerror}.",
                               path=repr(str(path)), strerror=exc.strerror)) from exc
        if len(data) > LOGO_MAX_BYTES:
            raise UserError(tr("The logo {path} is over 2 MB; use a smaller image.", path=repr(str(path))))
        if not (data.startswith(b"\x89PNG") or data.startswith(b"\xff\xd8")) or not _decodable(data):
            raise UserError(tr("The logo {path} is not a PNG or JPEG image.", path=repr(str(path))))
    with unit_of_work(engine, actor) as session:
        org = _org(session)
        org.logo, org.logo_mime = data, mime
        session.add(org)
        session.flush()
        return _to_settings(org)


def _decodable(data: bytes) -> bool:
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return False
    return True


def get_logo(engine: Engine) -> tuple[bytes, str] | None:
    with read_session(engine) as session:
        org = session.exec(select(Organisation).order_by(col(Organisation.id))).first()
        if org is None or org.logo is None:
            return None
        return bytes(org.logo), org.logo_mime or "image/png"


# --------------------------------------------------------------------------- competitor watchlist


@dataclass
class CompetitorEntry:
    name: str
    lei: str = ""
    notes: str = ""
    affiliates: list[str] = field(default_factory=list)
    id: int | None = None
    version: int | None = None


def list_competitors(engine: Engine) -> list[CompetitorEntry]:
    with read_session(engine) as session:
        comps = session.exec(select(Competitor).where(col(Competitor.archived_at).is_(None))
                             .order_by(col(Competitor.name))).all()
        out = []
        for c in comps:
            affs = session.exec(select(CompetitorAffiliate.name).where(CompetitorAffiliate.competitor_id == c.id)
                                .order_by(col(CompetitorAffiliate.name))).all()
            out.append(CompetitorEntry(c.name, c.lei or "", c.notes, list(affs), c.id, c.version))
        return out


def save_competitor(engine: Engine, entry: CompetitorEntry, actor: str | None = None) -> CompetitorEntry:
    """Add or change a watchlist entry and its affiliates (one transaction)."""
    from desktop.services.vendors import validate_lei

    name = entry.name.strip()
    if not name:
        raise ValidationError(tr("The competitor's name is required."), field="name")
    reason = validate_lei(entry.lei)
    if reason:
        raise ValidationError(reason, field="lei")
    affiliates = sorted({a.strip() for a in entry.affiliates if a.strip()})
    try:
        with unit_of_work(engine, actor) as session:
            if entry.id is None:
                comp = Competitor(name=name)
            else:
                comp = get_for_update(session, Competitor, entry.id, entry.version)
                comp.name = name
            comp.lei = entry.lei.strip().upper() or None
            comp.notes = entry.notes
            comp.updated_at = utcnow()
            session.add(comp)
            session.flush()
            have = {a.name: a for a in session.exec(select(CompetitorAffiliate).where(
                CompetitorAffiliate.competitor_id == comp.id)).all()}
            for aname, row in have.items():
                if aname not in affiliates:
                    session.delete(row)
            assert comp.id is not None
            for aname in affiliates:
                if aname not in have:
                    session.add(CompetitorAffiliate(competitor_id=comp.id, name=aname))
            session.flush()
            return CompetitorEntry(comp.name, comp.lei or "", comp.notes, affiliates, comp.id, comp.version)
    except IntegrityError as exc:
        raise ValidationError(tr("The watchlist already has a competitor named {name}.", name=repr(name)), field="name") from exc


def remove_competitor(engine: Engine, competitor_id: int, actor: str | None = None) -> None:
    with unit_of_work(engine, actor) as session:
        comp = session.get(Competitor, competitor_id)
        if comp is None:
            raise NotFound(tr("There is no competitor #{competitor_id} on the watchlist.",
                              competitor_id=competitor_id))
        comp.archived_at = utcnow()
        session.add(comp)


# --------------------------------------------------------------------------- time-stamping server

TIMESTAMP_URL_MAX = 500


def check_timestamp_url(url: str) -> str:
    """A usable RFC 3161 server address (http or https with a host), or '' to sign without one."""
    from urllib.parse import urlsplit

    value = url.strip()
    if not value:
        return ""
    if len(value) > TIMESTAMP_URL_MAX or any(ord(ch) <= 32 or ord(ch) == 127 for ch in value):
        raise ValidationError(tr("The time-stamping server address {url} is not a valid web address.",
                                 url=repr(value[:80])), field="timestamp_url")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise ValidationError(tr("The time-stamping server address {url} is not a valid web address.",
                                 url=repr(value[:80])), field="timestamp_url") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname or (port is not None and port <= 0):
        raise ValidationError(tr("The time-stamping server address {url} must start with http:// or https:// "
                                 "and name a server.", url=repr(value[:80])), field="timestamp_url")
    return value


def set_timestamp_url(engine: Engine, url: str, actor: str | None = None) -> OrgSettings:
    """Use the RFC 3161 time-stamping server at ``url`` for every signature ('' to stop)."""
    value = check_timestamp_url(url)
    with unit_of_work(engine, actor) as session:
        org = _org(session)
        org.timestamp_url = value or None
        org.updated_at = utcnow()
        session.add(org)
        session.flush()
        return _to_settings(org)


# --------------------------------------------------------------------------- trust roots

TRUST_FILE_MAX = 1024 * 1024


@dataclass(frozen=True)
class TrustRootInfo:
    id: int
    subject: str
    fingerprint_sha256: str
    not_after: str
    is_ca: bool
    added_by: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def read_certificates(path: Path) -> list[bytes]:
    """The certificates (DER) in a PEM or DER file; a clear ``UserError`` for anything else."""
    from cryptography import x509

    name = repr(str(path))
    try:
        if not path.is_file():
            raise UserError(tr("{path} is not a certificate file.", path=name))
        if path.stat().st_size > TRUST_FILE_MAX:
            raise UserError(tr("{path} is too large to be a certificate file.", path=name))
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(tr("The file {path} cannot be read: {strerror}.", path=name, strerror=exc.strerror)) from exc
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise UserError(tr("{path} holds no X.509 certificate (PEM or DER).", path=name)) from exc
    from cryptography.hazmat.primitives.serialization import Encoding

    return [c.public_bytes(Encoding.DER) for c in certs]


def _trust_info(row: TrustRoot) -> TrustRootInfo:
    from cryptography import x509

    cert = x509.load_der_x509_certificate(bytes(row.certificate_der))
    try:
        is_ca = bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        is_ca = False
    assert row.id is not None
    return TrustRootInfo(row.id, row.subject, row.fingerprint_sha256,
                         row.not_after.isoformat() if row.not_after else "", is_ca, row.added_by)


def add_trust_roots(engine: Engine, path: Path, actor: str | None = None) -> list[TrustRootInfo]:
    """Trust every certificate in ``path`` (a company CA, or a partner's own signing certificate)."""
    import hashlib

    from cryptography import x509

    ders = read_certificates(path)
    with unit_of_work(engine, actor) as session:
        added = []
        for der in ders:
            fp = hashlib.sha256(der).hexdigest()
            row = session.exec(select(TrustRoot).where(col(TrustRoot.fingerprint_sha256) == fp)).first()
            if row is None:
                cert = x509.load_der_x509_certificate(der)
                row = TrustRoot(subject=cert.subject.rfc4514_string()[:500], fingerprint_sha256=fp,
                                certificate_der=der, not_after=cert.not_valid_after_utc,
                                added_by=str(session.info["actor"])[:200])
            elif row.archived_at is None:
                added.append(_trust_info(row))
                continue
            row.archived_at = None
            session.add(row)
            session.flush()
            added.append(_trust_info(row))
        return added


def list_trust_roots(engine: Engine) -> list[TrustRootInfo]:
    with read_session(engine) as session:
        rows = session.exec(select(TrustRoot).where(col(TrustRoot.archived_at).is_(None))
                            .order_by(col(TrustRoot.subject))).all()
        return [_trust_info(r) for r in rows]


def trust_root_certificates(engine: Engine) -> list[bytes]:
    """The DER certificates every signature is checked against (besides this database's identities)."""
    with read_session(engine) as session:
        return [bytes(r.certificate_der) for r in session.exec(
            select(TrustRoot).where(col(TrustRoot.archived_at).is_(None))).all()]


def remove_trust_root(engine: Engine, fingerprint: str, actor: str | None = None) -> TrustRootInfo:
    """Stop trusting the root whose SHA-256 fingerprint starts with ``fingerprint`` (at least 8 hex digits)."""
    wanted = fingerprint.strip().lower().replace(":", "")
    if len(wanted) < 8 or any(ch not in "0123456789abcdef" for ch in wanted):
        raise UserError(tr("Give at least the first 8 hexadecimal digits of the trust root's fingerprint "
                           "(see `vetta settings trust list`)."))
    with unit_of_work(engine, actor) as session:
        rows = [r for r in session.exec(select(TrustRoot).where(col(TrustRoot.archived_at).is_(None))).all()
                if r.fingerprint_sha256.startswith(wanted)]
        if not rows:
            raise NotFound(tr("No trust root has a fingerprint starting with {fingerprint}.", fingerprint=wanted))
        if len(rows) > 1:
            raise UserError(tr("Several trust roots have a fingerprint starting with {fingerprint}; give more "
                               "digits.", fingerprint=wanted))
        row = rows[0]
        row.archived_at = utcnow()
        session.add(row)
        session.flush()
        return _trust_info(row)
