"""The files a user hands back (places and legs) are read by one reader: same checks, same messages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from geostory import leg_edits, overrides
from geostory.errors import ConfigurationError

LOADERS = {  # how messages name the file: its loader, a CSV header and row, the row in YAML
    "overrides file": (overrides.load_overrides, "name,latitude,longitude\n", "A,1,2\n", "A: [1, 2]\n"),
    "legs file": (
        leg_edits.load_leg_edits,
        "origin,destination,mode\n",
        "A,B,air\n",
        "- origin: A\n  destination: B\n  mode: air\n",  # block style: a flow one sniffs as CSV
    ),
}


def _refused(load, path: Path) -> str:
    with pytest.raises(ConfigurationError) as caught:
        load(path)
    message = str(caught.value)
    assert "\n" not in message  # one line, however the file is broken
    return message


@pytest.mark.parametrize("label", LOADERS)
@pytest.mark.parametrize(
    "name, body, message",
    [
        ("x.csv", b"HEADER\xff,B,1\n", "{label} {path}, line 2: not UTF-8 text"),
        ("x.csv", b'HEADER"A,B\n', "{label} {path}, line 2: unexpected end of data"),
        ("x.csv", b"\n# only a comment\n", "{label} {path}, line 1: no header; the first line must be "),
        ("x.yaml", b"- {a: 1\n", "{label} {path}, line 2: invalid YAML: expected ',' or '}}'"),
        ("x.yaml", b"[" * 5000 + b"]" * 5000, "{label} {path}: YAML nested too deeply"),
    ],
)
def test_a_broken_file_is_refused_alike_by_both_readers(tmp_path, label, name, body, message):
    load, header, *_ = LOADERS[label]
    path = tmp_path / name
    path.write_bytes(body.replace(b"HEADER", header.encode()))
    assert _refused(load, path).startswith(message.format(label=label, path=path))


@pytest.mark.parametrize("label", LOADERS)
def test_only_a_regular_file_within_the_size_cap_is_read(tmp_path, monkeypatch, label):
    load, header, row, _ = LOADERS[label]
    module = overrides if label == "overrides file" else leg_edits
    assert _refused(load, tmp_path / "none.csv") == f"{label} not found: {tmp_path / 'none.csv'}"
    assert _refused(load, tmp_path) == f"{label} {tmp_path} is a directory"
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    assert _refused(load, fifo) == f"{label} {fifo} is not a regular file (a FIFO or device)"
    monkeypatch.setattr(module, "MAX_BYTES", 100)
    big = tmp_path / "big.csv"
    big.write_text(header + row * 50)
    assert _refused(load, big) == f"{label} {big} is larger than 100 bytes"


@pytest.mark.parametrize("label", LOADERS)
def test_a_file_without_a_telling_suffix_is_sniffed(tmp_path, label):
    load, header, row, yaml_row = LOADERS[label]
    as_csv, as_yaml = tmp_path / "csv", tmp_path / "yaml.txt"
    as_csv.write_text(header + row)
    as_yaml.write_text(yaml_row)
    assert len(load(as_csv)) == len(load(as_yaml)) == 1
