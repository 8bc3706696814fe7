"""The cheap revision reader of db/migrate.py agrees with Alembic's own ScriptDirectory."""

from __future__ import annotations

from db import migrate


def test_revision_map_matches_alembic():
    script = migrate.script_directory()
    assert migrate.known_revisions() == {r.revision for r in script.walk_revisions()}
    assert migrate.head_revision() == script.get_current_head()
    for rev in script.walk_revisions():
        assert migrate.revision_map()[rev.revision] == rev.down_revision
