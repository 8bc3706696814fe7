"""One question of the wizard (QuestionEditor) and the dialog asking why a rule's answer is overridden."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.assessments import QuestionState


class QuestionEditor(QFrame):
    """The widgets of one question; tells the wizard when the user changes the answer."""

    changed = Signal(str, object)  # question key, new raw value (None clears)
    attach_requested = Signal(str)

    def __init__(self, state: QuestionState, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = state.key
        self.state = state
        self.lang = lang
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName(f"question-{state.key}")
        layout = QVBoxLayout(self)
        marks = (" *" if state.required else "")
        self.title = QLabel(f"<b>{state.key}</b>{marks} — {escape_html(state.text(lang))}", self)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.title)
        guidance = QLabel(escape_html(state.guidance(lang)), self)
        guidance.setWordWrap(True)
        guidance.setStyleSheet("color: #555;")
        layout.addWidget(guidance)
        if state.references:
            refs = QLabel(self.tr("References: {0}").format(", ".join(state.references)), self)
            refs.setWordWrap(True)
            refs.setStyleSheet("color: #777; font-size: small;")
            layout.addWidget(refs)

        self.input: QWidget
        row = QHBoxLayout()
        if state.answer_type in ("yes_no_partial_na", "single_choice"):
            combo = QComboBox(self)
            combo.addItem(self.tr("— not answered —"), None)
            for option in state.options:
                combo.addItem(option["label_es" if lang == "es" else "label_en"], option["value"])
            combo.activated.connect(self._combo_changed)
            self.input = combo
        elif state.answer_type == "multiple_choice":
            box = QListWidget(self)
            for option in state.options:
                item = QListWidgetItem(option["label_es" if lang == "es" else "label_en"], box)
                item.setData(Qt.ItemDataRole.UserRole, option["value"])
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
            box.setMaximumHeight(24 * max(2, len(state.options)) + 6)
            box.itemChanged.connect(self._list_changed)
            self.input = box
        else:
            edit = QLineEdit(self)
            edit.setPlaceholderText({"number": self.tr("a number"), "date": self.tr("YYYY-MM-DD")}
                                    .get(state.answer_type, self.tr("your answer")))
            edit.editingFinished.connect(self._edit_finished)
            self.input = edit
        self.input.setAccessibleName(state.key)
        row.addWidget(self.input, 1)
        self.attach_button = QPushButton(self.tr("Attach evidence…"), self)
        self.attach_button.clicked.connect(self._attach_clicked)
        row.addWidget(self.attach_button)
        layout.addLayout(row)

        self.suggestion = QLabel(self)
        self.suggestion.setWordWrap(True)
        layout.addWidget(self.suggestion)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        layout.addWidget(self.error)
        self.show_state(state)

    # -- display

    def show_state(self, state: QuestionState) -> None:
        self.state = state
        self._set_value(state.value)
        lang = self.lang
        if state.suggested is not None:
            self.suggestion.setText(self.tr("Suggested by rule: {0} — {1}").format(
                self.label_for(state.suggested), state.explanation(lang)))
            self.suggestion.show()
        else:
            self.suggestion.hide()
        parts = []
        if state.source:
            parts.append(self.tr("Answer from: {0}").format(
                {"rule": self.tr("rule"), "preparer": self.tr("preparer"), "vendor": self.tr("vendor")}
                .get(state.source, state.source)))
        if state.justification:
            parts.append(self.tr("Justification: {0}").format(state.justification))
        if state.changed_since_previous:
            parts.append(self.tr("Changed since the previous assessment"))
        files = ", ".join(e.filename for e in state.evidence)
        if state.evidence_needed:  # the answer says the control exists: show the file that proves it
            parts.append(self.tr("Evidence (required): {0}").format(files or self.tr("none yet")))
        elif files:
            parts.append(self.tr("Evidence: {0}").format(files))
        elif state.evidence_required and state.outcome == "unanswered":
            parts.append(self.tr("Evidence will be needed if the answer says the control exists."))
        if state.outcome in ("fail", "partial"):
            parts.append(self.tr("Finding ({0})").format(self.tr(state.severity)))
        self.status.setText(" · ".join(parts))
        self.status.setVisible(bool(parts))
        self.error.hide()
        colour = {"fail": "#fbe9e7", "partial": "#fff4e0"}.get(state.outcome, "")
        self.setStyleSheet(f"#question-{state.key} {{ background: {colour}; }}" if colour else "")

    def label_for(self, value: Any) -> str:
        labels = {o["value"]: o["label_es" if self.lang == "es" else "label_en"] for o in self.state.options}
        if isinstance(value, list):
            return ", ".join(str(labels.get(v, v)) for v in value)
        return str(labels.get(value, value))

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _set_value(self, value: Any) -> None:
        self.input.blockSignals(True)
        try:
            if isinstance(self.input, QComboBox):
                index = self.input.findData(value) if value is not None else 0
                self.input.setCurrentIndex(max(index, 0))
            elif isinstance(self.input, QListWidget):
                chosen = set(value or [])
                for i in range(self.input.count()):
                    item = self.input.item(i)
                    item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in chosen
                                       else Qt.CheckState.Unchecked)
            elif isinstance(self.input, QLineEdit):
                self.input.setText("" if value is None else str(value))
        finally:
            self.input.blockSignals(False)

    def current_value(self) -> Any:
        if isinstance(self.input, QComboBox):
            return self.input.currentData()
        if isinstance(self.input, QListWidget):
            return [self.input.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.input.count())
                    if self.input.item(i).checkState() == Qt.CheckState.Checked]
        if isinstance(self.input, QLineEdit):
            return self.input.text()
        return None

    def set_read_only(self, read_only: bool) -> None:
        self.input.setEnabled(not read_only)
        self.attach_button.setEnabled(not read_only)

    # -- user input

    @Slot(int)
    def _combo_changed(self, _index: int) -> None:
        self.changed.emit(self.key, self.current_value())

    @Slot(QListWidgetItem)
    def _list_changed(self, _item: QListWidgetItem) -> None:
        self.changed.emit(self.key, self.current_value())

    @Slot()
    def _edit_finished(self) -> None:
        text = self.current_value()
        stored = "" if self.state.value is None else str(self.state.value)
        if text != stored:
            self.changed.emit(self.key, text)

    @Slot()
    def _attach_clicked(self) -> None:
        self.attach_requested.emit(self.key)


class JustificationDialog(QDialog):
    """Why the user answers otherwise than the rule: the rule's explanation wraps (it can be long: it
    quotes the ownership findings) instead of stretching the dialog across the screen."""

    def __init__(self, suggested: str, explanation: str, answer: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Justify the change"))
        self.question = QLabel(self.tr("The rule suggests “{0}” because: {1}\n\nWhy do you answer “{2}” instead?")
                               .format(suggested, explanation, answer), self)
        self.question.setWordWrap(True)
        self.question.setTextFormat(Qt.TextFormat.PlainText)
        self.text = QPlainTextEdit(self)
        self.text.setAccessibleName(self.tr("Justification"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.text.textChanged.connect(lambda: self.ok_button.setEnabled(bool(self.justification())))
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(560, 320)

    def justification(self) -> str:
        return self.text.toPlainText().strip()


def escape_html(text: str) -> str:
    """``text`` safe inside a rich-text label."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
