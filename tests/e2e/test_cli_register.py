"""`vetta vendors ...`, `vetta import vendors`, `vetta export vendors` as a user runs them."""

from __future__ import annotations

import csv
import json


def test_vendor_commands(vetta):
    assert vetta("demo").returncode == 0
    r = vetta("vendors", "list", "--expiring", "30", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert [v["name"] for v in rows] == ["Veridata Annotations Ltd"]
    assert rows[0]["flags"] == ["certificate_expiring"]
    r = vetta("vendors", "add", "Acme Datos S.L.", "--lei", "5493001KJTIIGC8Y1R13")
    assert r.returncode == 2 and "LEI" in r.stderr and "Traceback" not in r.stderr
    r = vetta("vendors", "add", "Acme Datos S.L.", "--vat", "ESA58818501", "--tag", "speech")
    assert r.returncode == 0, r.stderr
    r = vetta("vendors", "show", "10", "--json")
    assert json.loads(r.stdout)["vat"] == "ESA58818501"
    assert vetta("vendors", "show", "999").returncode == 2
    assert vetta("vendors", "archive", "10").returncode == 0
    assert "Acme" not in vetta("vendors", "list").stdout
    assert "Acme" in vetta("vendors", "list", "--archived").stdout


def test_import_dry_run_then_import_then_export(vetta, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("Supplier,Country,Tier\nAcme,ES,high\nBeta,Spain,high\n", encoding="utf-8")
    r = vetta("import", "vendors", str(src), "--dry-run")
    assert r.returncode == 1
    assert "row 3, column 'Country'" in r.stdout and "nothing was imported" in r.stdout
    r = vetta("import", "vendors", str(src))
    assert r.returncode == 1
    assert json.loads(vetta("vendors", "list", "--json").stdout) == []
    src.write_text("Supplier,Country,Tier\nAcme,ES,high\nBeta,DE,low\n", encoding="utf-8")
    r = vetta("import", "vendors", str(src), "--dry-run")
    assert r.returncode == 0 and "2 vendor(s) would be imported" in r.stdout
    r = vetta("import", "vendors", str(src), "--map", "Supplier=name")
    assert r.returncode == 0 and "Imported 2" in r.stdout
    out = tmp_path / "out.csv"
    r = vetta("export", "vendors", "-o", str(out), "--tier", "high")
    assert r.returncode == 0, r.stderr
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert [row[0] for row in rows] == ["Name", "Acme"]


def test_bad_arguments(vetta, tmp_path):
    r = vetta("import", "vendors", str(tmp_path / "missing.csv"))
    assert r.returncode == 2 and "does not exist" in r.stderr
    r = vetta("import", "vendors", str(tmp_path / "missing.csv"), "--map", "nonsense")
    assert r.returncode == 2 and "COLUMN=FIELD" in r.stderr
    r = vetta("export", "vendors", "-o", str(tmp_path / "x.pdf"))
    assert r.returncode == 2 and ".csv or .xlsx" in r.stderr
    r = vetta("export", "vendors")
    assert r.returncode == 2
