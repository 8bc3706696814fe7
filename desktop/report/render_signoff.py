"""Methodology and thresholds, and the sign-off page with the signature field."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from desktop.core.findings_text import percent
from desktop.core.i18n import N_, ntr, tr
from desktop.report.i18n import decision_label, language_name, tier_label
from desktop.report.model import ReportModel, SignOffInfo
from desktop.report.render_blocks import CELL_LIMIT, H1, cell, fmt_date, kv, p, table
from desktop.report.render_cover import condition_text
from desktop.report.render_doc import Heading, SignatureSpot, Styles

METHOD = N_(
    "Each checklist question is answered by a rule computed from the recorded facts, by the preparer or by the "
    "vendor, with a justification and evidence where required. Ownership is traced through every holding chain: "
    "stakes multiply along a chain and add up across chains (economic and voting separately, ranges kept as "
    "ranges). A party whose effective stake reaches the control threshold, or who appoints the board, controls "
    "the vendor. A finding's severity sets its weight; a blocker prevents a neutral rating."
)


def methodology(model: ReportModel, s: Styles, width: float, h1: H1) -> list[Flowable]:
    lang = model.lang
    out = h1(tr("Methodology and thresholds", lang), "sec_method")
    out += [p(tr(METHOD, lang), s["body"]), Spacer(1, 6)]
    th = model.thresholds

    def months(n: int) -> str:
        return tr("1 month", lang) if n == 1 else tr("{n} months", lang, n=n)

    pairs = [(tr("Beneficial ownership threshold", lang), percent(th.get("beneficial_ownership", 25), lang)),
             (tr("Significant influence threshold", lang), percent(th.get("significant_influence", 20), lang)),
             (tr("Control threshold", lang), percent(th.get("control", 50), lang)),
             (tr("People look-back period", lang), months(int(th.get("people_lookback_months", 24)))),
             (tr("Certificates flagged when they expire within", lang),
              tr("{n} days", lang, n=model.expiry_warning_days))]
    for tier, n in model.review_months.items():
        pairs.append((tr("Review interval ({tier})", lang, tier=tier_label(tier, lang)), months(n)))
    pairs.append((tr("Checklist template", lang),
                  f"{model.template_title} ({model.template_key} v{model.template_version})"))
    out.append(kv(pairs, s, width))
    return out


def signoff(model: ReportModel, s: Styles, width: float, sink: dict[str, Any]) -> list[Flowable]:
    lang = model.lang
    so = model.signoff
    out: list[Flowable] = [PageBreak(), Heading(tr("Sign-off", lang), s["h1"], 0, "sec_signoff")]
    conditions = "\n".join(f"{i}. {condition_text(c, lang)}" for i, c in enumerate(so.conditions, 1)) or "—"
    long_conditions = len(conditions) > CELL_LIMIT  # a cell is clipped: the whole list follows the table
    if long_conditions:
        conditions = ntr("{n} condition, listed below the table.", "{n} conditions, listed below the table.",
                         len(so.conditions), lang)
    rows = [
        (tr("Preparer", lang), so.preparer or "—"),
        (tr("Submitted for review", lang), fmt_date(so.submitted_at, lang) or "—"),
        (tr("Approver", lang), so.approver or tr("pending", lang)),
        (tr("Decision", lang), decision_label(so.decision, lang)),
        (tr("Conditions", lang), conditions),
        (tr("Approver's rationale", lang), so.rationale or ("—" if so.decision else tr("pending", lang))),
        (tr("Decided", lang), fmt_date(so.decided_at, lang) or tr("pending", lang)),
        (tr("Next review due", lang), fmt_date(model.next_review_due, lang) or "—"),
        (tr("Signing identity", lang), so.signer or tr("pending", lang)),
        (tr("Signing certificate (SHA-256)", lang), so.fingerprint or tr("not signed", lang)),
        (tr("Language of record", lang), language_name(so.language, lang) if so.language else tr("pending", lang)),
    ]
    fingerprint_row = 9
    body = [[p(k, s["cellb"]), p(v, s["mono"]) if i == fingerprint_row and so.fingerprint else cell(v, s["cell"])]
            for i, (k, v) in enumerate(rows)]
    out.append(table(body, [width * 0.32, width * 0.68], header=False))
    if long_conditions:
        out += [Spacer(1, 4), p(tr("Conditions", lang), s["h3"])]
        out += [p(f"{i}. {condition_text(c, lang)}", s["body"]) for i, c in enumerate(so.conditions, 1)]
    if so.rationale and len(so.rationale) > CELL_LIMIT:  # the table cell shows the start; the whole text follows
        out += [Spacer(1, 4), p(tr("Approver's rationale", lang), s["h3"]), p(so.rationale, s["body"])]
    out.append(Spacer(1, 10))
    out += _signing_time(so, s, lang)
    label = tr("Signature", lang) + (f": {so.signer}" if so.signer else "")
    note = (tr("This report is signed with a PAdES digital signature. Any change to the file after signing breaks "
               "the signature; verify it with `vetta verify`, Adobe Reader or any PDF signature validator.", lang)
            if so.decision else tr("Signature field: the approver signs here when the decision is taken.", lang))
    out.append(KeepTogether([p(note, s["muted"]), Spacer(1, 6), SignatureSpot(90 * mm, 32 * mm, label, sink)]))
    out.append(Spacer(1, 8))
    out.append(p(tr("The complete assessment record is attached to this PDF as assessment.json.", lang), s["muted"]))
    return out


def _signing_time(so: SignOffInfo, s: Styles, lang: str) -> list[Flowable]:
    """Where the signing time comes from: a time-stamping server, or only the signer's own clock."""
    if so.time_source == "timestamp":
        return [p(tr("Signing time: certified by the time-stamping server {server} (RFC 3161).", lang,
                     server=so.timestamp_server), s["muted"]), Spacer(1, 4)]
    if so.time_source == "clock":
        return [p(tr("Signing time: taken from the signer's computer clock; no time-stamping server certified it.",
                     lang), s["muted"]), Spacer(1, 4)]
    return []
