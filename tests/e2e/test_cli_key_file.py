"""No keyring, no dead end from the command line: `vetta identity new` keeps the key in a passphrase-protected
key file when there is no OS keyring (keyring's 'fail' backend), `identity list` says where, and
`assessment approve` signs with it given the passphrase; the passphrase is in no file of the data folder."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.e2e.test_cli_assessment import _finish

Vetta = Callable[..., subprocess.CompletedProcess[str]]
PASSPHRASE = "Cabo de Gata 1987 azul"
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def test_identity_and_signature_without_a_keyring(vetta: Vetta, tmp_path: Path, _isolated_data_dir: Path) -> None:
    db = str(tmp_path / "e2e.sqlite3")

    def cli(*args: str, user: str = "marta", env: dict[str, str] | None = None,
            ok: bool = True) -> subprocess.CompletedProcess[str]:
        r = vetta("-v", "--db", db, "--user", user, *args, env={**NO_KEYRING, **(env or {})})
        if ok:
            assert r.returncode == 0, r.stderr
        return r

    cli("demo")
    # no passphrase to be had (not a terminal, no variable): one sentence, exit 2, nothing created
    r = cli("identity", "new", "Alba Aprobadora", user="Alba Aprobadora", ok=False)
    assert r.returncode == 2
    assert "No usable OS keyring here: the private key goes into a passphrase-protected key file" in r.stderr
    assert "vetta: error: A passphrase is needed for the key file: run in a terminal to be asked, or set " \
           "VETTA_P12_PASSPHRASE." in r.stderr
    r = cli("identity", "new", "Alba Aprobadora", user="Alba Aprobadora", env={"VETTA_P12_PASSPHRASE": "short"},
            ok=False)
    assert r.returncode == 2 and "at least 12 characters" in r.stderr
    assert json.loads(cli("identity", "list", "--json").stdout) == []

    r = cli("identity", "new", "Alba Aprobadora", user="Alba Aprobadora", env={"VETTA_P12_PASSPHRASE": PASSPHRASE})
    assert "The private key is in the key file " in r.stdout
    listed = json.loads(cli("identity", "list", "--json").stdout)
    key_file = Path(listed[0]["key_file"])
    assert listed[0]["key_store"] == "file" and key_file.parent == _isolated_data_dir / "keys" and key_file.is_file()
    assert f"key in the passphrase-protected file {key_file}" in cli("identity", "list").stdout

    aid = cli("assessment", "new", "Clearlabel Cooperativa S.Coop.").stdout.strip()
    _finish(cli, aid, tmp_path)
    cli("assessment", "submit", aid)
    r = cli("assessment", "approve", aid, "--identity", "Alba Aprobadora", user="Alba Aprobadora", ok=False)
    assert r.returncode == 2 and "A passphrase is needed" in r.stderr
    r = cli("assessment", "approve", aid, "--identity", "Alba Aprobadora", user="Alba Aprobadora",
            env={"VETTA_P12_PASSPHRASE": "not the passphrase"}, ok=False)
    assert r.returncode == 2 and "the passphrase is wrong" in r.stderr
    assert json.loads(cli("assessment", "show", aid, "--json").stdout)["status"] == "in_review"
    cli("assessment", "approve", aid, "--identity", "Alba Aprobadora", user="Alba Aprobadora",
        env={"VETTA_P12_PASSPHRASE": PASSPHRASE})
    pdf = tmp_path / "signed.pdf"
    cli("report", aid, "-o", str(pdf))
    verdict = json.loads(cli("verify", str(pdf), "--json").stdout)
    assert verdict["intact"] and verdict["trusted"], verdict

    # the passphrase is in no file: not the database, not the data folder (logs, backups, the key file)
    secrets = (PASSPHRASE.encode(), PASSPHRASE.encode("utf-16-le"))
    for path in [Path(db), *[p for p in _isolated_data_dir.rglob("*") if p.is_file()]]:
        data = path.read_bytes()
        assert not any(s in data for s in secrets), path


def test_a_keyring_that_refuses_falls_back_to_the_key_file(vetta: Vetta) -> None:
    env = {"PYTHON_KEYRING_BACKEND": "tests.support.refusing_keyring.RefusingKeyring",
           "VETTA_P12_PASSPHRASE": PASSPHRASE}
    r = vetta("identity", "new", "Alba Aprobadora", env=env)
    assert r.returncode == 0, r.stderr
    assert "The OS keyring refused to store the key: it goes into a passphrase-protected key file" in r.stderr
    listed = json.loads(vetta("identity", "list", "--json", env=env).stdout)
    assert [(i["name"], i["key_store"], i["key_file_present"]) for i in listed] == [("Alba Aprobadora", "file", True)]
