"""Home: charts of what needs attention (QtCharts), each bar, slice or item leading to its vendors.

- Vendors by latest rating (a ring): a slice filters the register to that rating.
- Competitor exposure: one button per level (filters the register) and the most exposed vendors as
  bars of their economic and voting stake; a bar opens the vendor.
- Reviews due by month, certificates and contracts expired or expiring by period: a bar lists its
  items below the charts, and an item opens its record.
- Signed assessments made stale by later changes (a list; an item opens the vendor).

The figures come from one service call (``desktop.services.dashboard.dashboard``, one read transaction)
run off the GUI thread through ``desktop.ui.operations``; ``loaded`` is emitted once they are shown.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QPieSeries,
    QPieSlice,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.core.i18n import format_date
from desktop.services.backend import Backend
from desktop.services.dashboard import Bucket, Dashboard, DashboardItem, dashboard
from desktop.services.exposure import CONTROL, PEOPLE, STAKE, exposure_text, exposure_tooltip
from desktop.ui.labels import rating_labels
from desktop.ui.operations import ChangeSet, Operation, run_query, signals
from desktop.ui.vendor_model import SEVERITY_COLOURS, severity_icon

ItemRole = Qt.ItemDataRole.UserRole
RATING_COLOURS = {"not_neutral": QColor(176, 0, 32), "conditionally_neutral": QColor(196, 120, 0),
                  "neutral": QColor(30, 120, 60), "none": QColor(140, 140, 140)}
ECONOMIC_COLOUR, VOTES_COLOUR = QColor(70, 110, 170), QColor(150, 170, 205)
CERT_COLOUR, CONTRACT_COLOUR = QColor(70, 110, 170), QColor(196, 120, 0)


def _category_axis() -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.setTruncateLabels(False)  # the labels are short; Qt's truncation would cut "Dec 26" to "Dec..."
    font = QFont(axis.labelsFont())
    font.setPointSizeF(max(7.5, font.pointSizeF() - 1))  # a label wider than its bar is not drawn at all
    axis.setLabelsFont(font)
    return axis


def _chart_view(chart: QChart, parent: QWidget, name: str) -> QChartView:
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(2, 2, 2, 2))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    font = QFont(chart.legend().font())
    font.setPointSizeF(max(8.0, font.pointSizeF() - 0.5))
    chart.legend().setFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    view = QChartView(chart, parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(190)
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    view.setAccessibleName(name)
    return view


def _count_axis(axis: QValueAxis, counts: list[int]) -> None:
    """Whole numbers only: 0..n with a tick per unit up to 5, else four equal whole steps."""
    top = max([1, *counts])
    if top <= 5:
        axis.setRange(0, top)
        axis.setTickCount(top + 1)
    else:
        step = -(-top // 4)
        axis.setRange(0, step * 4)
        axis.setTickCount(5)


class DashboardWidget(QWidget):
    """Each item opens its record: ``open_record(record_type, record_id, vendor_id)`` is emitted; rating
    slices emit ``filter_rating(rating)``, exposure buttons ``filter_exposure(level)``."""

    open_record = Signal(str, int, int)
    filter_rating = Signal(str)
    filter_exposure = Signal(str)
    loaded = Signal()

    def __init__(self, backend: Backend, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.today = today
        self.data: Dashboard | None = None
        self._operation: Operation | None = None
        self._labels = {**rating_labels(), "none": self.tr("Not yet assessed")}

        # ratings
        self.rating_series = QPieSeries()
        self.rating_series.setHoleSize(0.45)
        self.rating_series.clicked.connect(self._rating_clicked)
        self.rating_chart = QChart()
        self.rating_chart.addSeries(self.rating_series)
        self.rating_view = _chart_view(self.rating_chart, self, self.tr("Vendors by latest rating"))

        # exposure
        self.exposure_buttons: dict[str, QPushButton] = {}
        buttons = QHBoxLayout()
        for level in ("control", "stake", "people"):
            button = QPushButton(self)
            button.setIcon(severity_icon({"control": CONTROL, "stake": STAKE, "people": PEOPLE}[level]))
            button.setFlat(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _checked=False, lv=level: self.filter_exposure.emit(lv))
            self.exposure_buttons[level] = button
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.exposure_series = QHorizontalBarSeries()
        self.exposure_series.clicked.connect(self._exposure_clicked)
        self.exposure_chart = QChart()
        self.exposure_chart.addSeries(self.exposure_series)
        self.exposure_axis = _category_axis()
        self.exposure_values = QValueAxis()
        self.exposure_values.setRange(0, 100)
        self.exposure_values.setLabelFormat("%d%%")
        self.exposure_values.setTickCount(5)
        self.exposure_chart.addAxis(self.exposure_axis, Qt.AlignmentFlag.AlignLeft)
        self.exposure_chart.addAxis(self.exposure_values, Qt.AlignmentFlag.AlignBottom)
        self.exposure_view = _chart_view(self.exposure_chart, self, self.tr("Most exposed vendors"))
        self.exposure_empty = QLabel(self.tr("No vendor is owned, controlled or staffed by a competitor on the "
                                             "watchlist."), self)
        self.exposure_empty.setWordWrap(True)
        self._exposed_ids: list[int] = []

        # reviews by month
        self.review_series = QBarSeries()
        self.review_series.clicked.connect(lambda index, _set: self._show_bucket("reviews", index))
        self.review_chart = QChart()
        self.review_chart.addSeries(self.review_series)
        self.review_axis = _category_axis()
        self.review_values = QValueAxis()
        self.review_values.setLabelFormat("%d")
        self.review_chart.setTitleFont(QFont(self.font().family(), self.font().pointSize()))
        self.review_chart.addAxis(self.review_axis, Qt.AlignmentFlag.AlignBottom)
        self.review_chart.addAxis(self.review_values, Qt.AlignmentFlag.AlignLeft)
        self.review_chart.legend().setVisible(False)
        self.review_view = _chart_view(self.review_chart, self, self.tr("Reviews due by month"))

        # certificates and contracts
        self.expiry_series = QBarSeries()
        self.expiry_series.clicked.connect(self._expiry_clicked)
        self.expiry_chart = QChart()
        self.expiry_chart.addSeries(self.expiry_series)
        self.expiry_axis = _category_axis()
        self.expiry_values = QValueAxis()
        self.expiry_values.setLabelFormat("%d")
        self.expiry_chart.addAxis(self.expiry_axis, Qt.AlignmentFlag.AlignBottom)
        self.expiry_chart.addAxis(self.expiry_values, Qt.AlignmentFlag.AlignLeft)
        self.expiry_view = _chart_view(self.expiry_chart, self, self.tr("Certificates and contracts expired or "
                                                                        "expiring"))

        # the items of the bar last clicked, and stale assessments
        self.details_title = QLabel(self.tr("Click a bar to list its vendors here."), self)
        self.details_title.setWordWrap(True)
        self.details = QListWidget(self)
        self.details.setAccessibleName(self.tr("Items of the chosen bar"))
        self.details.itemActivated.connect(self._activated)
        self.stale = QListWidget(self)
        self.stale.setAccessibleName(self.tr("Signed assessments made stale by later changes"))
        self.stale.itemActivated.connect(self._activated)

        grid = QGridLayout(self)
        grid.setContentsMargins(6, 6, 6, 6)
        grid.setSpacing(6)
        self._boxes: dict[str, QGroupBox] = {}

        def box(key: str, title: str, row: int, column: int, span: int, *widgets: Any) -> None:
            group = QGroupBox(title, self)
            inner = QVBoxLayout(group)
            inner.setContentsMargins(4, 4, 4, 4)
            for w in widgets:
                if isinstance(w, QHBoxLayout):
                    inner.addLayout(w)
                else:
                    inner.addWidget(w)
            self._boxes[key] = group
            grid.addWidget(group, row, column, 1, span)

        box("ratings", self.tr("Vendors by latest rating"), 0, 0, 1, self.rating_view)
        box("exposure", self.tr("Competitor exposure"), 0, 1, 2, buttons, self.exposure_view, self.exposure_empty)
        box("reviews", self.tr("Reviews due by month"), 1, 0, 1, self.review_view)
        box("expiring", self.tr("Certificates and contracts: expired (last 90 days) or expiring"), 1, 1, 1,
            self.expiry_view)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(side, 1, 2)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        grid.setRowStretch(0, 1)
        grid.setRowStretch(1, 1)
        for key, title, widgets in (("details", self.tr("Vendors of the chosen bar"), (self.details_title, self.details)),
                                    ("stale", self.tr("Signed assessments made stale by later changes"), (self.stale,))):
            group = QGroupBox(title, side)
            inner = QVBoxLayout(group)
            inner.setContentsMargins(4, 4, 4, 4)
            for w in widgets:
                inner.addWidget(w)
            self._boxes[key] = group
            side_layout.addWidget(group)
        signals().changed.connect(self._on_changed)
        self._stale = True  # loaded when first shown, so opening the window never waits for it

    # ------------------------------------------------------------------ loading
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

    @Slot()
    def reload(self) -> None:
        """Read the figures off the GUI thread, then show them (``loaded`` follows)."""
        today = self.today

        def work(backend: Backend, _progress: Any, _cancelled: Any) -> Dashboard:
            return dashboard(backend, today)

        self._operation = run_query(self, "", self.backend, work, on_success=self.show_data,
                                        show_progress=False)

    def show_data(self, data: Dashboard) -> None:
        self.data = data
        self._show_ratings(data)
        self._show_exposure(data)
        self._show_reviews(data)
        self._show_expiry(data)
        self.stale.clear()
        for item in data.stale:
            self._add(self.stale, item)
        if not data.stale:
            QListWidgetItem(self.tr("No signed assessment is stale."), self.stale).setFlags(Qt.ItemFlag.NoItemFlags)
        self.loaded.emit()

    def _show_ratings(self, data: Dashboard) -> None:
        self.rating_series.clear()
        for key in ("not_neutral", "conditionally_neutral", "neutral", "none"):
            count = data.ratings.get(key, 0)
            if not count:
                continue
            piece = QPieSlice(f"{self._labels[key]}: {count}", count)
            piece.setColor(RATING_COLOURS[key])
            piece.setProperty("rating", key)
            piece.setLabelVisible(False)
            self.rating_series.append(piece)
        self.rating_chart.legend().setVisible(True)

    def _show_exposure(self, data: Dashboard) -> None:
        words = {"control": self.tr("Controlled by a competitor: {count}"),
                 "stake": self.tr("Competitor stake: {count}"),
                 "people": self.tr("Competitor-linked people only: {count}")}
        for level, button in self.exposure_buttons.items():
            button.setText(words[level].format(count=data.exposure.get(level, 0)))
            button.setToolTip(self.tr("Show these vendors in the register"))
        self.exposure_series.clear()
        for axis in (self.exposure_axis,):
            axis.clear()
        exposed = list(reversed(data.exposed))  # a horizontal chart draws its first category at the bottom
        self._exposed_ids = [e.vendor_id for e in exposed]
        economic, votes = QBarSet(self.tr("Economic stake")), QBarSet(self.tr("Votes"))
        economic.setColor(ECONOMIC_COLOUR)
        votes.setColor(VOTES_COLOUR)
        categories = []
        for e in exposed:
            economic.append(e.exposure.economic[1])
            votes.append(e.exposure.voting[1])
            categories.append(self._exposure_category(e.name, e.exposure.severity))
        self.exposure_series.append(economic)
        self.exposure_series.append(votes)
        self.exposure_series.setLabelsVisible(True)
        self.exposure_series.setLabelsFormat("@value%")
        self.exposure_axis.append(categories)
        self.exposure_series.attachAxis(self.exposure_axis)
        self.exposure_series.attachAxis(self.exposure_values)
        self.exposure_view.setVisible(bool(exposed))
        self.exposure_empty.setVisible(not exposed)
        tips = [f"{e.name}\n{exposure_text(e.exposure)}\n{exposure_tooltip(e.exposure)}" for e in exposed]
        self.exposure_view.setToolTip("\n\n".join(reversed(tips)))

    def _exposure_category(self, name: str, severity: int) -> str:
        short = name if len(name) <= 34 else name[:33] + "…"
        word = {CONTROL: self.tr("controlled"), STAKE: self.tr("stake"), PEOPLE: self.tr("people")}.get(severity, "")
        return f"{short} ({word})"

    def _month_label(self, bucket: Bucket) -> str:
        if bucket.key == "overdue":
            return self.tr("Overdue")
        assert bucket.end is not None
        return format_date(bucket.end, fmt="MMM yy")

    def _show_reviews(self, data: Dashboard) -> None:
        self.review_series.clear()
        self.review_axis.clear()
        due = QBarSet(self.tr("Reviews due"))
        due.setColor(ECONOMIC_COLOUR)
        for b in data.review_months:
            due.append(b.count)
        self.review_series.append(due)
        self.review_series.setLabelsVisible(True)
        self.review_axis.append([self._month_label(b) for b in data.review_months])
        _count_axis(self.review_values, [b.count for b in data.review_months])
        self.review_chart.setTitle("" if any(b.count for b in data.review_months) else
                                   self.tr("No vendor review is due in the next months."))
        self.review_series.attachAxis(self.review_axis)
        self.review_series.attachAxis(self.review_values)

    def _period_label(self, key: str) -> str:
        return {"expired": self.tr("Expired"), "30": self.tr("≤ 30 days"),
                "60": self.tr("31–60 days"), "90": self.tr("61–90 days")}[key]

    def _show_expiry(self, data: Dashboard) -> None:
        self.expiry_series.clear()
        self.expiry_axis.clear()
        certs, contracts = QBarSet(self.tr("Certificates")), QBarSet(self.tr("Contracts"))
        certs.setColor(CERT_COLOUR)
        contracts.setColor(CONTRACT_COLOUR)
        for b in data.certificates:
            certs.append(b.count)
        for b in data.contracts:
            contracts.append(b.count)
        self.expiry_series.append(certs)
        self.expiry_series.append(contracts)
        self.expiry_series.setLabelsVisible(True)
        self.expiry_axis.append([self._period_label(b.key) for b in data.certificates])
        counts = [b.count for b in data.certificates + data.contracts]
        _count_axis(self.expiry_values, counts)
        self.expiry_series.attachAxis(self.expiry_axis)
        self.expiry_series.attachAxis(self.expiry_values)

    # ------------------------------------------------------------------ clicks
    @Slot(QPieSlice)
    def _rating_clicked(self, piece: QPieSlice) -> None:
        self.filter_rating.emit(str(piece.property("rating")))

    @Slot(int, QBarSet)
    def _exposure_clicked(self, index: int, _bar_set: QBarSet) -> None:
        if 0 <= index < len(self._exposed_ids):
            vendor_id = self._exposed_ids[index]
            self.open_record.emit("vendor", vendor_id, vendor_id)

    @Slot(int, QBarSet)
    def _expiry_clicked(self, index: int, bar_set: QBarSet) -> None:
        self._show_bucket("contracts" if bar_set.label() == self.tr("Contracts") else "certificates", index)

    def _show_bucket(self, which: str, index: int) -> None:
        """List the items of one bar (a month of reviews, or a period of certificates or contracts)."""
        if self.data is None:
            return
        buckets = {"reviews": self.data.review_months, "certificates": self.data.certificates,
                   "contracts": self.data.contracts}[which]
        if not 0 <= index < len(buckets):
            return
        bucket = buckets[index]
        if which == "reviews":
            title = self.tr("Reviews due: {period}").format(period=self._month_label(bucket))
        elif which == "certificates":
            title = self.tr("Certificates: {period}").format(period=self._period_label(bucket.key))
        else:
            title = self.tr("Contracts: {period}").format(period=self._period_label(bucket.key))
        self.details_title.setText(self.tr("{title} ({count})").format(title=title, count=bucket.count))
        self.details.clear()
        for item in bucket.items:
            self._add(self.details, item)
        if not bucket.items:
            QListWidgetItem(self.tr("Nothing here."), self.details).setFlags(Qt.ItemFlag.NoItemFlags)

    def _when(self, item: DashboardItem) -> str:
        if item.days is None:
            return ""
        if item.kind == "stale":
            return self.tr("stale since {date}").format(date=format_date(item.due))
        if item.days < 0:
            if item.kind in ("certification", "contract"):
                return self.tr("expired {n} day ago", "expired {n} days ago", -item.days).format(n=-item.days)
            return self.tr("overdue by {n} day", "overdue by {n} days", -item.days).format(n=-item.days)
        if item.days == 0:
            return self.tr("due today")
        return self.tr("in {n} day ({date})", "in {n} days ({date})", item.days).format(
            n=item.days, date=format_date(item.due))

    def _add(self, widget: QListWidget, item: DashboardItem) -> None:
        label = self.tr(item.label) if item.kind in ("review", "assessment_review") else item.label
        text = f"{item.vendor_name} — {label}  ·  {self._when(item)}"
        entry = QListWidgetItem(text, widget)
        entry.setData(ItemRole, (item.record_type, item.record_id, item.vendor_id))
        entry.setToolTip(self.tr("Open {vendor}").format(vendor=item.vendor_name))
        if item.days is not None and item.days < 0 and item.kind != "stale":
            entry.setForeground(SEVERITY_COLOURS[CONTROL])

    @Slot(QListWidgetItem)
    def _activated(self, entry: QListWidgetItem) -> None:
        target = entry.data(ItemRole)
        if not target:
            return
        record_type, record_id, vendor_id = target
        self.open_record.emit(record_type, int(record_id), int(vendor_id))
