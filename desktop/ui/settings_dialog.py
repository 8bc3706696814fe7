"""Settings: organisation profile and logo, competitor watchlist with affiliates, thresholds,
review intervals per tier, language, signing identities (desktop.ui.identities), you, the
time-stamping server and the trust roots (desktop.ui.signatures_settings). In team mode only an
administrator may change the organisation's settings: the other tabs are then read-only."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.services import settings as svc
from desktop.services.backend import Backend
from desktop.ui.fit import fit_size
from desktop.ui.operations import Operation, error_text, write

ERROR_STYLE = "color: #b00020;"


class SettingsDialog(QDialog):
    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.setWindowTitle(self.tr("Settings"))
        self.settings = svc.get_settings(backend)
        self.tabs = QTabWidget(self)

        # organisation
        org = QWidget(self)
        form = QFormLayout(org)
        self.org_name = QLineEdit(self.settings.name, org)
        self.org_name.setAccessibleName(self.tr("Organisation name"))
        form.addRow(self.tr("Organisation name"), self.org_name)
        self.logo_preview = QLabel(org)
        self.logo_preview.setMinimumHeight(64)
        self.logo_preview.setAccessibleName(self.tr("Logo"))
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview, 1)
        choose = QPushButton(self.tr("Choose logo…"), org)
        choose.clicked.connect(self._choose_logo)
        clear = QPushButton(self.tr("Remove logo"), org)
        clear.clicked.connect(lambda: self.set_logo(None))
        logo_row.addWidget(choose)
        logo_row.addWidget(clear)
        form.addRow(self.tr("Logo on reports"), logo_row)
        self.language = QComboBox(org)
        for value, label in (("", self.tr("Same as the system")), ("en", "English"), ("es", "Español")):
            self.language.addItem(label, value)
        self.language.setCurrentIndex(max(0, self.language.findData(self.settings.language)))
        self.language.setAccessibleName(self.tr("Language"))
        form.addRow(self.tr("Language"), self.language)
        self.tabs.addTab(org, self.tr("Organisation"))

        # thresholds and reviews
        th = QWidget(self)
        tform = QFormLayout(th)
        self.bo = self._pct(10, 100, self.settings.beneficial_ownership_threshold)
        self.influence = self._pct(0.01, 100, self.settings.significant_influence_threshold)
        self.control = self._pct(50, 100, self.settings.control_threshold)
        self.lookback = QSpinBox(th)
        self.lookback.setRange(0, 240)
        self.lookback.setValue(self.settings.people_lookback_months)
        self.lookback.setSuffix(self.tr(" months"))
        self.review: dict[str, QSpinBox] = {}
        for label, widget in ((self.tr("Beneficial ownership threshold"), self.bo),
                              (self.tr("Significant influence threshold"), self.influence),
                              (self.tr("Control threshold"), self.control),
                              (self.tr("Look back at people's past roles"), self.lookback)):
            widget.setAccessibleName(label)
            tform.addRow(label, widget)
        for tier, label in (("critical", self.tr("Review critical vendors every")),
                            ("high", self.tr("Review high-tier vendors every")),
                            ("medium", self.tr("Review medium-tier vendors every")),
                            ("low", self.tr("Review low-tier vendors every"))):
            spin = QSpinBox(th)
            spin.setRange(1, 120)
            spin.setSuffix(self.tr(" months"))
            spin.setValue(getattr(self.settings, f"review_months_{tier}"))
            spin.setAccessibleName(label)
            self.review[tier] = spin
            tform.addRow(label, spin)
        self.tabs.addTab(th, self.tr("Thresholds and reviews"))

        # competitor watchlist, and the possible matches people decide (loaded when the page is shown)
        wl = QWidget(self)
        wpage = QVBoxLayout(wl)
        wlayout = QHBoxLayout()
        wpage.addLayout(wlayout, 1)
        from desktop.ui.ownership.matches import PossibleMatchesPanel

        self.matches = PossibleMatchesPanel(backend, wl)
        wpage.addWidget(self.matches, 1)
        self.competitors = QListWidget(wl)
        self.competitors.setAccessibleName(self.tr("Competitors"))
        self.competitors.currentItemChanged.connect(self._show_competitor)
        left = QVBoxLayout()
        left.addWidget(self.competitors)
        add = QPushButton(self.tr("New competitor"), wl)
        add.clicked.connect(self.new_competitor)
        remove = QPushButton(self.tr("Remove"), wl)
        remove.clicked.connect(self.remove_competitor)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        left.addLayout(row)
        wlayout.addLayout(left, 1)
        right = QFormLayout()
        self.comp_name = QLineEdit(wl)
        self.comp_name.setAccessibleName(self.tr("Competitor name"))
        self.comp_lei = QLineEdit(wl)
        self.comp_lei.setAccessibleName(self.tr("Competitor LEI"))
        self.comp_affiliates = QPlainTextEdit(wl)
        self.comp_affiliates.setAccessibleName(self.tr("Affiliates, one per line"))
        self.comp_affiliates.setTabChangesFocus(True)
        self.comp_reason = QLabel(wl)
        self.comp_reason.setStyleSheet(ERROR_STYLE)
        self.comp_reason.setWordWrap(True)
        save_comp = QPushButton(self.tr("Save competitor"), wl)
        save_comp.clicked.connect(self._save_competitor_clicked)
        right.addRow(self.tr("Name"), self.comp_name)
        right.addRow(self.tr("LEI"), self.comp_lei)
        right.addRow(self.tr("Affiliates (one per line)"), self.comp_affiliates)
        right.addRow(self.comp_reason)
        right.addRow(save_comp)
        wlayout.addLayout(right, 2)
        self.watchlist_index = self.tabs.addTab(wl, self.tr("Competitor watchlist"))
        self.tabs.currentChanged.connect(self._tab_changed)

        from desktop.ui.identities import IdentitiesPage
        from desktop.ui.roles import who_for
        from desktop.ui.signatures_settings import SignaturesPage

        self.who = who_for(backend)
        self.identities = IdentitiesPage(backend, self, who=self.who)
        self.tabs.addTab(self.identities, self.tr("Signing identities"))
        self.signatures = SignaturesPage(backend, self.who, self)
        self.tabs.addTab(self.signatures, self.tr("You and signatures"))
        if not self.who.can("admin"):  # team mode: organisation settings are the administrators'
            from desktop.ui.roles import set_read_only

            for index in range(3):  # organisation, thresholds, watchlist
                page = self.tabs.widget(index)
                if page is not None:
                    set_read_only(page)

        self.reason = QLabel(self)
        self.reason.setStyleSheet(ERROR_STYLE)
        self.reason.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self._save_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.reason)
        layout.addWidget(buttons)
        self._current_id: int | None = None
        self._load_logo()
        self._load_competitors()
        fit_size(self, 880, 520)  # every page's tab in sight, in Spanish too

    def _pct(self, low: float, high: float, value: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(self)
        spin.setRange(low, high)
        spin.setDecimals(2)
        spin.setSuffix(" %")
        spin.setValue(value)
        return spin

    # --- logo
    def _load_logo(self) -> None:
        logo = svc.get_logo(self.backend)
        if logo is None:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(self.tr("No logo"))
            return
        pixmap = QPixmap()
        if not pixmap.loadFromData(logo[0]):
            self.logo_preview.setText(self.tr("The logo cannot be shown"))
            return
        self.logo_preview.setPixmap(pixmap.scaledToHeight(56, Qt.TransformationMode.SmoothTransformation))

    @Slot()
    def _choose_logo(self) -> None:
        name, _f = QFileDialog.getOpenFileName(self, self.tr("Choose logo"), "", self.tr("Images (*.png *.jpg *.jpeg)"))
        if name:
            self.set_logo(Path(name))

    def set_logo(self, path: Path | None) -> Operation:
        def stored(settings: svc.OrgSettings) -> None:
            self.settings = settings
            self.reason.clear()
            self._load_logo()

        self.last_operation = write(self, self.backend, lambda b: svc.set_logo(b, path), on_success=stored,
                                    on_failure=lambda exc: self.reason.setText(error_text(exc)))
        return self.last_operation

    # --- watchlist
    @Slot(int)
    def _tab_changed(self, index: int) -> None:
        if index == self.watchlist_index and not self.matches.rows:
            self.matches.reload()

    def _load_competitors(self, select_id: int | None = None) -> None:
        self.competitors.clear()
        for entry in svc.list_competitors(self.backend):
            item = QListWidgetItem(entry.name, self.competitors)
            item.setData(Qt.ItemDataRole.UserRole, entry)
            if entry.id == select_id:
                self.competitors.setCurrentItem(item)

    @Slot(QListWidgetItem, QListWidgetItem)
    def _show_competitor(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        entry = current.data(Qt.ItemDataRole.UserRole) if current else None
        self._current = entry
        self.comp_name.setText(entry.name if entry else "")
        self.comp_lei.setText(entry.lei if entry else "")
        self.comp_affiliates.setPlainText("\n".join(entry.affiliates) if entry else "")
        self.comp_reason.clear()

    @Slot()
    def new_competitor(self) -> None:
        self.competitors.setCurrentRow(-1)
        self._current = None
        self.comp_name.clear()
        self.comp_lei.clear()
        self.comp_affiliates.clear()
        self.comp_name.setFocus()

    @Slot()
    def _save_competitor_clicked(self) -> None:
        self.save_competitor()

    def save_competitor(self) -> Operation:
        current = getattr(self, "_current", None)
        entry = svc.CompetitorEntry(
            name=self.comp_name.text(), lei=self.comp_lei.text(),
            notes=current.notes if current else "",
            affiliates=self.comp_affiliates.toPlainText().splitlines(),
            id=current.id if current else None, version=current.version if current else None)

        def saved(entry: svc.CompetitorEntry) -> None:
            self.comp_reason.clear()
            self._load_competitors(entry.id)

        self.last_operation = write(self, self.backend, lambda b: svc.save_competitor(b, entry), on_success=saved,
                                    on_failure=lambda exc: self.comp_reason.setText(error_text(exc)))
        return self.last_operation

    @Slot()
    def remove_competitor(self) -> Operation | None:
        current = getattr(self, "_current", None)
        if current is None or current.id is None:
            return None
        competitor_id = current.id
        self.last_operation = write(self, self.backend, lambda b: svc.remove_competitor(b, competitor_id),
                                    on_success=lambda _r: self._load_competitors(),
                                    on_failure=lambda exc: self.comp_reason.setText(error_text(exc)))
        return self.last_operation

    # --- save
    def values(self) -> svc.OrgSettings:
        s = self.settings
        return svc.OrgSettings(
            name=self.org_name.text().strip(), language=str(self.language.currentData()),
            beneficial_ownership_threshold=self.bo.value(),
            significant_influence_threshold=self.influence.value(), control_threshold=self.control.value(),
            people_lookback_months=self.lookback.value(),
            review_months_critical=self.review["critical"].value(), review_months_high=self.review["high"].value(),
            review_months_medium=self.review["medium"].value(), review_months_low=self.review["low"].value(),
            has_logo=s.has_logo, version=s.version)

    @Slot()
    def _save_clicked(self) -> None:
        self.save()

    def save(self) -> Operation | None:
        """Save the organisation's settings (an operation; the dialog closes once saved). None when there
        is nothing to save: a non-administrator's dialog just closes."""
        if not self.who.can("admin"):
            self.accept()  # nothing of the organisation's to save for a non-administrator
            return None
        values = self.values()

        def saved(settings: svc.OrgSettings) -> None:
            self.settings = settings
            self.accept()

        self.last_operation = write(self, self.backend, lambda b: svc.save_settings(b, values), on_success=saved,
                                    on_failure=lambda exc: self.reason.setText(error_text(exc)))
        return self.last_operation
