"""Find every translatable string in the source, check the catalogues, and find visible strings nobody marked.

Used by ``tests/unit/test_translations.py``, by ``pybabel extract`` (``extract_python`` below is the
extraction method configured in ``[tool.babel]`` of pyproject.toml) and by translators
(``python -m desktop.core.i18n_extract`` lists what is missing).

Extraction is Babel's (``babel.messages.extract``): the keywords and their argument specifications
(``tr:1,2,3t`` ...) are the ``[tool.babel.extract_messages]`` keywords of pyproject.toml. The
extraction method reads the Python source with ``ast`` (named arguments, f-strings and line breaks
never confuse it) and hands every call of a keyword to Babel with its literal arguments. It knows two
Vetta habits Babel's own Python extractor does not: ``tr = QCoreApplication.translate`` used as
``tr("Context", "Text")`` (reported as ``translate``, whose first argument is the Qt context, not
text), and ``tr("Text", "es")`` (a language, not a gettext context).

Recognised as translatable: ``tr("...")`` / ``self.tr("...")`` (``self.tr(text, "Context")``: a
context; ``self.tr(singular, plural, n)``: a plural), ``ntr(singular, plural, n)``, ``ptr("Context",
"...")``, ``nptr(...)``, ``N_("...")``, ``NP_("Context", "...")`` and
``QCoreApplication.translate("QtContext", "...")``.

``check`` compares the extracted messages with a language's ``.po``: a message is untranslated when
it is missing, its translation is empty or marked fuzzy; an entry of the ``.po`` that no code marks
any more is stale; the committed template ``vetta.pot`` must list what the code marks.

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
import tomllib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.core import i18n

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

PROJECT_ROOT = Path(__file__).resolve().parents[2]
METHOD = "desktop.core.i18n_extract:extract_python"  # the extraction method, as [tool.babel.extractors] names it


class SourceError(ValueError):
    """A source file extraction cannot read (a syntax error, merge-conflict markers, not UTF-8)."""


@dataclass(frozen=True)
class Message:
    text: str  # the msgid (the singular of a plural message)
    file: str
    line: int
    context: str | None = None
    plural: str | None = None


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


def _comments(lines: list[str], lineno: int, tags: Collection[str]) -> list[str]:
    """The ``# TRANSLATORS: ...`` comment right above line ``lineno``, for the translators."""
    if not tags:
        return []
    above: list[str] = []
    i = lineno - 2
    while i >= 0 and lines[i].strip().startswith("#"):
        above.insert(0, lines[i].strip()[1:].strip())
        i -= 1
    for k, text in enumerate(above):
        if any(text.startswith(tag) for tag in tags):
            return above[k:]
    return []


def extract_python(fileobj: Any, keywords: Collection[str], comment_tags: Collection[str],
                   options: Mapping[str, Any]) -> Iterator[tuple[int, str, list[str | None], list[str]]]:
    """A Babel extraction method: every call of a keyword, with its literal positional arguments.

    Babel applies the keyword's argument specification (``tr:1,2c,2t``: with two arguments, the first
    is the message and the second its context) to what this yields: ``(line, keyword, arguments,
    comments)``, a non-literal argument as None.
    """
    source = fileobj.read()
    name = str(getattr(fileobj, "name", "") or options.get("filename", "the source"))
    try:
        if isinstance(source, bytes):
            source = source.decode(options.get("encoding", "utf-8"))
        tree = ast.parse(source)
    except (SyntaxError, UnicodeDecodeError) as exc:
        where = f", line {exc.lineno}" if isinstance(exc, SyntaxError) and exc.lineno else ""
        reason = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        raise SourceError(f"{name}{where} is not valid Python ({reason}); resolve merge conflicts and syntax "
                          "errors first.") from None
    lines = source.splitlines()
    calls = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset))
    for node in calls:
        name = _name(node.func)
        if name not in keywords or not node.args or any(isinstance(a, ast.Starred) for a in node.args):
            continue
        args: list[str | None] = [_literal(a) for a in node.args]
        if name == "tr" and _context_form(node.args):
            name = "translate"  # tr = QCoreApplication.translate; tr("Context", "Text")
        elif name == "tr" and len(args) == 2 and args[1] in i18n.LANGUAGES:
            args = args[:1]  # tr("Text", "es"): a language, not a context
        if name in keywords:
            yield node.lineno, name, args, _comments(lines, node.lineno, comment_tags)


@lru_cache(maxsize=1)
def babel_config() -> dict[str, Any]:
    """``[tool.babel]`` of pyproject.toml: what ``pybabel`` reads too."""
    with (PROJECT_ROOT / "pyproject.toml").open("rb") as f:
        config: dict[str, Any] = tomllib.load(f)["tool"]["babel"]
    return config


def keywords() -> dict[str, Any]:
    """The extraction keywords (Babel's parsed specifications) of ``[tool.babel.extract_messages]``."""
    from babel.messages.frontend import parse_keywords

    words = babel_config()["extract_messages"]["keywords"]
    return dict(parse_keywords(words.split() if isinstance(words, str) else words))


def comment_tags() -> list[str]:
    tags = babel_config()["extract_messages"].get("add_comments", [])
    return [tags] if isinstance(tags, str) else list(tags)


def messages_in(path: Path, root: Path) -> Iterator[Message]:
    """The messages ``path`` marks for translation, as Babel extracts them."""
    from babel.messages.extract import extract

    rel = path.relative_to(root).as_posix()
    with BytesIO(path.read_bytes()) as fileobj:
        for lineno, message, _, context in extract(METHOD, fileobj, keywords(), comment_tags(),
                                                   options={"filename": rel}):
            if isinstance(message, tuple):
                yield Message(message[0], rel, lineno, context, message[1])
            elif message.strip():
                yield Message(message, rel, lineno, context)


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


def _key(text: str, context: str | None) -> str:
    return f"{context}|{text}" if context else text


@dataclass
class CatalogueReport:
    """How one language's catalogue stands against the code (``check``)."""

    language: str
    untranslated: list[Message] = field(default_factory=list)  # missing, or an empty translation
    fuzzy: list[Message] = field(default_factory=list)  # a translation marked for review: not used
    plural_mismatch: list[Message] = field(default_factory=list)  # plural in the code, not in the .po, or back
    stale: list[str] = field(default_factory=list)  # in the .po, marked by no code ("Context|Text")
    template_missing: list[str] = field(default_factory=list)  # marked in the code, not in vetta.pot
    template_stale: list[str] = field(default_factory=list)  # in vetta.pot, marked by no code

    @property
    def ok(self) -> bool:
        return not (self.untranslated or self.fuzzy or self.plural_mismatch or self.stale or self.template_missing
                    or self.template_stale)

    def lines(self) -> list[str]:
        out = [f"untranslated  {m.file}:{m.line}: {_key(m.text, m.context)!r}" for m in self.untranslated]
        out += [f"fuzzy         {m.file}:{m.line}: {_key(m.text, m.context)!r}" for m in self.fuzzy]
        out += [f"plural        {m.file}:{m.line}: {_key(m.text, m.context)!r}: singular/plural differ from the "
                "catalogue's" for m in self.plural_mismatch]
        out += [f"stale         {self.language}: {key!r} (no code marks it; `update` drops it)" for key in self.stale]
        out += [f"template      {key!r} is marked in the code but not in vetta.pot (run `update`)"
                for key in self.template_missing]
        out += [f"template      {key!r} is in vetta.pot but no code marks it (run `update`)"
                for key in self.template_stale]
        return out


def _entries(catalog: Catalog) -> dict[str, Any]:
    return {_key(m.id if isinstance(m.id, str) else m.id[0], m.context): m for m in catalog if m.id}


def check(language: str = "es", root: Path = PROJECT_ROOT, packages: tuple[str, ...] = PACKAGES,
          template: Path | None = None) -> CatalogueReport:
    """Compare what the code marks with ``language``'s ``.po`` and the committed template."""
    from babel.messages.pofile import read_po

    report = CatalogueReport(language)
    marked: dict[str, Message] = {}
    for m in all_messages(root, packages):
        marked.setdefault(_key(m.text, m.context), m)
    po = root / "resources" / "locale" / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    with po.open("rb") as f:
        entries = _entries(read_po(f))
    for key, m in marked.items():
        entry = entries.get(key)
        strings = () if entry is None else entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry is None or not all(strings):
            report.untranslated.append(m)
        elif entry.fuzzy:
            report.fuzzy.append(m)
        elif (m.plural is None) == entry.pluralizable or (m.plural and entry.id[1] != m.plural):
            report.plural_mismatch.append(m)
    report.stale = sorted(set(entries) - set(marked))
    pot = template or root / "resources" / "locale" / f"{i18n.DOMAIN}.pot"
    with pot.open("rb") as f:
        listed = set(_entries(read_po(f)))
    report.template_missing = sorted(set(marked) - listed)
    report.template_stale = sorted(listed - set(marked))
    return report


def run_checks(root: Path = PROJECT_ROOT) -> int:
    """Print what is untranslated, fuzzy or stale in each catalogue, and the unmarked visible strings;
    1 when there is any."""
    from desktop.core.i18n_tools import po_files

    problems: list[str] = []
    for po in po_files(root):
        problems += check(po.parent.parent.name, root).lines()
    problems += [f"unmarked      {m.file}:{m.line}: {m.text}" for m in all_unmarked(root)]
    problems += [f"unmarked error {m.file}:{m.line}: {m.text}" for m in all_unmarked_errors(root)]
    for line in problems:
        print(line)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    return run_checks(PROJECT_ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
