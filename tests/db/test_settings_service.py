"""Organisation settings and the competitor watchlist (both backends)."""

from __future__ import annotations

import pytest

from db.errors import ConflictError
from desktop.core.errors import UserError, ValidationError
from desktop.services import settings as svc


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(out, "PNG")
    return out.getvalue()


PNG = _png()


def test_defaults_save_and_conflict(engine):
    s = svc.get_settings(engine)
    assert s.beneficial_ownership_threshold == 25.0 and s.review_months_critical == 6
    s.name, s.language, s.review_months_low = "Acme AI", "es", 48
    saved = svc.save_settings(engine, s, actor="ana")
    again = svc.get_settings(engine)
    assert (again.name, again.language, again.review_months_low) == ("Acme AI", "es", 48)
    stale = svc.OrgSettings(**{**saved.__dict__, "version": saved.version})
    svc.save_settings(engine, saved)
    with pytest.raises(ConflictError):
        svc.save_settings(engine, stale)


@pytest.mark.parametrize("field, value", [("beneficial_ownership_threshold", 5.0), ("control_threshold", 40.0),
                                          ("review_months_high", 0), ("language", "fr")])
def test_invalid_settings_refused(engine, field, value):
    s = svc.get_settings(engine)
    setattr(s, field, value)
    with pytest.raises(ValidationError) as err:
        svc.save_settings(engine, s)
    assert err.value.field == field
    assert getattr(svc.get_settings(engine), field) != value


def test_logo(engine, tmp_path):
    png = tmp_path / "logo.png"
    png.write_bytes(PNG)
    assert svc.set_logo(engine, png).has_logo
    assert svc.get_logo(engine) == (PNG, "image/png")
    fake = tmp_path / "logo2.png"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)  # PNG signature, broken content
    with pytest.raises(UserError, match="not a PNG or JPEG"):
        svc.set_logo(engine, fake)
    with pytest.raises(UserError, match="PNG or JPEG"):
        svc.set_logo(engine, tmp_path / "logo.gif")
    assert svc.get_logo(engine) == (PNG, "image/png")
    assert not svc.set_logo(engine, None).has_logo


def test_competitor_watchlist(engine):
    entry = svc.save_competitor(engine, svc.CompetitorEntry("Contoso Platforms Inc.",
                                                            affiliates=["Contoso Ventures LLC", " ", "Contoso Labs"]))
    assert entry.affiliates == ["Contoso Labs", "Contoso Ventures LLC"]
    entry.affiliates = ["Contoso Ventures LLC"]
    svc.save_competitor(engine, entry)
    [listed] = svc.list_competitors(engine)
    assert listed.affiliates == ["Contoso Ventures LLC"]
    with pytest.raises(ValidationError, match="already has"):
        svc.save_competitor(engine, svc.CompetitorEntry("Contoso Platforms Inc."))
    with pytest.raises(ValidationError):
        svc.save_competitor(engine, svc.CompetitorEntry("X", lei="bad"))
    svc.remove_competitor(engine, listed.id)
    assert svc.list_competitors(engine) == []


def test_setting_problems_are_sentences_in_the_users_language() -> None:
    from dataclasses import replace

    from desktop.core import i18n

    bad = replace(svc.OrgSettings(), review_months_high=0, control_threshold=20)
    previous = i18n.current_language()
    try:
        i18n.set_language("es")
        problems = svc.validate_settings(bad)
    finally:
        i18n.set_language(previous)
    assert problems == {
        "control_threshold": "El umbral de control debe estar entre el 50 y el 100 %.",
        "review_months_high": "El intervalo de revisión de los proveedores de nivel alto debe ser de al menos un mes.",
    }
