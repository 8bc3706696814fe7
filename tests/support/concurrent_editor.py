"""A separate process editing one vendor, driven line by line through stdin (no sleeps).

Commands (one per line): ``load`` (remember the vendor's version, as a form does),
``begin`` (open a unit of work and load the vendor for update with the remembered version),
``set VALUE`` (change the notes inside the open unit of work and commit it; or, without an open
unit of work, do load-for-update + change + commit in one), ``quit``.
Answers: ``loaded N``, ``ready``, ``saved N``, ``conflict MESSAGE``, ``error MESSAGE``.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack


def main(url: str, vendor_id: int, actor: str) -> None:
    from db.engine import make_engine, read_session, unit_of_work
    from db.errors import ConflictError
    from db.models import Vendor
    from db.repo import get_for_update

    engine = make_engine(url)
    version: int | None = None
    stack = ExitStack()
    session = None
    obj = None

    def reply(text: str) -> None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    for line in sys.stdin:
        cmd, _, arg = line.strip().partition(" ")
        try:
            if cmd == "load":
                with read_session(engine) as s:
                    v = s.get(Vendor, vendor_id)
                    assert v is not None
                    version = v.version
                reply(f"loaded {version}")
            elif cmd == "begin":
                session = stack.enter_context(unit_of_work(engine, actor))
                obj = get_for_update(session, Vendor, vendor_id, version)
                reply("ready")
            elif cmd == "set":
                if session is None:
                    with unit_of_work(engine, actor) as s:
                        o = get_for_update(s, Vendor, vendor_id, version)
                        o.notes = arg
                    reply(f"saved {o.version}")
                else:
                    assert obj is not None
                    obj.notes = arg
                    stack.close()  # commits the unit of work
                    reply(f"saved {obj.version}")
                    session = obj = None
            elif cmd == "quit":
                break
        except ConflictError as exc:
            stack = ExitStack()
            session = obj = None
            reply(f"conflict {exc}")
        except Exception as exc:  # reported to the test, which fails on it
            reply(f"error {type(exc).__name__}: {exc}")
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
