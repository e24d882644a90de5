"""Tests for pccanalysis.config: the pcc.yaml file read into frozen dataclasses."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pccanalysis.config import (
    Area,
    default_config_path,
    load_config,
    safe_folder_name,
)
from pccanalysis.errors import ConfigError
from pccanalysis.periods import Quarter

GOOD = """\
title: Northbridge Community Safety Partnership
force: Northbridge
areas:
  - name: Northbridge
    csp: Northbridge
  - name: Two districts
    local_authorities: [Eastmoor, Westmoor]
comparators:
  - name: Force area
    force: Northbridge
data:
  police_uk: police-uk
  lsoa_lookup: geo/lsoa.csv
  lad_lookup: geo/lad.csv
  population: geo/pop.csv
  targets: local/targets.yaml
  tracker:
    2020-21 Q3: local/tracker-q3.csv
    Q4 2020/21: local/tracker-q4.csv
  indicator_tables: [local/indicators.csv]
  hate_crime_victims: local/victims.csv
publication:
  protective_marking: OFFICIAL-SENSITIVE
  public: true
  synthetic: false
  suppression_threshold: 10
output_dir: ../outputs
cache_dir: cache
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A configuration folder with every file GOOD names."""
    root = tmp_path / "config"
    (root / "police-uk").mkdir(parents=True)
    for name in ("geo/lsoa.csv", "geo/lad.csv", "geo/pop.csv", "local/targets.yaml",
                 "local/tracker-q3.csv", "local/tracker-q4.csv", "local/indicators.csv",
                 "local/victims.csv"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x\n")
    return root


def write(folder: Path, text: str) -> Path:
    path = folder / "pcc.yaml"
    path.write_text(text)
    return path


def test_good_file_is_read_into_dataclasses_with_paths_resolved_against_its_folder(folder, tmp_path,
                                                                                   monkeypatch):
    # Run from somewhere else: relative paths must still resolve against the file's folder.
    monkeypatch.chdir(tmp_path)
    config = load_config(write(folder, GOOD))
    assert config.path == folder / "pcc.yaml"
    assert config.title == "Northbridge Community Safety Partnership"
    assert config.force == ("Northbridge",)
    assert config.areas == (
        Area(name="Northbridge", csps=("Northbridge",)),
        Area(name="Two districts", local_authorities=("Eastmoor", "Westmoor")),
    )
    assert [a.kind for a in config.areas] == ["csp", "local_authority"]
    assert config.comparators == (Area(name="Force area", force="Northbridge"),)
    assert config.comparators[0].members == ("Northbridge",)
    d = config.data
    assert d.police_uk == (folder / "police-uk",)
    assert d.lsoa_lookup == folder / "geo" / "lsoa.csv"
    assert d.lad_lookup == folder / "geo" / "lad.csv"
    assert d.population == folder / "geo" / "pop.csv"
    assert d.targets == folder / "local" / "targets.yaml"
    # Both spellings of a quarter are accepted as keys.
    assert d.tracker == {Quarter(2020, 3): folder / "local" / "tracker-q3.csv",
                         Quarter(2020, 4): folder / "local" / "tracker-q4.csv"}
    assert d.tracker_for(Quarter(2020, 4)) == folder / "local" / "tracker-q4.csv"
    assert d.tracker_for(Quarter(2020, 2)) is None
    assert d.indicator_tables == (folder / "local" / "indicators.csv",)
    assert d.hate_crime_victims == folder / "local" / "victims.csv"
    assert d.harm_weights is None
    p = config.publication
    assert (p.protective_marking, p.public, p.synthetic, p.suppression_threshold) == (
        "OFFICIAL-SENSITIVE", True, False, 10)
    assert config.output_dir == folder.parent / "outputs"
    assert config.cache_dir == folder / "cache"
    assert config.area("Two districts").local_authorities == ("Eastmoor", "Westmoor")
    assert config.area() is config.areas[0]


def test_config_cannot_be_changed(folder):
    config = load_config(write(folder, GOOD))
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.title = "other"
    with pytest.raises(TypeError):
        config.data.tracker[Quarter(2021, 1)] = Path("x")


def test_defaults_when_optional_keys_are_left_out(folder):
    config = load_config(write(folder, """\
areas:
  - name: Northbridge
    csp: Northbridge
data:
  police_uk: police-uk
  lsoa_lookup: geo/lsoa.csv
  lad_lookup: geo/lad.csv
"""))
    assert config.title == "Northbridge"  # the first area's name
    assert config.force == ()
    assert config.comparators == ()
    p = config.publication
    assert (p.protective_marking, p.public, p.synthetic, p.suppression_threshold) == (
        "OFFICIAL", False, False, 5)
    assert config.output_dir == folder / "outputs"
    # No cache_dir: the loaders' default (PCC_CACHE_DIR, else the user cache folder), never a
    # folder found from the working directory.
    assert config.cache_dir is None
    assert config.data.tracker == {}
    assert config.data.indicator_tables == ()


def test_unknown_key_names_line_and_suggests_the_nearest(folder):
    path = write(folder, GOOD.replace("output_dir:", "outptu_dir:"))
    # "outptu_dir" is on line 27 of GOOD.
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == (
        f"{path}, line 27: unknown key 'outptu_dir' (did you mean 'output_dir'?)."
    )


def test_unknown_key_in_a_section_is_named_with_its_section(folder):
    path = write(folder, GOOD.replace("  suppression_threshold: 10", "  supression_threshold: 10"))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == (
        f"{path}, line 26: unknown key 'publication.supression_threshold' "
        "(did you mean 'suppression_threshold'?)."
    )


def test_unknown_key_without_a_near_match_has_no_suggestion(folder):
    path = write(folder, GOOD + "colour: blue\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == f"{path}, line 29: unknown key 'colour'."


def test_missing_file_names_the_key_and_where_it_looked(folder):
    path = write(folder, GOOD.replace("geo/lad.csv", "geo/lad19.csv"))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == (
        f"{path}, line 14: data.lad_lookup: geo/lad19.csv does not exist "
        f"(looked for {folder / 'geo' / 'lad19.csv'})."
    )


def test_bad_quarter_in_the_tracker_is_named(folder):
    path = write(folder, GOOD.replace("2020-21 Q3:", "2020-21 Q5:"))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == (
        f"{path}, line 18: data.tracker: '2020-21 Q5' is not a quarter: quarters run Q1 to Q4."
    )


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("  public: true", "  public: perhaps", 24,
         "publication.public must be true or false, not 'perhaps'"),
        ("  suppression_threshold: 10", "  suppression_threshold: 2.5", 26,
         "publication.suppression_threshold must be a whole number of at least 1, not 2.5"),
        ("  suppression_threshold: 10", "  suppression_threshold: 0", 26,
         "publication.suppression_threshold must be a whole number of at least 1, not 0"),
        ("    csp: Northbridge", "    csp: {a: 1}", 5,
         "areas[1].csp must be a name or a list of names, not a mapping"),
        ("comparators:\n  - name: Force area\n    force: Northbridge\n", "comparators: none\n",
         8, "comparators must be a list of areas, each with a name and one of csp, "
         "local_authorities or force, not 'none'"),
    ],
)
def test_wrong_types_are_named(folder, old, new, line, message):
    path = write(folder, GOOD.replace(old, new))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == f"{path}, line {line}: {message}."


def test_area_needs_exactly_one_geography(folder):
    path = write(folder, GOOD.replace("    csp: Northbridge\n",
                                      "    csp: Northbridge\n    force: Northbridge\n"))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == (
        f"{path}, line 4: area 'Northbridge' must have exactly one of csp, local_authorities or "
        "force, not csp and force."
    )


def test_missing_required_key(folder):
    path = write(folder, GOOD.replace("  lsoa_lookup: geo/lsoa.csv\n", ""))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == f"{path}, line 12: the key 'data.lsoa_lookup' is required but missing."


def test_duplicate_key_and_yaml_syntax_errors(folder):
    path = write(folder, GOOD + "title: again\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == f"{path}, line 29: key 'title' is given twice."
    path = write(folder, "areas: [unclosed\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}, line 2: this is not valid YAML (")


def test_two_areas_sharing_an_output_folder_are_refused(folder):
    # "A/B" and "A_B" both become the folder "A_B".
    path = write(folder, GOOD.replace("name: Northbridge", "name: A/B").replace(
        "name: Two districts", "name: A_B"))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == (
        f"{path}, line 3: areas 'A/B' and 'A_B' would share one output folder."
    )


def test_unknown_area_suggests_the_nearest(folder):
    config = load_config(write(folder, GOOD))
    with pytest.raises(ConfigError) as err:
        config.area("Northbrige")
    assert str(err.value) == (
        f"{config.path}: there is no area called 'Northbrige' (did you mean 'Northbridge'?); "
        "the areas are 'Northbridge', 'Two districts'."
    )


def test_missing_configuration_file(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / "nope.yaml")
    assert str(err.value) == f"configuration file {tmp_path / 'nope.yaml'} does not exist."


def test_default_config_path_is_the_samples_in_the_checkout():
    root = Path(__file__).resolve().parents[1]
    assert default_config_path() == root / "data" / "sample" / "pcc.yaml"


def test_safe_folder_name():
    assert safe_folder_name("Bassetlaw, Newark & Sherwood") == "Bassetlaw, Newark & Sherwood"
    assert safe_folder_name('A/B:C*"?') == "A_B_C___"
    assert safe_folder_name("Trailing. ") == "Trailing"


def test_section_of_the_wrong_type(folder):
    path = write(folder, """\
areas:
  - name: Northbridge
    csp: Northbridge
data:
  police_uk: police-uk
  lsoa_lookup: geo/lsoa.csv
  lad_lookup: geo/lad.csv
publication: yes
""")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == (
        f"{path}, line 8: publication must be a mapping of keys to values, not true."
    )


def test_every_missing_file_is_named_at_once(folder):
    path = write(folder, GOOD.replace("geo/lad.csv", "geo/lad19.csv").replace(
        "local/victims.csv", "local/victim.csv"))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert err.value.problems == [
        f"{path}, line 14: data.lad_lookup: geo/lad19.csv does not exist (looked for "
        f"{folder / 'geo' / 'lad19.csv'}).",
        f"{path}, line 21: data.hate_crime_victims: local/victim.csv does not exist (looked for "
        f"{folder / 'local' / 'victim.csv'})."]
    assert str(err.value) == "\n".join(err.value.problems)
    assert err.value.config.data.lad_lookup == folder / "geo" / "lad19.csv"  # read regardless


@pytest.mark.parametrize("areas", [
    "areas: {all_csps_of: Northbridge}\n",
    "areas:\n  - all_csps_of: Northbridge\n",
    "areas:\n  - name: Town\n    local_authorities: Eastmoor\n  - all_csps_of: [Northbridge]\n",
])
def test_all_csps_of(folder, areas):
    text = GOOD.replace("areas:\n  - name: Northbridge\n    csp: Northbridge\n  - name: Two "
                        "districts\n    local_authorities: [Eastmoor, Westmoor]\n", areas)
    config = load_config(write(folder, text.replace("title: Northbridge Community Safety "
                                                    "Partnership\n", "")))
    assert config.all_csps_of == ("Northbridge",)
    assert [a.name for a in config.areas] == (["Town"] if "Town" in areas else [])
    assert config.title == ("Town" if "Town" in areas else "Northbridge")


def test_all_csps_of_stands_alone(folder):
    text = GOOD.replace("  - name: Northbridge\n    csp: Northbridge\n",
                        "  - all_csps_of: Northbridge\n    name: Northbridge\n")
    with pytest.raises(ConfigError, match=r"line 5: unknown key 'areas\[1\].name'"):
        load_config(write(folder, text))
