"""The PyInstaller spec ships the compiled translations (and not their sources), whatever state the
checkout's .mo files are in. Building the bundle itself is CI's job (.ci/run, packaging/smoke.sh)."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest

from desktop.core import i18n

ROOT = Path(__file__).resolve().parents[2]


class _Recorder:
    """Stands in for PyInstaller's Analysis/PYZ/EXE/COLLECT: records what the spec asks for."""

    calls: dict[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _Recorder.calls[type(self).__name__] = kwargs
        self.pure = self.scripts = self.binaries = self.datas = []


def test_the_spec_compiles_the_catalogues_and_ships_only_the_mo(monkeypatch: pytest.MonkeyPatch):
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_data_files = lambda package: []  # type: ignore[attr-defined]
    hooks.collect_submodules = lambda package: []  # type: ignore[attr-defined]
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    mo = ROOT / "resources" / "locale" / "es" / "LC_MESSAGES" / "vetta.mo"
    before = mo.stat().st_ino if mo.exists() else None  # not deleted: other test processes may be reading it
    stubs = {name: type(name, (_Recorder,), {}) for name in ("Analysis", "PYZ", "EXE", "COLLECT")}
    spec = ROOT / "packaging" / "vetta.spec"
    exec(compile(spec.read_text(encoding="utf-8"), str(spec), "exec"), {"SPECPATH": str(spec.parent), **stubs})
    datas = _Recorder.calls["Analysis"]["datas"]
    assert (str(mo), "resources/locale/es/LC_MESSAGES") in datas
    assert mo.is_file() and mo.stat().st_ino != before  # compiled now, from the .po, whatever was there
    assert i18n.parse_mo(mo.read_bytes(), "es")["&Quit"] == "&Salir"
    shipped = [source for source, _dest in datas]
    assert not [s for s in shipped if s.endswith((".po", ".pot")) or s.endswith("locale")]
    assert (str(ROOT / "resources" / "checklists"), "resources/checklists") in datas
    assert (str(ROOT / "db" / "migrations"), "db/migrations") in datas
