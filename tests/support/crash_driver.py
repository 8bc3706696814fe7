"""A test-only writer for the crash harness (tests/e2e/test_crash.py): many small units of work.

``python -m tests.support.crash_driver DB SCENARIO SEED`` writes until killed, printing one line
after each commit (``committed KIND PAYLOAD``), so the harness knows what must survive a SIGKILL.

Scenarios:
- ``vendors``: each unit of work creates a party, its vendor and three tags (a bulk import's shape);
- ``autosave``: each unit of work changes one answer of an assessment and records the counter in the
  assessment's ``facts_json`` (an autosave's shape): both must land together or not at all.

- ``import``: the real vendor importer (``desktop.services.register_io.import_vendors``), again and
  again, each time a new CSV of ``IMPORT_ROWS`` rows (names ``imp-SEED-BATCH-ROW``) written beside
  the database: one transaction per file, so a batch is in the database whole or not at all;
- ``answer``: the real answer autosave (``desktop.services.assessments.answer_question``) on the
  assessment of ``setup_answer_assessment``, one question after the other, each save's justification
  carrying its counter (``autosave N``).

The real ``vetta import vendors`` program is also killed directly by the harness (no driver).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

AUTOSAVE_ANSWERS = 5
IMPORT_ROWS = 25
ANSWER_ACTOR = "crash-autosave"
IMPORT_ACTOR = "crash-import"


def write_vendor_csv(path: Path, prefix: str, rows: int) -> None:
    """A vendor CSV of ``rows`` rows named ``PREFIX-ROW``, every column filled."""
    lines = ["Name,Country,Services,Tier,Status,Tags,Notes"]
    lines += [f"{prefix}-{r},ES,labelling,high,active,\"bulk,crash\",row {r} " + "n" * 200 for r in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _vendors(engine: object, seed: int) -> None:
    from db.engine import unit_of_work
    from db.models import Party, Vendor, VendorTag

    i = 0
    while True:
        name = f"crash-{seed}-{i}"
        with unit_of_work(engine, "crash-driver") as s:  # type: ignore[arg-type]
            party = Party(name=name, notes="x" * 2000)
            s.add(party)
            s.flush()
            vendor = Vendor(party_id=party.id, services="bulk", notes=name)
            s.add(vendor)
            s.flush()
            for tag in ("a", "b", "c"):
                s.add(VendorTag(vendor_id=vendor.id, tag=tag))
        print(f"committed vendor {vendor.id} {name}", flush=True)
        i += 1


def _autosave(engine: object, seed: int) -> None:
    from sqlmodel import select

    from db.engine import unit_of_work
    from db.models import Answer, Assessment

    with unit_of_work(engine, "crash-driver") as s:  # type: ignore[arg-type]
        assessment = s.exec(select(Assessment).where(Assessment.preparer == "crash-driver")).one()
        counter = int(json.loads(assessment.facts_json).get("counter", 0))
    while True:
        counter += 1
        with unit_of_work(engine, "crash-driver") as s:  # type: ignore[arg-type]
            assessment = s.exec(select(Assessment).where(Assessment.preparer == "crash-driver")).one()
            answer = s.exec(select(Answer).where(Answer.assessment_id == assessment.id,
                                                 Answer.question_key == f"q{counter % AUTOSAVE_ANSWERS}")).one()
            answer.value_json = json.dumps(counter)
            answer.justification = f"autosave {counter} " + "y" * 500
            assessment.facts_json = json.dumps({"counter": counter})
        print(f"committed autosave {counter}", flush=True)


def _import(engine: Any, seed: int, work: Path) -> None:
    from desktop.services.register_io import import_vendors

    folder = work / f"import-{seed}"
    folder.mkdir(exist_ok=True)
    batch = 0
    while True:
        path = folder / f"batch-{batch}.csv"
        write_vendor_csv(path, f"imp-{seed}-{batch}", IMPORT_ROWS)
        plan = import_vendors(engine, path, actor=IMPORT_ACTOR)
        print(f"committed import imp-{seed}-{batch} {plan.imported}", flush=True)
        batch += 1


def setup_answer_assessment(db: Path | str) -> int:
    """A vendor and a draft assessment on the shipped template; returns its id (``db``: a file or URL)."""
    from desktop.services.assessments import create_assessment
    from desktop.services.database import open_database
    from tests.support.records import make_vendor

    engine = open_database(str(db))
    try:
        make_vendor(engine, "Autosave Real Vendor")
        return create_assessment(engine, "Autosave Real Vendor", preparer=ANSWER_ACTOR, actor=ANSWER_ACTOR).id
    finally:
        engine.dispose()


def answer_plan(engine: Any) -> tuple[int, list[tuple[str, list[str]]]]:
    """The driver's assessment and its yes/no questions with their allowed values."""
    from sqlmodel import select

    from db.engine import read_session
    from db.models import Assessment
    from desktop.services import checklists

    with read_session(engine) as s:
        a = s.exec(select(Assessment).where(Assessment.preparer == ANSWER_ACTOR)).one()
        assert a.id is not None
        model = checklists.template_model(s, a.template_id)
        return a.id, [(q.id, q.allowed_values()) for _s, q in model.questions()
                      if q.answer_type == "yes_no_partial_na"]


def _answer(engine: Any, seed: int, work: Path) -> None:
    from sqlmodel import col, select

    from db.engine import read_session
    from db.models import Answer
    from desktop.services.assessments import answer_question

    assessment_id, questions = answer_plan(engine)
    with read_session(engine) as s:
        done = list(s.exec(select(Answer.justification).where(
            Answer.assessment_id == assessment_id, col(Answer.justification).like("autosave %"))))
    counter = max((int(j.split()[1]) for j in done), default=0)
    while True:
        counter += 1
        qid, allowed = questions[counter % len(questions)]
        value = allowed[(counter // len(questions) + seed) % len(allowed)]
        answer_question(engine, assessment_id, qid, value, justification=f"autosave {counter}",
                        actor=ANSWER_ACTOR)
        print(f"committed answer {counter} {qid} {value}", flush=True)


def main(argv: list[str]) -> None:
    from db.engine import make_engine

    url, scenario, seed = argv[0], argv[1], int(argv[2])
    folder = Path(argv[3]) if len(argv) > 3 else Path(url.removeprefix("sqlite:///")).parent  # for files
    engine = make_engine(url)
    print("started", flush=True)
    if scenario in ("import", "answer"):
        {"import": _import, "answer": _answer}[scenario](engine, seed, folder)
    else:
        {"vendors": _vendors, "autosave": _autosave}[scenario](engine, seed)


if __name__ == "__main__":
    main(sys.argv[1:])
