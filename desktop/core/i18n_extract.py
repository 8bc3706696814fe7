"""Find every translatable string in the source (used by the translation test and by translators).

Recognised: ``self.tr("...")`` / ``obj.tr("...")``, ``tr("...")``, ``N_("...")``,
``QCoreApplication.translate("Context", "...")``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Message:
    text: str
    file: str
    line: int


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def messages_in(path: Path, root: Path) -> Iterator[Message]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        arg = None
        if name in ("tr", "N_"):
            arg = node.args[0]
        elif name == "translate" and len(node.args) >= 2 and isinstance(func, ast.Attribute):
            arg = node.args[1]
        text = _literal(arg) if arg is not None else None
        if text and text.strip():
            yield Message(text, str(path.relative_to(root)), node.lineno)


def all_messages(root: Path, packages: tuple[str, ...] = ("desktop",)) -> list[Message]:
    found: list[Message] = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            found.extend(messages_in(path, root))
    return found
