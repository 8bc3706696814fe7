"""The main window: the vendor register."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import Engine

from desktop import __version__
from desktop.services.register import RegisterQuery
from desktop.ui.vendor_model import VendorTableModel


class MainWindow(QMainWindow):
    def __init__(self, engine: Engine, db_label: str) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("Vetta — vendor register"))
        self.resize(1100, 680)
        self._engine = engine
        self.model = VendorTableModel(engine, self)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search name, alias, identifier or tag"))
        self.search.setAccessibleName(self.tr("Search vendors"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._search_timer.start)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 280)
        self.table.setColumnWidth(2, 300)
        self.table.setAccessibleName(self.tr("Vendor register"))

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        self.setCentralWidget(central)

        toolbar = QToolBar(self.tr("Main"), self)
        toolbar.setObjectName("main-toolbar")
        self.addToolBar(toolbar)
        find = QAction(self.tr("&Find"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.search.setFocus)
        refresh = QAction(self.tr("&Refresh"), self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.model.reload)
        toolbar.addAction(find)
        toolbar.addAction(refresh)

        file_menu = self.menuBar().addMenu(self.tr("&File"))
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About Vetta"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

        self.statusBar().showMessage(self.tr("{count} vendors — {db}").format(count=self.model.rowCount(), db=db_label))

    @Slot()
    def _apply_search(self) -> None:
        q = self.model.query()
        self.model.set_query(RegisterQuery(search=self.search.text(), status=q.status, tier=q.tier,
                                           sort=q.sort, descending=q.descending))
        self.statusBar().showMessage(self.tr("{count} vendors").format(count=self.model.rowCount()))

    @Slot()
    def _about(self) -> None:
        QMessageBox.about(self, self.tr("About Vetta"),
                          self.tr("Vetta {version}\nDue diligence of data vendors' neutrality.").format(
                              version=__version__))
