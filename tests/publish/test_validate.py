"""Tests for pccanalysis.publish.validate: every problem found before any kernel starts.

Each problem is one sentence, the run stops with exit code 3 (2 for a mistake on the command
line) and no quarter folder is made. The sample is copied and broken one way per test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from report_notebooks import ALPHA, declare_briefing, make_notebook

from pccanalysis.publish.plan import plan_run
from pccanalysis.publish.validate import ValidationFailed

QUARTER = "2020-21 Q4"


@pytest.fixture
def sample(sample_dir, tmp_path) -> Path:
    """A copy of the sample to break; returns its pcc.yaml."""
    shutil.copytree(sample_dir, tmp_path / "sample")
    return tmp_path / "sample" / "pcc.yaml"


def edit(config: Path, old: str, new: str) -> None:
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new))


def problems(config, tmp_path, notebooks_dir, **options) -> list[str]:
    with pytest.raises(ValidationFailed) as err:
        plan_run(config, options.pop("quarter", QUARTER), notebooks_dir=notebooks_dir,
                 output_dir=tmp_path / "out", **options)
    assert not (tmp_path / "out").exists()  # nothing written
    return [p.sentence for p in err.value.problems]


def test_a_misspelt_csp(sample, tmp_path, notebooks_dir):
    edit(sample, "csp: Northbridge", "csp: Northbrige")
    assert problems(sample, tmp_path, notebooks_dir) == [
        f"{sample}: area 'Northbridge' names 'Northbrige', which is not a CSP name in "
        "lad19_csp19_pfa19_lookup.csv (did you mean 'Northbridge'?)."]


def test_a_quarter_with_no_data(sample, tmp_path, notebooks_dir):
    # The sample runs April 2018 to March 2021.
    found = problems(sample, tmp_path, notebooks_dir, quarter="2017-18 Q1")
    assert found == [
        "2017-18 Q1 (April to June 2017) is not in the police data, which holds April 2018 to "
        "March 2021 (April 2017, May 2017, June 2017 missing): choose a quarter from 2018-19 Q1 "
        "to 2020-21 Q4."]


def test_a_missing_input(sample, tmp_path, notebooks_dir):
    (sample.parent / "local" / "SYNTHETIC_northbridge_suicide.csv").unlink()
    [found] = problems(sample, tmp_path, notebooks_dir)
    assert found.startswith(f"{sample}, line ")
    assert found.endswith(": data.indicator_tables: local/SYNTHETIC_northbridge_suicide.csv "
                          f"does not exist (looked for {sample.parent}/local/"
                          "SYNTHETIC_northbridge_suicide.csv).")


def test_an_input_in_the_wrong_format(sample, tmp_path, notebooks_dir):
    (sample.parent / "local" / "SYNTHETIC_northbridge_targets.yaml").write_text("[not: targets\n")
    [found] = problems(sample, tmp_path, notebooks_dir)
    assert found.startswith(f"{sample.parent}/local/SYNTHETIC_northbridge_targets.yaml")


def test_every_problem_at_once(sample, tmp_path, notebooks_dir):
    edit(sample, "csp: Northbridge", "csp: Northbrige")
    (sample.parent / "local" / "SYNTHETIC_northbridge_iom.csv").unlink()
    found = problems(sample, tmp_path, notebooks_dir, quarter="2017-18 Q1",
                     areas=["Northbridge", "Southmoor"])
    assert len(found) == 4, found
    assert "SYNTHETIC_northbridge_iom.csv does not exist" in found[0]
    assert "there is no area called 'Southmoor'" in found[1]
    assert "names 'Northbrige', which is not a CSP name" in found[2]
    assert found[3].startswith("2017-18 Q1 (April to June 2017) is not in the police data")


def test_a_briefing_whose_needs_are_not_met(sample, tmp_path, notebooks_dir):
    make_notebook(notebooks_dir / "plan.ipynb", "Plan", ALPHA, declare=False)
    declare_briefing(notebooks_dir, "plan", ("tracker",))
    edit(sample, "2020-21 Q3: local/", "2021-22 Q1: local/")
    edit(sample, "2020-21 Q4: local/", "2021-22 Q2: local/")
    # Asked for by name: a problem.
    assert problems(sample, tmp_path, notebooks_dir, notebooks=["plan"]) == [
        "plan needs a tracker for 2020-21 Q4 or earlier in data.tracker, which pcc.yaml does "
        f"not give: add it to {sample}, or leave out --notebook plan."]
    # Otherwise it is left out, saying so, and the rest is made.
    plan = plan_run(sample, QUARTER, notebooks_dir=notebooks_dir, output_dir=tmp_path / "out")
    assert [nb.name for _, nb in plan.to_run] == ["alpha", "beta"]
    assert plan.notices == ["plan needs a tracker for 2020-21 Q4 or earlier in data.tracker, "
                            "which pcc.yaml does not give, so it is not made."]


def test_an_output_folder_that_is_a_file(sample, tmp_path, notebooks_dir):
    (tmp_path / "out").write_text("not a folder")
    with pytest.raises(ValidationFailed) as err:
        plan_run(sample, QUARTER, notebooks_dir=notebooks_dir, output_dir=tmp_path / "out")
    assert str(err.value) == (f"the output folder {tmp_path / 'out'} is a file, not a folder: "
                              "move it, or give another output_dir.")


def test_all_csps_of_an_unknown_force(sample, tmp_path, notebooks_dir):
    edit(sample, "areas:\n- name: Northbridge\n  csp: Northbridge\n",
         "areas: {all_csps_of: Northbrigde}\n")
    assert problems(sample, tmp_path, notebooks_dir) == [
        f"{sample}: all_csps_of names 'Northbrigde', which is not a police force area in "
        "lad19_csp19_pfa19_lookup.csv (did you mean 'Northbridge'?)."]


@pytest.mark.slow
def test_the_cli_lists_every_problem_exits_3_and_makes_no_folder(sample, tmp_path,
                                                                 notebooks_dir):
    edit(sample, "csp: Northbridge", "csp: Northbrige")
    (sample.parent / "local" / "SYNTHETIC_northbridge_iom.csv").unlink()
    proc = subprocess.run(
        [sys.executable, "-m", "pccanalysis.cli", "run", "--config", str(sample),
         "--quarter", QUARTER, "--notebooks-dir", str(notebooks_dir), "--output-dir",
         str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3
    lines = proc.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("Error: ") for line in lines), lines
    assert "SYNTHETIC_northbridge_iom.csv does not exist" in lines[0]
    assert "'Northbrige', which is not a CSP name" in lines[1]
    assert proc.stdout == ""
    assert not (tmp_path / "out").exists()
