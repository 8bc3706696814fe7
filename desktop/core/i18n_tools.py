"""Maintain the gettext catalogues with Babel (docs/translation.md).

    python -m desktop.core.i18n_tools update             # code -> vetta.pot -> every <lang>/vetta.po -> .mo
    python -m desktop.core.i18n_tools compile            # every .po -> .mo (also done on first use)
    python -m desktop.core.i18n_tools check              # untranslated, fuzzy, stale, unmarked (exit 1)
    python -m desktop.core.i18n_tools import-yaml FILE [--base BASE] [--overwrite] [--language es]

``import-yaml`` merges a mapping in the format of the former ``resources/translations/es.yaml``
(English text -> translation; ``"Context|Text"`` keys for a context) into a ``.po``: new messages are
added, a message without a translation gets it, a different translation is a conflict (kept, reported)
unless ``--overwrite``. With ``--base`` (the mapping the FILE was edited from) only what changed
between BASE and FILE is applied, and a changed translation replaces the catalogue's. It then runs
``update`` so that the catalogue follows the code, and reports the imported texts no code marks.

Extraction and updating use the options of ``[tool.babel.*]`` in pyproject.toml, so the result is the
same as ``pybabel extract`` / ``pybabel update`` from the checkout.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from desktop.core import i18n
from desktop.core.i18n_extract import METHOD, PROJECT_ROOT, babel_config, comment_tags, keywords

# GNU gettext's rule for Spanish (what msginit writes); Babel's CLDR rule adds a third form for
# millions ("1 000 000 de proveedores") that Vetta never counts.
PLURAL_FORMS = {"es": "nplurals=2; plural=(n != 1);"}
_CONTEXT_KEY = re.compile(r"^([A-Z][A-Za-z0-9_]*)\|(.+)$", re.DOTALL)


# ------------------------------------------------------------------------------------------ compiling

def _write_atomically(path: Path, data: bytes) -> bool:
    """Replace ``path`` in one step (another process may read it meanwhile); False when it cannot."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        return True
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        return False


def compile_catalogue(po: Path, mo: Path | None = None) -> bytes:
    """The ``.mo`` of ``po`` (fuzzy and empty translations left out, as ``pybabel compile`` does),
    written to ``mo`` when given and writable (a read-only installation keeps it in memory)."""
    with po.open("rb") as f:
        catalog = read_po(f)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    data = buffer.getvalue()
    if mo is not None:
        _write_atomically(mo, data)
    return data


def po_files(root: Path | None = None) -> list[Path]:
    """Every language's ``.po`` under resources/locale."""
    base = (root or PROJECT_ROOT) / "resources" / "locale"
    return sorted(base.glob(f"*/LC_MESSAGES/{i18n.DOMAIN}.po"))


def compile_all(root: Path | None = None) -> list[Path]:
    """Compile every ``.po`` beside itself (the PyInstaller spec calls this before bundling)."""
    written = []
    for po in po_files(root):
        mo = po.with_suffix(".mo")
        compile_catalogue(po, mo)
        written.append(mo)
    i18n.catalogue.cache_clear()
    return written


# ----------------------------------------------------------------------------------------- extracting

def _options() -> dict[str, Any]:
    return dict(babel_config()["extract_messages"])


def extract_template(root: Path | None = None) -> Catalog:
    """What ``pybabel extract`` finds in the code: the template of every catalogue."""
    root = root or PROJECT_ROOT
    options = _options()
    catalog = Catalog(project=options.get("project"), copyright_holder=options.get("copyright_holder"),
                      charset="utf-8", fuzzy=True)
    words = keywords()
    tags = comment_tags()
    for package in options["input_paths"]:
        for filename, lineno, message, comments, context in extract_from_dir(
                str(root / package), [("**.py", METHOD)], {}, keywords=words, comment_tags=tags):
            path = (Path(package) / filename).as_posix()
            catalog.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    return catalog


_CREATION_DATE = re.compile(rb'^"POT-Creation-Date: .*\\n"$', re.MULTILINE)


def _write_po(path: Path, catalog: Catalog, *, template: bool = False) -> bool:
    """Write ``catalog`` as ``pybabel`` would; a file that would differ only in its creation date is
    left alone (no churn in git). True when the file changed."""
    options = _options()
    buffer = BytesIO()
    write_po(buffer, catalog, width=int(options.get("width", 76)), sort_output=template,
             include_lineno=options.get("add_location") != "file", ignore_obsolete=True)
    data = buffer.getvalue()
    if path.is_file() and _CREATION_DATE.sub(b"", path.read_bytes()) == _CREATION_DATE.sub(b"", data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def template_path(root: Path | None = None) -> Path:
    return (root or PROJECT_ROOT) / str(_options()["output_file"])


def _ids(catalog: Catalog) -> set[tuple[str, str | None]]:
    return {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in catalog if m.id}


@dataclass
class UpdateReport:
    language: str
    added: list[str] = field(default_factory=list)  # new in the code: to translate
    dropped: list[str] = field(default_factory=list)  # no code marks them any more


def update(root: Path | None = None, extracted: Catalog | None = None) -> list[UpdateReport]:
    """``pybabel extract`` + ``pybabel update`` + ``pybabel compile``: the template follows the code,
    every catalogue follows the template (new messages empty, unused ones dropped), then compiled.
    ``extracted``: the code's messages when the caller has just extracted them."""
    root = root or PROJECT_ROOT
    pot = template_path(root)
    _write_po(pot, extracted or extract_template(root), template=True)
    template = _read(pot)  # sorted, as pybabel update reads it, so both give the catalogues the same order
    reports = []
    for po in po_files(root):
        catalog = _read(po)
        before = _ids(catalog)
        catalog.update(template, update_header_comment=False)
        _keep_plural_rule(catalog, po.parent.parent.name)
        after = _ids(catalog)
        reports.append(UpdateReport(po.parent.parent.name, sorted(m for m, _c in after - before),
                                    sorted(m for m, _c in before - after)))
        _write_po(po, catalog)
        compile_catalogue(po, po.with_suffix(".mo"))
    i18n.catalogue.cache_clear()
    return reports


def _read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def _keep_plural_rule(catalog: Catalog, language: str) -> None:
    if language in PLURAL_FORMS:
        header = catalog.mime_headers
        catalog.mime_headers = [(k, PLURAL_FORMS[language] if k.lower() == "plural-forms" else v) for k, v in header]


def init_catalogue(language: str, root: Path | None = None) -> Path:
    """``pybabel init``: a new, empty catalogue for ``language`` from the template."""
    root = root or PROJECT_ROOT
    template = _read(template_path(root))
    catalog = Catalog(locale=language, domain=i18n.DOMAIN, project=template.project,
                      copyright_holder=template.copyright_holder, charset="utf-8")
    catalog.update(template)
    path = root / "resources" / "locale" / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    _keep_plural_rule(catalog, language)
    _write_po(path, catalog)
    return path


# -------------------------------------------------------------------------------------- importing YAML

@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)  # key, catalogue's, file's
    plural: list[str] = field(default_factory=list)  # the catalogue has a plural message: by hand
    unused: list[str] = field(default_factory=list)  # no code marks them: dropped by the update

    def lines(self) -> list[str]:
        out = [f"{len(self.added)} added, {len(self.changed)} changed, {len(self.unchanged)} already there, "
               f"{len(self.conflicts)} conflicts, {len(self.plural)} plural, {len(self.unused)} unused"]
        out += [f"conflict  {k!r}: the catalogue keeps {old!r}; the file says {new!r} (--overwrite takes it)"
                for k, old, new in self.conflicts]
        out += [f"plural    {k!r}: the catalogue has singular and plural forms now; translate them in the .po"
                for k in self.plural]
        out += [f"unused    {k!r}: no code marks this text, so it was not kept" + (
            f"; a context needs the call to say it: self.tr({split_key(k)[1]!r}, {split_key(k)[0]!r}) or "
            f"NP_({split_key(k)[0]!r}, {split_key(k)[1]!r}), then import again" if split_key(k)[0] else "")
            for k in self.unused]
        return out


def load_yaml_mapping(path: Path) -> dict[str, str]:
    """A translation mapping in the former es.yaml format (English -> translation)."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ValueError(f"{path} cannot be read: {exc.strerror}.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise ValueError(f"{path}{where} is not a valid YAML mapping ({getattr(exc, 'problem', None) or exc}).") \
            from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the translation file must be a mapping of English text to translation")
    return {str(k): str(v) for k, v in data.items() if v}


def split_key(key: str) -> tuple[str | None, str]:
    """``"Context|Text"`` -> ("Context", "Text"); a plain key has no context."""
    match = _CONTEXT_KEY.match(key)
    return (match.group(1), match.group(2)) if match else (None, key)


def merge_mapping(catalog: Catalog, mapping: Mapping[str, str], base: Mapping[str, str] | None = None,
                  overwrite: bool = False) -> ImportReport:
    """Merge ``mapping`` into ``catalog`` (see the module's documentation)."""
    report = ImportReport()
    for key, value in mapping.items():
        if base is not None and base.get(key) == value:
            continue  # not edited since BASE
        edited = base is not None and key in base  # a translation changed on purpose
        context, msgid = split_key(key)
        message = catalog.get(msgid, context)
        if message is None:
            catalog.add(msgid, value, context=context)
            report.added.append(key)
        elif message.pluralizable:
            report.plural.append(key)
        elif not message.string or message.fuzzy:
            message.string = value
            message.flags.discard("fuzzy")
            report.added.append(key)
        elif message.string == value:
            report.unchanged.append(key)
        elif overwrite or edited:
            message.string = value
            report.changed.append(key)
        else:
            report.conflicts.append((key, str(message.string), value))
    return report


def import_yaml(path: Path, language: str = "es", base: Path | None = None, overwrite: bool = False,
                root: Path | None = None, run_update: bool = True) -> ImportReport:
    """Merge an es.yaml-format file into ``language``'s catalogue, then update it from the code."""
    root = root or PROJECT_ROOT
    po = root / "resources" / "locale" / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    if not po.is_file():
        raise ValueError(f"There is no catalogue {po}; start it with `init {language}`.")
    mapping = load_yaml_mapping(path)
    base_mapping = load_yaml_mapping(base) if base else None
    extracted = extract_template(root) if run_update else None  # before writing anything: the code must read
    catalog = _read(po)
    report = merge_mapping(catalog, mapping, base_mapping, overwrite)
    _write_po(po, catalog)
    if run_update:
        update(root, extracted)
        kept = _ids(_read(po))
        report.unused = [k for k in report.added + report.changed
                         if (split_key(k)[1], split_key(k)[0]) not in kept]
        report.added = [k for k in report.added if k not in report.unused]
        report.changed = [k for k in report.changed if k not in report.unused]
    return report


# -------------------------------------------------------------------------------------------- command

def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.core.i18n_tools", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT, help="the checkout (default: this one)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("update", help="extract the template from the code, update every catalogue, compile")
    sub.add_parser("compile", help="compile every catalogue (.po -> .mo)")
    sub.add_parser("check", help="list untranslated, fuzzy, stale and unmarked strings (exit 1 if any)")
    init = sub.add_parser("init", help="start the catalogue of a new language from the template")
    init.add_argument("language")
    imp = sub.add_parser("import-yaml", help="merge an es.yaml-format mapping into a catalogue, then update")
    imp.add_argument("file", type=Path)
    imp.add_argument("--base", type=Path, help="the mapping FILE was edited from: apply only what changed")
    imp.add_argument("--overwrite", action="store_true", help="a different translation replaces the catalogue's")
    imp.add_argument("--language", default="es")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        return _run(args)
    except ValueError as exc:  # a source file that does not parse, a bad YAML file, no catalogue
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    root: Path = args.root.resolve()
    if args.command == "update":
        for r in update(root):
            print(f"{r.language}: {len(r.added)} new to translate, {len(r.dropped)} no longer used")
            for line in [f"  new      {text!r}" for text in r.added] + [f"  dropped  {text!r}" for text in r.dropped]:
                print(line)
        return 0
    if args.command == "compile":
        for mo in compile_all(root):
            print(f"compiled {mo.relative_to(root)}")
        return 0
    if args.command == "init":
        print(f"created {init_catalogue(args.language, root).relative_to(root)}")
        return 0
    if args.command == "import-yaml":
        report = import_yaml(args.file, args.language, args.base, args.overwrite, root)
        for line in report.lines():
            print(line)
        # a conflict, plural forms to write, or a context translation lost for want of a marked call
        return 1 if report.conflicts or report.plural or any(split_key(k)[0] for k in report.unused) else 0
    from desktop.core.i18n_extract import run_checks

    return run_checks(root)


if __name__ == "__main__":
    sys.exit(main())
