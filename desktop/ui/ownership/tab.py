"""The Ownership & people tab: interests (editable), the ownership graph, findings, as-of replay."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core import i18n
from desktop.core.errors import ValidationError
from desktop.core.ownership.model import validate_interest_fields
from desktop.services.backend import Backend
from desktop.services.ownership import (
    InterestInput,
    InterestType,
    analyze,
    archive_interest,
    graph_edges,
    party_choices,
    save_interest,
    vendor_party_id,
)
from desktop.ui.operations import ChangeSet, Operation, UnitOfWork, error_text, run_operation
from desktop.ui.ownership.graph import OwnershipGraphPanel
from desktop.ui.ownership.interests_model import InterestTableModel
from desktop.ui.ownership.matches import PossibleMatchesPanel

SEVERITY_COLOURS = {"blocker": "#b02a37", "major": "#c15c00", "minor": "#6b5d00", "info": "#3b5b92"}


class OwnershipTab(QWidget):
    """Self-contained tab for one vendor. ``partyActivated(party_id)`` when a graph node is double-clicked."""

    partyActivated = Signal(int)  # noqa: N815 - Qt signal naming
    analysisChanged = Signal()  # noqa: N815

    def __init__(self, backend: Backend, vendor_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self.vendor_id = vendor_id
        self.party_id = vendor_party_id(backend, vendor_id)
        self.result: dict[str, Any] = {}
        self._editing: tuple[int, int] | None = None  # (interest id, version)

        self.as_of = QDateEdit(self)
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.setDate(QDate.currentDate())
        self.as_of.setAccessibleName(self.tr("Analyse as of"))
        today = QPushButton(self.tr("Today"), self)
        today.clicked.connect(self._today)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Ownership as of"), self))
        top.addWidget(self.as_of)
        top.addWidget(today)
        top.addStretch(1)

        self.graph_panel = OwnershipGraphPanel(self)
        self.graph = self.graph_panel.view
        self.graph.partyActivated.connect(self.partyActivated)
        self.findings = QListWidget(self)
        self.findings.setWordWrap(True)
        self.findings.setAccessibleName(self.tr("Findings"))
        # possible watchlist matches in this web, decided here (shown only when there are some)
        self.matches = PossibleMatchesPanel(backend, self, party_ids=set())
        self.matches.setVisible(False)
        self.matches.decided.connect(self._match_decided)
        self.matches.loaded.connect(self._matches_loaded)
        right = self._right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.findings)
        right.addWidget(self.matches)
        right.setCollapsible(1, False)
        upper = QSplitter(Qt.Orientation.Horizontal, self)
        upper.addWidget(self.graph_panel)
        upper.addWidget(right)
        upper.setSizes([600, 400])

        self.model = InterestTableModel(backend, self.party_id, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAccessibleName(self.tr("Interests"))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_selected)

        lower = QSplitter(Qt.Orientation.Horizontal, self)
        lower.addWidget(self.table)
        lower.addWidget(self._build_form())
        lower.setSizes([650, 350])
        outer = QSplitter(Qt.Orientation.Vertical, self)
        outer.addWidget(upper)
        outer.addWidget(lower)
        outer.setStretchFactor(0, 3)  # the graph gets the room: its names must stay readable
        outer.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(outer, 1)
        self.as_of.dateChanged.connect(self._date_changed)
        self.new_interest()
        self.refresh()

    # ------------------------------------------------------------------ form

    def _build_form(self) -> QWidget:
        box = QWidget(self)
        form = QFormLayout(box)
        self.errors: dict[str, QLabel] = {}
        self.holder = QComboBox(box)
        self.subject = QComboBox(box)
        self.fill_parties()
        # a holder the register does not have yet: record it here (desktop/ui/parties.py), then pick it
        self.new_party_button = QPushButton(self.tr("New person or company…"), box)
        self.new_party_button.setToolTip(self.tr("Record a person or company that is not in the register yet"))
        self.new_party_button.clicked.connect(self._new_party_clicked)
        self.party_dialog: Any = None
        self.type = QComboBox(box)
        for t in InterestType:
            self.type.addItem(self.tr(t.value.replace("_", " ")), t.value)
        self.share_exact = QLineEdit(box)
        self.share_min = QLineEdit(box)
        self.share_max = QLineEdit(box)
        self.role = QLineEdit(box)
        self.start = QLineEdit(box)
        self.end = QLineEdit(box)
        for w in (self.start, self.end):
            w.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.share_exact.setPlaceholderText(self.tr("e.g. 49"))
        fields = [("holder", self.tr("Holder"), self.holder), ("subject", self.tr("In entity"), self.subject),
                  ("type", self.tr("Type"), self.type), ("share_exact", self.tr("Exact share %"), self.share_exact),
                  ("share_min", self.tr("Minimum share %"), self.share_min),
                  ("share_max", self.tr("Maximum share %"), self.share_max),
                  ("role", self.tr("Role title"), self.role), ("start", self.tr("Start"), self.start),
                  ("end", self.tr("End"), self.end)]
        for key, label, widget in fields:
            row = QHBoxLayout()
            row.addWidget(widget, 1)
            if widget is self.holder:
                row.addWidget(self.new_party_button)
            err = QLabel(box)
            err.setStyleSheet("color: #b02a37")
            err.setWordWrap(True)
            self.errors[key] = err
            row.addWidget(err, 1)
            widget.setAccessibleName(label)
            form.addRow(label, row)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New"), box)
        self.save_button = QPushButton(self.tr("Save"), box)
        self.archive_button = QPushButton(self.tr("Archive"), box)
        self.archive_button.setEnabled(False)
        for b in (self.new_button, self.save_button, self.archive_button):
            buttons.addWidget(b)
        form.addRow(buttons)
        self.new_button.clicked.connect(self.new_interest)
        self.save_button.clicked.connect(self.save)
        self.archive_button.clicked.connect(self.archive)
        return box

    def fill_parties(self) -> None:
        """(Re)fill the holder and entity pickers with the register's parties, keeping the choices made."""
        chosen = self.holder.currentData(), self.subject.currentData()
        self.holder.clear()
        self.subject.clear()
        for pid, name, kind in party_choices(self._backend):
            self.holder.addItem(name, pid)
            if kind == "entity":
                self.subject.addItem(name, pid)
        self._set_combo(self.holder, chosen[0])
        self._set_combo(self.subject, chosen[1])

    @Slot()
    def _new_party_clicked(self) -> None:
        self.new_party()

    def new_party(self) -> Any:
        """Open the party form; once saved, the new party is the holder of the interest being edited."""
        from desktop.ui.parties import PartyDialog

        self.party_dialog = PartyDialog(self._backend, None, self)
        self.party_dialog.saved.connect(self._party_saved)
        self.party_dialog.open()
        return self.party_dialog

    @Slot(object)
    def _party_saved(self, detail: Any) -> None:
        self.fill_parties()
        self._set_combo(self.holder, detail.id)

    def _set_combo(self, combo: QComboBox, value: Any) -> None:
        idx = combo.findData(value)
        combo.setCurrentIndex(idx)

    @Slot()
    def new_interest(self) -> None:
        self._editing = None
        self.table.clearSelection()
        self._set_combo(self.subject, self.party_id)
        self._set_combo(self.type, "shareholding")
        self.holder.setCurrentIndex(-1)
        for w in (self.share_exact, self.share_min, self.share_max, self.role, self.start, self.end):
            w.clear()
        self.archive_button.setEnabled(False)
        self._show_errors({})

    @Slot(object, object)
    def _row_selected(self, current: Any, _previous: Any) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        if row is None:
            return
        self._editing = (row.id, row.version)
        self._set_combo(self.holder, row.holder_id)
        self._set_combo(self.subject, row.subject_id)
        self._set_combo(self.type, row.type)

        def num(v: float | None) -> str:
            return "" if v is None else f"{v:g}"

        self.share_exact.setText(num(row.share_exact))
        self.share_min.setText(num(row.share_min))
        self.share_max.setText(num(row.share_max))
        self.role.setText(row.role_title)
        self.start.setText(row.start.isoformat() if row.start else "")
        self.end.setText(row.end.isoformat() if row.end else "")
        self.archive_button.setEnabled(True)
        self._show_errors({})

    def _show_errors(self, problems: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.setText(problems.get(key, ""))

    def form_input(self) -> tuple[InterestInput | None, dict[str, str]]:
        """The form as an InterestInput, or the problems keyed by field (shown beside the fields)."""
        problems: dict[str, str] = {}

        def number(key: str, widget: QLineEdit) -> float | None:
            text = widget.text().strip().replace(",", ".").rstrip("%").strip()
            if not text:
                return None
            try:
                return float(text)
            except ValueError:
                problems[key] = self.tr("Not a number.")
                return None

        def day(key: str, widget: QLineEdit) -> date | None:
            text = widget.text().strip()
            if not text:
                return None
            try:
                return date.fromisoformat(text)
            except ValueError:
                problems[key] = self.tr("Use the form YYYY-MM-DD.")
                return None

        exact, lo, hi = number("share_exact", self.share_exact), number("share_min", self.share_min), \
            number("share_max", self.share_max)
        start, end = day("start", self.start), day("end", self.end)
        holder = self.holder.currentData()
        subject = self.subject.currentData()
        for key, reason in validate_interest_fields(exact, lo, hi, start, end, holder, subject).items():
            problems.setdefault(key, self.tr(reason))
        if problems:
            return None, problems
        data = InterestInput(holder_id=holder, subject_id=subject, type=self.type.currentData(), share_exact=exact,
                             share_min=lo, share_max=hi, role_title=self.role.text().strip(), start=start, end=end,
                             id=self._editing[0] if self._editing else None,
                             version=self._editing[1] if self._editing else None)
        return data, {}

    @Slot()
    def save(self) -> Operation | None:
        """Save the interest in the form as an operation; None (and the problems shown) when the form is
        not valid. Every view showing ownership follows through the change broadcast: the register's
        exposure column, Home, other vendors' tabs, and the assessments it makes stale."""
        data, problems = self.form_input()
        self._show_errors(problems)
        if data is None:
            return None

        def work(uow: UnitOfWork, _progress: Any, _cancelled: Any) -> int:
            return save_interest(uow.backend, data)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self._show_errors({exc.field or "holder": str(exc)})
            else:
                QMessageBox.warning(self, self.tr("Interest not saved"), error_text(exc))

        def saved(new_id: int) -> None:
            self.model.reload()
            self.refresh()
            row = self.model.row_of(new_id)
            if row >= 0:
                self.table.selectRow(row)

        self.last_operation = run_operation(self, self.tr("Saving…"), self._backend, work, on_success=saved,
                                            on_failure=failed, changes=ChangeSet(vendors=True, assessments=True),
                                            show_progress=False)
        return self.last_operation

    @Slot()
    def archive(self) -> Operation | None:
        if self._editing is None:
            return None
        interest_id, version = self._editing

        def work(uow: UnitOfWork, _progress: Any, _cancelled: Any) -> None:
            archive_interest(uow.backend, interest_id, version)

        def archived(_result: None) -> None:
            self.model.reload()
            self.new_interest()
            self.refresh()

        self.last_operation = run_operation(
            self, self.tr("Saving…"), self._backend, work, on_success=archived,
            on_failure=lambda exc: QMessageBox.warning(self, self.tr("Interest not archived"), error_text(exc)),
            changes=ChangeSet(vendors=True, assessments=True), show_progress=False)
        return self.last_operation

    # ------------------------------------------------------------------ analysis

    @Slot()
    def _today(self) -> None:
        self.as_of.setDate(QDate.currentDate())

    @Slot(QDate)
    def _date_changed(self, _day: QDate) -> None:
        self.refresh()

    def as_of_date(self) -> date:
        d = self.as_of.date()
        return date(d.year(), d.month(), d.day())

    @Slot()
    def refresh(self) -> None:
        """Re-run the analysis for the chosen date and redraw the graph and findings."""
        day = self.as_of_date()
        self.result = analyze(self._backend, self.party_id, day, lang=i18n.current_language())
        nodes = {int(self.result["subject"]["id"])} | {int(p["id"]) for p in self.result["parties"]}
        lookback = int(self.result["thresholds"].get("people_lookback_months", 24))
        edges = graph_edges(self._backend, self.party_id, nodes, day, lookback, lang=i18n.current_language())
        self.graph.show_result(self.result, edges)
        self.findings.clear()
        if not self.result["findings"]:
            self.findings.addItem(self.tr("No findings as of {0}.").format(day.isoformat()))
        for f in self.result["findings"]:
            item = QListWidgetItem(f"[{self.tr(f['severity'])}] {f['message']}")
            item.setData(Qt.ItemDataRole.UserRole, f["code"])
            item.setForeground(QBrush(QColor(SEVERITY_COLOURS.get(f["severity"], "#000000"))))
            item.setToolTip(f["code"])
            self.findings.addItem(item)
        if "POSSIBLE_COMPETITOR_MATCH" in self.finding_codes():
            self.matches.party_ids = {int(self.result["subject"]["id"])} | {int(p["id"]) for p in self.result["parties"]}
            self.matches.reload()
        else:
            self.matches.setVisible(False)
        self.analysisChanged.emit()

    @Slot(str)
    def _match_decided(self, _match_id: str) -> None:
        self.refresh()

    @Slot()
    def _matches_loaded(self) -> None:
        if self.matches.isVisible():  # give the decisions room under the findings
            height = max(self._right.height(), 300)
            self._right.setSizes([height * 3 // 5, height * 2 // 5])

    def finding_codes(self) -> list[str]:
        return [f["code"] for f in self.result.get("findings", [])]
