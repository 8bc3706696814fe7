"""The "Done when" of issue 4 with the REAL ownership analysis (runs once desktop.services.ownership exists).

On the demo data, Scalewise (the seed case) comes out Not neutral with the competitor stake and the
CEO move among its findings; Clearlabel (the clean vendor) comes out Neutral once its questions are
answered.
"""

from __future__ import annotations

from desktop.services import assessments as A  # noqa: E402
from tests.db.test_assessments import complete  # noqa: E402


def test_scalewise_is_not_neutral_with_stake_and_ceo_move(demo_engine):
    s = A.create_assessment(demo_engine, "Scalewise Data Inc.")
    view = A.get_assessment(demo_engine, s.id)
    own, ceo = view.question("OWN-01"), view.question("GOV-02")
    assert (own.value, own.source) == ("yes", "rule") and "49" in own.explanation_en
    assert (ceo.value, ceo.source) == ("yes", "rule") and "Alex Marlow" in ceo.explanation_en
    complete(demo_engine, s.id)
    done = A.submit_assessment(demo_engine, s.id)
    assert done.rating == "not_neutral"
    findings = {f.code: f for f in A.get_assessment(demo_engine, s.id).findings}
    assert {"OWN-01", "GOV-02"} <= set(findings)
    # the rule's explanation is the statement: it names the competitor, in both languages
    assert "Contoso Platforms Inc." in findings["OWN-01"].message("en")
    assert "Alex Marlow" in findings["GOV-02"].message("es") and "Alex Marlow" in findings["GOV-02"].message("en")


def test_clearlabel_is_neutral_once_answered(demo_engine):
    s = A.create_assessment(demo_engine, "Clearlabel Cooperativa S.Coop.")
    view = A.get_assessment(demo_engine, s.id)
    assert view.question("OWN-01").value == "no" and view.question("GOV-02").value == "no"
    complete(demo_engine, s.id)
    assert A.submit_assessment(demo_engine, s.id).rating == "neutral"


def test_tessera_subprocessor_is_linked_to_fabrikam(demo_engine):
    s = A.create_assessment(demo_engine, "Tessera Labeling GmbH")
    q = A.get_assessment(demo_engine, s.id).question("SUB-02")
    assert q.value == "yes" and "Quillstream" in q.explanation_en
