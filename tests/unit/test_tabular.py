"""Reading CSV/XLSX (encodings, delimiters, bad files) and writing with formula neutralisation."""

from __future__ import annotations

import csv

import pytest
from openpyxl import Workbook, load_workbook

from desktop.core.errors import UserError
from desktop.core.tabular import neutralise, read_table, write_table


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_csv_encodings(tmp_path, encoding):
    path = tmp_path / "v.csv"
    path.write_bytes("Nombre;País\nÑandú Datos, S.L.;ES\nCafé Über;DE\n".encode(encoding))
    table = read_table(path)
    assert table.headers == ["Nombre", "País"]
    assert table.rows == [["Ñandú Datos, S.L.", "ES"], ["Café Über", "DE"]]


def test_csv_short_rows_padded_and_trailing_blank_rows_dropped(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("a,b,c\n1\n\n,,\n", encoding="utf-8")
    assert read_table(path).rows == [["1", "", ""]]


def test_xlsx(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Name", "Next review due", "Count"])
    import datetime

    ws.append(["Acme", datetime.datetime(2026, 5, 1), 3.0])
    wb.save(tmp_path / "v.xlsx")
    table = read_table(tmp_path / "v.xlsx")
    assert table.rows == [["Acme", "2026-05-01", "3"]]


@pytest.mark.parametrize("content, message", [
    (b"", "empty"), (b"a,A\n1,2\n", "twice"), (b"PK\x03\x04garbage", "not a readable XLSX")])
def test_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        read_table(path)


def test_missing_file(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        read_table(tmp_path / "nope.csv")


@pytest.mark.parametrize("value, expected", [("=1+1", "'=1+1"), ("+34 600", "'+34 600"), ("-x", "'-x"),
                                             ("@SUM(A1)", "'@SUM(A1)"), ("Acme", "Acme"), (5, 5), (None, None)])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_write_csv_and_xlsx_neutralise_formulas(tmp_path):
    rows = [["=HYPERLINK(\"http://evil\")", "@cmd"], ["Acme", "-1"]]
    write_table(tmp_path / "o.csv", ["Name", "X"], rows)
    with (tmp_path / "o.csv").open(encoding="utf-8-sig", newline="") as f:
        back = list(csv.reader(f))
    assert back == [["Name", "X"], ["'=HYPERLINK(\"http://evil\")", "'@cmd"], ["Acme", "'-1"]]
    write_table(tmp_path / "o.xlsx", ["Name", "X"], rows)
    ws = load_workbook(tmp_path / "o.xlsx").active
    assert ws["A2"].value == "'=HYPERLINK(\"http://evil\")" and ws["A2"].data_type == "s"
    with pytest.raises(UserError, match=".csv or .xlsx"):
        write_table(tmp_path / "o.pdf", ["a"], [])


def test_bytes_undefined_in_cp1252_fall_back_to_detection(tmp_path):
    path = tmp_path / "v.csv"
    path.write_bytes(b"Nombre\nDatos\n" + b"\x81\x8d caf\xe9\n")
    table = read_table(path)
    assert table.headers == ["Nombre"] and len(table.rows) == 2
