"""Where the shipped resources (checklists, fonts, icons, translations, demo data) are."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    """``VETTA_RESOURCES`` overrides; a PyInstaller bundle keeps them beside the code."""
    override = os.environ.get("VETTA_RESOURCES")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
