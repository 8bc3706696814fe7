"""The shared reader every importer uses (issue 12, deliverable 5): ordinary files only, bounded, nesting bounded."""

from __future__ import annotations

import json
import os
import socket
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.errors import UserError
from desktop.core.files import MAX_DEPTH, check_yaml_depth, loads_json, nesting_depth, read_regular_file


def test_an_ordinary_file_and_a_link_to_one_are_read(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"name\nAcme\n")
    link = tmp_path / "link.csv"
    link.symlink_to(path)
    assert read_regular_file(path, 100) == read_regular_file(link, 100) == b"name\nAcme\n"
    assert read_regular_file(path, 10) == b"name\nAcme\n"  # exactly at the bound


def test_one_byte_over_the_bound_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"x" * 11)
    with pytest.raises(UserError, match=r"'.*a\.csv' is larger than 0\.0 MB, the limit for imports\.$"):
        read_regular_file(path, 10, what="imports")


def test_missing_folder_and_unreadable_are_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        read_regular_file(tmp_path / "nope.csv", 10)
    with pytest.raises(UserError, match="is a folder, not a file"):
        read_regular_file(tmp_path, 10)
    locked = tmp_path / "locked.csv"
    locked.write_bytes(b"x")
    locked.chmod(0)
    if os.geteuid() != 0:  # root reads anything
        with pytest.raises(UserError, match="cannot be read"):
            read_regular_file(locked, 10)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    """If the reader waited for a writer, the helper thread would connect and the file would read as empty."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    writer_done = threading.Event()

    def writer() -> None:  # blocks until someone opens the FIFO for reading
        with open(fifo, "wb"):
            pass
        writer_done.set()

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    with pytest.raises(UserError, match=r"is a named pipe \(FIFO\), not an ordinary file"):
        read_regular_file(fifo, 1024)
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # release the writer thread
    thread.join()
    os.close(fd)
    assert writer_done.is_set()


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_refused(device: str) -> None:
    with pytest.raises(UserError, match="is a device, not an ordinary file"):
        read_regular_file(Path(device), 1024 * 1024 * 1024)


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        with pytest.raises(UserError, match="socket"):
            read_regular_file(path, 1024)
    finally:
        server.close()


@settings(max_examples=60, deadline=None)
@given(size=st.integers(0, 70_000), limit=st.integers(0, 70_000))
def test_fuzz_bytes_come_back_exactly_or_the_file_is_refused(tmp_path_factory, size: int, limit: int) -> None:
    path = tmp_path_factory.mktemp("r") / "f.bin"
    data = os.urandom(size)
    path.write_bytes(data)
    if size <= limit:
        assert read_regular_file(path, limit) == data
    else:
        with pytest.raises(UserError, match="larger than"):
            read_regular_file(path, limit)


# --------------------------------------------------------------------------- nesting


def test_json_nested_a_million_deep_is_one_sentence() -> None:
    with pytest.raises(UserError, match="more than 64 levels deep") as info:
        loads_json("[" * 1_000_000 + "]" * 1_000_000, "deep.json")
    assert str(info.value).startswith("deep.json nests lists and objects")


def test_json_at_the_bound_passes_and_one_more_is_refused() -> None:
    assert nesting_depth(loads_json("[" * MAX_DEPTH + "]" * MAX_DEPTH, "ok.json")) == MAX_DEPTH
    with pytest.raises(UserError, match="levels deep"):
        loads_json("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "deep.json")


def test_invalid_json_names_line_and_column() -> None:
    with pytest.raises(UserError, match=r"^x\.json, line 2, column 1: this is not valid JSON"):
        loads_json(b'{"a": 1,\n}', "x.json")
    with pytest.raises(UserError, match="not UTF-8"):
        loads_json(b"\xff\xfe{}", "x.json")


@pytest.mark.parametrize("text", [
    "".join("  " * i + "k:\n" for i in range(1000)) + "  " * 1000 + "v\n",  # block mappings
    "".join("  " * i + "-\n" for i in range(1000)) + "  " * 1000 + "v\n",  # block sequences
    "[" * 100_000 + "]" * 100_000,  # flow
    "{a: " * 5000 + "1" + "}" * 5000,
])
def test_yaml_nested_deeper_than_the_bound_is_one_sentence(text: str) -> None:
    with pytest.raises(UserError, match=r"^t\.yaml, line \d+: lists and mappings nest more than 64 levels deep"):
        check_yaml_depth(text, "t.yaml")


def test_yaml_at_the_bound_and_broken_yaml_are_left_to_the_loader() -> None:
    check_yaml_depth("[" * MAX_DEPTH + "]" * MAX_DEPTH, "t.yaml")
    check_yaml_depth("a: [1, 2\nb: }", "t.yaml")  # a syntax error: the loader reports it with its line


nested = st.recursive(st.integers() | st.text(max_size=3), lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=3), inner, max_size=3), max_leaves=40)


@settings(max_examples=200, deadline=None)
@given(value=nested, bound=st.integers(1, 12))
def test_fuzz_depth_bounds_agree_for_json_and_yaml(value, bound: int) -> None:
    """A structure passes exactly when it nests no deeper than the bound, whether written as JSON or YAML."""
    import yaml

    depth = nesting_depth(value)
    text = json.dumps(value)
    if depth <= bound:
        assert loads_json(text, "v.json", max_depth=bound) == value
        check_yaml_depth(yaml.safe_dump(value), "v.yaml", max_depth=bound)
    else:
        with pytest.raises(UserError):
            loads_json(text, "v.json", max_depth=bound)
        with pytest.raises(UserError):
            check_yaml_depth(yaml.safe_dump(value), "v.yaml", max_depth=bound)
