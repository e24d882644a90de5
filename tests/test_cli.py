"""Tests for pccanalysis.cli: exit codes, option names, config discovery, check-data --config.

Exit codes (README, "Exit codes"): 0 done, 1 some briefings failed, 2 a mistake on the command
line, 3 a configuration, data or output-folder problem. Code 1 is tested with a failing
briefing in tests/publish/test_run.py; the others here, each through the real command.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def pcc(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pccanalysis.cli", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def test_exit_code_2_for_an_unknown_option_or_command():
    assert pcc("run", "--quartre", "latest").returncode == 2
    assert pcc("rnu").returncode == 2


def test_exit_code_3_for_a_configuration_problem(tmp_path):
    bad = tmp_path / "pcc.yaml"
    bad.write_text("areas: [{name: X, csp: X}]\ndata: {police_uk: nowhere}\n")
    proc = pcc("run", "--config", str(bad), "--output-dir", str(tmp_path / "out"))
    assert proc.returncode == 3
    assert proc.stderr == (f"Error: {bad}, line 2: the key 'data.lsoa_lookup' is required but "
                           "missing.\n")
    assert not (tmp_path / "out").exists()


def test_exit_code_0_when_there_is_nothing_to_do_is_in_tests_publish():
    # Made and then kept: tests/publish/test_run.py::test_cli_nothing_to_do_exits_zero.
    assert (REPO / "tests" / "publish" / "test_run.py").read_text().count(
        "def test_cli_nothing_to_do_exits_zero") == 1


def test_without_config_a_pcc_yaml_here_is_used(tmp_path):
    (tmp_path / "pcc.yaml").write_text("areas: [{name: X, csp: X}]\ndata: {police_uk: here}\n")
    proc = pcc("run", cwd=tmp_path)
    assert proc.returncode == 3
    assert proc.stderr.startswith(f"Error: {tmp_path / 'pcc.yaml'}, line 2: the key 'data.")
    assert "SYNTHETIC" not in proc.stderr


def test_without_config_or_pcc_yaml_the_sample_is_used_loudly(tmp_path):
    proc = pcc("run", "--quarter", "2020-21 Q5", cwd=tmp_path)
    first = proc.stderr.splitlines()[0]
    assert first.startswith("SYNTHETIC: no --config was given and there is no pcc.yaml here, "
                            "so these briefings are made from the made-up sample (")
    assert first.endswith("and describe no real place.")


def test_download_police_force_and_the_old_spelling():
    proc = pcc("download", "--police-force", "nowhere", "--from", "2024-01", "--to", "2024-01")
    assert proc.returncode == 3 and "'nowhere' is not a data.police.uk force" in proc.stderr
    old = pcc("download", "--force", "nowhere", "--from", "2024-01", "--to", "2024-01")
    assert old.stderr.splitlines()[0] == (
        "Warning: `pcc download --force` is deprecated and will be removed in the next release: "
        "use --police-force (in `pcc run`, --force means remake).")
    assert old.stderr.splitlines()[1:] == proc.stderr.splitlines()
    missing = pcc("download", "--from", "2024-01", "--to", "2024-01")
    assert missing.returncode == 2 and "Missing option '--police-force'" in missing.stderr
    assert "--police-force" in pcc("download", "--help").stdout


def test_check_data_reads_what_the_configuration_names(sample_config):
    proc = pcc("check-data", "--config", str(sample_config), "--by-month")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("data.police.uk street: 128,229 rows read from 36 files")
    # The sample's force area is set, so rows outside its authorities are flagged.
    assert "located outside the force's local authorities" in proc.stdout
    assert "Rows placed in a ward (wards of 2019), by route:" in proc.stdout


def test_check_data_refuses_a_configuration_as_a_police_file(sample_config):
    proc = pcc("check-data", str(sample_config))
    assert proc.returncode == 2
    assert f"{sample_config} is a configuration, not a police file: use --config" in proc.stderr


@pytest.mark.parametrize("args", [("check-data",), ("check-data", "x", "--config", "y.yaml")])
def test_check_data_usage(args):
    assert pcc(*args).returncode == 2


def test_lab_opens_at_the_project_root():
    assert "project's root" in " ".join(pcc("lab", "--help").stdout.split())
