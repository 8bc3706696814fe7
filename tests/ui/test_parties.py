"""People and companies in the window (issue 15.8), driven with qtbot on the demo data: record a person, find it in
the list, use it in an interest from the vendor's ownership tab, and see the analysis pick it up."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QComboBox, QTableWidgetItem
from sqlalchemy import func
from sqlmodel import select

from db.engine import read_session
from db.models import Party
from desktop.services.parties import get_party
from desktop.ui.ownership import OwnershipTab
from desktop.ui.parties import PartiesDialog, PartyDialog
from tests.ui.ops import finish
from tests.ui.test_ownership_tab import party_id, vendor_id

LAPTOP = QRect(0, 0, 1366, 768)


def _save(qtbot, dialog: PartyDialog, distinct: bool = False) -> None:
    op = dialog.save(distinct=distinct)
    assert op is not None, dialog.error.text()
    with qtbot.waitSignal(op.done, timeout=10000):
        pass


def _parties(engine) -> int:
    with read_session(engine) as s:
        return int(s.exec(select(func.count()).select_from(Party)).one())


def _inside(widget, screen: QRect = LAPTOP) -> bool:
    top_left = widget.mapToGlobal(QPoint(0, 0)) - widget.window().mapToGlobal(QPoint(0, 0))
    return screen.contains(QRect(top_left, widget.size()))


def test_create_a_person_see_it_use_it_in_an_interest_and_the_analysis_names_it(qtbot, demo_engine) -> None:
    parties = PartiesDialog(demo_engine)
    qtbot.addWidget(parties)
    parties.show()
    qtbot.waitUntil(lambda: bool(parties.rows))
    assert parties.size().width() <= 1366 and parties.size().height() <= 768
    assert _inside(parties.new_button) and _inside(parties.edit_button)

    editor = parties.open_editor(None)
    assert editor.size().width() <= 1366 and editor.size().height() <= 768
    assert _inside(editor.save_button)
    editor.name.setText("Ingrid Holm")
    editor.kind.setCurrentIndex(editor.kind.findData("person"))
    assert editor.nationality.isVisibleTo(editor) and not editor.jurisdiction.isVisibleTo(editor)
    editor.nationality.setText("no")
    editor.birth_date.setText("1979-04-02")
    editor.aliases.setPlainText("I. Holm\n")
    _save(qtbot, editor)
    qtbot.waitUntil(lambda: "Ingrid Holm" in parties.names())  # the list follows the app-wide change signal
    parties.search.setText("holm")
    parties.reload()
    qtbot.waitUntil(lambda: parties.names() == ["Ingrid Holm"])
    assert parties.table.item(0, 1).text() == "Person" and parties.table.item(0, 4).text() == "I. Holm"
    ingrid = get_party(demo_engine, "Ingrid Holm")
    assert (ingrid.form.nationality, str(ingrid.form.birth_date)) == ("NO", "1979-04-02")

    tab = OwnershipTab(demo_engine, vendor_id(demo_engine, "Scalewise Data Inc."))
    qtbot.addWidget(tab)
    tab.show()
    assert not any("Ingrid Holm" in f["message"] for f in tab.result["findings"])
    for subject, kind, role in (("Contoso Platforms Inc.", "senior_managing_official", "VP Data"),
                                ("Scalewise Data Inc.", "board_member", "Director")):
        tab.new_interest()
        tab._set_combo(tab.holder, ingrid.id)
        tab._set_combo(tab.subject, party_id(demo_engine, subject))
        tab._set_combo(tab.type, kind)
        tab.role.setText(role)
        tab.start.setText("2025-07-01")
        finish(qtbot, tab.save())
    people = [f for f in tab.result["findings"] if "Ingrid Holm" in f["message"]]
    assert people and {f["code"] for f in people} & {"PEOPLE_TIE_COMPETITOR", "COMPETITOR_BOARD_SEAT"}, \
        tab.result["findings"]
    assert [r.title for r in get_party(demo_engine, ingrid.id).roles] == ["VP Data", "Director"]


def test_a_holder_created_from_the_ownership_tab_is_picked(qtbot, demo_engine) -> None:
    tab = OwnershipTab(demo_engine, vendor_id(demo_engine, "Scalewise Data Inc."))
    qtbot.addWidget(tab)
    tab.show()
    dialog = tab.new_party()
    dialog.name.setText("Northwind Seed Fund LP")
    dialog.kind.setCurrentIndex(dialog.kind.findData("entity"))
    dialog.jurisdiction.setText("ky")
    row = dialog.add_identifier("LEI", "5493001KJTIIGC8Y1R12")
    assert isinstance(dialog.identifiers.cellWidget(row, 0), QComboBox)
    _save(qtbot, dialog)
    assert tab.holder.currentText() == "Northwind Seed Fund LP"
    assert tab.subject.findText("Northwind Seed Fund LP") >= 0  # an entity can also be the subject
    tab._set_combo(tab.subject, tab.party_id)
    tab.share_exact.setText("5")
    finish(qtbot, tab.save())
    assert "Northwind Seed Fund LP" in {p["name"] for p in tab.result["parties"]}


def test_bad_input_stays_in_the_form_and_a_same_name_asks(qtbot, demo_engine) -> None:
    before = _parties(demo_engine)
    dialog = PartyDialog(demo_engine)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Contoso Ventures LLC")
    dialog.kind.setCurrentIndex(dialog.kind.findData("entity"))
    dialog.add_identifier("LEI", "123")
    assert dialog.save() is None
    assert dialog.error.text() == "LEI '123' is not valid: An LEI has 20 characters; this one has 3."
    dialog.identifiers.setItem(0, 1, QTableWidgetItem(""))
    dialog.birth_date.setText("x")  # hidden for an entity: ignored
    _save(qtbot, dialog)  # the register has this name: the dialog asks
    assert "Contoso Ventures LLC' is already in the register as party #" in dialog.error.text()
    assert dialog.distinct_box.isVisible() and dialog.isVisible()
    assert _parties(demo_engine) == before
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.distinct_button.click()  # it is another one
    assert _parties(demo_engine) == before + 1


def test_editing_a_party_keeps_its_identifiers(qtbot, demo_engine) -> None:
    contoso = party_id(demo_engine, "Contoso Platforms Inc.")
    before = get_party(demo_engine, contoso)
    dialog = PartyDialog(demo_engine, contoso)
    qtbot.addWidget(dialog)
    assert dialog.identifiers.rowCount() == len(before.form.identifiers) >= 1
    dialog.aliases.setPlainText("Contoso\nContoso Corp")
    _save(qtbot, dialog)
    after = get_party(demo_engine, contoso)
    assert after.form.aliases == ["Contoso", "Contoso Corp"] and after.form.identifiers == before.form.identifiers
    assert after.version == before.version + 1


def test_the_file_menu_opens_people_and_companies(qtbot, sqlite_engine) -> None:
    from desktop.services.parties import PartyForm, create_party
    from tests.ui.test_main_window import _window

    create_party(sqlite_engine, PartyForm(name="Ingrid Holm", kind="person"))
    window = _window(qtbot, sqlite_engine)
    assert window.parties_action in window.file_menu.actions()
    assert window.parties_action.shortcut().toString() == "Ctrl+Shift+P"
    dialog = window.open_parties()
    qtbot.waitUntil(lambda: dialog.names() == ["Ingrid Holm"])
    assert dialog.isVisible() and dialog.new_button.isEnabled()
    dialog.close()
    window.setProperty("vetta_read_only_tabs", True)  # a reader in team mode
    reader = window.open_parties()
    qtbot.waitUntil(lambda: bool(reader.rows))
    assert not reader.new_button.isEnabled() and reader.edit_button.text() == "Open…"
    reader.table.selectRow(0)
    editor = reader.open_editor(reader.rows[0].id)
    assert editor.name.text() == "Ingrid Holm" and not editor.save_button.isEnabled()
