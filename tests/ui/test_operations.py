"""One user action = one operation = one unit of work off the GUI thread, and one change broadcast
of what it actually wrote (issue 16.1). The write guard installed for every UI test (tests/ui/conftest.py)
makes any write the window starts on its GUI thread fail; these tests attack the runner itself."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from desktop.core.errors import UserError
from desktop.services.backend import ChangeSet
from desktop.services.vendors import VendorForm, create_vendor, get_vendor, update_vendor
from desktop.ui.operations import WriteOnGuiThread, run_operation, run_query, signals
from tests.ui.ops import finish


def _vendors(engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM vendor")).scalar_one())


def _audit_events(engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one())


def _window_code(source: str, **names):
    """A function whose module is a window module (desktop.ui.*), as the guard sees the call stack."""
    namespace = {"__name__": "desktop.ui.probe", **names}
    exec(compile(source, "desktop/ui/probe.py", "exec"), namespace)
    return namespace["action"]


def test_a_write_started_by_window_code_on_the_gui_thread_is_refused(qtbot, sqlite_engine):
    action = _window_code("def action(backend):\n    return create_vendor(backend, VendorForm(name='Quick Save Ltd'))",
                          create_vendor=create_vendor, VendorForm=VendorForm)
    with pytest.raises(WriteOnGuiThread, match="GUI thread by desktop.ui.probe.action"):
        action(sqlite_engine)
    assert _vendors(sqlite_engine) == 0 and _audit_events(sqlite_engine) == 0
    # the same call by a script or a test (no window code on the stack) is allowed
    create_vendor(sqlite_engine, VendorForm(name="Scripted Ltd"))
    assert _vendors(sqlite_engine) == 1


def test_one_operation_is_one_transaction_and_announces_what_it_wrote(qtbot, engine):
    heard: list[ChangeSet] = []
    signals().changed.connect(heard.append)
    try:
        def two_then_fail(uow, _progress, _cancelled):
            create_vendor(uow.backend, VendorForm(name="First Ltd"))
            create_vendor(uow.backend, VendorForm(name="Second Ltd"))
            raise UserError("The third vendor's name is missing.")

        failed: list[BaseException] = []
        finish(qtbot, run_operation(None, "", engine, two_then_fail, on_failure=failed.append,
                                    show_progress=False), ok=False)
        assert [str(e) for e in failed] == ["The third vendor's name is missing."]
        assert _vendors(engine) == 0 and _audit_events(engine) == 0  # neither: one transaction
        assert heard == []  # nothing written, nothing announced

        def two(uow, _progress, _cancelled):
            first = create_vendor(uow.backend, VendorForm(name="First Ltd"))
            second = create_vendor(uow.backend, VendorForm(name="Second Ltd"))
            # a service reading inside the operation sees what the operation wrote so far
            return get_vendor(uow.backend, first.id).form.name, second.id

        name, second_id = finish(qtbot, run_operation(None, "", engine, two, show_progress=False))
        assert name == "First Ltd" and _vendors(engine) == 2
        assert heard == [ChangeSet(vendors=True)]  # two vendors: no single vendor named
        assert {"vendor", "party"} <= heard[0].tables

        detail = get_vendor(engine, second_id)

        def rename(uow, _progress, _cancelled):
            return update_vendor(uow.backend, second_id, VendorForm(name="Second Renamed Ltd"), detail.version,
                                 detail.party_version)

        finish(qtbot, run_operation(None, "", engine, rename, show_progress=False))
        assert heard[-1] == ChangeSet(vendors=True, vendor_id=second_id)  # the one vendor changed
    finally:
        signals().changed.disconnect(heard.append)


def test_a_query_may_not_write(qtbot, sqlite_engine):
    def sneaky(backend, _progress, _cancelled):
        return create_vendor(backend, VendorForm(name="Sneaky Ltd"))

    failed: list[BaseException] = []
    finish(qtbot, run_query(None, "", sqlite_engine, sneaky, on_failure=failed.append, show_progress=False),
           ok=False)
    assert isinstance(failed[0], WriteOnGuiThread) and "read-only query" in str(failed[0])
    assert _vendors(sqlite_engine) == 0
