"""The CLI benchmark still runs; building the parser stays free of heavy imports. No time is asserted."""

from __future__ import annotations

import subprocess
import sys

from desktop.cli import choices
from tests.bench import bench_cli
from tests.bench.bench_cli import ROOT


def test_cli_benchmark_smoke():
    results = bench_cli.run(smoke=True)
    assert [r.name.split(" (")[0] for r in results] == ["vetta --version", "vetta --help", "vetta vendors list"]
    for r in results:
        assert r.median_s > 0 and r.target and r.baseline_median_s and r.ratio is not None


HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pyhanko", "reportlab", "openpyxl", "jsonschema", "rapidfuzz",
         "babel", "PySide6", "pydantic", "yaml", "keyring", "desktop.services", "db")


# Light parts of db/ that the start-up may load: the package itself (empty), the message hook that
# desktop.core.i18n installs its translator into, the database's location.
LIGHT_DB = ("db", "db.messages", "db.location")


def test_parser_imports_nothing_heavy():
    code = ("import sys, desktop.cli.main as m; m.build_parser().format_help(); "
            f"print(sorted(n for n in sys.modules if (n.split('.')[0] in {HEAVY!r} and n not in {LIGHT_DB!r}) "
            "or n.startswith('desktop.services')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


def test_version_runs_without_the_database_layer():
    code = ("import sys, runpy\nsys.argv = ['vetta', '--version']\n"
            "try:\n    runpy.run_module('desktop', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print('sqlalchemy' in sys.modules, any(n.startswith('db.') and n not in "
            f"{LIGHT_DB!r} for n in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    assert out.strip().splitlines()[-1] == "False False"


def test_parser_choices_mirror_the_services():
    from desktop.services import register, register_io

    assert choices.SORT_COLUMNS == register.SORT_COLUMNS
    assert choices.RATINGS == register.RATINGS
    assert choices.IMPORT_FIELD_NAMES == tuple(register_io.IMPORT_FIELDS)
