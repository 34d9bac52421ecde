"""Leg edits (`--legs FILE`): reading CSV and YAML, one-line errors, applying to a story."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import make_story

from geostory.errors import ConfigurationError
from geostory.leg_edits import apply_leg_edits, load_leg_edits


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_and_yaml_read_the_same_edits(tmp_path):
    csv_file = _write(
        tmp_path, "l.csv", "origin,destination,occurrence,drop,mode\nPyongyang,Vladivostok,2,,rail\n"
    )
    yaml_file = _write(
        tmp_path, "l.yaml", "- {origin: Pyongyang, destination: Vladivostok, occurrence: 2, mode: rail}\n"
    )

    def seen(path: Path) -> list[tuple]:
        return [(e.origin, e.destination, e.occurrence, e.drop, e.mode) for e in load_leg_edits(path)]

    assert seen(csv_file) == seen(yaml_file) == [("Pyongyang", "Vladivostok", 2, False, "rail")]


def test_a_defused_formula_cell_reads_back(tmp_path):
    path = _write(tmp_path, "l.csv", "origin,destination,drop\n'=Moscow,Pyongyang,true\n")
    assert load_leg_edits(path)[0].origin == "=Moscow"


def test_applying_drops_and_changes_modes():
    story = make_story()
    edits = load_leg_edits_text(
        "origin,destination,occurrence,drop,mode\nPyongyang,Vladivostok,1,,road\nMoscow,Pyongyang,,yes,\n"
    )
    edited = apply_leg_edits(story, edits)
    assert [(leg.origin.name, leg.destination.name, leg.mode) for leg in edited.legs] == [
        ("Pyongyang", "Vladivostok", "road"),
        ("Pyongyang", "Vladivostok", "air"),
    ]
    assert not edited.legs[0].mode_inferred


def load_leg_edits_text(text: str, suffix: str = ".csv"):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"legs{suffix}"
        path.write_text(text, encoding="utf-8")
        return load_leg_edits(path)


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("l.csv", "origin,destination,mode\nA,B,boat\n", "line 2: mode 'boat' is not one of rail, air"),
        ("l.csv", "origin,destination\nA,B\n", "line 2: 'A' -> 'B' says neither drop nor mode"),
        ("l.csv", "origin,mode\nA,air\n", "line 1: the header needs destination"),
        ("l.csv", "origin,destination,colour\n", "line 1: unknown column 'colour'"),
        ("l.csv", "origin,destination,drop\n,B,true\n", "line 2: the origin is empty"),
        ("l.csv", "origin,destination,drop\nA,B,maybe\n", "line 2: drop 'maybe' is not true or false"),
        ("l.csv", "origin,destination,occurrence,drop\nA,B,0,1\n", "line 2: occurrence '0' is not a count"),
        (
            "l.csv",
            "origin,destination,drop\nA,B,1\nA,B,1\n",
            "line 3: 'A' -> 'B' is already edited on line 2",
        ),
        ("l.csv", 'origin,destination,drop\n"A,B,1\n', "legs file"),
        ("l.yaml", "origin: A\n", "line 1: expected a list of legs"),
        ("l.yaml", "- {origin: [A], destination: B}\n", "line 1: keys and values must be plain"),
        ("l.yaml", "- {origin: A, destination: B\n", "invalid YAML"),
        ("l.yaml", "- &a {origin: A, destination: B, drop: *a}\n", "legs file"),
    ],
)
def test_bad_files_give_one_line_errors(tmp_path, name, text, message):
    path = _write(tmp_path, name, text)
    with pytest.raises(ConfigurationError) as caught:
        load_leg_edits(path)
    shown = str(caught.value)
    assert message in shown and "\n" not in shown and str(path) in shown


def test_missing_binary_and_directory_files(tmp_path):
    with pytest.raises(ConfigurationError, match="legs file not found"):
        load_leg_edits(tmp_path / "none.csv")
    with pytest.raises(ConfigurationError, match="is a directory"):
        load_leg_edits(tmp_path)
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"origin,destination,drop\n\xff\xfe,B,1\n")
    with pytest.raises(ConfigurationError, match="line 2: not UTF-8"):
        load_leg_edits(binary)


def test_an_edit_matching_no_leg_is_an_error():
    edits = load_leg_edits_text("origin,destination,drop\nParis,Vladivostok,true\n")
    with pytest.raises(ConfigurationError, match="line 2: no leg from 'Paris' to 'Vladivostok'"):
        apply_leg_edits(make_story(), edits)
    edits = load_leg_edits_text("origin,destination,occurrence,drop\nPyongyang,Vladivostok,3,true\n")
    with pytest.raises(ConfigurationError, match=r"\(occurrence 3\)"):
        apply_leg_edits(make_story(), edits)


def test_cli_build_reports_a_bad_legs_file_on_one_line(geostory_cli, seed_copy, tmp_path):
    legs = _write(tmp_path, "legs.csv", "origin,destination,mode\nPyongyang,Vladivostok,hovercraft\n")
    before = legs.read_bytes()
    result = geostory_cli("build", str(seed_copy), "-o", "m.html", "--legs", str(legs))
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "hovercraft" in result.stderr
    assert legs.read_bytes() == before
    result = geostory_cli("build", str(seed_copy), "-o", str(legs), "--legs", str(legs))
    assert result.returncode != 0 and legs.read_bytes() == before  # the legs file is never overwritten
