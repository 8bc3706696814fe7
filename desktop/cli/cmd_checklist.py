"""`vetta checklist list|validate|import` and `vetta assessment new|show|answer|attach|...` (issue 4)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop.cli.main import EXIT_OK, EXIT_PROBLEM, Context, group
from desktop.core.i18n import tr


def register(subparsers: Any) -> None:
    chk = group(subparsers, "checklist", help="checklist templates: list, validate, import, export, edit, duplicate")
    p = chk.add_parser("list", help="list stored templates and their versions")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_list)
    p = chk.add_parser("validate", help="check a template file; errors name the line and field")
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(handler=_validate)
    p = chk.add_parser("import", help="validate and store a template file as a new template version")
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(handler=_import)
    p = chk.add_parser("export", help="write a stored template's YAML (to edit it, or to share it)")
    p.add_argument("template", metavar="TEMPLATE", help="template id, id@version or number")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", required=True)
    p.set_defaults(handler=_export_template)
    p = chk.add_parser("edit", help="store an edited template file as the next version of TEMPLATE")
    p.add_argument("template", metavar="TEMPLATE", help="template id, id@version or number")
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(handler=_edit)
    p = chk.add_parser("duplicate", help="copy a template under a new id (version 1) to adapt it")
    p.add_argument("template", metavar="TEMPLATE", help="template id, id@version or number")
    p.add_argument("new_id", metavar="NEW_ID")
    p.add_argument("--title-en", required=True, metavar="TITLE")
    p.add_argument("--title-es", required=True, metavar="TITLE")
    p.set_defaults(handler=_duplicate)

    asm = group(subparsers, "assessment", help="assessments")
    p = asm.add_parser("new", help="start an assessment of a vendor (prints its id)")
    p.add_argument("vendor", metavar="VENDOR", help="vendor id or name")
    p.add_argument("--template", metavar="ID", help="template id (KEY or KEY@VERSION; default: the neutrality one)")
    p.add_argument("--preparer", metavar="NAME", help="who prepares it (default: --user or the login name)")
    p.set_defaults(handler=_new)
    p = asm.add_parser("list", help="list assessments")
    p.add_argument("--vendor", metavar="VENDOR")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_list_assessments)
    p = asm.add_parser("show", help="answers, rating, findings and status")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--json", action="store_true", help="every question with type, allowed values and answer")
    p.add_argument("--lang", choices=["en", "es"], default="en")
    p.set_defaults(handler=_show)
    p = asm.add_parser("answer", help="answer one question (saved at once)")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("question", metavar="QUESTION_ID")
    p.add_argument("value", metavar="VALUE", help="yes/no/partial/na, an option, comma-separated options, "
                   "a number, YYYY-MM-DD or text; an empty string clears the answer")
    p.add_argument("--justification", default="", metavar="TEXT", help="why you override the suggested answer")
    p.add_argument("--vendor-answer", action="store_true", help="record the value as given by the vendor")
    p.set_defaults(handler=_answer)
    p = asm.add_parser("attach", help="attach an evidence file to an answer")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("question", metavar="QUESTION_ID")
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(handler=_attach)
    p = asm.add_parser("export-questionnaire", help="write the vendor-facing questions to an XLSX workbook")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.xlsx")
    p.set_defaults(handler=_export)
    p = asm.add_parser("import-answers", help="import a filled questionnaire as vendor answers (all or nothing)")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("file", type=Path, metavar="FILE.xlsx")
    p.set_defaults(handler=_import_answers)
    p = asm.add_parser("submit", help="submit for review (required answers and evidence must be present)")
    p.add_argument("id", type=int, metavar="ID")
    p.set_defaults(handler=_submit)
    p = asm.add_parser("reopen", help="start the next version of a decided assessment, pre-filled")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--preparer", metavar="NAME")
    p.set_defaults(handler=_reopen)
    p = asm.add_parser("stale", help="material changes since the assessment was decided; marks it stale (exit 1 if any)")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_stale)


def _list(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import checklists

    rows = checklists.list_templates(ctx.engine)
    if args.json:
        ctx.print_json([r.__dict__ for r in rows])
        return EXIT_OK
    for r in rows:
        ctx.print(f"{r.id:>4}  {r.key}@{r.version:<3}  {r.questions:>3} questions  {r.in_use:>3} assessment(s)  "
                  f"{r.title_en}")
    ctx.print(f"{len(rows)} template version(s)")
    return EXIT_OK


def _validate(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import checklists

    t = checklists.validate_file(args.file)
    n = len(t.questions())
    ctx.print(f"{args.file.name}: template {t.id!r} version {t.version} is valid "
              f"({len(t.sections)} sections, {n} questions).")
    return EXIT_OK


def _import(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import checklists

    info = checklists.import_template(ctx.engine, args.file, actor=ctx.actor)
    ctx.print(f"Template {info.key!r} version {info.version} is stored as #{info.id} ({info.questions} questions).")
    return EXIT_OK


def _template_ref(value: str) -> str | int:
    return int(value) if value.isdigit() else value


def _export_template(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.core.errors import UserError
    from desktop.services import checklists

    text = checklists.template_source(ctx.engine, _template_ref(args.template))
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(tr("The file {output} cannot be written: {strerror}.",
                           output=repr(str(args.output)), strerror=exc.strerror)) from exc
    ctx.print(f"Wrote template {args.template!r} to {args.output}")
    return EXIT_OK


def _edit(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.core.checklist.loader import MAX_TEMPLATE_BYTES
    from desktop.core.errors import UserError
    from desktop.core.files import read_regular_file
    from desktop.services import checklists

    try:
        text = read_regular_file(args.file, MAX_TEMPLATE_BYTES, what=tr("templates")).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(tr("The file {file} cannot be read as UTF-8 text: {exc}.",
                           file=repr(str(args.file)), exc=exc)) from exc
    info = checklists.save_edited(ctx.engine, _template_ref(args.template), text, actor=ctx.actor)
    ctx.print(f"Template {info.key!r} version {info.version} is stored as #{info.id} ({info.questions} questions); "
              "assessments already started keep the version they started with.")
    return EXIT_OK


def _duplicate(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import checklists

    info = checklists.duplicate_template(ctx.engine, _template_ref(args.template), args.new_id, args.title_en,
                                         args.title_es, actor=ctx.actor)
    ctx.print(f"Template {info.key!r} version {info.version} is stored as #{info.id} ({info.questions} questions).")
    return EXIT_OK


def _new(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import assessments

    s = assessments.create_assessment(ctx.engine, args.vendor, args.template, preparer=args.preparer or ctx.actor,
                                      actor=ctx.actor)
    ctx.print(s.id)
    return EXIT_OK


def _list_assessments(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.core.checklist.scoring import rating_label
    from desktop.services import assessments

    vendor_id = None
    if args.vendor:
        from db.engine import read_session

        with read_session(ctx.engine) as session:
            vendor_id = assessments.resolve_vendor(session, args.vendor).id
    rows = assessments.list_assessments(ctx.engine, vendor_id)
    if args.json:
        ctx.print_json([r.__dict__ for r in rows])
        return EXIT_OK
    for r in rows:
        stale = "  STALE" if r.stale_since else ""
        ctx.print(f"{r.id:>5}  {r.vendor_name:<36.36}  v{r.series_version:<2}  {r.status:<24}  "
                  f"{rating_label(r.rating):<22}{stale}")
    ctx.print(f"{len(rows)} assessment(s)")
    return EXIT_OK


def _show(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.core.checklist.scoring import rating_label
    from desktop.services import assessments
    from desktop.services.findings import ownership_findings_for

    v = assessments.get_assessment(ctx.engine, args.id, ownership=ownership_findings_for(ctx.engine, args.id))
    lang = args.lang
    s = v.summary
    recorded = v.findings if s.status == "draft" else assessments.findings_of_record(ctx.engine, args.id)
    if args.json:
        ctx.print_json({
            "id": s.id, "vendor": {"id": s.vendor_id, "name": s.vendor_name},
            "template": {"key": s.template_key, "version": s.template_version},
            "series_version": s.series_version, "previous_id": s.previous_id, "status": s.status,
            "preparer": s.preparer, "approver": s.approver, "as_of": s.as_of, "stale_since": s.stale_since,
            "decided_at": s.decided_at, "next_review_due": s.next_review_due,
            "stored_rating": s.rating, "stored_score": s.score,
            "findings": [f.to_dict(lang) for f in recorded],
            "live": {**v.result.to_dict(), "findings": [f.to_dict(lang) for f in v.findings]}, "missing": v.missing,
            "readiness": {"done": v.readiness.done, "total": v.readiness.total, "ready": v.readiness.ready,
                          "progress": v.readiness.progress_text(lang),
                          "blockers": [{**b.to_dict(), "label": b.label(lang)} for b in v.readiness.blockers]},
            "questions": [{
                "id": q.key, "section": q.section, "text": q.text(lang), "answer_type": q.answer_type,
                "allowed_values": q.allowed_values, "required": q.required,
                "evidence_required": q.evidence_required, "evidence_needed": q.evidence_needed,
                "vendor_facing": q.vendor_facing,
                "severity": q.severity, "weight": q.weight, "references": q.references,
                "answer": q.value, "source": q.source, "suggestion": q.suggested,
                "explanation": q.explanation(lang), "justification": q.justification, "outcome": q.outcome,
                "evidence": [e.filename for e in q.evidence], "changed_since_previous": q.changed_since_previous,
            } for q in v.questions],
        })
        return EXIT_OK
    r = v.result
    ctx.print(f"Assessment #{s.id} of {s.vendor_name} (version {s.series_version}), template "
              f"{s.template_key}@{s.template_version}")
    ctx.print(f"Status: {s.status.replace('_', ' ')}   Preparer: {s.preparer}"
              + (f"   Approver: {s.approver}" if s.approver else ""))
    ctx.print(f"Rating: {rating_label(r.rating, lang)}{' (provisional)' if r.provisional else ''}   Score: "
              f"{'—' if r.score is None else r.score}   Answered: {r.answered}/{r.total}")
    if s.stale_since:
        ctx.print(f"STALE since {s.stale_since:%Y-%m-%d}: the vendor changed after the decision.")
    current = None
    for q in v.questions:
        if q.section != current:
            current = q.section
            title = next(x for x in v.sections if x["id"] == current)
            ctx.print(f"\n== {title['title_es' if lang == 'es' else 'title_en']}")
        value = "—" if q.value is None else (", ".join(q.value) if isinstance(q.value, list) else q.value)
        flags = ("*" if q.required else " ") + ("E" if q.evidence_required else " ")
        ctx.print(f"  {q.key:<7} {flags} [{q.outcome:<10}] {str(value):<12} {q.source or '':<8} {q.text(lang)}")
        if q.explanation(lang) and q.source == "rule":
            ctx.print(f"            rule: {q.explanation(lang)}")
        if q.justification:
            ctx.print(f"            justification: {q.justification}")
    if v.findings:
        ctx.print("\nFindings (live):")
        for f in v.findings:
            where = f" ({f.question.id})" if f.question else ""
            partly = ", partly met" if f.outcome == "partial" else ""
            ctx.print(f"  [{f.severity}{partly}] {f.code}{where if f.source == 'ownership' else ''}: {f.message(lang)}")
            if f.why is not None:
                ctx.print(f"      why: {f.why.get(lang)}")
            for path in f.paths[:1]:
                ctx.print(f"      path: {path.get(lang)}")
    if r.conditions:
        ctx.print("\nConditions suggested by the checklist:")
        for c in r.conditions:
            ctx.print(f"  {c['question']}: {c[lang]}")
    ctx.print(f"\nProgress: {v.readiness.progress_text(lang)}")
    for b in v.readiness.blockers:
        ctx.print(f"  - {b.label(lang)}")
    ctx.print("\n* required   E evidence required when the answer says the control exists")
    return EXIT_OK


def _answer(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import assessments

    q = assessments.answer_question(ctx.engine, args.id, args.question, args.value,
                                    justification=args.justification,
                                    source="vendor" if args.vendor_answer else "preparer", actor=ctx.actor)
    shown = "cleared" if q.value is None else f"= {q.value}"
    ctx.print(f"{q.key} {shown} ({q.outcome}, source {q.source or 'none'}). Saved.")
    live = assessments.get_assessment(ctx.engine, args.id).result
    ctx.print(f"Live rating: {live.rating_label()}{' (provisional)' if live.provisional else ''}")
    return EXIT_OK


def _attach(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import assessments

    e = assessments.attach_evidence(ctx.engine, args.id, args.question, args.file, actor=ctx.actor)
    ctx.print(f"Attached {e.filename} ({e.size} bytes, SHA-256 {e.sha256}) to {args.question}.")
    return EXIT_OK


def _export(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import questionnaire  # openpyxl only when needed

    n = questionnaire.export_questionnaire(ctx.engine, args.id, args.output)
    ctx.print(f"Wrote {n} vendor-facing questions to {args.output}")
    return EXIT_OK


def _import_answers(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import questionnaire

    r = questionnaire.import_answers(ctx.engine, args.id, args.file, actor=ctx.actor)
    ctx.print(f"Imported {len(r.applied)} vendor answer(s); {len(r.unchanged)} unchanged.")
    for s in r.skipped:
        ctx.print(f"  kept {s['question']}: answered by {s['source']} as {s['kept']}, vendor says {s['vendor_answer']}")
    return EXIT_OK


def _submit(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.core.checklist.scoring import rating_label
    from desktop.services import assessments

    s = assessments.submit_assessment(ctx.engine, args.id, actor=ctx.actor)
    ctx.print(f"Assessment #{s.id} submitted for review: {rating_label(s.rating)}, score {s.score}.")
    return EXIT_OK


def _reopen(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import assessments

    s = assessments.reopen_assessment(ctx.engine, args.id, preparer=args.preparer or ctx.actor, actor=ctx.actor)
    ctx.print(s.id)
    return EXIT_OK


def _stale(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import assessments

    changes = assessments.staleness(ctx.engine, args.id)
    if changes:
        vendor_id = assessments.get_assessment(ctx.engine, args.id).summary.vendor_id
        assessments.refresh_staleness(ctx.engine, vendor_id, actor=ctx.actor)
    if args.json:
        ctx.print_json(changes)
    else:
        for c in changes:
            ctx.print(f"{str(c.get('when', ''))[:19]}  {c.get('message', '')}")
        ctx.print(f"{len(changes)} material change(s) since the decision.")
    return EXIT_PROBLEM if changes else EXIT_OK
