"""Every visible string is translatable and has a Spanish translation; the catalogue is well-formed."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import SQLModel

from db.models import AssessmentStatus, CommitmentKind, ContractKind, InterestType, Rating
from desktop.core import i18n
from desktop.core.i18n_extract import (
    all_messages,
    all_unmarked,
    all_unmarked_errors,
    messages_in,
    unmarked_errors_in,
    unmarked_in,
)

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}|%\d|%[nvm]")

# Literals that are the same in every language: the product name, a country code shown as an example.
NOT_LANGUAGE = {"Vetta", "ES"}
# Unmarked literals in files another colleague is rewriting right now, as (file, text): their Spanish must
# already be in es.yaml, so wrapping them in self.tr() is all that is left. Keyed by file and text (not line)
# so edits elsewhere in the file do not matter; remove an entry once the literal is wrapped. Empty: keep it so.
PENDING_MARKING: set[tuple[str, str]] = set()


def test_every_visible_string_has_a_spanish_translation():
    catalogue = i18n.catalogue("es")
    missing = sorted({f"{m.file}:{m.line}: {m.text!r}" for m in all_messages(ROOT) if m.text not in catalogue})
    assert not missing, "strings without a Spanish translation in resources/translations/es.yaml:\n" + "\n".join(
        missing)


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


def _dynamic_strings() -> set[str]:
    """Strings the UI translates through a variable (``self.tr(label)``): their tables live elsewhere."""
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
    texts.add("STALE")  # all capitals, so the extractor takes it for a message key and skips it
    texts.update(("approve", "approve with conditions", "reject"))
    # record kinds named in database errors (db/repo.py translates the table name, underscores as spaces)
    texts.update(table.replace("_", " ") for table in SQLModel.metadata.tables)
    texts.update(("ended {n} days ago", "ends in {n} days", "give notice by {date}", "give notice by {date} (passed)"))
    texts.update(("The legal name is required.", "The legal name is longer than 300 characters.",
                  "The services text is longer than 1000 characters."))
    return texts


def test_strings_translated_through_variables_have_spanish():
    catalogue = i18n.catalogue("es")
    missing = sorted(t for t in _dynamic_strings() if t not in catalogue)
    assert not missing, f"add these to resources/translations/es.yaml: {missing}"


def test_catalogue_is_sorted_and_keeps_accelerators():
    path = ROOT / "resources" / "translations" / "es.yaml"
    keys = [line.split('": ', 1)[0] for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith('"')]
    assert keys == sorted(keys), "keep resources/translations/es.yaml sorted by key"
    for source, target in i18n.catalogue("es").items():
        text = source.split("|", 1)[-1]
        single = re.compile(r"&(?!&)")
        assert bool(single.search(text.replace("&&", ""))) == bool(single.search(target.replace("&&", ""))), source
        assert text.count("&&") == target.count("&&"), source


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
    for source, target in i18n.catalogue("es").items():
        text = source.split("|", 1)[-1]
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(target)), source
        assert text.count("\n") == target.count("\n"), source


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
    assert i18n.tr("{first} ({count} more invalid answers); nothing was imported.", first="x", count=2) == \
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
    assert i18n.tr("{count} vendors", "es", count=3) == "3 proveedores"
    assert i18n.tr("{count} vendors", "en", count=3) == "3 vendors"
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
    es_text = " ".join(f.message for f in spanish.ownership.findings) + " ".join(spanish.ownership.people_ties)
    en_text = " ".join(f.message for f in english.ownership.findings) + " ".join(english.ownership.people_ties)
    assert "intercambio de personal directivo" in es_text and "exchange of managerial personnel" not in es_text
    assert "exchange of managerial personnel" in en_text


def test_report_strings_are_complete_in_spanish():
    from desktop.report import i18n as report_i18n

    for key, (english, spanish) in report_i18n._STRINGS.items():
        assert spanish.strip() and _fields(spanish) == _fields(english), key
    for kind in CommitmentKind:
        assert report_i18n.has(f"cm_{kind.value}"), kind
    assert report_i18n.tr("es", "cm_encryption_at_rest") == "cifrado en reposo"
