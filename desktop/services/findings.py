"""The ownership side of an assessment's findings: the analysis run in English and in Spanish.

Findings carry their statements in both languages from the moment they are made (a report renders
in either), so the ownership analysis runs once per language. A caller that passes its own
``analyze_fn`` (tests, canned analyses) gets one run whose text stands for both languages.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.engine import Engine

from db.engine import read_session
from db.models import Assessment, Vendor
from desktop.core.errors import NotFound
from desktop.core.findings import Finding, ownership_findings
from desktop.core.i18n import tr
from desktop.services.facts import AnalyzeFn

Analysis = dict[str, Any]


def analyses(engine: Engine, party_id: int, as_of: date | None,
             analyze_fn: AnalyzeFn | None = None) -> tuple[Analysis | None, Analysis | None]:
    """The ownership analysis of ``party_id`` in English and in Spanish."""
    if analyze_fn is not None:
        return analyze_fn(engine, party_id, as_of), None
    from desktop.services.ownership import analyze

    return analyze(engine, party_id, as_of, lang="en"), analyze(engine, party_id, as_of, lang="es")


def subject_of(engine: Engine, assessment_id: int) -> tuple[int, date | None]:
    """The vendor's party id and the facts date of an assessment."""
    with read_session(engine) as session:
        a = session.get(Assessment, assessment_id)
        if a is None:
            raise NotFound(tr("There is no assessment #{assessment_id}.", assessment_id=assessment_id))
        vendor = session.get(Vendor, a.vendor_id)
        assert vendor is not None
        return vendor.party_id, a.as_of


def ownership_findings_for(engine: Engine, assessment_id: int,
                           analyze_fn: AnalyzeFn | None = None) -> list[Finding]:
    """The ownership analysis' findings for the vendor of ``assessment_id`` on its facts date."""
    party_id, as_of = subject_of(engine, assessment_id)
    english, spanish = analyses(engine, party_id, as_of, analyze_fn)
    return ownership_findings(english, spanish)
