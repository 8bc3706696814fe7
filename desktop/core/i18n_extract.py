"""Find every translatable string in the source, and visible strings nobody marked for translation.

Used by ``tests/unit/test_translations.py`` and by translators (``python -m desktop.core.i18n_extract``).

Recognised as translatable: ``self.tr("...")`` / ``obj.tr("...")``, ``tr("...")``, ``N_("...")``,
``QCoreApplication.translate("Context", "...")`` and its alias ``tr("Context", "...")``.

``unmarked_in`` reports string literals handed straight to a Qt call that shows text
(``setText("...")``, ``QLabel("...")``, ``QMessageBox.warning(self, "...", "...")``, ...) without
going through one of the markers above. A line that really shows a non-linguistic literal (a
symbol, a file-type filter the user never reads as text) can say so with ``# i18n: ignore``.

``unmarked_errors_in`` reports the same for error messages: an exception the user reads as it is
(``UserError``, ``ValidationError``, ``NotFound`` and their subclasses; the storage layer's
``DatabaseError`` and its subclasses) built from a plain literal or an f-string instead of
``tr("... {name} ...", name=...)``. A genuine exception (re-raising ``str(exc)`` is not one: it is not
a literal) can say ``# i18n: ignore`` on any line of the call.

Both ``desktop/`` and ``db/`` are scanned. ``db`` may not import ``desktop``: it marks its messages with
its own ``tr``/``N_`` (``db/messages.py``, which calls the translator ``desktop.core.i18n`` installs),
recognised here by the same names.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Message:
    text: str
    file: str
    line: int


_CONTEXT = re.compile(r"^[A-Z][A-Za-z0-9_]*$")
_KEY = re.compile(r"^[A-Z][A-Z0-9_]*$")  # message keys such as COMPETITOR_CONTROL, not text


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _context_form(args: list[ast.expr]) -> bool:
    """``tr("Context", text)`` (QCoreApplication.translate) rather than ``tr(text, lang)`` (desktop.core.i18n)."""
    first = _literal(args[0])
    if len(args) < 2 or not first or not _CONTEXT.match(first) or _KEY.match(first):
        return False
    second = args[1]
    if isinstance(second, ast.Constant):
        return second.value not in ("en", "es")
    return not (isinstance(second, ast.Name) and second.id in ("lang", "language"))


def messages_in(path: Path, root: Path) -> Iterator[Message]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = _name(func)
        arg: ast.expr | None = None
        if name in ("tr", "N_"):
            arg = node.args[0]
            if name == "tr" and _context_form(node.args):
                arg = node.args[1]  # tr = QCoreApplication.translate; tr("Context", "Text")
        elif name == "translate" and len(node.args) >= 2 and isinstance(func, ast.Attribute):
            arg = node.args[1]
        text = _literal(arg)
        if text and text.strip() and not _KEY.match(text):
            yield Message(text, str(path.relative_to(root)), node.lineno)


# Qt calls whose string arguments are shown to the user: name -> positions of the visible arguments
# (None: every positional argument).
VISIBLE_CALLS: dict[str, tuple[int, ...] | None] = {
    "setText": (0,), "setWindowTitle": (0,), "setPlaceholderText": (0,), "setToolTip": (0,),
    "setStatusTip": (0,), "setWhatsThis": (0,), "setTitle": (0,), "setLabelText": (0,),
    "setInformativeText": (0,), "setDetailedText": (0,), "setSuffix": (0,), "setPrefix": (0,),
    "setSpecialValueText": (0,), "showMessage": (0,), "setSubTitle": (0,), "setButtonText": (1,),
    "setTabText": (1,), "setTabToolTip": (1,), "setHeaderLabels": None, "setHorizontalHeaderLabels": None,
    "setVerticalHeaderLabels": None, "addTab": (1,), "insertTab": (2,), "addItem": (0,), "insertItem": (1,),
    "addItems": None, "addAction": (0, 1), "addMenu": (0, 1), "addRow": (0,), "addButton": (0,),
    "QLabel": (0,), "QPushButton": (0, 1), "QCheckBox": (0,), "QRadioButton": (0,), "QGroupBox": (0,),
    "QAction": (0, 1), "QToolButton": (), "QCommandLinkButton": (0, 1), "QMenu": (0,),
    "information": (1, 2), "warning": (1, 2), "critical": (1, 2), "question": (1, 2), "about": (1, 2),
    "getOpenFileName": (1,), "getSaveFileName": (1,), "getOpenFileNames": (1,), "getExistingDirectory": (1,),
    "getText": (1, 2), "getItem": (1, 2), "getInt": (1, 2), "getDouble": (1, 2),
}
_WORDS = re.compile(r"[A-Za-z]{2,}")
_MARKUP = re.compile(r"<[^>]*>")  # HTML around placeholders is not text


def _visible_literals(node: ast.expr) -> Iterator[tuple[str, int]]:
    """String literals that would reach the screen as they are (not through tr()/N_())."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if _WORDS.search(node.value):
            yield node.value, node.lineno
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        if _WORDS.search(_MARKUP.sub("", text)):
            yield f"f{text!r}", node.lineno
    elif isinstance(node, ast.BinOp):
        yield from _visible_literals(node.left)
        yield from _visible_literals(node.right)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for elt in node.elts:
            yield from _visible_literals(elt)
    elif isinstance(node, ast.IfExp):
        yield from _visible_literals(node.body)
        yield from _visible_literals(node.orelse)


def unmarked_in(path: Path, root: Path) -> Iterator[Message]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source, filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name not in VISIBLE_CALLS:
            continue
        if name in ("information", "warning", "critical", "question", "about") and not (
                isinstance(node.func, ast.Attribute) and _name(node.func.value) == "QMessageBox"):
            continue
        positions = VISIBLE_CALLS[name]
        args = [a for i, a in enumerate(node.args) if positions is None or i in positions]
        args += [k.value for k in node.keywords if k.arg in ("text", "title", "toolTip", "placeholderText")]
        for arg in args:
            for text, line in _visible_literals(arg):
                if "i18n: ignore" in lines[line - 1] or "i18n: ignore" in lines[node.lineno - 1]:
                    continue
                yield Message(text, str(path.relative_to(root)), line)


# Exceptions whose message is shown to the user as it is (desktop/core/errors.py and its subclasses).
ERROR_CLASSES = frozenset({"UserError", "ValidationError", "NotFound", "TemplateError", "KeyringUnavailable",
                           "IncompleteAssessment"})
# The storage layer's (db/errors.py): the CLI and the GUI show their message as it is too.
DB_ERROR_CLASSES = frozenset({"DatabaseError", "SchemaTooNew", "ConflictError", "ImmutableRecord",
                              "DamagedDatabase"})
USER_FACING_ERRORS = ERROR_CLASSES | DB_ERROR_CLASSES
# The packages whose strings are translated: the application and the storage layer.
PACKAGES = ("desktop", "db")


def unmarked_errors_in(path: Path, root: Path) -> Iterator[Message]:
    """User-facing errors whose message is an f-string or a plain literal, not ``tr(...)``."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source, filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _name(node.func) not in USER_FACING_ERRORS:
            continue
        span = lines[node.lineno - 1:(node.end_lineno or node.lineno)]
        if any("i18n: ignore" in line for line in span):
            continue
        args = node.args[:1] + [k.value for k in node.keywords if k.arg == "message"]
        for arg in args:
            for text, line in _visible_literals(arg):
                yield Message(text, str(path.relative_to(root)), line)


def _files(root: Path, packages: tuple[str, ...]) -> Iterator[Path]:
    for package in packages:
        yield from sorted((root / package).rglob("*.py"))


def all_messages(root: Path, packages: tuple[str, ...] = PACKAGES) -> list[Message]:
    return [m for path in _files(root, packages) for m in messages_in(path, root)]


def all_unmarked(root: Path, packages: tuple[str, ...] = ("desktop/ui",)) -> list[Message]:
    return [m for path in _files(root, packages) for m in unmarked_in(path, root)]


def all_unmarked_errors(root: Path, packages: tuple[str, ...] = PACKAGES) -> list[Message]:
    return [m for path in _files(root, packages) for m in unmarked_errors_in(path, root)]


def main(argv: list[str] | None = None) -> int:
    """Print the strings that still need a Spanish translation, and the unmarked visible strings."""
    from desktop.core import i18n

    root = Path(__file__).resolve().parents[2]
    catalogue = i18n.catalogue("es")
    missing = {m.text: m for m in all_messages(root) if m.text not in catalogue}
    for m in missing.values():
        print(f"untranslated  {m.file}:{m.line}: {m.text!r}")
    unmarked = all_unmarked(root)
    for m in unmarked:
        print(f"unmarked      {m.file}:{m.line}: {m.text}")
    errors = all_unmarked_errors(root)
    for m in errors:
        print(f"unmarked error {m.file}:{m.line}: {m.text}")
    return 1 if missing or unmarked or errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
