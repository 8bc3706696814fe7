"""The register search index of migration 0003 stays in sync and gives the plain LIKE's results
(both backends), and db/migrate.py's cheap revision reader agrees with Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from db import migrate
from db.engine import unit_of_work
from db.models import Party, PartyAlias, PartyIdentifier, Vendor, VendorTag, search_key
from desktop.services import register
from desktop.services.register import RegisterQuery, has_search_index, has_search_order, vendor_ids
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
            assert has_search_index(engine) and has_search_order(engine)
            assert conn.execute(text("SELECT count(*) FROM register_search")).scalar_one() == 0
            assert conn.execute(text("SELECT count(*) FROM register_search_order")).scalar_one() == 0
        else:
            assert not has_search_index(engine) and not has_search_order(engine)
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
    # The name-ordered table of migration 0009: the same texts, each value followed by char(31).
    with engine.connect() as conn:
        walked = conn.execute(text("SELECT party_id, name_key, other FROM register_search_order ORDER BY party_id")).all()
    values = {r[0]: sorted(v for column in r[2:] if column for v in column.split("\x1f")) for r in expected}
    assert [(r[0], r[1]) for r in walked] == [(r[0], r[1]) for r in expected]
    for party_id, _name, other in walked:
        assert other == "" or other.endswith("\x1f")
        assert sorted(v for v in other.split("\x1f") if v) == values[party_id]


@pytest.mark.parametrize("term", ["tessera", "TESSERA labeling", "gmbh", "data", "ltd", "xx", "s.", "a_b", "50%",
                                  "id0", "Contoso", "speech", "no such vendor"])
def test_index_gives_the_plain_search_results(demo_engine: Engine, term: str) -> None:
    assert _found(demo_engine, term) == _plain(demo_engine, term)
    assert _found(demo_engine, term, include_archived=True) == _plain(demo_engine, term, include_archived=True)


WALK_TERMS = ["data", "tessera", "ltd", "gmbh", "Contoso", "speech", "no such vendor", "da", "s", "xx", "ES",
              "Ñandú", "lab"]


@pytest.mark.parametrize("term", WALK_TERMS)
@pytest.mark.parametrize("dense_at", [1, register.DENSE_MATCHES])
def test_every_search_plan_gives_the_plain_search_pages(sqlite_demo_engine: Engine, term: str, dense_at: int,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the plan (the trigram index's short list, or the name-ordered walk for a term matching
    more than DENSE_MATCHES parties or too short for trigrams), pages and whole lists are the plain LIKE's."""
    monkeypatch.setattr(register, "DENSE_MATCHES", dense_at)
    plain = _plain(sqlite_demo_engine, term)
    with sqlite_demo_engine.connect() as conn:
        plan = register.search_plan(conn, RegisterQuery(search=term), True, True)
    if not register.fts_usable(term):
        assert plan.walk and plan.fts_ids is None  # too short for trigrams: walked
    elif plan.fts_ids is not None:
        assert len(plan.fts_ids) <= dense_at and not plan.walk  # few parties: the index's list, read once
    else:
        assert plan.dense and plan.walk == term.isascii()  # many: walked in name order, not sorted
    if term == "data":
        assert plan.walk == (dense_at == 1)
    if term == "tessera":
        assert plan.fts_ids is not None and len(plan.fts_ids) >= 1
    assert vendor_ids(sqlite_demo_engine, RegisterQuery(search=term)) == plain
    for limit, offset in ((2, 0), (2, 2), (50, 0)):
        assert vendor_ids(sqlite_demo_engine, RegisterQuery(search=term), limit=limit, offset=offset) \
            == plain[offset:offset + limit]
    assert vendor_ids(sqlite_demo_engine, RegisterQuery(search=term, include_archived=True)) \
        == _plain(sqlite_demo_engine, term, include_archived=True)
    # Another order never takes the walk (it would not be in that order), nor does a term with wildcards.
    with sqlite_demo_engine.connect() as conn:
        assert not register.search_plan(conn, RegisterQuery(search=term, sort="country"), True, True).walk
        assert not register.search_plan(conn, RegisterQuery(search=term, descending=True), True, True).walk
        assert not register.search_plan(conn, RegisterQuery(search=term + "%"), True, True).walk
    assert vendor_ids(sqlite_demo_engine, RegisterQuery(search=term, sort="country"), limit=50) \
        == _plain(sqlite_demo_engine, term, sort="country")[:50]


def test_the_walk_reads_only_the_covering_index(sqlite_demo_engine: Engine) -> None:
    """The walk's point is to stop at the page's LIMIT in name order: SQLite must scan the covering
    index of migration 0009, not sort (a plan regression would be silently slow at 100,000 vendors)."""
    assert has_search_index(sqlite_demo_engine) and has_search_order(sqlite_demo_engine)
    query = RegisterQuery(search="da")
    with sqlite_demo_engine.connect() as conn:
        plan = register.search_plan(conn, query, True, True)
        assert plan.walk
        compiled = register.filtered_statement(query, fts=True, plan=plan).limit(121).compile(
            dialect=sqlite_demo_engine.dialect, compile_kwargs={"literal_binds": True})
        steps = [str(r[3]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")]
    assert steps[0] == "SCAN register_search_order USING COVERING INDEX ix_search_order_walk"
    assert not any("TEMP B-TREE FOR ORDER BY" in step for step in steps)


def test_a_match_never_spans_two_values_of_a_party(engine: Engine) -> None:
    """The walk tests a party's aliases, identifiers and tags as one text: the separator after each value
    keeps a term from matching across two of them (alias "Nord" + tag "stream" is not "dstr")."""
    v = create_vendor(engine, VendorForm(name="Quillon Ltd", tags=["stream"]))
    with unit_of_work(engine, "tester") as s:
        s.add(PartyAlias(party_id=v.party_id, name="Nord"))
    for term in ("dstr", "ds", "rdstream", "nord", "stre", "stream"):
        assert _found(engine, term) == _plain(engine, term), term
    assert _found(engine, "dstr") == [] and _found(engine, "nord") == [v.id] and _found(engine, "ds") == []


def test_a_search_reads_the_trigram_index_once(sqlite_demo_engine: Engine) -> None:
    """A term matching few parties: the plan's list of ids is what the register query uses (the index is
    not matched a second time inside it)."""
    from sqlalchemy import event

    matches: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if "MATCH" in statement:
            matches.append(statement)

    event.listen(sqlite_demo_engine, "before_cursor_execute", seen)
    try:
        got = vendor_ids(sqlite_demo_engine, RegisterQuery(search="tessera lab"), limit=50)
    finally:
        event.remove(sqlite_demo_engine, "before_cursor_execute", seen)
    assert len(matches) == 1
    assert got == _plain(sqlite_demo_engine, "tessera lab") != []


def _random_register(engine: Engine, seed: int, n: int = 240) -> None:
    """Vendors whose names, aliases, identifiers and tags are short words over a small alphabet (so any
    term of a few letters matches some and not others), and shareholdings between their parties."""
    import random

    from sqlalchemy import insert

    from db.models import Interest

    rnd = random.Random(seed)

    def word() -> str:
        return "".join(rnd.choice("abcdeñ") for _ in range(rnd.randint(2, 5)))

    with engine.begin() as conn:
        names = [f"{word().title()} {word()}" for _ in range(n)]
        conn.execute(insert(Party), [{"id": i + 1, "name": name, "name_normalised": search_key(name), "kind": "entity",
                                      "notes": "", "version": 1, "is_listed": False} for i, name in enumerate(names)])
        conn.execute(insert(Vendor), [{"id": i, "party_id": i, "services": "", "tier": "low", "status": "active",
                                       "internal_owner": "", "notes": "", "version": 1,
                                       "archived_at": None} for i in range(1, n + 1) if i % 7])
        conn.execute(insert(PartyAlias), [{"party_id": i, "name": word().upper()} for i in range(1, n + 1, 3)])
        conn.execute(insert(PartyIdentifier), [{"party_id": i, "scheme": "OTHER", "value": f"{word()}-{i}"}
                                               for i in range(1, n + 1, 5)])
        conn.execute(insert(VendorTag), [{"vendor_id": i, "tag": word()} for i in range(1, n + 1) if i % 7 and i % 2])
        conn.execute(insert(Interest), [{
            "interested_party_id": i, "subject_id": rnd.randint(1, n), "interest_type": "shareholding",
            "direct_or_indirect": "direct", "details": "", "source": "", "role_title": "", "version": 1,
            "beneficial_ownership_or_control": True, "share_min_exclusive": False, "share_max_exclusive": False,
            "share_exact": 10.0} for i in range(7, n + 1, 7)])


@pytest.fixture(scope="module")
def random_register(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from desktop.services.database import open_database

    engine = open_database(str(tmp_path_factory.mktemp("walk") / "vetta.sqlite3"), daily_backup=False)
    _random_register(engine, seed=2026)
    yield engine
    engine.dispose()


def _indexed(engine: Engine, term: str) -> list[int]:
    """The whole list through the trigram index's own path (what the count and the export use)."""
    stmt = register.filtered_statement(RegisterQuery(search=term), dialect="sqlite", fts=True)
    with engine.connect() as conn:
        return [int(r[0]) for r in conn.execute(stmt)]


@settings(max_examples=150, deadline=None)
@given(term=st.text(alphabet="abcdeñÑ -%_", min_size=1, max_size=5), dense_at=st.sampled_from([0, 5, 2000]),
       page=st.sampled_from([(3, 0), (5, 4), (40, 0)]))
def test_any_term_gives_the_plain_search_whatever_the_plan(random_register: Engine, term: str, dense_at: int,
                                                           page: tuple[int, int]) -> None:
    """Attack the walk and the trigram index's short list with arbitrary terms (wildcards, spaces, one
    letter or five, ñ in either case) on a register where every term matches by name, alias,
    identifier, tag or through a shareholder: every page and the whole list are the plain LIKE
    search's, and the count agrees. (A non-ASCII term of three letters or more follows the trigram
    index, which folds the case of ñ in aliases where SQLite's LIKE does not.)"""
    assume(term.strip())
    original = register.DENSE_MATCHES
    register.DENSE_MATCHES = dense_at
    try:
        expected = _indexed(random_register, term)
        if term.isascii() or not register.fts_usable(term):
            assert expected == _plain(random_register, term)
        limit, offset = page
        assert vendor_ids(random_register, RegisterQuery(search=term), limit=limit, offset=offset) \
            == expected[offset:offset + limit]
        assert vendor_ids(random_register, RegisterQuery(search=term)) == expected
        assert register.count_vendors(random_register, RegisterQuery(search=term)) == len(expected)
    finally:
        register.DENSE_MATCHES = original
