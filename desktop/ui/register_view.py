"""The vendor register tab: search box, filters, the register table over its model, and the vendor
count the window shows in its status bar (counted off the GUI thread while only a first page is loaded)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.i18n import format_number
from desktop.services.backend import Backend
from desktop.services.register import RATINGS, RegisterQuery, count_vendors
from desktop.ui.labels import rating_labels
from desktop.ui.operations import Operation, run_query
from desktop.ui.vendor_model import PAGE, VendorTableModel

NAME_WIDTH = 220  # the register's name column, when no search shows reasons in it


class RegisterWidget(QWidget):
    """Search box, filters and the register table; ``count_label`` says how many vendors match."""

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self.model = VendorTableModel(backend, self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search name, alias, identifier or tag"))
        self.search.setAccessibleName(self.tr("Search vendors"))
        self.search.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._timer.start)

        self.status = self._combo(self.tr("Status filter"), [
            ("", self.tr("Any status")), ("prospect", self.tr("Prospect")), ("active", self.tr("Active")),
            ("suspended", self.tr("Suspended")), ("offboarded", self.tr("Offboarded"))])
        self.tier = self._combo(self.tr("Tier filter"), [
            ("", self.tr("Any tier")), ("critical", self.tr("Critical")), ("high", self.tr("High")),
            ("medium", self.tr("Medium")), ("low", self.tr("Low"))])
        labels = {**rating_labels(), "none": self.tr("Not yet assessed")}
        self.rating = self._combo(self.tr("Latest rating filter"),
                                  [("", self.tr("Any rating"))] + [(r, labels[r]) for r in RATINGS])
        self.expiring = self._combo(self.tr("Expiry filter"), [
            ("", self.tr("Any expiry")), ("30", self.tr("Expiring ≤ 30 days")),
            ("60", self.tr("Expiring ≤ 60 days")), ("90", self.tr("Expiring ≤ 90 days"))])
        self.exposure = self._combo(self.tr("Competitor exposure filter"), [
            ("", self.tr("Any competitor exposure")), ("any", self.tr("Exposed to a competitor")),
            ("control", self.tr("Controlled by a competitor")), ("stake", self.tr("Competitor stake or control")),
            ("people", self.tr("Competitor-linked people only")), ("none", self.tr("No competitor exposure"))])
        # the longest filter: kept narrow in the bar (its list opens wide enough), so the search box keeps its room
        self.exposure.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.exposure.setMinimumContentsLength(22)
        self.exposure.view().setMinimumWidth(self.exposure.view().sizeHintForColumn(0) + 24)
        self.overdue = QCheckBox(self.tr("Review overdue"), self)
        self.stale = QCheckBox(self.tr("Assessment stale"), self)
        for box in (self.overdue, self.stale):
            box.toggled.connect(self.apply_filters)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        # The model starts in name order: say so before enabling sorting, so the view asks for nothing more.
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((NAME_WIDTH, 55, 100, 70, 110, 400, 150, 100)):
            self.table.setColumnWidth(column, width)
        self.table.setAccessibleName(self.tr("Vendor register"))

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for w in (self.status, self.tier, self.rating, self.exposure, self.expiring):
            filters.addWidget(w)
        filters.addWidget(self.overdue)
        filters.addWidget(self.stale)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table)

        self.count_label = QLabel(self)  # the window puts it in its status bar
        self.count_operation: Operation | None = None
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(500)
        self._count_timer.timeout.connect(self._count_in_background)
        self.model.modelReset.connect(self.update_count)
        self.model.layoutChanged.connect(self.update_count)

    def _combo(self, name: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        for value, label in items:
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(self.apply_filters)
        return combo

    def query(self) -> RegisterQuery:
        q = self.model.query()
        expiring = str(self.expiring.currentData() or "")
        return q.with_(search=self.search.text(), status=self.status.currentData() or None,
                       tier=self.tier.currentData() or None, rating=self.rating.currentData() or None,
                       review_overdue=self.overdue.isChecked(), stale=self.stale.isChecked(),
                       expiring_within_days=int(expiring) if expiring else None,
                       exposure=self.exposure.currentData() or None)

    @Slot()
    def apply_filters(self) -> None:
        self._timer.stop()
        self.model.set_query(self.query())
        self._fit_name_column()

    def _fit_name_column(self) -> None:
        """While a search lists vendors through related parties, the name column widens to show why
        ("Scalewise Data Inc. · via Contoso Ventures LLC (shareholder)"), sized on the first page only."""
        width = NAME_WIDTH
        reasons = self.model.shown_with_reason(PAGE) if len(self.model.query().search.strip()) > 2 else []
        if reasons:
            metrics = self.table.fontMetrics()
            width = max(NAME_WIDTH, min(max(metrics.horizontalAdvance(t) for t in reasons) + 16, 2 * NAME_WIDTH + 60))
        if self.table.columnWidth(0) != width:
            self.table.setColumnWidth(0, width)

    def clear_filters(self) -> None:
        for w in (self.status, self.tier, self.rating, self.exposure, self.expiring):
            w.blockSignals(True)
            w.setCurrentIndex(0)
            w.blockSignals(False)
        for box in (self.overdue, self.stale):
            box.blockSignals(True)
            box.setChecked(False)
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filters()

    def selected_vendor_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.vendor_id(rows[0].row()) if rows else None

    @Slot()
    def update_count(self) -> None:
        total = self.model.total()
        if total is not None:
            self.count_label.setText(self.tr("{count} vendor", "{count} vendors", total).format(
                count=format_number(total)))
            return
        self.count_label.setText(self.tr("{count}+ vendors").format(count=format_number(self.model.rowCount())))
        self._count_timer.start()  # count once the user stops typing, off the GUI thread

    @Slot()
    def _count_in_background(self) -> None:
        if self.model.total() is not None:
            return
        query = self.model.query()

        def work(backend: Backend, progress: Any, cancelled: Any) -> int:
            return count_vendors(backend, query)

        def done(count: int) -> None:
            self.model.set_count(query, count)
            if self.model.query() == query:
                self.count_label.setText(self.tr("{count} vendor", "{count} vendors", count).format(
                    count=format_number(count)))

        self.count_operation = run_query(self, "", self._backend, work, on_success=done,
                                         on_failure=lambda exc: None, show_progress=False)
