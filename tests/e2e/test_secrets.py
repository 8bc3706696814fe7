"""Secrets never reach the database, the data folder or the logs (SQLite and PostgreSQL).

A full workflow through the real `vetta` program, in separate processes: demo data, a generated
identity (`identity new`) and an imported PKCS#12 identity with a passphrase (`identity import`),
an assessment answered, submitted and approved with a signature (`assessment approve --identity`),
a signed report exported. Then every byte of the database, of the whole data folder (logs and
backups included) is searched for the private keys (PEM body lines, PKCS#8 DER, the raw private
scalar in hex and in binary) and the passphrase (UTF-8 and UTF-16).

Why a file keyring: each `vetta` call is its own process, so the in-memory test keyring would forget
the key between `identity new` and `approve`. ``tests.support.file_keyring.FileKeyring`` keeps it in a
folder OUTSIDE the data folder (as the OS keyring is), which is deliberately not scanned.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tests.db.test_identities import make_p12
from tests.e2e.test_cli_assessment import _finish
from tests.support import file_keyring

PASSPHRASE = "Tr0ub4dor&3 correct horse 7731"


def needles(pem: str) -> dict[str, bytes]:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    scalar = key.private_numbers().private_value.to_bytes(32, "big")
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    found = {"scalar hex": scalar.hex().encode(), "scalar HEX": scalar.hex().upper().encode(), "scalar bytes": scalar,
             "DER": der, "DER base64": base64.b64encode(der)[:48], "DER hex": der.hex().encode()}
    body = [line for line in pem.splitlines() if line and not line.startswith("-----")]
    for i, line in enumerate(body):
        if len(line) >= 32:
            found[f"PEM line {i}"] = line.encode("ascii")
    return found


def scan(blobs: dict[str, bytes], secrets: dict[str, bytes]) -> list[str]:
    return [f"{what} found in {where}" for where, data in blobs.items() for what, s in secrets.items() if s in data]


@pytest.mark.slow
def test_no_key_or_passphrase_in_database_data_folder_or_logs(vetta, db_url: str, tmp_path: Path,
                                                             _isolated_data_dir: Path) -> None:
    keyring_dir = tmp_path / "os-keyring"  # outside the data folder, like the OS keyring
    assert not keyring_dir.is_relative_to(_isolated_data_dir)
    env = {"PYTHON_KEYRING_BACKEND": "tests.support.file_keyring.FileKeyring",
           file_keyring.ENV: str(keyring_dir), "VETTA_P12_PASSPHRASE": PASSPHRASE}

    url = make_url(db_url)
    postgres = url.get_backend_name() == "postgresql"
    suffix = uuid.uuid4().hex[:6]
    logins = {"marta": f"marta_{suffix}", "Olga Officer": f"olga_{suffix}"}

    def cli(*args: str, ok: bool = True, user: str = "marta"):
        if postgres:  # each person is a database login (--user is refused on PostgreSQL)
            who = ["--db", url.set(username=logins[user]).render_as_string(hide_password=False)]
        else:
            who = ["--db", db_url, "--user", user]
        r = vetta("-v", *who, *args, env=env)
        if ok:
            assert r.returncode == 0, r.stderr
        return r

    outputs: list[str] = []
    if postgres:
        assert vetta("--db", db_url, "demo", env=env).returncode == 0
        assert vetta("--db", db_url, "team", "init", env=env).returncode == 0
        for login, role in ((logins["marta"], "preparer"), (logins["Olga Officer"], "approver")):
            assert vetta("--db", db_url, "team", "add", login, "--role", role, env=env).returncode == 0
    else:
        cli("demo")
    outputs.append(cli("identity", "new", "Olga Officer", "--email", "olga@example.com", user="Olga Officer").stdout)
    p12 = tmp_path / "pedro.p12"
    make_p12(p12, PASSPHRASE, cn="Pedro Backup")
    outputs.append(cli("identity", "import", str(p12), "--name", "Pedro Backup", user="Olga Officer").stdout)
    aid = cli("assessment", "new", "Clearlabel Cooperativa S.Coop.").stdout.strip()
    _finish(cli, aid, tmp_path)
    outputs.append(cli("assessment", "submit", aid).stdout)
    r = cli("assessment", "approve", aid, "--identity", "Olga Officer", user="Olga Officer")
    assert "approved" in r.stdout
    outputs.append(r.stdout + r.stderr)
    report = _isolated_data_dir / "exports" / "signed.pdf"
    report.parent.mkdir(exist_ok=True)
    outputs.append(cli("report", aid, "-o", str(report)).stdout)
    outputs.append(cli("verify", str(report)).stdout)

    stored = file_keyring.entries(keyring_dir)
    assert len(stored) == 2  # both private keys went to the keyring
    secrets: dict[str, bytes] = {"passphrase": PASSPHRASE.encode(), "passphrase UTF-16": PASSPHRASE.encode("utf-16-le")}
    for n, pem in enumerate(stored.values()):
        secrets.update({f"key {n} {what}": s for what, s in needles(pem).items()})

    blobs: dict[str, bytes] = {}
    files = [p for p in _isolated_data_dir.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".log") for p in files), "the workflow wrote no log to scan"
    for p in files:
        blobs[str(p.relative_to(_isolated_data_dir))] = p.read_bytes()
    if url.get_backend_name() == "sqlite":
        db_file = Path(str(url.database))
        for suffix in ("", "-wal", "-shm", "-journal"):
            f = Path(f"{db_file}{suffix}")
            if f.exists():
                blobs[f.name] = f.read_bytes()
        assert blobs[db_file.name]
    else:  # every row of every table, as PostgreSQL prints it (bytea as hex)
        engine = create_engine(url.set(drivername="postgresql+psycopg"))
        try:
            with engine.connect() as conn:
                for table in inspect(conn).get_table_names():
                    rows = conn.execute(text(f'SELECT t::text FROM "{table}" t')).scalars().all()
                    blobs[f"table {table}"] = "\n".join(rows).encode("utf-8")
        finally:
            engine.dispose()
        assert blobs["table signing_identity"] and blobs["table signoff"]
    blobs["program output"] = "\n".join(outputs).encode("utf-8")
    if postgres:
        _drop_logins(db_url, logins.values())
    problems = scan(blobs, secrets)
    assert not problems, problems
    # the scan can find what it looks for: the keyring folder (outside the data folder) does hold the keys
    assert scan({"keyring": (keyring_dir / "keyring.json").read_bytes()}, {
        k: v for k, v in secrets.items() if k.endswith("PEM line 0")})


def _drop_logins(db_url: str, logins: Iterable[str]) -> None:
    """The logins are cluster-wide: drop them (after the test's database, which holds nothing of theirs)."""
    url = make_url(db_url).set(drivername="postgresql+psycopg")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            for login in logins:
                conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
    finally:
        admin.dispose()
