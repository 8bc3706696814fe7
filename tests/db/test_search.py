"""The register search index of migration 0003 stays in sync and gives the plain LIKE's results
(both backends), and db/migrate.py's cheap revision reader agrees with Alembic."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from db import migrate
from db.engine import unit_of_work
from db.models import Party, PartyAlias, PartyIdentifier, Vendor, VendorTag
from desktop.services import register
from desktop.services.register import RegisterQuery, has_search_index, vendor_ids
from desktop.services.vendors import VendorForm, create_vendor, get_vendor, set_archived, update_vendor


def test_revision_map_matches_alembic():
    script = migrate.script_directory()
    assert migrate.known_revisions() == {r.revision for r in script.walk_revisions()}
    assert migrate.head_revision() == script.get_current_head() == max(migrate.known_revisions())
    for rev in script.walk_revisions():
        assert migrate.revision_map()[rev.revision] == rev.down_revision


def _found(engine: Engine, term: str, **kw) -> list[int]:
    return vendor_ids(engine, RegisterQuery(search=term, **kw))


def _plain(engine: Engine, term: str, **kw) -> list[int]:
    """The same search through the plain LIKE path, index or not."""
    stmt = register.filtered_statement(RegisterQuery(search=term, **kw), dialect=engine.dialect.name, fts=False)
    with engine.connect() as conn:
        return [int(r[0]) for r in conn.execute(stmt)]


def test_the_index_exists_on_each_backend(engine: Engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert has_search_index(engine)
            assert conn.execute(text("SELECT count(*) FROM register_search")).scalar_one() == 0
        else:
            assert not has_search_index(engine)
            names = {r[0] for r in conn.execute(text(
                "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'ix_search_%_trgm'"))}
            assert names == {"ix_search_party_name_trgm", "ix_search_party_alias_trgm",
                             "ix_search_party_identifier_trgm", "ix_search_vendor_tag_trgm"}


def test_index_follows_insert_update_delete_and_archive(engine: Engine) -> None:
    v = create_vendor(engine, VendorForm(name="Ñandú Datos S.L.", tags=["speech-es"], lei="5493001KJTIIGC8Y1R12"))
    other = create_vendor(engine, VendorForm(name="Quillstream Transcription Ltd", tags=["audio"]))
    assert _found(engine, "nandu dat") == [v.id]
    assert _found(engine, "SPEECH-es") == [v.id]
    assert _found(engine, "kjtiigc8") == [v.id]
    assert _found(engine, "stream") == [other.id]

    # Rename, new tag, no LEI: the old texts no longer match, the new ones do.
    detail = get_vendor(engine, v.id)
    form = replace(detail.form, name="Condor Speech Analytics", tags=["vision"], lei="")
    update_vendor(engine, v.id, form, detail.version, detail.party_version)
    assert _found(engine, "nandu") == []
    assert _found(engine, "speech-es") == []
    assert _found(engine, "kjtiigc8") == []
    assert _found(engine, "condor spe") == [v.id]
    assert _found(engine, "visi") == [v.id]

    # Aliases added, renamed, deleted.
    with unit_of_work(engine, "tester") as s:
        s.add(PartyAlias(party_id=v.party_id, name="Andean Voice Labs"))
    assert _found(engine, "andean voi") == [v.id]
    with unit_of_work(engine, "tester") as s:
        alias = s.exec(select(PartyAlias).where(PartyAlias.party_id == v.party_id)).one()
        alias.name = "Pampas Voice Labs"
        s.add(alias)
    assert _found(engine, "andean") == [] and _found(engine, "pampas") == [v.id]
    with unit_of_work(engine, "tester") as s:
        s.delete(s.exec(select(PartyAlias).where(PartyAlias.party_id == v.party_id)).one())
    assert _found(engine, "pampas") == []

    # Archive hides, restore shows again (the register's filter, with the index behind it).
    set_archived(engine, v.id, True)
    assert _found(engine, "condor") == []
    assert _found(engine, "condor", include_archived=True) == [v.id]
    set_archived(engine, v.id, False)
    assert _found(engine, "condor") == [v.id]

    # Deleting a vendor's rows (tags, identifiers) and the vendor itself leaves nothing behind.
    with unit_of_work(engine, "tester") as s:
        for tag in s.exec(select(VendorTag).where(VendorTag.vendor_id == other.id)).all():
            s.delete(tag)
    assert _found(engine, "audio") == []
    with unit_of_work(engine, "tester") as s:
        s.add(PartyIdentifier(party_id=other.party_id, scheme="OTHER", value="QS-778899"))
    assert _found(engine, "778899") == [other.id]
    with unit_of_work(engine, "tester") as s:
        s.delete(s.exec(select(PartyIdentifier).where(PartyIdentifier.party_id == other.party_id)).one())
        s.delete(s.exec(select(Vendor).where(Vendor.id == other.id)).one())
        s.flush()
        s.delete(s.exec(select(Party).where(Party.id == other.party_id)).one())
    assert _found(engine, "778899") == [] and _found(engine, "quillstream") == []
    if engine.dialect.name == "sqlite":
        _assert_index_matches_tables(engine)


def _assert_index_matches_tables(engine: Engine) -> None:
    """Every index row equals what a rebuild from the tables would hold."""
    with engine.connect() as conn:
        stored = conn.execute(text(
            "SELECT rowid, name, aliases, identifiers, tags FROM register_search ORDER BY rowid")).all()
        conn.execute(text("CREATE TEMP TABLE expected AS SELECT p.id AS id, p.name_normalised AS name, "
                          "(SELECT group_concat(a.name, char(31)) FROM party_alias a WHERE a.party_id = p.id) AS aliases, "
                          "(SELECT group_concat(i.value, char(31)) FROM party_identifier i WHERE i.party_id = p.id) "
                          "AS identifiers, (SELECT group_concat(t.tag, char(31)) FROM vendor_tag t JOIN vendor v "
                          "ON v.id = t.vendor_id WHERE v.party_id = p.id) AS tags FROM party p"))
        expected = conn.execute(text("SELECT id, name, aliases, identifiers, tags FROM expected ORDER BY id")).all()
    assert [tuple(r) for r in stored] == [tuple(r) for r in expected]


@pytest.mark.parametrize("term", ["tessera", "TESSERA labeling", "gmbh", "data", "ltd", "xx", "s.", "a_b", "50%",
                                  "id0", "Contoso", "speech", "no such vendor"])
def test_index_gives_the_plain_search_results(demo_engine: Engine, term: str) -> None:
    assert _found(demo_engine, term) == _plain(demo_engine, term)
    assert _found(demo_engine, term, include_archived=True) == _plain(demo_engine, term, include_archived=True)


@pytest.mark.parametrize("term", ["data", "tessera", "ltd", "gmbh", "Contoso", "speech", "no such vendor"])
def test_dense_searches_walk_the_name_order_and_give_the_same_pages(demo_engine: Engine, term: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A term matching more than DENSE_MATCHES parties takes the name-index walk; pages stay identical."""
    if not has_search_index(demo_engine):
        pytest.skip("the trigram index is SQLite's")
    plain = _plain(demo_engine, term)
    monkeypatch.setattr(register, "DENSE_MATCHES", 1)
    with demo_engine.connect() as conn:
        dense = register.is_dense_search(conn, RegisterQuery(search=term))
    if len(plain) > 1:
        assert dense  # more matching vendors than DENSE_MATCHES: the walk is taken
    for limit, offset in ((2, 0), (2, 2), (50, 0)):
        got = vendor_ids(demo_engine, RegisterQuery(search=term), limit=limit, offset=offset)
        assert got == plain[offset:offset + limit]
    # Another sort order never takes the walk (it would not be in that order).
    with demo_engine.connect() as conn:
        assert not register.is_dense_search(conn, RegisterQuery(search=term, sort="country"))


def test_typing_on_from_a_term_matching_few_parties_skips_the_probe(demo_engine: Engine,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A term containing one already found to match few parties matches fewer still: no index probe on
    that keystroke, and the page is the complete list."""
    if not has_search_index(demo_engine):
        pytest.skip("the trigram index is SQLite's")
    from sqlalchemy import event

    monkeypatch.setattr(register, "DENSE_MATCHES", 1)
    probes: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if "MATCH" in statement and "count(*)" in statement:
            probes.append(statement)

    event.listen(demo_engine, "before_cursor_execute", seen)
    try:
        with demo_engine.connect() as conn:
            assert not register.is_dense_search(conn, RegisterQuery(search="tessera"))  # one vendor: probed
            assert len(probes) == 1
            assert not register.is_dense_search(conn, RegisterQuery(search="tessera lab"))
            assert len(probes) == 1  # typed on from it: not probed
            assert register.is_dense_search(conn, RegisterQuery(search="data"))  # another term is probed
            assert len(probes) == 2
    finally:
        event.remove(demo_engine, "before_cursor_execute", seen)
    assert vendor_ids(demo_engine, RegisterQuery(search="tessera lab"), limit=50) == _plain(demo_engine, "tessera lab")
