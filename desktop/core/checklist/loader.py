"""Load a template from YAML, with errors that name the file, line and field.

The text is composed once into a node tree with libyaml's safe loader (no tags, no objects; the
pure-Python loader only where PyYAML was built without libyaml): the tree gives the data and the line
on which each field sits, so a validation error can say
"ai.yaml, line 42, sections[1].questions[3].severity: ...". Parsing the default template this way
takes milliseconds; the three pure-Python passes it replaced took most of a second, paid by every
answer saved from the command line.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import ValidationError as PydanticError

from desktop.core.checklist.rules import RuleError, check_condition
from desktop.core.checklist.schema import Template
from desktop.core.errors import UserError
from desktop.core.files import check_yaml_depth, read_regular_file
from desktop.core.i18n import ntr, tr

MAX_TEMPLATE_BYTES = 2 * 1024 * 1024

PathKey = tuple[str | int, ...]


class TemplateError(UserError):
    """A template that cannot be used; ``line`` and ``field`` say where."""

    def __init__(self, message: str, *, file: str, line: int | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.field = field


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose_and_construct(text: str) -> tuple[yaml.Node | None, object]:
    """The node tree of ``text`` and the data it holds, from one parse; raises ``yaml.YAMLError``."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


def _line_map(root: yaml.Node | None) -> dict[PathKey, int]:
    """Map every path (keys and list indexes) to the 1-based line of its node."""
    lines: dict[PathKey, int] = {}

    def walk(node: yaml.Node, path: PathKey) -> None:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
                lines[(*path, key)] = key_node.start_mark.line + 1
                walk(value_node, (*path, key))
                lines[(*path, key)] = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))

    if root is not None:
        walk(root, ())
    return lines


def _field_name(path: PathKey) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _nearest_line(lines: dict[PathKey, int], path: PathKey) -> int | None:
    for n in range(len(path), -1, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return None


def _refuse_aliases(text: str, file: str) -> None:
    """Aliases (``*name``) are refused: nested ones expand exponentially (the "billion laughs")."""
    if "*" not in text:  # no alias without its star: the common case costs one scan of the text
        return
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark is not None else None
                raise TemplateError(tr("{file}, line {line}: YAML aliases (*{anchor}) are not allowed in "
                                       "templates; write the value out.",
                                       file=file, line=line, anchor=event.anchor), file=file, line=line)
    except yaml.YAMLError:
        return  # safe_load reports it with its line


_CONTROL = frozenset(chr(c) for c in (*range(32), 127)) - {"\t", "\n", "\r"}


def _control_character(data: object) -> tuple[PathKey, str] | None:
    """The first string (key or value) holding a control character such as NUL, and that character."""
    stack: list[tuple[object, PathKey]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            ch = next((c for c in value if c in _CONTROL), None)
            if ch is not None:
                return path, ch
        elif isinstance(value, dict):
            for k, v in value.items():
                stack.append((v, (*path, str(k))))
                stack.append((k, path))
        elif isinstance(value, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(value))
    return None


def load_template_text(text: str, file: str = "<template>") -> Template:
    """Parse and validate a template; raises ``TemplateError`` naming file, line and field."""
    if len(text) > MAX_TEMPLATE_BYTES:
        raise TemplateError(tr("{file} has {count} characters, over the {max_template_bytes} limit for "
                               "templates.",
                               file=file, count=len(text), max_template_bytes=MAX_TEMPLATE_BYTES),
                            file=file)
    check_yaml_depth(text, file, error=lambda m: TemplateError(m, file=file))  # before any recursive loading
    _refuse_aliases(text, file)
    try:
        root, data = _compose_and_construct(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        text = (tr("{file}, line {line}: this is not valid YAML ({problem}).", file=file, line=line, problem=problem)
                if line else tr("{file}: this is not valid YAML ({problem}).", file=file, problem=problem))
        raise TemplateError(text, file=file, line=line) from None
    if not isinstance(data, dict):
        raise TemplateError(tr("{file}, line 1: a template must be a mapping with id, version, title and "
                               "sections.", file=file),
                            file=file, line=1)
    lines = _line_map(root)
    bad = _control_character(data)
    if bad is not None:
        path, ch = bad
        line = _nearest_line(lines, path)
        raise TemplateError(tr("{file}, line {line}, {field_name}: the text contains the control character "
                               "U+{code}; remove it.",
                               file=file, line=line, field_name=_field_name(path), code=f"{ord(ch):04X}"),
                            file=file, line=line, field=_field_name(path))
    try:
        template = Template.model_validate(data)
    except PydanticError as exc:
        first = exc.errors()[0]
        loc: PathKey = tuple(p for p in first["loc"] if not (isinstance(p, str) and p in _UNION_TAGS))
        # Pydantic reports model-level errors at the model; keep the path that exists in the file.
        message = str(first["msg"]).removeprefix("Value error, ")
        # Model-level checks name the field they are about first ("fail_if value ..."): point at it.
        named = re.match(r"^(fail_if|pass_if|options|auto)(?:\[(\d+)\])?", message)
        if named and (*loc, named.group(1)) in lines:
            loc = (*loc, named.group(1)) + ((int(named.group(2)),) if named.group(2) else ())
        line = _nearest_line(lines, loc)
        field = _field_name(loc)
        if first["type"] == "extra_forbidden":
            message = tr("this field is not part of the template format")
        elif first["type"] == "missing":
            message = tr("this field is required")
        more = len(exc.errors()) - 1
        if more:
            text = ntr("{file}, line {line}, {field}: {message} ({more} more problem after this one).",
                       "{file}, line {line}, {field}: {message} ({more} more problems after this one).", more,
                       file=file, line=line, field=field, message=message, more=more)
        else:
            text = tr("{file}, line {line}, {field}: {message}.", file=file, line=line, field=field, message=message)
        raise TemplateError(text, file=file, line=line, field=field) from None
    # Auto-rule conditions are checked here so the error can point at them.
    for s_index, section in enumerate(template.sections):
        for q_index, question in enumerate(section.questions):
            for r_index, rule in enumerate(question.auto):
                base: PathKey = ("sections", s_index, "questions", q_index, "auto", r_index, "when")
                try:
                    check_condition(rule.when)
                except RuleError as exc:
                    path = (*base, *exc.path)
                    line = _nearest_line(lines, path)
                    field = _field_name(path)
                    raise TemplateError(tr("{file}, line {line}, {field}: {exc}.",
                                           file=file, line=line, field=field, exc=exc), file=file, line=line,
                                        field=field) from None
    return template


_UNION_TAGS = frozenset({"list[any]", "Threshold", "function-after[_one_at_least(), Threshold]"})


def load_template_file(path: Path) -> tuple[Template, str]:
    """The template in ``path`` and its text; refuses files that are too large or not UTF-8."""
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise TemplateError(tr("The file {path} does not exist.", path=repr(str(path))), file=name) from None
    except OSError as exc:
        raise TemplateError(tr("The file {path} cannot be read: {strerror}.",
                               path=repr(str(path)), strerror=exc.strerror), file=name) from None
    if path.is_dir():
        raise TemplateError(tr("{path} is a folder, not a template file.", path=repr(str(path))), file=name)
    if size > MAX_TEMPLATE_BYTES:
        raise TemplateError(tr("{name} is {size} bytes, over the {max_template_bytes} byte limit for "
                               "templates.", name=name, size=size, max_template_bytes=MAX_TEMPLATE_BYTES),
                            file=name)
    try:
        text = read_regular_file(path, MAX_TEMPLATE_BYTES, error=lambda m: TemplateError(m, file=name)).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateError(tr("{name}: the file is not UTF-8 text (byte {start}).",
                               name=name, start=exc.start), file=name) from None
    except OSError as exc:
        raise TemplateError(tr("The file {path} cannot be read: {strerror}.",
                               path=repr(str(path)), strerror=exc.strerror), file=name) from None
    return load_template_text(text, name), text
