"""The gettext catalogue at run time (compiled on first use, read without Babel) and the maintenance tools
(update, import of es.yaml-format mappings from branches that still add to the YAML catalogue)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from desktop.core import i18n, i18n_tools

ROOT = Path(__file__).resolve().parents[2]

HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
          '"Language: es\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')
SAMPLE = HEADER + (
    'msgid "Open"\nmsgstr "Abrir"\n\n'
    'msgctxt "Menu"\nmsgid "Open"\nmsgstr "Abrir…"\n\n'
    '#, fuzzy\nmsgid "Close"\nmsgstr "Cerrar"\n\n'
    'msgid "Save"\nmsgstr ""\n\n'
    'msgid "{n} file"\nmsgid_plural "{n} files"\nmsgstr[0] "{n} archivo"\nmsgstr[1] "{n} archivos"\n\n'
    'msgid "Ñandú"\nmsgstr "ñandú «ave»"\n')


@pytest.fixture
def resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A resources folder of our own with a Spanish catalogue; the real one is reloaded afterwards."""
    folder = tmp_path / "resources" / "locale" / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "vetta.po").write_text(SAMPLE, encoding="utf-8")
    monkeypatch.setenv("VETTA_RESOURCES", str(tmp_path / "resources"))
    i18n.catalogue.cache_clear()
    yield folder
    i18n.catalogue.cache_clear()


def test_a_missing_mo_is_compiled_on_first_use_and_a_stale_one_again(resources: Path):
    mo = resources / "vetta.mo"
    assert not mo.exists()
    assert i18n.tr("Open", "es") == "Abrir"
    assert mo.is_file()
    assert i18n.ptr("Menu", "Open", "es") == "Abrir…"
    assert i18n.tr("Close", "es") == "Close"  # fuzzy: not used until a translator confirms it
    assert i18n.tr("Save", "es") == "Save"  # empty: the English
    assert i18n.tr("Ñandú", "es") == "ñandú «ave»"
    assert [i18n.ntr("{n} file", "{n} files", n, "es") for n in (0, 1, 2)] == ["0 archivos", "1 archivo", "2 archivos"]

    po = resources / "vetta.po"
    po.write_text(SAMPLE.replace('"Abrir"', '"Abrir ya"'), encoding="utf-8")
    later = mo.stat().st_mtime + 5
    os.utime(po, (later, later))
    i18n.catalogue.cache_clear()
    assert i18n.tr("Open", "es") == "Abrir ya"
    assert mo.stat().st_mtime >= po.stat().st_mtime - 5  # written again


def test_an_unwritable_installation_compiles_the_catalogue_in_memory(resources: Path):
    (resources / "vetta.mo").mkdir()  # cannot be replaced by a file, whoever runs the test
    assert i18n.tr("Open", "es") == "Abrir"
    assert (resources / "vetta.mo").is_dir()
    assert not [p.name for p in resources.iterdir() if p.name.endswith(".tmp")]  # no half-written file left


def test_a_shipped_mo_without_its_po_is_used_as_it_is(resources: Path):
    i18n_tools.compile_catalogue(resources / "vetta.po", resources / "vetta.mo")
    (resources / "vetta.po").unlink()
    assert i18n.tr("Open", "es") == "Abrir"


def test_no_catalogue_means_english(resources: Path):
    shutil.rmtree(resources)
    assert i18n.tr("Open", "es") == "Open"
    assert i18n.ntr("{n} file", "{n} files", 2, "es") == "2 files"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_the_reader_reads_what_gnu_msgfmt_writes(tmp_path: Path):
    po = tmp_path / "es.po"
    po.write_text(SAMPLE, encoding="utf-8")
    subprocess.run(["msgfmt", "-o", str(tmp_path / "gnu.mo"), str(po)], check=True)
    gnu = i18n.parse_mo((tmp_path / "gnu.mo").read_bytes(), "es")
    babel = i18n.parse_mo(i18n_tools.compile_catalogue(po), "es")
    assert dict(gnu) == dict(babel) == {"Open": "Abrir", "Menu|Open": "Abrir…", "{n} file": "{n} archivo",
                                        "Ñandú": "ñandú «ave»"}
    assert gnu.plural("{n} file", 5) == babel.plural("{n} file", 5) == "{n} archivos"


def test_a_damaged_mo_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="not a .mo file"):
        i18n.parse_mo(b"\x00" * 40, "es")
    with pytest.raises(ValueError, match="too short"):
        i18n.parse_mo(b"\xde\x12\x04\x95", "es")


# --------------------------------------------------------------------------------- es.yaml imports

def _checkout(tmp_path: Path, code: str, po: str) -> Path:
    """A tiny checkout: code in desktop/, a Spanish catalogue, an empty db/."""
    (tmp_path / "desktop").mkdir(parents=True)
    (tmp_path / "db").mkdir()
    (tmp_path / "desktop" / "widgets.py").write_text(code, encoding="utf-8")
    folder = tmp_path / "resources" / "locale" / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "vetta.po").write_text(po, encoding="utf-8")
    return tmp_path


def _entries(root: Path) -> dict[str, object]:
    with (root / "resources" / "locale" / "es" / "LC_MESSAGES" / "vetta.po").open("rb") as f:
        return {(f"{m.context}|" if m.context else "") + (m.id if isinstance(m.id, str) else m.id[0]): m.string
                for m in read_po(f) if m.id}


CODE = ("from desktop.core.i18n import ntr, tr\n"
        "class Table:\n"
        "    def headers(self):\n"
        "        return [tr('Existing'), tr('Added on a branch'), self.tr('Next review', 'Table'),\n"
        "                ntr('{n} row', '{n} rows', 2), tr('Renamed')]\n")
PO = HEADER + ('msgid "Existing"\nmsgstr "Existente"\n\n'
               'msgid "{n} row"\nmsgid_plural "{n} rows"\nmsgstr[0] "{n} fila"\nmsgstr[1] "{n} filas"\n\n'
               'msgid "Renamed"\nmsgstr "Renombrado"\n')


def test_import_yaml_adds_new_texts_and_contexts_then_follows_the_code(tmp_path: Path):
    root = _checkout(tmp_path / "repo", CODE, PO)
    mapping = tmp_path / "es.yaml"
    mapping.write_text('"Added on a branch": "Añadido en una rama"\n'
                       '"Existing": "Existente"\n'
                       '"Table|Next review": "Próx. rev."\n'
                       '"Removed from the code": "Quitado del código"\n'
                       '"Other|Orphan": "Huérfano"\n'
                       '"{n} row": "{n} fila"\n', encoding="utf-8")
    report = i18n_tools.import_yaml(mapping, root=root)
    assert report.added == ["Added on a branch", "Table|Next review"]
    assert report.unchanged == ["Existing"]
    assert report.plural == ["{n} row"]  # plural forms are translated in the .po
    assert report.unused == ["Removed from the code", "Other|Orphan"]
    assert any("self.tr('Orphan', 'Other')" in line for line in report.lines())
    orphan = tmp_path / "orphan.yaml"
    orphan.write_text('"Other|Orphan": "Huérfano"\n"Removed from the code": "Quitado del código"\n', encoding="utf-8")
    assert i18n_tools.main(["--root", str(root), "import-yaml", str(orphan)]) == 1  # the context entry is lost
    orphan.write_text('"Removed from the code": "Quitado del código"\n', encoding="utf-8")
    assert i18n_tools.main(["--root", str(root), "import-yaml", str(orphan)]) == 0  # a plain unused text is harmless
    assert _entries(root) == {"Added on a branch": "Añadido en una rama", "Existing": "Existente",
                              "Table|Next review": "Próx. rev.", "{n} row": ("{n} fila", "{n} filas"),
                              "Renamed": "Renombrado"}
    assert (root / "resources" / "locale" / "vetta.pot").is_file()
    assert (root / "resources" / "locale" / "es" / "LC_MESSAGES" / "vetta.mo").is_file()


def test_import_yaml_keeps_the_catalogue_on_a_conflict_unless_told(tmp_path: Path):
    root = _checkout(tmp_path / "repo", CODE, PO)
    mapping = tmp_path / "es.yaml"
    mapping.write_text('"Existing": "Ya existente"\n', encoding="utf-8")
    report = i18n_tools.import_yaml(mapping, root=root)
    assert report.conflicts == [("Existing", "Existente", "Ya existente")]
    assert _entries(root)["Existing"] == "Existente"
    assert i18n_tools.import_yaml(mapping, root=root, overwrite=True).changed == ["Existing"]
    assert _entries(root)["Existing"] == "Ya existente"


def test_import_yaml_with_a_base_applies_only_what_the_branch_changed(tmp_path: Path):
    """The branch's es.yaml against the es.yaml it started from: an edited translation replaces the
    catalogue's, and entries the migration changed since (here "Renamed") are not brought back."""
    root = _checkout(tmp_path / "repo", CODE, PO)
    base = tmp_path / "base.yaml"
    base.write_text('"Existing": "Existente"\n"Renamed": "Renombrado"\n"{n} rows": "{n} fila(s)"\n',
                    encoding="utf-8")
    branch = tmp_path / "branch.yaml"
    branch.write_text('"Existing": "Existente de verdad"\n"Renamed": "Renombrado"\n"{n} rows": "{n} fila(s)"\n'
                      '"Added on a branch": "Añadido en una rama"\n', encoding="utf-8")
    report = i18n_tools.import_yaml(branch, root=root, base=base)
    assert report.changed == ["Existing"] and report.added == ["Added on a branch"]
    assert not report.conflicts and not report.unused and not report.unchanged
    entries = _entries(root)
    assert entries["Existing"] == "Existente de verdad" and "{n} rows" not in entries


def test_the_import_command_prints_its_report_and_fails_on_conflicts(tmp_path: Path, capsys):
    root = _checkout(tmp_path / "repo", CODE, PO)
    mapping = tmp_path / "es.yaml"
    mapping.write_text('"Existing": "Otra cosa"\n"Added on a branch": "Añadido"\n', encoding="utf-8")
    assert i18n_tools.main(["--root", str(root), "import-yaml", str(mapping)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("1 added, 0 changed, 0 already there, 1 conflicts")
    assert "conflict  'Existing': the catalogue keeps 'Existente'; the file says 'Otra cosa'" in out
    assert i18n_tools.main(["--root", str(root), "check"]) == 1  # "Table|Next review" is still untranslated
    assert "untranslated  desktop/widgets.py:4: 'Table|Next review'" in capsys.readouterr().out


def test_a_bad_yaml_mapping_is_refused_with_the_file_name(tmp_path: Path):
    bad = tmp_path / "es.yaml"
    bad.write_text("- a list\n- not a mapping\n", encoding="utf-8")
    with pytest.raises(ValueError, match="es.yaml: the translation file must be a mapping"):
        i18n_tools.load_yaml_mapping(bad)


def test_update_keeps_translations_adds_new_texts_and_drops_unused_ones(tmp_path: Path):
    root = _checkout(tmp_path / "repo", CODE, PO + '\nmsgid "Gone"\nmsgstr "Ido"\n')
    (report,) = i18n_tools.update(root)
    assert report.added == ["Added on a branch", "Next review"] and report.dropped == ["Gone"]
    entries = _entries(root)
    assert entries["Existing"] == "Existente" and entries["Added on a branch"] == ""
    # in the template's order (sorted), as `pybabel update` writes it, whatever order the code has
    assert list(entries) == ["Added on a branch", "Existing", "Table|Next review", "Renamed", "{n} row"]
    before = (root / "resources" / "locale" / "vetta.pot").read_bytes()
    i18n_tools.update(root)
    assert (root / "resources" / "locale" / "vetta.pot").read_bytes() == before  # no churn when nothing changed


def test_a_new_language_starts_from_the_template_with_its_plural_rule(tmp_path: Path):
    from babel.messages.plurals import get_plural

    root = _checkout(tmp_path / "repo", CODE, PO)
    i18n_tools.update(root)
    shutil.rmtree(root / "resources" / "locale" / "es")
    for language, forms in (("fr", get_plural("fr").num_plurals), ("es", 2)):  # Spanish: GNU's rule, not CLDR's
        path = i18n_tools.init_catalogue(language, root)
        with path.open("rb") as f:
            catalog = read_po(f)
        assert str(catalog.locale) == language and catalog.num_plurals == forms
        assert {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id} == {
            "Existing", "Added on a branch", "Next review", "{n} row", "Renamed"}
        assert not any(m.string if isinstance(m.string, str) else any(m.string) for m in catalog if m.id)


def test_a_checkout_with_merge_conflicts_is_refused_before_the_catalogue_changes(tmp_path: Path, capsys):
    conflicted = CODE.replace("        return [", "<<<<<<< HEAD\n        return [", 1) + "=======\n>>>>>>> branch\n"
    root = _checkout(tmp_path / "repo", conflicted, PO)
    po = root / "resources" / "locale" / "es" / "LC_MESSAGES" / "vetta.po"
    before = po.read_bytes()
    mapping = tmp_path / "es.yaml"
    mapping.write_text('"Added on a branch": "Añadido"\n', encoding="utf-8")
    assert i18n_tools.main(["--root", str(root), "import-yaml", str(mapping)]) == 2
    err = capsys.readouterr().err
    assert "widgets.py, line 4 is not valid Python (" in err and "resolve merge conflicts" in err
    assert err.startswith("python -m desktop.core.i18n_tools: error: ")
    assert po.read_bytes() == before
    assert i18n_tools.main(["--root", str(root), "update"]) == 2


def test_a_bad_yaml_file_is_one_sentence_naming_the_file_and_line(tmp_path: Path, capsys):
    root = _checkout(tmp_path / "repo", CODE, PO)
    bad = tmp_path / "es.yaml"
    bad.write_text('"Existing": "Existente"\n"Broken": "a": "b"\n', encoding="utf-8")
    assert i18n_tools.main(["--root", str(root), "import-yaml", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert "es.yaml, line 2 is not a valid YAML mapping (mapping values are not allowed here)." in err
    assert len(err.splitlines()) == 1
    assert i18n_tools.main(["--root", str(root), "import-yaml", str(tmp_path / "missing.yaml")]) == 2
    assert "missing.yaml cannot be read: No such file or directory." in capsys.readouterr().err
