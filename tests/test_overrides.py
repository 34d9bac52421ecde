"""Overrides files: CSV and YAML in, {normalized name: Override} out, mistakes named by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from geostory.errors import ConfigurationError
from geostory.model import Mention, Place, Span
from geostory.overrides import Override, load_overrides, normalize_name, write_overrides


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Kyiv", "kyiv"),
        ("  KYIV  ", "kyiv"),
        ("The Hague", "hague"),
        ("the  gambia", "gambia"),
        ("Kraków", "krakow"),
        ("Przemyśl", "przemysl"),
        ("São Paulo", "sao paulo"),
        ("Theodosia", "theodosia"),  # 'the' only as a word
        ("The", "the"),
        ("Côte d’Ivoire", normalize_name("Cote d'Ivoire")),
        ("St. Petersburg", normalize_name("St Petersburg")),
        ("STRASSE", normalize_name("straße")),
    ],
)
def test_normalize_name(name, expected):
    assert normalize_name(name) == expected


# --- CSV -----------------------------------------------------------------------------------------


def test_load_csv_overrides(tmp_path):
    path = write(
        tmp_path,
        "o.csv",
        (
            "name,latitude,longitude,exclude,place_type,display_name\n"
            "Georgia,32.68,-83.22,,region,Georgia (US state)\n"
            "Sumy,,,true,,\n"
            "The Hague,52.08,4.31,no,city,\n"
        ),
    )
    assert load_overrides(path) == {
        "georgia": Override("Georgia", 32.68, -83.22, False, "region", "Georgia (US state)"),
        "sumy": Override("Sumy", None, None, True, None, None),
        "hague": Override("The Hague", 52.08, 4.31, False, "city", None),
    }


def test_load_csv_column_order_aliases_bom_crlf_and_info_columns(tmp_path):
    path = tmp_path / "o.csv"
    path.write_bytes(
        "\ufeffLat,Lon,Name,source,confidence\r\n50.45,30.52,Kyiv,geonames,0.9\r\n\r\n".encode("utf-8")
    )
    assert load_overrides(path) == {"kyiv": Override("Kyiv", 50.45, 30.52, False, None, None)}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("name,latitude,longitude\nKyiv,123,30.5\n", 2, "latitude 123 out of range"),
        ("name,latitude,longitude\nKyiv,50.4,30.5\nLviv,49.8,-200\n", 3, "longitude -200 out of range"),
        ("name,latitude,longitude\nKyiv,fifty,30.5\n", 2, "latitude 'fifty' is not a number"),
        ("name,latitude,longitude\nKyiv,nan,30.5\n", 2, "latitude nan out of range"),
        ("name,latitude,longitude\nKyiv,50.4,\n", 2, "has a latitude but no longitude"),
        ("name,latitude,longitude\n,50.4,30.5\n", 2, "the name is empty"),
        ("name,exclude\nKyiv,maybe\n", 2, "exclude 'maybe' is not true or false"),
        ("name,place_type\nKyiv,town\n", 2, "place_type 'town' is not one of"),
        ("name,latitude,longitude\nKyiv,50.4,30.5,extra\n", 2, "4 fields but the header has 3"),
        ("name,latitdue,longitude\n", 1, "unknown column 'latitdue'"),
        ("Kyiv,50.4,30.5\n", 1, "unknown column 'Kyiv'"),
        ("latitude,longitude\n50.4,30.5\n", 1, "needs a 'name' column"),
        ("", 1, "no header"),
        ("name,latitude,longitude\nKyiv,50.4,30.5\nkyiv,50.5,30.6\n", 3, "already set on line 2"),
        ('name,latitude,longitude\n"Kyiv,50.4,30.5\n', 2, "unexpected end of data"),
    ],
)
def test_load_csv_mistakes_name_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, "places.csv", text)
    with pytest.raises(ConfigurationError) as info:
        load_overrides(path)
    assert f"{path}, line {line}: " in str(info.value)
    assert message in str(info.value)


def test_load_missing_file_names_it(tmp_path):
    with pytest.raises(ConfigurationError, match="not found: .*nope.csv"):
        load_overrides(tmp_path / "nope.csv")


def test_load_non_utf8_file_names_line(tmp_path):
    path = tmp_path / "o.csv"
    path.write_bytes(b"name,latitude,longitude\nK\xf6ln,50.9,6.9\n")
    with pytest.raises(ConfigurationError, match=r"o.csv, line 2: not UTF-8"):
        load_overrides(path)


# --- YAML ----------------------------------------------------------------------------------------


def test_load_yaml_mapping_form(tmp_path):
    path = write(
        tmp_path,
        "o.yaml",
        (
            "Georgia: {lat: 32.68, lon: -83.22, place_type: region}\n"
            "Sumy: {exclude: true}\n"
            "Przemyśl: [49.78, 22.77]\n"
        ),
    )
    assert load_overrides(path) == {
        "georgia": Override("Georgia", 32.68, -83.22, False, "region", None),
        "sumy": Override("Sumy", None, None, True, None, None),
        "przemysl": Override("Przemyśl", 49.78, 22.77, False, None, None),
    }


def test_load_yaml_list_form(tmp_path):
    path = write(
        tmp_path,
        "o.yml",
        (
            "- name: Kyiv\n  latitude: 50.45\n  longitude: 30.52\n  display_name: Kyiv (capital)\n"
            "- name: Sumy\n  exclude: yes\n"
        ),
    )
    assert load_overrides(path) == {
        "kyiv": Override("Kyiv", 50.45, 30.52, False, None, "Kyiv (capital)"),
        "sumy": Override("Sumy", None, None, True, None, None),
    }


def test_load_empty_yaml_is_no_overrides(tmp_path):
    assert load_overrides(write(tmp_path, "o.yaml", "# nothing yet\n")) == {}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Kyiv: {lat: 50.4, lon: 30.5}\nLviv: {lat: 123, lon: 24}\n", 2, "latitude 123 out of range"),
        (
            "- name: Kyiv\n  lat: 50.4\n  lon: 30.5\n- name: Lviv\n  lat: 49.8\n  lon: 999\n",
            4,
            "longitude 999 out of range",
        ),
        ("Kyiv: {lat: 50.4, lon: 30.5\nLviv: {}\n", 2, "invalid YAML"),
        ("Kyiv: 50.4\n", 1, "needs a mapping"),
        ("- Kyiv\n", 1, "expected a mapping"),
        ("just a string\n", 1, "expected a list of places or a mapping"),
        ("Kyiv: {lat: 50.4, lon: 30.5, colour: red}\n", 1, "unknown column 'colour'"),
        ("Kyiv: {exclude: perhaps}\n", 1, "exclude 'perhaps' is not true or false"),
        ("- lat: 1\n  lon: 2\n", 1, "the name is empty"),
    ],
)
def test_load_yaml_mistakes_name_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, "o.yaml", text)
    with pytest.raises(ConfigurationError) as info:
        load_overrides(path)
    assert f"{path}, line {line}: " in str(info.value)
    assert message in str(info.value)


# --- writing ------------------------------------------------------------------------------------


def place(name: str, lat: float, lon: float, *spellings: str, start: int = 0) -> Place:
    sentence = Span("s", 0, 1)
    mentions = tuple(
        Mention(text=s, start=start + i * 10, end=start + i * 10 + len(s), sentence=sentence, label="GPE")
        for i, s in enumerate(spellings)
    )
    return Place(
        key=f"geonames:{name}",
        name=name,
        latitude=lat,
        longitude=lon,
        place_type="city",
        country_code="UA",
        mentions=mentions,
        source="geonames",
        confidence=0.87654,
    )


STORY_PLACES = [
    place("Lviv", 49.83826, 24.02324, "Lviv", start=50),
    place("Kyiv", 50.4501, 30.5234, "Kyiv", "Kiev", "kyiv", start=5),
]


@pytest.mark.parametrize("suffix", [".csv", ".yaml"])
def test_write_then_load_round_trips(tmp_path, suffix):
    path = tmp_path / f"places{suffix}"
    write_overrides(STORY_PLACES, path)
    loaded = load_overrides(path)
    assert list(loaded) == ["kyiv", "kiev", "lviv"]  # story order, one row per spelling
    assert loaded["kiev"] == Override("Kiev", 50.4501, 30.5234, False, "city", None)
    assert loaded["lviv"].latitude == 49.83826


def test_write_csv_is_editable(tmp_path):
    path = tmp_path / "places.csv"
    write_overrides(STORY_PLACES[:1], path)
    assert path.read_text(encoding="utf-8") == (
        "name,latitude,longitude,exclude,place_type,display_name,resolved_name,source,confidence,country_code\n"
        "Lviv,49.83826,24.02324,False,city,,Lviv,geonames,0.877,UA\n"
    )
    edited = path.read_text(encoding="utf-8").replace("False", "true")
    path.write_text(edited, encoding="utf-8")
    assert load_overrides(path)["lviv"].exclude is True


def test_write_no_places_still_loads(tmp_path):
    for name in ("empty.csv", "empty.yaml"):
        write_overrides([], tmp_path / name)
        assert load_overrides(tmp_path / name) == {}


def test_written_overrides_list_unresolved_names_without_coordinates(tmp_path):
    from geostory.model import Mention, Span
    from geostory.overrides import load_overrides, write_overrides

    text = "They met near the Pacific Coast."
    mention = Mention("Pacific Coast", 18, 31, Span(text, 0, len(text)), "LOC")
    path = tmp_path / "places.csv"
    write_overrides([], path, unresolved=[mention])
    assert "Pacific Coast,,,False" in path.read_text(encoding="utf-8")
    loaded = load_overrides(path)
    assert not next(iter(loaded.values())).has_coordinates  # a row to fill in, harmless as it is
