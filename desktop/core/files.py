"""Reading files a user hands to Vetta, safely: ordinary files only, never more than a bound, nesting bounded.

Every importer (vendor CSV/XLSX, BODS JSON, checklist YAML/JSON, questionnaire XLSX, evidence,
PKCS#12, audit anchors) reads its file through ``read_regular_file``:

- the file is opened without waiting (``O_NONBLOCK``) and checked on the open descriptor
  (``fstat``): a named pipe (FIFO), a device such as ``/dev/zero``, a socket or a folder is refused
  at once, before a byte is read (a FIFO would otherwise hang the program, ``/dev/zero`` fill its
  memory); a symbolic link to an ordinary file is followed;
- at most ``limit`` bytes are read, whatever the file claims to be: a file that grows while it is
  read is refused when it passes the bound.

``loads_json`` parses JSON with its nesting bounded (a clear sentence instead of a recursion error),
and ``check_yaml_depth`` does the same for YAML before any loader builds objects from it.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.core.errors import UserError
from desktop.core.i18n import format_number, tr

MAX_DEPTH = 64  # no file Vetta reads nests deeper than a dozen levels
_CHUNK = 1 << 20

ErrorFactory = Callable[[str], Exception]


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return tr("a named pipe (FIFO)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return tr("a device")
    if stat.S_ISSOCK(mode):
        return tr("a socket")
    return tr("not an ordinary file")


def _too_large(path: Path, limit: int, what: str | None) -> str:
    size = format_number(limit / 1_048_576, digits=1 if limit < 10 * 1_048_576 else 0)
    if what:
        return tr("The file {path} is larger than {size} MB, the limit for {what}.", path=repr(str(path)), size=size,
                  what=what)
    return tr("The file {path} is larger than {size} MB, the limit for this kind of file.", path=repr(str(path)),
              size=size)


def read_regular_file(path: Path, limit: int, *, what: str | None = None,
                      error: ErrorFactory = UserError) -> bytes:
    """The bytes of the ordinary file ``path``, at most ``limit`` of them; anything else is ``error(sentence)``.

    ``what`` names the kind of file in the too-large sentence ("imports", "evidence files"...).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise error(tr("The file {path} does not exist.", path=repr(str(path)))) from None
    except IsADirectoryError:
        raise error(tr("{path} is a folder, not a file.", path=repr(str(path)))) from None
    except OSError as exc:
        raise error(tr("The file {path} cannot be read: {strerror}.", path=repr(str(path)),
                       strerror=exc.strerror or type(exc).__name__)) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise error(tr("{path} is a folder, not a file.", path=repr(str(path))))
        if not stat.S_ISREG(mode):
            raise error(tr("{path} is {kind}, not an ordinary file; Vetta reads only ordinary files.",
                           path=repr(str(path)), kind=_kind(mode)))
        if os.fstat(fd).st_size > limit:
            raise error(_too_large(path, limit, what))
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise error(_too_large(path, limit, what))
        return b"".join(chunks)
    except OSError as exc:
        raise error(tr("The file {path} cannot be read: {strerror}.", path=repr(str(path)),
                       strerror=exc.strerror or type(exc).__name__)) from None
    finally:
        os.close(fd)


def nesting_depth(value: Any) -> int:
    """How deeply lists and mappings nest in ``value`` (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            depth += 1
            stack.extend((v, depth) for v in item.values())
        elif isinstance(item, list):
            depth += 1
            stack.extend((v, depth) for v in item)
        deepest = max(deepest, depth)
    return deepest


def too_deep(name: str, max_depth: int) -> str:
    return tr("{name} nests lists and objects more than {max_depth} levels deep, which no valid file does; "
              "it was not read.", name=name, max_depth=max_depth)


def loads_json(data: bytes | str, name: str, *, max_depth: int = MAX_DEPTH,
               error: ErrorFactory = UserError) -> Any:
    """Parse JSON; invalid JSON or nesting deeper than ``max_depth`` is ``error(sentence)`` naming ``name``."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise error(tr("{name} is not UTF-8 text (byte {start}).", name=name, start=exc.start)) from None
    try:
        value = json.loads(text)
    except RecursionError:
        raise error(too_deep(name, max_depth)) from None
    except json.JSONDecodeError as exc:
        raise error(tr("{name}, line {line}, column {column}: this is not valid JSON ({problem}).", name=name,
                       line=exc.lineno, column=exc.colno, problem=exc.msg)) from None
    if nesting_depth(value) > max_depth:
        raise error(too_deep(name, max_depth))
    return value


def check_yaml_depth(text: str, name: str, *, max_depth: int = MAX_DEPTH, error: ErrorFactory = UserError) -> None:
    """Refuse YAML nesting deeper than ``max_depth``, reading only its event stream (no objects built).

    PyYAML builds nested objects recursively, so a deeply nested file would end in a recursion
    error; its parser itself keeps an explicit stack, so walking the events is safe at any depth.
    Syntax errors are left to the loader, which reports them with their line.
    """
    import yaml

    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > max_depth:
                    line = event.start_mark.line + 1 if event.start_mark is not None else 1
                    raise error(tr("{name}, line {line}: lists and mappings nest more than {max_depth} levels "
                                   "deep, which no valid file does; it was not read.", name=name, line=line,
                                   max_depth=max_depth))
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return
    except RecursionError:
        raise error(too_deep(name, max_depth)) from None
