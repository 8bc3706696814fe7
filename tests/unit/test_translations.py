"""Every visible string is translatable and has a Spanish translation; the gettext catalogue is well-formed
and follows the code."""

from __future__ import annotations

import re
import string
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlmodel import SQLModel

from db.models import AssessmentStatus, CommitmentKind, ContractKind, InterestType, Rating
from desktop.core import i18n
from desktop.core.i18n_extract import (
    Message,
    all_messages,
    all_unmarked,
    all_unmarked_errors,
    check,
    messages_in,
    unmarked_errors_in,
    unmarked_in,
)

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "resources" / "locale" / "es" / "LC_MESSAGES" / "vetta.po"
POT = ROOT / "resources" / "locale" / "vetta.pot"
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}|%\d|%[nvm]")

# Literals that are the same in every language: the product name, a country code shown as an example.
NOT_LANGUAGE = {"Vetta", "ES"}
# Unmarked literals in files another colleague is rewriting right now, as (file, text): their Spanish must
# already be in es.yaml, so wrapping them in self.tr() is all that is left. Keyed by file and text (not line)
# so edits elsewhere in the file do not matter; remove an entry once the literal is wrapped. Empty: keep it so.
PENDING_MARKING: set[tuple[str, str]] = set()


@pytest.fixture(scope="module")
def report():
    return check("es")


def test_every_visible_string_has_a_spanish_translation(report):
    assert not report.untranslated and not report.fuzzy and not report.plural_mismatch, (
        "strings without a (reviewed) Spanish translation in resources/locale/es/LC_MESSAGES/vetta.po; run "
        "`python -m desktop.core.i18n_tools update` and translate them (Poedit, or edit the .po):\n"
        + "\n".join(report.lines()))


def test_the_catalogue_and_the_template_follow_the_code(report):
    assert not report.stale and not report.template_missing and not report.template_stale, (
        "run `python -m desktop.core.i18n_tools update`:\n" + "\n".join(report.lines()))


def test_pybabel_extract_from_the_checkout_gives_the_committed_template(tmp_path):
    """Translators' tools run `pybabel extract` with pyproject.toml's [tool.babel]: same messages as ours."""
    out = tmp_path / "cli.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-o", str(out)], cwd=ROOT,
                   check=True, capture_output=True)
    with out.open("rb") as f, POT.open("rb") as g:
        cli, committed = read_po(f), read_po(g)
    assert {(m.id, m.context) for m in cli if m.id} == {(m.id, m.context) for m in committed if m.id}
    assert ("Next review", "AssessmentsModel") in {(m.id, m.context) for m in cli}
    assert ("%n change recorded; every change is kept with who made it and when.",
            "%n changes recorded; every change is kept with who made it and when.") in {m.id for m in cli}


def test_no_visible_string_is_left_unmarked():
    unmarked = [m for m in all_unmarked(ROOT)
                if m.text not in NOT_LANGUAGE and (m.file, m.text) not in PENDING_MARKING]
    assert not unmarked, ("visible strings not wrapped in self.tr()/tr()/N_() (mark them, then translate them):\n"
                          + "\n".join(f"{m.file}:{m.line}: {m.text}" for m in unmarked))


def test_no_error_message_is_left_unmarked():
    unmarked = all_unmarked_errors(ROOT)
    assert not unmarked, ("user-facing errors built from a literal or an f-string; write them as "
                          "tr(\"... {name} ...\", name=value) and add the Spanish:\n"
                          + "\n".join(f"{m.file}:{m.line}: {m.text}" for m in unmarked))


def test_pending_strings_are_already_translated():
    catalogue = i18n.catalogue("es")
    assert all(text in catalogue for _file, text in PENDING_MARKING)


def test_the_checker_reports_missing_empty_fuzzy_and_stale_entries(tmp_path):
    (tmp_path / "desktop").mkdir()
    (tmp_path / "desktop" / "w.py").write_text(
        "from desktop.core.i18n import ntr, tr\n"
        "tr('Translated')\ntr('Missing')\ntr('Empty')\ntr('Fuzzy')\n"
        "ntr('{n} file', '{n} files', 2)\nntr('{n} row', '{n} rows', 2)\n", encoding="utf-8")
    po = tmp_path / "resources" / "locale" / "es" / "LC_MESSAGES" / "vetta.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "Translated"\nmsgstr "Traducido"\n\nmsgid "Empty"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Fuzzy"\nmsgstr "Difuso"\n\n'
        'msgid "{n} file"\nmsgid_plural "{n} files"\nmsgstr[0] "{n} archivo"\nmsgstr[1] ""\n\n'
        'msgid "{n} row"\nmsgstr "{n} fila"\n\n'
        'msgctxt "Old"\nmsgid "Translated"\nmsgstr "Antiguo"\n', encoding="utf-8")
    pot = tmp_path / "vetta.pot"
    pot.write_text('msgid "Translated"\nmsgstr ""\n\nmsgid "Gone"\nmsgstr ""\n', encoding="utf-8")
    result = check("es", root=tmp_path, packages=("desktop",), template=pot)
    assert sorted(m.text for m in result.untranslated) == ["Empty", "Missing", "{n} file"]
    assert [m.text for m in result.fuzzy] == ["Fuzzy"]
    assert [m.text for m in result.plural_mismatch] == ["{n} row"]  # a plural in the code, singular in the .po
    assert result.stale == ["Old|Translated"]
    assert result.template_stale == ["Gone"] and "Missing" in result.template_missing
    assert not result.ok
    assert any(line.startswith("fuzzy") and "w.py:5" in line for line in result.lines())


def _dynamic_strings() -> set[str]:
    """Strings the UI translates through a variable (``self.tr(label)``): desktop/core/i18n_dynamic.py marks them."""
    from desktop.services.vendors import CHILD_KINDS

    texts: set[str] = set()
    for kind, (_model, specs) in CHILD_KINDS.items():
        texts.add(kind.replace("_", " "))
        for spec in specs:
            texts.add(spec.label)
            texts.update(choice.replace("_", " ") for choice in spec.choices)
    texts.update(t.value.replace("_", " ") for t in InterestType)
    texts.update(s.value.replace("_", " ") for s in AssessmentStatus)
    texts.update(r.value.replace("_", " ") for r in Rating)
    texts.update(k.value.replace("_", " ") for k in CommitmentKind)
    texts.update(k.value for k in ContractKind)
    texts.update(("blocker", "major", "minor", "info"))  # finding severities
    texts.update(("approve", "approve with conditions", "reject"))
    # record kinds named in database errors (db/repo.py translates the table name, underscores as spaces)
    texts.update(table.replace("_", " ") for table in SQLModel.metadata.tables)
    return texts


def test_strings_translated_through_variables_are_marked_and_have_spanish():
    marked = {m.text for m in messages_in(ROOT / "desktop" / "core" / "i18n_dynamic.py", ROOT)}
    unmarked = sorted(_dynamic_strings() - marked)
    assert not unmarked, f"mark these with N_() in desktop/core/i18n_dynamic.py: {unmarked}"
    catalogue = i18n.catalogue("es")
    assert not sorted(t for t in _dynamic_strings() if t not in catalogue)


def _pairs():
    """(English, Spanish) of every message, each plural form with its English (singular, then plural)."""
    with PO.open("rb") as f:
        for m in read_po(f):
            if not m.id:
                continue
            if isinstance(m.id, tuple):
                yield m.id[0], m.string[0]
                yield from ((m.id[1], form) for form in m.string[1:])
            else:
                yield m.id, m.string


def test_catalogue_keeps_accelerators():
    single = re.compile(r"&(?!&)")
    for text, target in _pairs():
        assert bool(single.search(text.replace("&&", ""))) == bool(single.search(target.replace("&&", ""))), text
        # '&&' is Qt's literal ampersand: Spanish writes "y" instead (tests/ui/test_labels_es.py)
        assert "&&" not in target, (text, target)


def test_menu_accelerators_do_not_clash():
    cat = i18n.catalogue("es")

    def key(text: str) -> str:
        t = cat[text].replace("&&", "")
        return t[t.index("&") + 1].lower()

    menus = {
        "menu bar": ["&File", "&Edit", "&View", "&Assessment", "&Help"],
        "File": ["&New vendor…", "&Open vendor", "Open &database…", "Open &recent", "&Import vendors…",
                 "Import &BODS ownership…", "&Export register…", "&Back up database now", "&Settings…",
                 "&Close tab", "&Quit"],
        "Edit": ["&Save", "&Find", "&Archive vendor"],
        "View": ["&Home", "Vendor &register", "&Refresh", "C&lear filters"],
        "Assessment": ["&New assessment for this vendor…", "&Open the assessment wizard", "&Approve && sign…",
                       "Send vendor &questionnaire…", "Import vendor ans&wers…", "&Preview report", "&Export report…",
                       "&Verify a signed PDF…"],
        "Help": ["&User guide", "&About Vetta"],
        # buttons of the Assessments tab, and the welcome wizard's buttons (one window each)
        "Assessments tab": ["&New assessment…", "&Open", "Re-&assess", "Approve && &sign…", "&Preview",
                            "Show &changes"],
        "Welcome": ["< &Back", "&Next >", "&Skip and finish", "&Finish"],
    }
    for menu, items in menus.items():
        letters = [key(i) for i in items]
        assert len(set(letters)) == len(letters), f"{menu}: {dict(zip(items, letters, strict=True))}"


def test_translations_keep_their_placeholders():
    for text, target in _pairs():
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(target)), text
        assert text.count("\n") == target.count("\n"), text


def test_the_spanish_catalogue_uses_the_gnu_plural_rule():
    with PO.open("rb") as f:
        catalog = read_po(f)
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    assert not [m.id for m in catalog if m.id and m.fuzzy]


def test_plural_messages_follow_the_number():
    assert i18n.ntr("{n} answer needs evidence ({ids})", "{n} answers need evidence ({ids})", 1, "es",
                    ids="Q1") == "1 respuesta necesita evidencia (Q1)"
    assert i18n.ntr("{n} answer needs evidence ({ids})", "{n} answers need evidence ({ids})", 3, "es",
                    ids="Q1, Q2, Q3") == "3 respuestas necesitan evidencia (Q1, Q2, Q3)"
    assert i18n.ntr("{n} answer needs evidence ({ids})", "{n} answers need evidence ({ids})", 0, "es",
                    ids="") == "0 respuestas necesitan evidencia ()"
    assert i18n.ntr("{n} answer needs evidence ({ids})", "{n} answers need evidence ({ids})", 1, "en",
                    ids="Q1") == "1 answer needs evidence (Q1)"
    assert i18n.ntr("{n} answer needs evidence ({ids})", "{n} answers need evidence ({ids})", 2, "en",
                    ids="Q1, Q2") == "2 answers need evidence (Q1, Q2)"
    # not in the catalogue: the English singular or plural
    assert i18n.ntr("{n} unknown thing", "{n} unknown things", 2, "es") == "2 unknown things"


def test_context_entries_override_the_plain_text_in_their_context_only():
    assert i18n.ptr("AssessmentsModel", "Next review", "es") == "Próx. rev."
    assert i18n.tr("Next review due", "es") == "Próxima revisión"
    assert i18n.ptr("SomewhereElse", "Next review due", "es") == "Próxima revisión"  # falls back to the plain text
    assert i18n.translate("Last signed assessment", "es", "VendorTableModel") == "Última firma"
    assert i18n.catalogue("es")["AssessmentsModel|Next review"] == "Próx. rev."  # the YAML-era mapping view


def test_labels_that_had_side_tables_come_from_the_catalogue():
    from desktop.core.checklist.schema import yes_no_label
    from desktop.services.audit import action_label
    from desktop.services.register import flag_label

    assert action_label("status", "es") == "cambio de estado" and action_label("status", "en") == "status changed"
    assert action_label("something new", "es") == "something new"
    # the export used "certificado por vencer"; the window and the glossary say "próximo a vencer"
    assert flag_label("certificate_expiring", "es") == "certificado próximo a vencer"
    assert flag_label("review_overdue", "en") == "review overdue"
    assert [yes_no_label(v, "es") for v in ("yes", "no", "partial", "na")] == ["Sí", "No", "Parcialmente", "No aplica"]
    i18n.set_language("es")
    assert yes_no_label("na") == "No aplica"


def test_the_extractor_reads_plurals_contexts_and_the_qt_forms(tmp_path):
    source = tmp_path / "forms.py"
    source.write_text(
        "from desktop.core.i18n import N_, NP_, ntr, nptr, ptr, tr\n"
        "tr('Plain', lang, count=2)\n"
        "tr('A language, not a context', 'es')\n"
        "ntr('{n} vendor', '{n} vendors', n, lang, n=n)\n"
        "ptr('Header', 'Next')\n"
        "nptr('Header', '{n} day', '{n} days', n)\n"
        "NP_('VendorTableModel', 'Short')\n"
        "class W:\n"
        "    def build(self, n):\n"
        "        self.tr('%n change', '%n changes', n)\n"
        "        self.tr('Next review', 'AssessmentsModel')\n"
        "        QCoreApplication.translate('HistoryModel', 'Who')\n"
        "        QCoreApplication.translate('VendorEditor', 'ends in {n} day', 'ends in {n} days', n)\n"
        "        tr = QCoreApplication.translate\n"
        "        tr('Questionnaire', 'Through the alias')\n"
        "        tr(report_lang, 'report_key')\n"
        "        tr(label)\n", encoding="utf-8")
    found = [(m.text, m.context, m.plural, m.line) for m in messages_in(source, tmp_path)]
    assert found == [
        ("Plain", None, None, 2), ("A language, not a context", None, None, 3),
        ("{n} vendor", None, "{n} vendors", 4), ("Next", "Header", None, 5), ("{n} day", "Header", "{n} days", 6),
        ("Short", "VendorTableModel", None, 7), ("%n change", None, "%n changes", 10),
        ("Next review", "AssessmentsModel", None, 11), ("Who", None, None, 12),
        ("ends in {n} day", None, "ends in {n} days", 13), ("Through the alias", None, None, 15)]
    assert all(isinstance(m, Message) for m in messages_in(source, tmp_path))


def test_the_checker_finds_unmarked_and_marked_strings(tmp_path):
    source = tmp_path / "widget.py"
    source.write_text(
        "from desktop.core.i18n import N_\n"
        "LABELS = (N_('Marked in a table'),)\n"
        "class W:\n"
        "    def build(self, label, box):\n"
        "        label.setText('Raw English')\n"
        "        label.setToolTip(self.tr('Translated tip'))\n"
        "        QMessageBox.warning(self, 'Raw title', self.tr('Translated text'))\n"
        "        box.addItems(['One', 'Two'])\n"
        "        label.setText(f'{self.count} rows shown')\n"
        "        label.setText('✓')\n"
        "        QLabel('Not text here', self)  # i18n: ignore\n"
        "        tr = QCoreApplication.translate\n"
        "        tr('Context', 'Through the alias')\n",
        encoding="utf-8")
    unmarked = sorted((m.line, m.text) for m in unmarked_in(source, tmp_path))
    assert unmarked == [(5, "Raw English"), (7, "Raw title"), (8, "One"), (8, "Two"), (9, "f' rows shown'")]
    marked = sorted(m.text for m in messages_in(source, tmp_path))
    assert marked == ["Marked in a table", "Through the alias", "Translated text", "Translated tip"]


def test_the_checker_finds_unmarked_error_messages(tmp_path):
    source = tmp_path / "service.py"
    source.write_text(
        "from desktop.core.errors import NotFound, UserError, ValidationError\n"
        "from desktop.core.i18n import tr\n"
        "def check(path, n, exc):\n"
        "    raise UserError(f'The file {path!r} does not exist.')\n"
        "    raise NotFound('There is no such vendor.')\n"
        "    raise ValidationError(tr('The LEI {lei} is not valid.', lei=n), field='lei')\n"
        "    raise UserError(str(exc)) from exc\n"
        "    raise UserError(\n"
        "        f'Vendor {n} is kept on purpose in English.')  # i18n: ignore\n"
        "    raise ValidationError(message='Some ' + 'concatenated text')\n"
        "    raise UserError(f'{path}: {exc}')\n",
        encoding="utf-8")
    unmarked = sorted((m.line, m.text) for m in unmarked_errors_in(source, tmp_path))
    assert unmarked == [(4, "f'The file  does not exist.'"), (5, "There is no such vendor."),
                        (10, "Some "), (10, "concatenated text")]
    assert [m.text for m in messages_in(source, tmp_path)] == ["The LEI {lei} is not valid."]


def test_the_checker_finds_unmarked_database_errors(tmp_path):
    (tmp_path / "db").mkdir()
    source = tmp_path / "db" / "store.py"
    source.write_text(
        "from db.errors import ConflictError, DamagedDatabase, DatabaseError, ImmutableRecord, SchemaTooNew\n"
        "from db.messages import N_, tr\n"
        "REFUSAL = N_('A decided record cannot be deleted.')\n"
        "def open_(path, rev, exc):\n"
        "    raise DatabaseError(f'The database file {path!r} does not exist.')\n"
        "    raise SchemaTooNew('This database is too new.')\n"
        "    raise DamagedDatabase(tr('The file {file} is damaged.', file=repr(path)), path=path)\n"
        "    raise ConflictError(tr('Someone else saved it.')) from exc\n"
        "    raise ImmutableRecord(str(exc)) from exc\n"
        "    raise DatabaseError(f'{path}: {exc}')\n",
        encoding="utf-8")
    unmarked = sorted((m.line, m.text) for m in unmarked_errors_in(source, tmp_path))
    assert unmarked == [(5, "f'The database file  does not exist.'"), (6, "This database is too new.")]
    assert [m.text for m in messages_in(source, tmp_path)] == [
        "A decided record cannot be deleted.", "The file {file} is damaged.", "Someone else saved it."]
    # db/ is scanned like desktop/: its strings must have Spanish, its errors must be marked
    assert [m.file for m in all_unmarked_errors(tmp_path)] == ["db/store.py", "db/store.py"]
    assert len(all_messages(tmp_path)) == 3


def test_service_errors_follow_the_language(tmp_path):
    from desktop.core.errors import UserError
    from desktop.services.evidence import read_file
    from desktop.services.vendors import validate_lei

    missing = tmp_path / "missing.pdf"
    with pytest.raises(UserError) as english:
        read_file(missing)
    assert str(english.value) == f"The file {str(missing)!r} does not exist."
    assert validate_lei("ABC") == "An LEI has 20 characters; this one has 3."
    i18n.set_language("es")
    with pytest.raises(UserError) as spanish:
        read_file(missing)
    assert str(spanish.value) == f"El archivo {str(missing)!r} no existe."
    assert validate_lei("ABC") == "Un LEI tiene 20 caracteres; este tiene 3."
    assert i18n.ntr("{first} ({count} more invalid answer); nothing was imported.",
                    "{first} ({count} more invalid answers); nothing was imported.", 2, first="x", count=2) == \
        "x (y 2 respuestas no válidas más); no se ha importado nada."


def test_sizes_in_error_messages_use_the_language(tmp_path):
    from desktop.core.errors import UserError
    from desktop.services.evidence import read_file

    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 1_600_000)
    i18n.set_language("es")
    with pytest.raises(UserError, match=r"ocupa 1,5 MB y supera el límite de 1 MB"):
        read_file(big, limit=1_048_576)


def test_tr_translates_and_formats():
    assert i18n.tr("{count}+ vendors", "es", count=60) == "60 o más proveedores"
    assert i18n.tr("{count}+ vendors", "en", count=60) == "60+ vendors"
    assert i18n.tr("a string nobody translated", "es") == "a string nobody translated"


def test_language_follows_the_system_with_an_override(monkeypatch):
    monkeypatch.setenv("LC_ALL", "es_ES.UTF-8")
    assert i18n.resolve_language("") == "es"
    assert i18n.resolve_language("en") == "en"
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert i18n.resolve_language(None) == "en"


def test_locale_formatting():
    assert i18n.format_date(date(2026, 3, 5), "es") == "5 mar 2026"
    assert i18n.format_date(date(2026, 3, 5), "en") == "5 Mar 2026"
    assert i18n.format_number(1234567.5, "es", 2) == "1.234.567,50"
    assert i18n.format_number(1234567.5, "en", 2) == "1,234,567.50"
    assert i18n.format_currency(4200000, "USD", "en") == "US$4,200,000.00"
    assert "4.200.000,00" in i18n.format_currency(4200000, "EUR", "es")


# ---------------------------------------------------------------- ownership findings (Qt-free text)

def _fields(text: str) -> list[str]:
    return sorted(f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f)


def test_interest_types_of_the_ownership_findings_are_translated():
    from desktop.core.ownership.text import TYPE_LABELS, type_label

    assert set(TYPE_LABELS) == {t.value for t in InterestType}
    assert type_label("voting_rights", "es") == "derechos de voto"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_ownership_findings_follow_the_language(demo_engine, lang):
    from desktop.services.ownership import analyze

    result = analyze(demo_engine, "Scalewise Data Inc.", date(2025, 9, 1), lang=lang)
    by_code = {f["code"]: f["message"] for f in result["findings"]}
    stake, tie = by_code["COMPETITOR_ECONOMIC_STAKE"], by_code["PEOPLE_TIE_COMPETITOR"]
    if lang == "es":
        assert "participación económica del 82% en Scalewise Data Inc." in stake and "Contoso Ventures LLC (49%)" in stake
        assert "Alex Marlow fue Chief Executive Officer en Scalewise Data Inc." in tie
        assert "intercambio de personal directivo" in tie
        assert "19,8%" in by_code["BENEFICIAL_OWNER"] or any("19,8%" in f["message"] for f in result["findings"])
    else:
        assert "of Scalewise Data Inc.'s economic interest" in stake
        assert "exchange of managerial personnel" in tie
    # codes and figures do not depend on the language
    english = analyze(demo_engine, "Scalewise Data Inc.", date(2025, 9, 1))
    assert [f["code"] for f in result["findings"]] == [f["code"] for f in english["findings"]]
    assert result["competitor_groups"] == english["competitor_groups"]


def test_the_spanish_report_shows_the_ownership_findings_in_spanish(demo_engine):
    from desktop.services.assessments import create_assessment
    from desktop.services.reports import build_report_model

    summary = create_assessment(demo_engine, "Scalewise Data Inc.", as_of=date(2025, 9, 1))
    spanish = build_report_model(demo_engine, summary.id, "es")
    english = build_report_model(demo_engine, summary.id, "en")
    es_text = " ".join(f.message("es") for f in spanish.ownership_findings()) + " ".join(
        t.message for t in spanish.ownership.people_ties)
    en_text = " ".join(f.message("en") for f in english.ownership_findings()) + " ".join(
        t.message for t in english.ownership.people_ties)
    assert "intercambio de personal directivo" in es_text and "exchange of managerial personnel" not in es_text
    assert "exchange of managerial personnel" in en_text


def test_report_labels_are_complete_in_spanish():
    """Every code a report shows has words in both languages (none falls back to the code)."""
    from desktop.report import i18n as labels
    from desktop.services.reports import CLAUSES

    cases = [(labels.commitment_label, [k.value for k in CommitmentKind]),
             (labels.status_label, [s.value for s in AssessmentStatus]),
             (labels.rating_label, [r.value for r in Rating]),
             (labels.decision_label, ["approved", "approved_with_conditions", "rejected", ""]),
             (labels.severity_label, ["blocker", "major", "minor", "info"]),
             (labels.tier_label, ["critical", "high", "medium", "low"]),
             (labels.vendor_status_label, ["prospect", "active", "suspended", "offboarded"]),
             (labels.clause_label, list(CLAUSES)), (labels.source_label, ["rule", "preparer", "vendor"]),
             (labels.purpose_label, ["storage", "processing", "support"]), (labels.kind_label, ["person", "entity"]),
             (labels.language_name, ["en", "es"])]
    catalogue = i18n.catalogue("es")
    for label, codes in cases:
        for code in codes:
            english, spanish = label(code, "en"), label(code, "es")
            assert english in catalogue and catalogue[english] == spanish, (label.__name__, code)
    assert labels.commitment_label("encryption_at_rest", "es") == "cifrado en reposo"
    assert labels.rating_label("not_neutral", "es") == "No neutral"
