"""The home dashboard: ratings, reviews due, expiring certificates and contracts, stale assessments."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import Engine

from desktop.core.i18n import format_date
from desktop.services.dashboard import HORIZONS, DashboardItem, dashboard
from desktop.ui.operations import ChangeSet, signals

ItemRole = Qt.ItemDataRole.UserRole


class DashboardWidget(QWidget):
    """Each item opens its record: ``open_record(record_type, record_id, vendor_id)`` is emitted."""

    open_record = Signal(str, int, int)
    filter_rating = Signal(str)

    def __init__(self, engine: Engine, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.today = today
        self.ratings = QListWidget(self)
        self.reviews = QListWidget(self)
        self.expiring = QListWidget(self)
        self.stale = QListWidget(self)
        self.horizon = QComboBox(self)
        for days in HORIZONS:
            self.horizon.addItem(self.tr("within {n} day", "within {n} days", days).format(n=days), days)
        self.horizon.setCurrentIndex(len(HORIZONS) - 1)
        self.horizon.setAccessibleName(self.tr("Expiry horizon"))
        self.horizon.currentIndexChanged.connect(self.reload)
        grid = QGridLayout(self)
        self._boxes: dict[str, QGroupBox] = {}
        for pos, (key, title, widget) in enumerate((
                ("ratings", self.tr("Vendors by latest rating"), self.ratings),
                ("reviews", self.tr("Reviews due or overdue"), self.reviews),
                ("expiring", self.tr("Certificates and contracts expiring"), self.expiring),
                ("stale", self.tr("Signed assessments made stale by later changes"), self.stale))):
            box = QGroupBox(title, self)
            inner = QVBoxLayout(box)
            if key == "expiring":
                row = QHBoxLayout()
                row.addWidget(QLabel(self.tr("Show"), box))
                row.addWidget(self.horizon)
                row.addStretch(1)
                inner.addLayout(row)
            widget.setAccessibleName(title)
            widget.itemActivated.connect(self._activated)
            inner.addWidget(widget)
            self._boxes[key] = box
            grid.addWidget(box, pos // 2, pos % 2)
        signals().changed.connect(self._on_changed)
        self._stale = True  # loaded when first shown, so opening the window never waits for it

    @Slot(object)
    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.vendors or changes.assessments or changes.settings:
            if self.isVisible():
                self.reload()
            else:
                self._stale = True  # refreshed when shown again

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        if getattr(self, "_stale", False):
            self._stale = False
            self.reload()
        super().showEvent(event)

    def _when(self, item: DashboardItem) -> str:
        if item.days is None:
            return ""
        if item.kind == "stale":
            return self.tr("stale since {date}").format(date=format_date(item.due))
        if item.days < 0:
            return self.tr("overdue by {n} day", "overdue by {n} days", -item.days).format(n=-item.days)
        if item.days == 0:
            return self.tr("due today")
        return self.tr("in {n} day ({date})", "in {n} days ({date})", item.days).format(
            n=item.days, date=format_date(item.due))

    def _add(self, widget: QListWidget, item: DashboardItem) -> None:
        text = f"{item.vendor_name} — {self.tr(item.label)}  ·  {self._when(item)}"
        entry = QListWidgetItem(text, widget)
        entry.setData(ItemRole, (item.record_type, item.record_id, item.vendor_id))
        if item.days is not None and item.days < 0 and item.kind != "stale":
            entry.setForeground(Qt.GlobalColor.darkRed)

    @Slot()
    def reload(self) -> None:
        data = dashboard(self.engine, self.today)
        labels = {"neutral": self.tr("Neutral"), "conditionally_neutral": self.tr("Conditionally neutral"),
                  "not_neutral": self.tr("Not neutral"), "none": self.tr("Not yet assessed")}
        self.ratings.clear()
        for key in ("not_neutral", "conditionally_neutral", "neutral", "none"):
            entry = QListWidgetItem(f"{labels[key]}: {data.ratings.get(key, 0)}", self.ratings)
            entry.setData(ItemRole, ("rating", 0, 0))
            entry.setData(ItemRole + 1, key)
        self.reviews.clear()
        for item in data.reviews:
            self._add(self.reviews, item)
        self.expiring.clear()
        for item in data.expiring_within(int(self.horizon.currentData())):
            self._add(self.expiring, item)
        self.stale.clear()
        for item in data.stale:
            self._add(self.stale, item)
        for widget, empty in ((self.reviews, self.tr("Nothing due in the next 30 days.")),
                              (self.expiring, self.tr("Nothing expiring.")),
                              (self.stale, self.tr("No signed assessment is stale."))):
            if widget.count() == 0:
                placeholder = QListWidgetItem(empty, widget)
                placeholder.setFlags(Qt.ItemFlag.NoItemFlags)

    @Slot(QListWidgetItem)
    def _activated(self, entry: QListWidgetItem) -> None:
        target = entry.data(ItemRole)
        if not target:
            return
        record_type, record_id, vendor_id = target
        if record_type == "rating":
            self.filter_rating.emit(str(entry.data(ItemRole + 1)))
        else:
            self.open_record.emit(record_type, int(record_id), int(vendor_id))
