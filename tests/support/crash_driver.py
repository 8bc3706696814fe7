"""A test-only writer for the crash harness (tests/e2e/test_crash.py): many small units of work.

``python -m tests.support.crash_driver DB SCENARIO SEED`` writes until killed, printing one line
after each commit (``committed KIND PAYLOAD``), so the harness knows what must survive a SIGKILL.

Scenarios:
- ``vendors``: each unit of work creates a party, its vendor and three tags (a bulk import's shape);
- ``autosave``: each unit of work changes one answer of an assessment and records the counter in the
  assessment's ``facts_json`` (an autosave's shape): both must land together or not at all.

The real importers and autosave (later round) are added to the harness as commands of their own.
"""

from __future__ import annotations

import json
import sys

AUTOSAVE_ANSWERS = 5


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


def main(argv: list[str]) -> None:
    from db.engine import make_engine

    path, scenario, seed = argv[0], argv[1], int(argv[2])
    engine = make_engine(path)
    print("started", flush=True)
    {"vendors": _vendors, "autosave": _autosave}[scenario](engine, seed)


if __name__ == "__main__":
    main(sys.argv[1:])
