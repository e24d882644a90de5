"""Tests for pccanalysis.publish.run: papermill execution, publishing, guard, failure, idempotency.

Small notebooks made on the fly (tests/publish/conftest.py) run on the synthetic sample; each
papermill execution starts a real kernel, so the runs are shared where the test only reads.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from report_notebooks import ALPHA, BETA, FAILING, declare_briefing, make_notebook

from pccanalysis.errors import ConfigError
from pccanalysis.files import file_digest
from pccanalysis.periods import Quarter
from pccanalysis.publish.export import MAX_BYTES, external_references
from pccanalysis.publish.notebooks import UnknownNotebook
from pccanalysis.publish.run import (
    NOTEBOOKS_DIR,
    execute_plan,
    find_notebooks,
    plan_run,
    run_quarter,
)
from pccanalysis.publish.stage import LockBusy, quarter_lock

pytestmark = pytest.mark.slow

QUARTER = "2020-21 Q4"  # the sample's latest complete quarter (January to March 2021)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and modification time (ns)."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, sample_config):
    """alpha and beta run once for the sample's latest quarter, two at a time."""
    root = tmp_path_factory.mktemp("run")
    nbdir = root / "notebooks"
    make_notebook(nbdir / "alpha.ipynb", "Alpha briefing", ALPHA)
    make_notebook(nbdir / "beta.ipynb", "Beta briefing", BETA)
    seen = []
    result = run_quarter(sample_config, "latest", notebooks_dir=nbdir, output_dir=root / "out",
                         jobs=2, progress=seen.append)
    return result, seen, root


def test_layout_of_the_quarter_folder(first_run):
    result, seen, root = first_run
    assert result.plan.quarter == Quarter(2020, 4)
    qdir = root / "out" / QUARTER
    assert result.plan.quarter_dir == qdir
    files = set(snapshot(qdir))
    assert {"index.html", "manifest.json", f"manifests/{result.short_id}.json", "run.log"} - {
        "run.log"} <= files
    for nb in ("alpha", "beta"):
        assert {f"Northbridge/{nb}.html", f"Northbridge/{nb}.ipynb", f"Northbridge/{nb}.json"} <= files
    assert not any(name.startswith(".") or "/failed/" in name for name in files)
    # Beside the quarter: only its lock (the run's working folders are gone).
    assert [p.name for p in qdir.parent.iterdir() if p.name.startswith(".")] == [
        f".{QUARTER}.lock"]
    # One progress call per briefing.
    assert sorted((r.area, r.notebook, r.status) for r in seen) == [
        ("Northbridge", "alpha", "ok"), ("Northbridge", "beta", "ok")]


def test_papermill_recorded_the_parameters(first_run):
    result, _, root = first_run
    qdir = root / "out" / QUARTER
    nb = nbformat.read(str(qdir / "Northbridge" / "alpha.ipynb"), as_version=4)
    params = nb.metadata["papermill"]["parameters"]
    assert params["quarter"] == QUARTER
    assert params["area"] == "Northbridge"
    assert params["config_path"] == str(result.plan.config.path)
    assert set(params) == {"quarter", "area", "config_path", "output_dir"}
    # ... and the notebook saw them.
    assert "quarter 2020-21 Q4 area Northbridge" in (qdir / "Northbridge" / "alpha.html").read_text()


def test_each_briefing_is_a_clean_self_contained_page(first_run):
    result, _, root = first_run
    for nb in ("alpha", "beta"):
        page = (root / "out" / QUARTER / "Northbridge" / f"{nb}.html").read_text(encoding="utf-8")
        assert external_references(page) == []
        assert "<script" not in page.lower()
        assert "open_briefing" not in page and "In&nbsp;[" not in page
        assert 'class="pcc-marking pcc-marking-top" role="note">OFFICIAL</div>' in page
        assert "<strong>SYNTHETIC DATA</strong>" in page
        assert f'<code class="pcc-id">{result.short_id}</code>' in page
        assert len(page.encode("utf-8")) < MAX_BYTES
    alpha = (root / "out" / QUARTER / "Northbridge" / "alpha.html").read_text(encoding="utf-8")
    assert '<p class="pcc-card-value">4,812</p>' in alpha
    assert 'alt="A line rising then falling."' in alpha


def test_manifest(first_run):
    result, _, root = first_run
    qdir = root / "out" / QUARTER
    manifest = json.loads((qdir / "manifest.json").read_text())
    assert manifest["short_id"] == result.short_id and re.fullmatch(r"[0-9a-f]{8}", result.short_id)
    assert manifest["quarter"] == QUARTER and manifest["period"] == "January to March 2021"
    assert manifest["parameters"]["notebooks"] == ["alpha", "beta"]
    assert manifest["publication"]["synthetic"] is True
    assert manifest["code"]["package_version"]
    by_path = {i["path"]: i for i in manifest["inputs"]}
    config = result.plan.config
    street = "police-uk/2021-03/2021-03-northbridge-street.csv"
    assert by_path[street]["sha256"] == file_digest(config.folder / street)
    assert by_path["alpha.ipynb"]["role"] == "notebook"
    briefings = {b["notebook"]: b for b in manifest["briefings"]}
    assert briefings["alpha"]["status"] == "ok" and briefings["beta"]["status"] == "ok"
    assert briefings["alpha"]["path"] == "Northbridge/alpha.html"
    assert briefings["alpha"]["headline"][0]["value"] == "4,812"
    assert briefings["alpha"]["seconds"] > 0
    # The per-briefing record beside the page names the run that made it.
    record = json.loads((qdir / "Northbridge" / "alpha.json").read_text())
    assert record["short_id"] == result.short_id


def test_index_links_every_briefing(first_run):
    result, _, root = first_run
    page = (root / "out" / QUARTER / "index.html").read_text(encoding="utf-8")
    assert '<a href="Northbridge/alpha.html">Alpha briefing</a>' in page
    assert '<a href="Northbridge/beta.html">Beta briefing</a>' in page
    assert external_references(page) == []
    assert "SYNTHETIC DATA" in page and ">OFFICIAL<" in page


def test_overwrite_guard_nothing_to_do_changes_nothing(first_run, sample_config):
    result, _, root = first_run
    qdir = root / "out" / QUARTER
    before = snapshot(qdir)
    plan = plan_run(sample_config, QUARTER, notebooks_dir=root / "notebooks",
                    output_dir=root / "out")
    assert plan.to_run == [] and [(a.name, nb.stem) for a, nb in plan.skipped] == [
        ("Northbridge", "alpha"), ("Northbridge", "beta")]
    again = execute_plan(plan)
    assert again.nothing_to_do and again.results == []
    assert snapshot(qdir) == before


def test_force_twice_on_the_same_data_changes_only_times(first_run, sample_config, tmp_path):
    result, _, root = first_run
    out = tmp_path / "out"
    shutil.copytree(root / "out", out)
    before = {p: (out / QUARTER / p).read_text() for p in
              ("Northbridge/alpha.html", "Northbridge/beta.html", "manifest.json")}
    again = run_quarter(sample_config, QUARTER, notebooks_dir=root / "notebooks", output_dir=out,
                        jobs=1, force=True)
    assert again.short_id == result.short_id

    def without_times(text: str) -> str:
        return re.sub(r'<(dd|span) class="pcc-generated">[^<]*<', "<TIME<", text)

    for name in ("Northbridge/alpha.html", "Northbridge/beta.html"):
        assert without_times((out / QUARTER / name).read_text()) == without_times(before[name])

    def stable(manifest: dict) -> dict:
        manifest = dict(manifest, generated=None, seconds=None)
        manifest["parameters"] = dict(manifest["parameters"], jobs=None, force=None,
                                      output_dir=None)
        manifest["briefings"] = [
            {k: v for k, v in b.items() if not k.endswith("seconds") and k != "reason"}
            for b in manifest["briefings"]]
        return manifest

    assert stable(json.loads((out / QUARTER / "manifest.json").read_text())) == stable(
        json.loads(before["manifest.json"]))


def test_failure_keeps_the_previous_briefing_and_exits_non_zero(first_run, sample_config,
                                                                tmp_path):
    _, _, root = first_run
    out = tmp_path / "out"
    shutil.copytree(root / "out", out)
    nbdir = tmp_path / "notebooks"
    make_notebook(nbdir / "alpha.ipynb", "Alpha briefing", ALPHA)
    make_notebook(nbdir / "beta.ipynb", "Beta briefing", BETA + FAILING)
    area = out / QUARTER / "Northbridge"
    beta_before = (area / "beta.html").read_bytes()
    alpha_before = (area / "alpha.html").stat().st_mtime_ns
    proc = subprocess.run(
        [sys.executable, "-m", "pccanalysis.cli", "run", "--config", str(sample_config),
         "--quarter", QUARTER, "--notebooks-dir", str(nbdir), "--output-dir", str(out),
         "--force", "--jobs", "2"],
        capture_output=True, text=True, timeout=300, env=os.environ | {"PYTHONWARNINGS": "ignore"},
    )
    assert proc.returncode == 1, proc.stderr  # some briefings failed
    failed_nb = area / "failed" / "beta.ipynb"
    assert re.search(r"  \[\d/2\] ok      Northbridge / alpha  \d+\.\d s", proc.stdout)
    assert re.search(r"  \[\d/2\] FAILED  Northbridge / beta", proc.stdout)
    assert proc.stderr.strip().splitlines()[-1] == (
        f"Error: 1 of 2 briefing(s) for {QUARTER} failed: Northbridge / beta (ValueError: the "
        f"test notebook fails on purpose in cell 5; see {failed_nb}). The previous briefings, if "
        "any, were left in place."
    )
    # The other briefing was made again; the failed one's previous page is untouched.
    assert (area / "alpha.html").stat().st_mtime_ns > alpha_before
    assert (area / "beta.html").read_bytes() == beta_before
    # papermill wrote the error into the executed notebook kept beside the outputs.
    kept = nbformat.read(str(failed_nb), as_version=4)
    assert any(o.get("ename") == "ValueError" for c in kept.cells for o in c.get("outputs", []))
    assert "latest run failed" in (out / QUARTER / "index.html").read_text()
    manifest = json.loads((out / QUARTER / "manifest.json").read_text())
    assert {b["notebook"]: b["status"] for b in manifest["briefings"]} == {
        "alpha": "ok", "beta": "failed"}
    assert "FAILED Northbridge / beta" in (out / QUARTER / "run.log").read_text()

    # Without --force, the next run makes only the failed briefing.
    make_notebook(nbdir / "beta.ipynb", "Beta briefing", BETA)
    plan = plan_run(sample_config, QUARTER, notebooks_dir=nbdir, output_dir=out)
    assert [nb.stem for _, nb in plan.to_run] == ["beta"]
    fixed = execute_plan(plan)
    assert [r.status for r in fixed.results] == ["ok"]
    assert not (area / "failed").exists()
    assert (area / "beta.html").read_bytes() != beta_before  # made again, new generation time


LINK_UPDATE = ('<p>Minutes are on <a href="https://example.org/minutes">the partnership '
               'site</a>.<img src="https://example.org/tracker-pixel.png" alt=""></p>')
INJECTED = ["## Injected",
            "from IPython.display import HTML, display\n"
            "display(HTML('<img src=\"https://example.org/injected.png\" alt=\"x\">'))"]


def test_a_link_in_a_tracker_update_is_kept_and_a_fetch_still_fails(sample_dir, tmp_path):
    # The sample with one more update in the 2020-21 Q4 tracker: a link and a remote image.
    from pccanalysis.config import load_config
    from pccanalysis.sample.extracts import sample_trackers
    from pccanalysis.sources.tracker.write import write_tracker

    sample = tmp_path / "sample"
    shutil.copytree(sample_dir, sample)
    config = load_config(sample / "pcc.yaml")
    tracker = sample_trackers()[QUARTER]
    row = tracker.updates.iloc[[0]].assign(text=LINK_UPDATE, date=pd.Timestamp("2021-03-31"))
    tracker.updates = pd.concat([tracker.updates, row], ignore_index=True)
    write_tracker(tracker, config.data.tracker_for(Quarter(2020, 4)))
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    shutil.copy(NOTEBOOKS_DIR / "delivery_plan.ipynb", nbdir)
    declare_briefing(nbdir, "delivery_plan", ("tracker",))
    make_notebook(nbdir / "injected.ipynb", "Injected", INJECTED)

    result = execute_plan(plan_run(config, QUARTER, notebooks_dir=nbdir,
                                   output_dir=tmp_path / "out", jobs=2))
    by_name = {r.notebook: r for r in result.results}
    assert by_name["delivery_plan"].status == "ok", by_name["delivery_plan"].error
    page = by_name["delivery_plan"].where.read_text(encoding="utf-8")
    # The link is kept, opened without passing the page on; the sanitiser removed the image.
    assert ('Minutes are on <a href="https://example.org/minutes" rel="noopener noreferrer">'
            "the partnership site</a>.") in page
    assert "tracker-pixel" not in page
    assert external_references(page) == []
    # A remote image that reaches a page some other way still fails that briefing.
    assert by_name["injected"].status == "failed"
    assert by_name["injected"].error == (
        "the page would fetch from another host: <img> src=https://example.org/injected.png")


def test_selection_of_areas_and_notebooks(sample_config, notebooks_dir, tmp_path):
    plan = plan_run(sample_config, QUARTER, notebooks=["beta"], areas=["Northbridge"],
                    notebooks_dir=notebooks_dir, output_dir=tmp_path, jobs=3)
    assert [(a.name, nb.stem) for a, nb in plan.to_run] == [("Northbridge", "beta")]
    assert plan.jobs == 3
    with pytest.raises(UnknownNotebook) as err:
        find_notebooks(["bta"], notebooks_dir)
    assert str(err.value) == (f"there is no briefing notebook called 'bta' in {notebooks_dir} "
                              "(did you mean 'beta'?); the briefings are alpha, beta.")
    with pytest.raises(ConfigError, match="has no briefings.yaml declaring its briefing"):
        find_notebooks(None, tmp_path)


def test_a_missing_notebooks_folder_is_one_sentence(sample_config, tmp_path, monkeypatch):
    # Installed from a wheel, the package has no notebooks/ beside it (they live in the
    # checkout): the run must say so and how to point it elsewhere.
    from click.testing import CliRunner

    from pccanalysis import cli
    from pccanalysis.publish import notebooks

    absent = tmp_path / "site-packages" / "notebooks"
    monkeypatch.setattr(notebooks, "NOTEBOOKS_DIR", absent)
    expected = (f"the notebooks folder {absent} does not exist: pcc run uses the notebooks/ "
                "folder of a pccanalysis checkout installed with `pip install -e .`; give the "
                "folder with --notebooks-dir.")
    with pytest.raises(ConfigError) as err:
        find_notebooks()
    assert str(err.value) == expected
    result = CliRunner().invoke(cli.cli, ["run", "--config", str(sample_config), "--quarter",
                                          QUARTER, "--output-dir", str(tmp_path / "out")])
    assert isinstance(result.exception, ConfigError) and str(result.exception) == expected
    assert result.exception.exit_code == 3
    # A folder named by the caller that does not exist is named too.
    with pytest.raises(ConfigError) as err:
        find_notebooks(None, tmp_path / "nowhere")
    assert str(err.value) == f"the notebooks folder {tmp_path / 'nowhere'} does not exist."


def test_one_run_at_a_time(sample_config, notebooks_dir, tmp_path):
    plan = plan_run(sample_config, QUARTER, notebooks_dir=notebooks_dir, output_dir=tmp_path)
    with quarter_lock(tmp_path, QUARTER), pytest.raises(LockBusy) as err:
        execute_plan(plan)
    assert re.fullmatch(rf"another pcc run \(process {os.getpid()} on .+, started "
                        rf"\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\) is writing "
                        rf"{re.escape(str(plan.quarter_dir))}; wait for it to finish\.",
                        str(err.value))
    assert err.value.exit_code == 1
    assert not plan.quarter_dir.exists()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pccanalysis.cli", *args], capture_output=True,
                          text=True, timeout=120)


def test_cli_names_a_bad_quarter_or_area_in_one_line(sample_config, tmp_path):
    # Mistakes on the command line: exit code 2.
    proc = run_cli("run", "--config", str(sample_config), "--quarter", "2020-21 Q5",
                   "--output-dir", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr == "Error: '2020-21 Q5' is not a quarter: quarters run Q1 to Q4.\n"
    proc = run_cli("run", "--config", str(sample_config), "--area", "Northbrige",
                   "--output-dir", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr == (f"Error: {sample_config}: there is no area called 'Northbrige' (did "
                           "you mean 'Northbridge'?); the areas are 'Northbridge'.\n")
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_cli_nothing_to_do_exits_zero(first_run, sample_config):
    _, _, root = first_run
    proc = run_cli("run", "--config", str(sample_config), "--notebooks-dir",
                   str(root / "notebooks"), "--output-dir", str(root / "out"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        "2 briefing(s) for 2020-21 Q4 already made and up to date; kept (use --force to make "
        f"them again).\nNothing to do: see {root / 'out' / QUARTER / 'index.html'}\n")


def test_cli_help_lists_the_options():
    proc = run_cli("run", "--help")
    for option in ("--quarter", "--area", "--notebook", "--config", "--jobs", "--force",
                   "--output-dir"):
        assert option in proc.stdout
    assert "JupyterLab" in run_cli("lab", "--help").stdout
    # Where the notebooks come from: a checkout installed with pip install -e .
    text = " ".join(proc.stdout.split())
    assert "pip install -e ." in text and "--notebooks-dir" in text


def test_an_edited_input_is_remade_with_the_reason_and_a_rerun_keeps_everything(
        first_run, sample_dir, tmp_path):
    _, _, root = first_run
    sample = tmp_path / "sample"
    shutil.copytree(sample_dir, sample)
    config = sample / "pcc.yaml"
    args = ("run", "--config", str(config), "--notebooks-dir", str(root / "notebooks"),
            "--output-dir", str(tmp_path / "out"), "--jobs", "2")
    made = run_cli(*args)
    assert made.returncode == 0, made.stderr
    assert "  2 because it has not been made\n" in made.stdout
    qdir = tmp_path / "out" / QUARTER
    before = snapshot(qdir)
    again = run_cli(*args, "--quiet")  # as cron would: silent when all is well
    assert again.returncode == 0, again.stderr
    assert again.stdout == "" and again.stderr == "" and snapshot(qdir) == before
    # An input replaced with different content: every briefing made from it is made again.
    table = sample / "local" / "SYNTHETIC_northbridge_iom.csv"
    table.write_text(table.read_text().replace("SYNTHETIC\n", "SYNTHETIC (revised)\n", 1))
    remade = run_cli(*args, "-v")
    assert remade.returncode == 0, remade.stderr
    for nb in ("alpha", "beta"):
        assert (f"  make    Northbridge / {nb}: SYNTHETIC_northbridge_iom.csv changed\n"
                in remade.stdout)
    manifest = json.loads((qdir / "manifest.json").read_text())
    assert {b["reason"] for b in manifest["briefings"]} == {
        "SYNTHETIC_northbridge_iom.csv changed"}
    # --force remakes all, saying so.
    forced = run_cli(*args, "--force", "--notebook", "beta")
    assert "  1 because --force\n" in forced.stdout


def test_papermill_warnings_reach_the_run_log(sample_config, tmp_path):
    # A parameters cell papermill cannot read (a comment with "="): the briefing is still
    # made, and papermill's warnings are in run.log, not lost in a worker.
    nbdir = tmp_path / "notebooks"
    path = make_notebook(nbdir / "old.ipynb", "Old style", BETA)
    nb = nbformat.read(str(path), as_version=4)
    nb.cells[1].source = ('quarter = "latest"  # "latest" = the latest quarter\narea = None\n'
                          'config_path = None\noutput_dir = None')
    nbformat.write(nb, str(path))
    result = run_quarter(sample_config, QUARTER, notebooks_dir=nbdir, output_dir=tmp_path / "out")
    assert result.results[0].ok
    log = (result.plan.quarter_dir / "run.log").read_text()
    assert "Northbridge / old: papermill: Unable to parse line 1" in log
    assert "Northbridge / old: papermill: Passed unknown parameter: quarter" in log


def test_all_csps_of_briefs_the_force_area_and_each_csp(sample_dir, tmp_path):
    sample = tmp_path / "sample"
    shutil.copytree(sample_dir, sample)
    config = sample / "pcc.yaml"
    config.write_text(config.read_text().replace(
        "areas:\n- name: Northbridge\n  csp: Northbridge\n", "areas: {all_csps_of: Northbridge}\n"))
    nbdir = tmp_path / "notebooks"
    make_notebook(nbdir / "beta.ipynb", "Beta briefing", BETA)
    result = run_quarter(config, QUARTER, notebooks_dir=nbdir, output_dir=tmp_path / "out")
    assert [(r.area, r.status) for r in result.results] == [
        ("Northbridge force area", "ok"), ("Northbridge", "ok")]
    page = (result.plan.quarter_dir / "index.html").read_text(encoding="utf-8")
    assert ("<dt>Areas</dt><dd>Northbridge force area and Northbridge (all_csps_of Northbridge: "
            "the force area and each Community Safety Partnership in it)</dd>") in page
    assert '<a href="Northbridge force area/beta.html">Beta briefing</a>' in page
