"""Checklist templates in the database: import, list, validate, duplicate, edit (new version).

A template row is one version (``checklist_template``: key + version) with its questions
(``checklist_question``, the full definition kept as JSON). Versions are never changed once
stored; editing makes the next version, and assessments keep the version they started with.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import func
from sqlalchemy import text as sql
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.engine import read_session, unit_of_work
from db.models import Assessment, ChecklistQuestion, ChecklistTemplate
from desktop.core.checklist import Template, TemplateError, load_template_file, load_template_text
from desktop.core.errors import NotFound, UserError
from desktop.core.i18n import tr
from desktop.resources import resource

DEFAULT_TEMPLATE_KEY = "ai-data-vendor-neutrality"


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    key: str
    version: int
    title_en: str
    title_es: str
    questions: int
    sections: int
    sha256: str
    created_by: str
    in_use: int  # assessments using this version


def default_template_path() -> Path:
    return resource("checklists", f"{DEFAULT_TEMPLATE_KEY}.yaml")


def validate_file(path: Path) -> Template:
    """Validate a template file; raises ``TemplateError`` naming file, line and field."""
    template, _text = load_template_file(path)
    return template


def _store(session: Session, template: Template, text: str, actor: str) -> ChecklistTemplate:
    row = ChecklistTemplate(key=template.id, version=template.version, title_en=template.title.en,
                            title_es=template.title.es, source_yaml=text,
                            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), created_by=actor)
    session.add(row)
    session.flush()
    assert row.id is not None
    position = 0
    for section, question in template.questions():
        position += 1
        session.add(ChecklistQuestion(
            template_id=row.id, key=question.id, section_key=section.id, position=position,
            answer_type=question.answer_type, weight=question.weight, severity=question.severity,
            required=question.required, evidence_required=question.evidence_required,
            vendor_facing=question.vendor_facing,
            definition_json=question.model_dump_json(),
        ))
    session.flush()
    return row


def _info(session: Session, row: ChecklistTemplate) -> TemplateInfo:
    assert row.id is not None
    questions = session.exec(select(func.count()).select_from(ChecklistQuestion)
                             .where(col(ChecklistQuestion.template_id) == row.id)).one()
    sections = session.exec(select(func.count(func.distinct(col(ChecklistQuestion.section_key))))
                            .where(col(ChecklistQuestion.template_id) == row.id)).one()
    used = session.exec(select(func.count()).select_from(Assessment)
                        .where(col(Assessment.template_id) == row.id)).one()
    return TemplateInfo(row.id, row.key, row.version, row.title_en, row.title_es, int(questions), int(sections),
                        row.sha256, row.created_by, int(used))


def _existing(session: Session, key: str, version: int) -> ChecklistTemplate | None:
    return session.exec(select(ChecklistTemplate).where(ChecklistTemplate.key == key,
                                                        ChecklistTemplate.version == version)).first()


def _import_text(session: Session, template: Template, text: str, file: str, actor: str) -> ChecklistTemplate:
    existing = _existing(session, template.id, template.version)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if existing is not None:
        if existing.sha256 == digest:
            return existing
        raise UserError(
            tr("{file}: template {id} version {version} is already stored with different content; raise the "
               "version number to import a changed template.",
               file=file, id=repr(template.id), version=template.version))
    return _store(session, template, text, actor)


def import_template(engine: Engine, path: Path, actor: str | None = None) -> TemplateInfo:
    """Validate and store a template file (importing the same file twice changes nothing)."""
    template, text = load_template_file(path)
    with unit_of_work(engine, actor) as session:
        row = _import_text(session, template, text, path.name, session.info["actor"])
        return _info(session, row)


def ensure_default_template(session: Session) -> ChecklistTemplate:
    """The default template's newest version, importing the shipped file when absent or newer.

    A database made by an older Vetta holds an older version of the shipped template (other rules,
    other finding statements): the shipped one is stored beside it as a new version, so new
    assessments use it while decided ones keep the version they were answered against. In team mode
    only a login allowed to store templates (an administrator) does that; everyone else goes on with
    the stored version until then.
    """
    row = latest_row(session, DEFAULT_TEMPLATE_KEY)
    shipped_version = shipped_default_version()
    if row is not None and (row.version >= shipped_version
                            or _existing(session, DEFAULT_TEMPLATE_KEY, shipped_version) is not None
                            or not _may_store_templates(session)):
        return row
    template, text = load_template_file(default_template_path())
    return _import_text(session, template, text, default_template_path().name,
                        str(session.info.get("actor") or "vetta"))


@lru_cache(maxsize=4)
def _shipped_version(path: str, mtime_ns: int) -> int:
    return load_template_file(Path(path))[0].version


def shipped_default_version() -> int:
    """The version number of the default template shipped with this Vetta."""
    path = default_template_path()
    return _shipped_version(str(path), path.stat().st_mtime_ns)


def _may_store_templates(session: Session) -> bool:
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return True
    return bool(connection.execute(sql("SELECT has_table_privilege(current_user, 'checklist_template', 'INSERT')"))
                .scalar())


def ensure_default(engine: Engine, actor: str | None = None) -> None:
    with read_session(engine) as session:
        row = latest_row(session, DEFAULT_TEMPLATE_KEY)
        if row is not None and (row.version >= shipped_default_version() or not _may_store_templates(session)):
            return
    with unit_of_work(engine, actor or "vetta") as session:
        ensure_default_template(session)


def latest_row(session: Session, key: str) -> ChecklistTemplate | None:
    return session.exec(select(ChecklistTemplate).where(ChecklistTemplate.key == key,
                                                        col(ChecklistTemplate.archived_at).is_(None))
                        .order_by(col(ChecklistTemplate.version).desc())).first()


def list_templates(engine: Engine, *, ensure: bool = True) -> list[TemplateInfo]:
    """Every stored template version, newest first per key (imports the default one if absent)."""
    if ensure:
        ensure_default(engine)
    with read_session(engine) as session:
        rows = session.exec(select(ChecklistTemplate).order_by(col(ChecklistTemplate.key),
                                                               col(ChecklistTemplate.version).desc())).all()
        return [_info(session, r) for r in rows]


def resolve_template(session: Session, ref: str | int | None) -> ChecklistTemplate:
    """A template by row id, ``key`` (newest version) or ``key@version``; default when None."""
    if ref is None or ref == DEFAULT_TEMPLATE_KEY:
        return ensure_default_template(session)
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        row = session.get(ChecklistTemplate, int(ref))
        if row is None:
            raise NotFound(tr("There is no checklist template #{ref}; see `vetta checklist list`.", ref=ref))
        return row
    key, _, version = str(ref).partition("@")
    if key == DEFAULT_TEMPLATE_KEY:
        ensure_default_template(session)
    if version:
        if not version.isdigit():
            raise UserError(tr("{ref} is not a template reference: write KEY or KEY@VERSION.", ref=repr(ref)))
        found = _existing(session, key, int(version))
    else:
        found = latest_row(session, key)
    if found is None:
        raise NotFound(tr("There is no checklist template {ref}; see `vetta checklist list`.", ref=repr(ref)))
    return found


def template_model(session: Session, template_id: int) -> Template:
    """The validated template of a stored version (parsed from its stored YAML)."""
    row = session.get(ChecklistTemplate, template_id)
    if row is None:
        raise NotFound(tr("There is no checklist template #{template_id}.", template_id=template_id))
    return _parse_cached(row.sha256, row.source_yaml, f"{row.key}@{row.version}")


_CACHE: dict[str, Template] = {}


def _parse_cached(digest: str, text: str, label: str) -> Template:
    if digest not in _CACHE:
        _CACHE[digest] = load_template_text(text, label)
    return _CACHE[digest]


def template_source(engine: Engine, ref: str | int) -> str:
    with read_session(engine) as session:
        return resolve_template(session, ref).source_yaml


def save_edited(engine: Engine, base_ref: str | int, new_text: str, actor: str | None = None) -> TemplateInfo:
    """Store edited YAML of a template as its next version (the version number is set for you)."""
    with unit_of_work(engine, actor) as session:
        base = resolve_template(session, base_ref)
        newest = latest_row(session, base.key)
        next_version = (newest.version if newest else base.version) + 1
        data = _load_mapping(new_text, f"{base.key} (edited)")
        if data.get("id") != base.key:
            raise TemplateError(tr("{key} (edited), line 1, id: an edited template keeps its id {quoted}.",
                                   key=base.key, quoted=repr(base.key)),
                                file=f"{base.key} (edited)", line=1, field="id")
        data["version"] = next_version
        text = _with_version(new_text, next_version)
        template = load_template_text(text, f"{base.key} (edited)")
        row = _store(session, template, text, session.info["actor"])
        return _info(session, row)


def duplicate_template(engine: Engine, base_ref: str | int, new_key: str, title_en: str, title_es: str,
                       actor: str | None = None) -> TemplateInfo:
    """Copy a template under a new id (version 1), for a team to adapt."""
    with unit_of_work(engine, actor) as session:
        base = resolve_template(session, base_ref)
        if latest_row(session, new_key) is not None:
            raise UserError(tr("A checklist template with id {new_key} already exists; choose another id.",
                               new_key=repr(new_key)))
        data = _load_mapping(base.source_yaml, base.key)
        data["id"] = new_key
        data["version"] = 1
        data["title"] = {"en": title_en, "es": title_es}
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
        template = load_template_text(text, new_key)
        row = _store(session, template, text, session.info["actor"])
        return _info(session, row)


def _load_mapping(text: str, label: str) -> dict[str, object]:
    template = load_template_text(text, label)  # validates and reports lines
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    del template
    return data


def _with_version(text: str, version: int) -> str:
    """Set the top-level ``version:`` line, keeping comments and layout of the rest."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("version:"):
            lines[i] = f"version: {version}\n"
            return "".join(lines)
    return f"version: {version}\n" + text
