"""The register's table model: ids from SQL, rows fetched in pages and cached, exposed lazily."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF

from desktop.core.i18n import N_, NP_, format_date
from desktop.services.backend import Backend
from desktop.services.exposure import CONTROL, PEOPLE, STAKE, exposure_text, exposure_tooltip, level_label
from desktop.services.register import (
    DEFAULT_EXPIRY_DAYS,
    FLAG_CERT_EXPIRING,
    FLAG_CONTRACT_EXPIRING,
    FLAG_REVIEW_OVERDUE,
    FLAG_STALE,
    RegisterQuery,
    VendorRow,
    first_page,
    vendor_ids,
    vendor_rows,
)
from desktop.ui.labels import rating_labels

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", N_("Name")),
    ("country", N_("Country")),
    ("services", N_("Services")),
    ("tier", N_("Tier")),
    ("latest_rating", N_("Latest rating")),
    ("exposure", N_("Competitor exposure")),
    ("last_signed", NP_("VendorTableModel", "Last signed assessment")),  # a shorter header in Spanish
    ("next_review_due", N_("Next review due")),
    ("flags", N_("Flags")),
)
PAGE = 60  # display rows fetched from the database at once (about two screens)
CHUNK = 500  # ids fetched at once when scrolling (about 15 screens; canFetchMore / fetchMore page on in SQL)
FIRST = 2 * PAGE  # ids fetched for a new search or filter: the first screens, so a keystroke reads little

AnyIndex = QModelIndex | QPersistentModelIndex
VendorIdRole = Qt.ItemDataRole.UserRole
ExposureLevelRole = Qt.ItemDataRole.UserRole + 1  # the exposure level code: none | people | stake | control
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                    Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.AccessibleTextRole, VendorIdRole,
                    ExposureLevelRole})
_DISPLAY = Qt.ItemDataRole.DisplayRole
_STYLE_ROLES = frozenset({Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.DecorationRole, ExposureLevelRole})
_STYLED_COLUMNS = frozenset(i for i, (key, _label) in enumerate(COLUMNS)
                            if key in ("latest_rating", "exposure", "flags"))
# Severity colours, each with its own shape, so the level never rests on colour alone.
SEVERITY_COLOURS = {CONTROL: QColor(176, 0, 32), STAKE: QColor(166, 82, 0), PEOPLE: QColor(40, 80, 160)}


def severity_icon(severity: int, size: int = 14) -> QIcon:
    """Control: a filled diamond; stake: a filled triangle; linked people only: a ring; none: no icon."""
    if severity not in SEVERITY_COLOURS:
        return QIcon()
    colour = SEVERITY_COLOURS[severity]
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    m, c = 1.5, size / 2
    if severity == CONTROL:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(colour))
        painter.drawPolygon(QPolygonF([QPointF(c, m), QPointF(size - m, c), QPointF(c, size - m), QPointF(m, c)]))
    elif severity == STAKE:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(colour))
        painter.drawPolygon(QPolygonF([QPointF(c, m), QPointF(size - m, size - m), QPointF(m, size - m)]))
    else:
        painter.setPen(QPen(colour, 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QPointF(c, c), c - 2.5, c - 2.5)
    painter.end()
    return QIcon(pixmap)


class VendorTableModel(QAbstractTableModel):
    """A model over vendor ids. Filtering and sorting run in SQL; rows are cached by page."""

    def __init__(self, backend: Backend, parent: Any = None, query: RegisterQuery | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._query = query or RegisterQuery()
        self._ids: list[int] = []
        self._more = False  # more ids match than are loaded
        self._count: int | None = None  # all matching vendors, once known
        self._cache: dict[int, VendorRow] = {}
        self._cells: dict[int, tuple[str, ...]] = {}  # the shown texts of cached rows, by vendor id
        self._labels = {
            "critical": self.tr("critical"), "high": self.tr("high"), "medium": self.tr("medium"),
            "low": self.tr("low"), **rating_labels(),
            FLAG_REVIEW_OVERDUE: self.tr("review overdue"), FLAG_STALE: self.tr("assessment stale"),
            FLAG_CERT_EXPIRING: self.tr("certificate expiring"), FLAG_CONTRACT_EXPIRING: self.tr("contract expiring"),
        }
        self._headers = [self.tr(h) for _k, h in COLUMNS]
        self._icons = {level: severity_icon(level) for level in SEVERITY_COLOURS}
        self.reload()

    # --- data access
    def set_query(self, query: RegisterQuery) -> None:
        self._query = query
        self.reload()

    def query(self) -> RegisterQuery:
        return self._query

    def total(self) -> int | None:
        """All matching vendors when known (rowCount() grows towards it as the view scrolls)."""
        return self._count if self._more else len(self._ids)

    def set_count(self, query: RegisterQuery, count: int) -> None:
        """The total counted elsewhere (e.g. off the GUI thread) for ``query``."""
        if query == self._query:
            self._count = count

    def reload(self) -> None:
        self.beginResetModel()
        self._ids, self._more = first_page(self._backend, self._query, FIRST)
        self._count = None
        self._clear_cache()
        self.endResetModel()

    def _clear_cache(self) -> None:
        self._cache.clear()
        self._cells.clear()

    def refresh_rows(self) -> None:
        """Re-read the cached rows (after an edit) without changing the selection."""
        self._clear_cache()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    def shown_with_reason(self, rows: int) -> list[str]:
        """The name cells of the first ``rows`` rows that a search lists through a related party (reads
        the first page, which the view paints next anyway)."""
        out = []
        for r in range(min(rows, len(self._ids))):
            row = self._row(r)
            if row is not None and row.match_reason:
                out.append(self._text(row, "name"))
        return out

    def vendor_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, vendor_id: int) -> int | None:
        while True:
            try:
                return self._ids.index(vendor_id)
            except ValueError:
                if not self.canFetchMore():
                    return None
                self.fetchMore()

    def _row(self, row: int) -> VendorRow | None:
        vid = self._ids[row]
        cached = self._cache.get(vid)
        if cached is None:
            start = (row // PAGE) * PAGE
            page_ids = self._ids[start : start + PAGE]
            if len(self._cache) > 50 * PAGE:
                self._clear_cache()
            self._cache.update(vendor_rows(self._backend, page_ids, today=self._query.today,
                                          expiry_days=self._query.expiring_within_days or DEFAULT_EXPIRY_DAYS,
                                          search=self._query.search))
            cached = self._cache.get(vid)
        return cached

    def _text(self, row: VendorRow, key: str) -> str:
        if key == "exposure":
            return exposure_text(row.exposure)
        if key == "name" and row.match_reason:
            return f"{row.name} · {row.match_reason}"
        value = getattr(row, key)
        if key == "flags":
            return ", ".join(self._labels.get(f, f) for f in value)
        if key == "last_signed":
            return format_date(value.date()) if value else ""
        if isinstance(value, date):
            return format_date(value)
        if value is None:
            return ""
        return self._labels.get(value, str(value)) if key in ("tier", "latest_rating") else str(value)

    # --- Qt model interface
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._more

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: N802
        if parent.isValid():
            return
        more = vendor_ids(self._backend, self._query, limit=CHUNK + 1, offset=len(self._ids))
        self._more = len(more) > CHUNK
        more = more[:CHUNK]
        if not more:
            return
        self.beginInsertRows(QModelIndex(), len(self._ids), len(self._ids) + len(more) - 1)
        self._ids.extend(more)
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return self._headers[section]
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The view asks for a dozen roles per cell while painting (a keystroke repaints a screen of
        # cells): the shown texts of a row are built once, and unused roles are answered first.
        if role not in _ROLES:
            return None
        row_number = index.row()
        if not 0 <= row_number < len(self._ids):  # an invalid index has row -1
            return None
        if role == _DISPLAY:
            cells = self._cells.get(self._ids[row_number])
            if cells is None:
                row = self._row(row_number)
                if row is None:
                    return None
                cells = self._cells[row.id] = tuple(self._text(row, key) for key, _label in COLUMNS)
            return cells[index.column()]
        if role == VendorIdRole:
            return self._ids[row_number]
        column = index.column()
        if role in _STYLE_ROLES and column not in _STYLED_COLUMNS:
            return None  # only the rating, exposure and flags cells have colours or icons
        row = self._row(row_number)
        if row is None:
            return None
        key = COLUMNS[column][0]
        if key == "exposure":
            return self._exposure_data(row, role)
        if role == Qt.ItemDataRole.DecorationRole or role == ExposureLevelRole:
            return None
        if role == Qt.ItemDataRole.ToolTipRole and key == "name" and row.match_reason:
            return self.tr("Listed by the search {reason}").format(reason=row.match_reason)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "flags" and row.flags:
                return QColor(176, 0, 32)
            if key == "latest_rating" and row.latest_rating == "not_neutral":
                return QColor(176, 0, 32)
            return None
        return self._text(row, key)

    def _exposure_data(self, row: VendorRow, role: int) -> Any:
        e = row.exposure
        if role == ExposureLevelRole:
            return e.level
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icons.get(e.severity)
        if role == Qt.ItemDataRole.ForegroundRole:
            return SEVERITY_COLOURS.get(e.severity)
        if role == Qt.ItemDataRole.ToolTipRole:
            return exposure_tooltip(e)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{level_label(e.level)}: {exposure_text(e)}" if e.severity else level_label(e.level)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column][0]
        if key == "flags":
            key = "next_review_due"
        query = self._query.with_(sort=key, descending=order == Qt.SortOrder.DescendingOrder)
        if query == self._query:
            return  # already in this order (the view asks again when sorting is enabled or restored)
        self.layoutAboutToBeChanged.emit()
        self._query = query
        self._ids = vendor_ids(self._backend, self._query, limit=max(len(self._ids), CHUNK))
        self._clear_cache()
        self.layoutChanged.emit()
