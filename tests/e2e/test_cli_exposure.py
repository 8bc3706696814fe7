"""`vetta vendors list` carries the competitor exposure: the JSON fields, the text column, the filter."""

from __future__ import annotations

import json


def test_vendors_list_carries_the_exposure(vetta):
    assert vetta("demo").returncode == 0
    r = vetta("vendors", "list", "--json", "--sort", "exposure")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    scalewise = rows[0]  # sorting by exposure lists the most exposed first
    assert scalewise["name"] == "Scalewise Data Inc." and rows[1]["name"] == "Meridian Synthetic Data Corp."
    assert scalewise["exposure"] == {
        "level": "control", "severity": 3, "competitor": "Contoso Platforms Inc.", "economic": [82.0, 82.0],
        "voting": [65.0, 65.0], "controlled": True, "controlled_via": "Alex Marlow", "board_seats": 1,
        "linked_people": 1, "linked_names": ["Alex Marlow"], "as_of": scalewise["exposure"]["as_of"]}
    assert scalewise["exposure_text"] == "Controlled by Contoso Platforms Inc. through Alex Marlow"
    assert rows[-1]["exposure"]["level"] == "none" and rows[-1]["exposure_text"] == ""
    reverse = json.loads(vetta("vendors", "list", "--json", "--sort", "exposure", "--desc").stdout)
    assert [row["name"] for row in reverse[-2:]] == ["Meridian Synthetic Data Corp.", "Scalewise Data Inc."]
    assert reverse[0]["exposure"]["level"] == "none"
    text = vetta("vendors", "list", "--exposure", "any").stdout.splitlines()
    assert len(text) == 3 and "Meridian Synthetic Data Corp." in text[0] and "Scalewise Data Inc." in text[1]
    assert "control 82%" in text[1] and "stake 12%" in text[0] and text[-1] == "2 vendor(s)"
    r = vetta("vendors", "list", "--search", "contoso", "--json")
    [row] = json.loads(r.stdout)
    assert row["match_reason"] == "via Contoso Ventures LLC (shareholder)"
    assert "(via Contoso Ventures LLC (shareholder))" in vetta("vendors", "list", "--search", "contoso").stdout
    r = vetta("vendors", "list", "--exposure", "sometimes")
    assert r.returncode == 2 and "invalid choice" in r.stderr and "Traceback" not in r.stderr
