"""The vendor profile, contracts and key clauses, security and data guarantees, subprocessors."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, Paragraph

from desktop.core.i18n import tr
from desktop.report.i18n import clause_label, commitment_label, tier_label, vendor_status_label
from desktop.report.model import ReportModel
from desktop.report.render_blocks import H1, ChunkedTable, cell, fmt_date, header_row, kv, p
from desktop.report.render_doc import Styles


def validity(lang: str, days_left: int | None, warn_days: int, s: Styles) -> Paragraph:
    """'expired', 'expires in N days' (below the warning threshold), 'valid' or 'open-ended'."""
    if days_left is None:
        return p(tr("open-ended", lang), s["cell"])
    if days_left < 0:
        return Paragraph(f'<font color="#B3261E"><b>{escape(tr("expired", lang))}</b></font>', s["cell"])
    if days_left < warn_days:
        text = (tr("expires today", lang) if days_left == 0 else tr("expires tomorrow", lang) if days_left == 1
                else tr("expires in {days} days", lang, days=days_left))
        return Paragraph(f'<font color="#A15C00"><b>{escape(text)}</b></font>', s["cell"])
    return p(tr("valid", lang), s["cell"])


def vendor_profile(model: ReportModel, s: Styles, width: float, h1: H1) -> list[Flowable]:
    lang = model.lang
    v = model.vendor
    out = h1(tr("Vendor profile", lang), "sec_vendor")
    out.append(kv([
        (tr("Legal name", lang), v.name),
        (tr("Country", lang), v.country or "—"),
        (tr("Jurisdiction", lang), v.jurisdiction or "—"),
        (tr("Identifiers", lang), ", ".join(v.identifiers) or "—"),
        (tr("Services", lang), v.services or "—"),
        (tr("Criticality tier", lang), tier_label(v.tier, lang)),
        (tr("Status", lang), vendor_status_label(v.status, lang)),
        (tr("Internal owner", lang), v.internal_owner or "—"),
        (tr("Website", lang), v.website or "—"),
        (tr("Data locations", lang), ", ".join(v.data_locations) or "—"),
        (tr("Tags", lang), ", ".join(v.tags) or "—"),
    ], s, width))
    return out


def contracts(model: ReportModel, s: Styles, width: float, h1: H1) -> list[Flowable]:
    lang = model.lang
    out = h1(tr("Contracts and key clauses", lang), "sec_contracts")
    if not model.contracts:
        return [*out, p(tr("No contracts recorded.", lang), s["body"])]
    rows: list[list[object]] = [header_row([tr("Contract", lang), tr("Period", lang), tr("Key clauses", lang),
                                            tr("Missing", lang)], s)]
    for ct in model.contracts:
        name = f"{ct.kind} {ct.title}".strip() + (f" ({ct.reference})" if ct.reference else "")
        present = [clause_label(c, lang) for c in ct.clauses] + ct.extra
        rows.append([cell(name, s["cell"]), cell(ct.period, s["cell"]), cell("; ".join(present) or "—", s["cell"]),
                     cell("; ".join(clause_label(c, lang) for c in ct.missing) or "—", s["cell"])])
    out.append(ChunkedTable.of(rows, [width * f for f in (0.28, 0.18, 0.30, 0.24)]))
    return out


def security(model: ReportModel, s: Styles, width: float, h1: H1) -> list[Flowable]:
    lang = model.lang
    warn = model.expiry_warning_days
    out = h1(tr("Security and data guarantees", lang), "sec_security")
    out.append(Paragraph(escape(tr("Certifications and attestations", lang)), s["h2"]))
    if model.certifications:
        rows: list[list[object]] = [header_row([tr("Standard", lang), tr("Issuer", lang), tr("Scope", lang),
                                                tr("Valid", lang), tr("Validity", lang)], s)]
        for c in model.certifications:
            period = f"{fmt_date(c.valid_from, lang) or '…'} – {fmt_date(c.valid_until, lang) or '…'}"
            rows.append([cell(c.standard, s["cellb"]), cell(c.issuer, s["cell"]), cell(c.scope, s["cell"]),
                         cell(period, s["cell"]), validity(lang, c.days_left, warn, s)])
        out.append(ChunkedTable.of(rows, [width * f for f in (0.2, 0.17, 0.29, 0.19, 0.15)]))
    else:
        out.append(p(tr("No certifications recorded.", lang), s["body"]))
    out.append(Paragraph(escape(tr("Commitments", lang)), s["h2"]))
    if model.commitments:
        rows = [header_row([tr("Kind", lang), tr("Details", lang), tr("Valid until", lang), tr("Validity", lang)], s)]
        for cm in model.commitments:
            rows.append([cell(commitment_label(cm.kind, lang), s["cellb"]), cell(cm.details, s["cell"]),
                         cell(fmt_date(cm.valid_until, lang) or "—", s["cell"]),
                         validity(lang, cm.days_left, warn, s)])
        out.append(ChunkedTable.of(rows, [width * f for f in (0.22, 0.46, 0.17, 0.15)]))
    else:
        out.append(p(tr("No commitments recorded.", lang), s["body"]))
    return out


def subprocessors(model: ReportModel, s: Styles, width: float, h1: H1) -> list[Flowable]:
    lang = model.lang
    out = h1(tr("Subprocessors", lang), "sec_subprocessors")
    if not model.subprocessors:
        return [*out, p(tr("No subprocessors recorded.", lang), s["body"])]
    rows: list[list[object]] = [header_row([tr("Party", lang), tr("Service", lang), tr("Country", lang),
                                            tr("Customer data", lang)], s)]
    for sp in model.subprocessors:
        rows.append([cell(sp.name, s["cell"]), cell(sp.service, s["cell"]), sp.country or "—",
                     tr("Yes", lang) if sp.accesses_customer_data else tr("No", lang)])
    out.append(ChunkedTable.of(rows, [width * f for f in (0.32, 0.4, 0.1, 0.18)]))
    return out
