"""First start: is the database new, and set it up from the welcome flow's answers."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from desktop.core.errors import ValidationError
from desktop.core.i18n import tr
from desktop.services import settings as settings_svc

if TYPE_CHECKING:  # signing (pyHanko) loads only when an identity is made, not at every start
    from desktop.services.identities import IdentityInfo


@dataclass
class CompetitorChoice:
    name: str
    affiliates: list[str] = field(default_factory=list)


@dataclass
class SetupChoices:
    organisation: str
    language: str = ""
    logo: Path | None = None
    competitors: list[CompetitorChoice] = field(default_factory=list)
    identity_name: str = ""
    identity_email: str = ""


@dataclass(frozen=True)
class SetupResult:
    organisation: str
    competitors: int
    identity: IdentityInfo | None


def is_first_run(engine: Engine) -> bool:
    """True while the organisation has no name yet (a fresh database): the welcome flow is due."""
    return not settings_svc.get_settings(engine).name.strip()


def check_choices(choices: SetupChoices) -> None:
    """Refuse incomplete answers before anything is written (ValidationError naming the field)."""
    if not choices.organisation.strip():
        raise ValidationError(tr("The organisation's name is required: it appears on every report."),
                              field="organisation")
    if choices.language not in settings_svc.LANGUAGES:
        raise ValidationError(tr("The language must be English (en), Spanish (es) or the system's."), field="language")
    if choices.logo is not None and not choices.logo.is_file():
        raise ValidationError(tr("The logo file {logo} does not exist.", logo=repr(str(choices.logo))), field="logo")
    for c in choices.competitors:
        if not c.name.strip() and any(a.strip() for a in c.affiliates):
            raise ValidationError(tr("A competitor row has affiliates but no name."), field="competitors")
    if choices.identity_email.strip() and not choices.identity_name.strip():
        raise ValidationError(tr("The signing identity needs the person's name."), field="identity_name")


def complete_setup(engine: Engine, choices: SetupChoices, actor: str | None = None) -> SetupResult:
    """Save the organisation profile, the watchlist and (optionally) a signing identity.

    The organisation's name is written last, so a failure part-way leaves the first run not done
    and the welcome flow is offered again.
    """
    check_choices(choices)
    current = settings_svc.get_settings(engine)
    if choices.logo is not None:
        settings_svc.set_logo(engine, choices.logo, actor)
    existing = {c.name.casefold() for c in settings_svc.list_competitors(engine)}
    added = 0
    for c in choices.competitors:
        name = c.name.strip()
        if not name or name.casefold() in existing:
            continue
        settings_svc.save_competitor(engine, settings_svc.CompetitorEntry(name, affiliates=c.affiliates), actor)
        existing.add(name.casefold())
        added += 1
    identity = None
    if choices.identity_name.strip():
        from desktop.services.identities import new_identity

        identity = new_identity(engine, choices.identity_name.strip(), email=choices.identity_email.strip(),
                                organisation=choices.organisation.strip(), actor=actor)
    current = settings_svc.get_settings(engine)
    settings_svc.save_settings(engine, replace(current, name=choices.organisation.strip(),
                                               language=choices.language), actor)
    return SetupResult(choices.organisation.strip(), added, identity)
