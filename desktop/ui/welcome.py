"""The first-run welcome flow: language and your name, organisation, competitor watchlist, signing identity — or the demo.

Your name (the profile name, SQLite) is who every change is recorded under; it is asked here and
never taken from the computer account. On PostgreSQL the database login is shown instead.

Shown by the application when the database has no organisation name yet. Pages are driven with
``next_page()`` / ``back()`` / ``finish()`` / ``open_demo()``, so tests run it without ``exec()``.
``completed`` is emitted with "setup" or "demo" once the database is ready.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.errors import DatabaseError
from desktop.core.errors import UserError, ValidationError
from desktop.services import first_run, whoami
from desktop.services.backend import Backend, is_shared
from desktop.services.identities import keyring_available
from desktop.ui.operations import ChangeSet, Operation, UnitOfWork, error_text, run_operation, write

ERROR_STYLE = "color: #b00020;"
COMPETITOR_ROWS = 5
PAGE_FIELD = {"organisation": 1, "logo": 1, "language": 0, "competitors": 2, "identity_name": 3, "name": 3,
              "profile": 0}


class WelcomeDialog(QDialog):
    completed = Signal(str)  # "setup" or "demo"

    def __init__(self, backend: Backend, parent: QWidget | None = None, *, apply_language: bool = True) -> None:
        super().__init__(parent)
        self.backend = backend
        self.apply_language = apply_language
        self.outcome: str | None = None
        self.last_operation: Operation | None = None
        self.resize(760, 520)
        self.pages = QStackedWidget(self)
        self.title = QLabel(self)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)

        # 0: language and the two routes
        p0 = QWidget(self)
        f0 = QFormLayout(p0)
        icon = Path(__file__).resolve().parents[2] / "resources" / "icons" / "vetta-128.png"
        if icon.exists():
            logo = QLabel(p0)
            logo.setPixmap(QPixmap(str(icon)))
            logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
            f0.addRow(logo)
        self.language = QComboBox(p0)
        for value, label in (("", "System / Sistema"), ("en", "English"), ("es", "Español")):
            self.language.addItem(label, value)
        self.language.currentIndexChanged.connect(self._language_changed)
        self.language_label = QLabel(p0)
        f0.addRow(self.language_label, self.language)
        # who you are: the profile name on SQLite, the database login on PostgreSQL (shown, not editable)
        self.login = whoami.resolve(backend).name if is_shared(backend) else ""
        self.profile_name = QLineEdit(whoami.profile_name() or os.environ.get(whoami.ENV_USER, ""), p0)
        self.profile_label = QLabel(p0)
        self.profile_note = QLabel(p0)
        self.profile_note.setWordWrap(True)
        f0.addRow(self.profile_label, self.profile_name)
        f0.addRow(self.profile_note)
        self.profile_name.setVisible(not self.login)
        self.demo_button = QPushButton(p0)
        self.demo_button.clicked.connect(self.open_demo)
        self.demo_note = QLabel(p0)
        self.demo_note.setWordWrap(True)
        f0.addRow(self.demo_button)
        f0.addRow(self.demo_note)
        self.pages.addWidget(p0)

        # 1: organisation
        p1 = QWidget(self)
        f1 = QFormLayout(p1)
        self.org_name = QLineEdit(p1)
        self.org_label = QLabel(p1)
        f1.addRow(self.org_label, self.org_name)
        self.logo = QLineEdit(p1)
        self.logo_button = QPushButton(p1)
        self.logo_button.clicked.connect(self._choose_logo)
        row = QHBoxLayout()
        row.addWidget(self.logo, 1)
        row.addWidget(self.logo_button)
        self.logo_label = QLabel(p1)
        f1.addRow(self.logo_label, row)
        self.pages.addWidget(p1)

        # 2: competitor watchlist
        p2 = QWidget(self)
        v2 = QVBoxLayout(p2)
        self.competitors = QTableWidget(COMPETITOR_ROWS, 2, p2)
        self.competitors.verticalHeader().setVisible(False)
        self.competitors.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.competitors.horizontalHeader().setStretchLastSection(True)
        self.competitors.setColumnWidth(0, 260)
        self.add_row_button = QPushButton(p2)
        self.add_row_button.clicked.connect(lambda: self.competitors.insertRow(self.competitors.rowCount()))
        v2.addWidget(self.competitors)
        v2.addWidget(self.add_row_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.pages.addWidget(p2)

        # 3: signing identity
        p3 = QWidget(self)
        f3 = QFormLayout(p3)
        self.identity_name = QLineEdit(p3)
        self.identity_email = QLineEdit(p3)
        self.identity_name_label = QLabel(p3)
        self.identity_email_label = QLabel(p3)
        f3.addRow(self.identity_name_label, self.identity_name)
        f3.addRow(self.identity_email_label, self.identity_email)
        self.keyring_note = QLabel(p3)
        self.keyring_note.setWordWrap(True)
        f3.addRow(self.keyring_note)
        self.pages.addWidget(p3)

        self.back_button = QPushButton(self)
        self.next_button = QPushButton(self)
        self.skip_button = QPushButton(self)
        self.finish_button = QPushButton(self)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next_page)
        self.skip_button.clicked.connect(self._skip_identity)
        self.finish_button.clicked.connect(self._finish_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.finish_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.retranslate()
        self._show_page(0)

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Welcome to Vetta"))
        self.language_label.setText(self.tr("Language"))
        self.language.setAccessibleName(self.tr("Language"))
        self.demo_button.setText(self.tr("Open the demo data"))
        self.demo_note.setText(self.tr(
            "The demo holds nine example vendors, among them one partly owned by a competitor, so you can try "
            "every screen at once. Or choose Next to set up your own organisation (about two minutes)."))
        self.profile_label.setText(self.tr("Your name"))
        self.profile_name.setAccessibleName(self.tr("Your name"))
        self.profile_name.setPlaceholderText(self.tr("As colleagues and auditors should read it"))
        self.profile_note.setText(
            self.tr("You are signed in to the database as {login}: every change is recorded under that login.")
            .format(login=self.login) if self.login else
            self.tr("Every change you make is recorded under this name, and reports name you with it. Vetta does "
                    "not take it from your computer account."))
        self.org_label.setText(self.tr("Organisation name"))
        self.org_name.setAccessibleName(self.tr("Organisation name"))
        self.org_name.setPlaceholderText(self.tr("As it should appear on reports"))
        self.logo_label.setText(self.tr("Logo (optional)"))
        self.logo.setAccessibleName(self.tr("Logo file"))
        self.logo.setPlaceholderText(self.tr("A PNG or JPEG file shown on report covers"))
        self.logo_button.setText(self.tr("Browse…"))
        self.competitors.setHorizontalHeaderLabels([self.tr("Competitor"),
                                                   self.tr("Affiliates (separated by semicolons)")])
        self.competitors.setAccessibleName(self.tr("Competitor watchlist"))
        self.add_row_button.setText(self.tr("Add a row"))
        self.identity_name_label.setText(self.tr("Your name"))
        self.identity_email_label.setText(self.tr("Email"))
        self.identity_name.setAccessibleName(self.tr("Signing identity name"))
        self.identity_email.setAccessibleName(self.tr("Signing identity email"))
        self.keyring_note.setText(
            self.tr("A key pair and certificate are created for you; the private key is kept in this computer's "
                    "keyring, never in the database.") if keyring_available() else
            self.tr("No usable keyring is available on this computer. Skip this step and create your signing "
                    "identity later in Settings, Signing identities: Vetta keeps its key in a file protected by a "
                    "passphrase you choose."))
        self.back_button.setText(self.tr("< &Back"))
        self.next_button.setText(self.tr("&Next >"))
        self.skip_button.setText(self.tr("&Skip and finish"))
        self.finish_button.setText(self.tr("&Finish"))
        self._show_page(self.pages.currentIndex())

    def _page_texts(self, index: int) -> tuple[str, str]:
        return [
            (self.tr("Welcome to Vetta"),
             self.tr("Vetta tells you whether a data vendor is really neutral: who owns and influences it, whether "
                     "a competitor sits in that web, and whether your data is protected. Choose your language.")),
            (self.tr("Your organisation"),
             self.tr("The name (and logo) printed on every assessment report.")),
            (self.tr("Competitor watchlist"),
             self.tr("The companies whose influence over a vendor matters to you, with their affiliates. Vetta "
                     "looks for them in every ownership chain. You can change the list later in Settings.")),
            (self.tr("Signing identity"),
             self.tr("Approvers sign assessment reports. Create your signing identity now, or skip this step.")),
        ][index]

    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        title, intro = self._page_texts(index)
        self.title.setText(title)
        self.intro.setText(intro)
        last = index == self.pages.count() - 1
        self.back_button.setEnabled(index > 0)
        self.next_button.setVisible(not last)
        self.finish_button.setVisible(last)
        self.skip_button.setVisible(last)
        self.demo_button.setEnabled(index == 0)

    # ------------------------------------------------------------------ navigation
    @Slot(int)
    def _language_changed(self, _index: int) -> None:
        if self.apply_language:
            from desktop.ui.translator import install

            app = QCoreApplication.instance()
            if app is not None:
                install(app, str(self.language.currentData()))
        self.retranslate()

    def _keep_profile(self) -> str | None:
        """Save the name typed on the first page (SQLite); show why it is refused. The login on PostgreSQL."""
        if self.login:
            return self.login
        try:
            return whoami.set_profile_name(self.profile_name.text())
        except UserError as exc:
            self._show_page(0)
            self.error.setText(str(exc))
            self.profile_name.setFocus()
            return None

    @Slot()
    def next_page(self) -> bool:
        index = self.pages.currentIndex()
        if index == 0:
            name = self._keep_profile()
            if name is None:
                return False
            if not self.identity_name.text().strip():
                self.identity_name.setText(name)
        if index == 1 and not self.org_name.text().strip():
            self.error.setText(self.tr("Enter your organisation's name: it appears on every report."))
            self.org_name.setFocus()
            return False
        self.error.clear()
        if index < self.pages.count() - 1:
            self._show_page(index + 1)
        return True

    @Slot()
    def back(self) -> None:
        self.error.clear()
        self._show_page(max(0, self.pages.currentIndex() - 1))

    @Slot()
    def _choose_logo(self) -> None:
        name, _f = QFileDialog.getOpenFileName(self, self.tr("Choose a logo"), "", self.tr("Images (*.png *.jpg *.jpeg)"))
        if name:
            self.logo.setText(name)

    def set_competitor(self, row: int, name: str, affiliates: str = "") -> None:
        while self.competitors.rowCount() <= row:
            self.competitors.insertRow(self.competitors.rowCount())
        self.competitors.setItem(row, 0, QTableWidgetItem(name))
        self.competitors.setItem(row, 1, QTableWidgetItem(affiliates))

    def choices(self, with_identity: bool = True) -> first_run.SetupChoices:
        competitors = []
        for row in range(self.competitors.rowCount()):
            name_item, aff_item = self.competitors.item(row, 0), self.competitors.item(row, 1)
            name = name_item.text().strip() if name_item else ""
            affiliates = [a.strip() for a in (aff_item.text() if aff_item else "").replace(",", ";").split(";")
                          if a.strip()]
            if name or affiliates:
                competitors.append(first_run.CompetitorChoice(name, affiliates))
        logo = self.logo.text().strip()
        return first_run.SetupChoices(
            organisation=self.org_name.text().strip(), language=str(self.language.currentData()),
            logo=Path(logo) if logo else None, competitors=competitors,
            identity_name=self.identity_name.text().strip() if with_identity else "",
            identity_email=self.identity_email.text().strip() if with_identity else "")

    @Slot()
    def _skip_identity(self) -> None:
        self.finish(with_identity=False)

    @Slot()
    def _finish_clicked(self) -> None:
        self.finish()

    def finish(self, with_identity: bool = True) -> Operation | None:
        """Write everything in one operation; on a problem show it on the page it belongs to, and nothing is
        written. None when the profile name is still missing (its page says so)."""
        choices = self.choices(with_identity)
        actor = self._keep_profile()
        if actor is None:
            return None

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self._show_page(PAGE_FIELD.get(exc.field or "", self.pages.currentIndex()))
            self.error.setText(error_text(exc))

        self.last_operation = write(self, self.backend, lambda b: first_run.complete_setup(b, choices, actor),
                                    on_success=lambda _result: self._done("setup"), on_failure=failed,
                                    label=self.tr("Setting up Vetta…") if with_identity else "")
        return self.last_operation

    @Slot()
    def open_demo(self) -> Operation | None:
        """Load the demo data off the GUI thread, then finish."""
        from desktop.services.demo import load_demo

        language = str(self.language.currentData())
        actor = self._keep_profile()
        if actor is None:
            return None

        def work(uow: UnitOfWork, progress: Any, cancelled: Any) -> str:
            backend = uow.backend
            summary = load_demo(backend, actor)
            from dataclasses import replace

            from desktop.services import settings as settings_svc

            current = settings_svc.get_settings(backend)
            if language != current.language or not current.name:
                settings_svc.save_settings(backend, replace(current, language=language,
                                                           name=current.name or "Demo organisation"), actor)
            return summary.message

        self.demo_button.setEnabled(False)
        self.last_operation = run_operation(self, self.tr("Loading the demo data…"), self.backend, work,
                                            on_success=lambda _m: self._done("demo"),
                                            on_failure=self._demo_failed,
                                            changes=ChangeSet(vendors=True, settings=True))
        return self.last_operation

    def _demo_failed(self, exc: BaseException) -> None:
        self.demo_button.setEnabled(True)
        self.error.setText(str(exc) if isinstance(exc, UserError | DatabaseError)
                           else self.tr("The demo data could not be loaded; the details are in the log file."))

    def _done(self, outcome: str) -> None:
        self.outcome = outcome
        self.completed.emit(outcome)
        self.accept()


class ProfileNameDialog(QDialog):
    """Asks your name once when Vetta does not know it (an SQLite database opened without a profile name)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Who are you?"))
        intro = QLabel(self.tr("Every change you make is recorded under your name, and reports name you with it. "
                               "Vetta does not take it from your computer account: type it once."), self)
        intro.setWordWrap(True)
        self.field = QLineEdit(self)
        self.field.setAccessibleName(self.tr("Your name"))
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        ok = QPushButton(self.tr("&Continue"), self)
        ok.setDefault(True)
        ok.clicked.connect(self._accept_clicked)
        cancel = QPushButton(self.tr("&Quit"), self)
        cancel.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Your name"), self.field)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(ok)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def name(self) -> str:
        return " ".join(self.field.text().split())

    @Slot()
    def _accept_clicked(self) -> None:
        try:
            whoami.check_name(self.field.text())
        except UserError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
