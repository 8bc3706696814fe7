"""Import (mapping, dry run, all or nothing) and export (filters, neutralisation) of the register (both backends)."""

from __future__ import annotations

import csv

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import func, select

from db.engine import read_session
from db.models import AuditEvent, Vendor
from desktop.core.errors import UserError
from desktop.services.register import RegisterQuery
from desktop.services.register_io import auto_mapping, export_vendors, import_vendors, plan_import
from desktop.services.vendors import get_vendor


def _vendors(engine) -> int:
    with read_session(engine) as s:
        return int(s.exec(select(func.count()).select_from(Vendor)).one())


def _events(engine) -> int:
    with read_session(engine) as s:
        return int(s.exec(select(func.count()).select_from(AuditEvent)).one())


GOOD = ("Proveedor;País;Criticidad;LEI;Etiquetas;Next review due\n"
        "Acme Datos S.L.;es;High;5493001KJTIIGC8Y1R12;speech, eu;2026-09-01\n"
        "Beta Labs;DE;low;;;\n")


def test_auto_mapping_recognises_spanish_and_english_headers():
    assert auto_mapping(["Proveedor", "País", "VAT number", "Whatever"]) == {
        "Proveedor": "name", "País": "country", "VAT number": "vat"}


def test_import_all_rows(engine, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(GOOD, encoding="utf-8")
    plan = import_vendors(engine, path, actor="ana")
    assert plan.imported == 2 and not plan.rejections
    assert _vendors(engine) == 2
    acme = next(get_vendor(engine, i) for i in (1, 2) if get_vendor(engine, i).form.name == "Acme Datos S.L.")
    assert acme.form.tier == "high" and acme.form.country == "ES" and acme.form.tags == ["eu", "speech"]
    assert acme.form.lei == "5493001KJTIIGC8Y1R12" and acme.form.next_review_due.isoformat() == "2026-09-01"


def test_dry_run_lists_every_rejection_and_writes_nothing(demo_engine, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("Supplier,Country,Tier,LEI,Next review due\n"
                    "Fine Vendor,ES,high,,\n"
                    ",ES,high,,\n"
                    "Bad Codes,Spain,urgent,5493001KJTIIGC8Y1R13,01/02/2026\n"
                    "Scalewise Data Inc.,US,critical,,\n"
                    "Twice,ES,low,,\n"
                    "twice,ES,low,,\n", encoding="utf-8")
    before, events = _vendors(demo_engine), _events(demo_engine)
    plan = plan_import(demo_engine, path)
    got = {(r.row, r.column) for r in plan.rejections}
    assert got == {(3, "Supplier"), (4, "Country"), (4, "Tier"), (4, "LEI"), (4, "Next review due"),
                   (5, "Supplier"), (7, "Supplier")}
    assert plan.accepted == 2
    assert any("row 6" in r.reason for r in plan.rejections if r.row == 7)
    with pytest.raises(UserError, match="Nothing was imported"):
        import_vendors(demo_engine, path)
    assert (_vendors(demo_engine), _events(demo_engine)) == (before, events)


def test_mapping_overrides_and_errors(engine, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("Company,Col2\nAcme,critical\n", encoding="utf-8")
    with pytest.raises(UserError, match="no column 'Nope'"):
        plan_import(engine, path, {"Nope": "name"})
    with pytest.raises(UserError, match="not a vendor field"):
        plan_import(engine, path, {"Col2": "colour"})
    plan = import_vendors(engine, path, {"Col2": "tier"})
    assert plan.imported == 1 and get_vendor(engine, 1).form.tier == "critical"
    path.write_text("Foo,Bar\nx,y\n", encoding="utf-8")
    with pytest.raises(UserError, match="vendor name"):
        plan_import(engine, path)


def test_import_xlsx(engine, tmp_path):
    wb = Workbook()
    wb.active.append(["Name", "Status"])
    wb.active.append(["Acme", "Active"])
    wb.save(tmp_path / "v.xlsx")
    assert import_vendors(engine, tmp_path / "v.xlsx").imported == 1
    assert get_vendor(engine, 1).form.status == "active"


def test_cancelled_import_writes_nothing(engine, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(GOOD, encoding="utf-8")
    with pytest.raises(UserError, match="cancelled"):
        import_vendors(engine, path, cancelled=lambda: True)
    assert _vendors(engine) == 0


def test_export_filtered_and_neutralised(demo_engine, tmp_path):
    from desktop.services.vendors import VendorForm, create_vendor

    create_vendor(demo_engine, VendorForm(name="=cmd|' /C calc'!A0", services="+danger", tier="high"))
    n = export_vendors(demo_engine, tmp_path / "o.csv", RegisterQuery(tier="high"))
    with (tmp_path / "o.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert n == 4 and len(rows) == 5 and rows[0][0] == "Name"
    evil = next(r for r in rows if "calc" in r[0])
    assert evil[0].startswith("'=") and evil[2] == "'+danger"
    assert {r[3] for r in rows[1:]} == {"high"}
    export_vendors(demo_engine, tmp_path / "o.xlsx")
    ws = load_workbook(tmp_path / "o.xlsx").active
    assert ws.max_row == 11
    values = [c.value for c in ws["A"]]
    assert "'=cmd|' /C calc'!A0" in values
    with pytest.raises(UserError, match=".csv or .xlsx"):
        export_vendors(demo_engine, tmp_path / "o.txt")
