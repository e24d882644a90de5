"""Benchmark: whole quarterly runs with ``pcc run``, and where their time goes.

Two parts (``--part sample``, ``--part force``, both by default):

**sample**: the synthetic sample's quarter (three notebooks, one area), timed with ``--jobs 1``
(cold: filling the police data's Parquet cache, then warm) and with the default jobs (warm).

**force**: a force-wide run on the real Derbyshire files in ``../shared/data`` (skipped, saying
so, when they are absent): ``areas: {all_csps_of: Derbyshire}`` (the force area and its nine
CSPs) and every notebook (the delivery plan reads the sample's two trackers, relabelled to the
Derbyshire quarters; no other local extract is configured), 30 briefings with the default
jobs:

1. cold (an empty Parquet cache), then warm (``--force``);
2. warm with each kernel placing the police rows itself (``share_rows=False``), and warm with
   a new kernel for every briefing (``reuse_kernels=False``): what placing the rows once per
   run and keeping each worker's kernel save, measured in the same run;
3. the floor, measured in the same run: 30 briefings of a notebook that only opens the
   briefing and shows a note, through the same runner (kernel start, papermill, export,
   exports, publishing): what a briefing costs before it computes anything;
4. drawing the charts: the run's charts counted, and the processor time one chart takes to
   draw each of the three ways a briefing draws it (on the page, print PNG, SVG), measured on
   Derby's charts in this process: with the floor, what no briefing's own computing can save.

For each: the wall time, and the processor time summed over briefings (``cpu_seconds`` in the
manifest: worker, kernel and browser), which, unlike wall time, does not grow when other work
shares the machine; and where the time goes: the run's own steps (checking and planning,
placing the rows once), then per briefing kernel start and papermill, cells, HTML export and
tables, and the slowest notebook cells summed over the run. Speeds are ratios to the floor.

Run from the repository root::

    .venv/bin/python bench/bench_run.py [--part sample|force]

Results are also written to ``bench/results/bench_run.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared" / "data"
DERBYSHIRE = {
    "police_uk": SHARED / "police-uk" / "derbyshire-street-2023-01_2024-12.zip",
    "lsoa_lookup": SHARED / "ons" / "lsoa21_ward23_lad23_best_fit_lookup.csv",
    "lad_lookup": SHARED / "ons" / "lad24_csp24_pfa24_lookup.csv",
    "lsoa_bridge": SHARED / "ons" / "lsoa11_lsoa21_lad22_exact_fit_lookup.csv",
    "lsoa_population": SHARED / "ons" / "lsoa21_population_mid2022.csv",
    "ward_boundaries": SHARED / "boundaries" / "ward25",
}
FLOOR_CELLS = [
    'quarter: str = "latest"  # the quarter\narea: "Optional[str]" = None  # the area\n'
    'config_path: "Optional[str]" = None  # pcc.yaml\noutput_dir: "Optional[str]" = None  # work',
    "from pccanalysis.briefing.context import open_briefing\n"
    "b = open_briefing(config_path, area=area, quarter=quarter, output_dir=output_dir)",
    "b.show_note('A plain note.')",
]


def one_run(config: Path, out: Path, *, jobs: int | None = None, notebooks_dir=None,
            share_rows: bool = True, reuse_kernels: bool = True) -> dict:
    """Plan and execute a forced run; its wall time, summed times and cell durations."""
    from pccanalysis.publish.plan import plan_run
    from pccanalysis.publish.run import execute_plan

    t0 = time.perf_counter()
    plan = plan_run(config, "latest", output_dir=out, jobs=jobs, force=True,
                    notebooks_dir=notebooks_dir)
    plan.share_rows, plan.reuse_kernels = share_rows, reuse_kernels
    planned = time.perf_counter() - t0
    log_file = plan.quarter_dir / "run.log"
    before = len(log_file.read_text(encoding="utf-8").splitlines()) if log_file.exists() else 0
    result = execute_plan(plan)
    wall = time.perf_counter() - t0
    failed = [(r.area, r.notebook, r.error) for r in result.failed]
    if failed:
        raise SystemExit(f"briefings failed: {failed}")
    log = log_file.read_text(encoding="utf-8").splitlines()[before:]  # this run's lines
    placed = [line for line in log if "police rows once for" in line]
    return {
        "briefings": len(result.results), "jobs": plan.jobs, "wall_s": round(wall, 1),
        "plan_s": round(planned, 1),
        "placing_once_s": float(placed[-1].rsplit(" in ", 1)[1].split()[0]) if placed else 0.0,
        "cpu_s": round(sum(r.cpu for r in result.results), 1),
        "briefing_s": round(sum(r.seconds for r in result.results), 1),
        "kernel_s": round(sum(r.execute - r.cells for r in result.results), 1),
        "cells_s": round(sum(r.cells for r in result.results), 1),
        "export_s": round(sum(r.export for r in result.results), 1),
        "tables_s": round(sum(r.tables for r in result.results), 1),
        "charts": len(list(plan.quarter_dir.glob("*/*/charts/*.png"))),
        "cells": _cells(result),
    }


def _cells(result) -> dict[str, float]:
    """Each notebook cell's duration summed over the run's briefings (first line as label)."""
    total: dict[str, float] = defaultdict(float)
    for r in result.results:
        nb = nbformat.read(str(r.where.with_suffix(".ipynb")), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
                label = f"{r.notebook}: {cell.source.strip().splitlines()[-1][:90]}"
                total[label] += float((cell.metadata.get("papermill") or {}).get("duration") or 0)
    return dict(sorted(((k, round(v, 1)) for k, v in total.items()), key=lambda kv: -kv[1]))


def sample_part(tmp: Path) -> list[dict]:
    from pccanalysis.sample.write import write_sample

    write_sample(tmp / "sample")
    config = tmp / "sample" / "pcc.yaml"
    rows = []
    for label, jobs in (("sample, jobs 1, cold cache", 1), ("sample, jobs 1, warm", 1),
                        ("sample, jobs default, warm", None)):
        r = one_run(config, tmp / "sample-out", jobs=jobs) | {"run": label}
        rows.append(r)
        print(f"{label:<28} wall {r['wall_s']:5.1f} s ({r['briefings']} briefings, {r['jobs']} "
              f"job(s)); CPU {r['cpu_s']:.1f} s; summed over briefings: kernel start and "
              f"papermill {r['kernel_s']:.1f} s, cells {r['cells_s']:.1f} s, export "
              f"{r['export_s']:.1f} s, tables {r['tables_s']:.1f} s")
    return rows


def derbyshire_config(folder: Path) -> Path:
    """A Derbyshire configuration: every CSP plus the force area, the real files, and the
    sample's trackers as the delivery plan's (relabelled to the data's last quarters)."""
    from pccanalysis.sample.extracts import sample_trackers
    from pccanalysis.sources.tracker.write import write_tracker

    folder.mkdir(parents=True, exist_ok=True)
    trackers = sample_trackers()
    write_tracker(trackers["2020-21 Q3"], folder / "tracker-2024-25-Q2.xlsx")
    write_tracker(trackers["2020-21 Q4"], folder / "tracker-2024-25-Q3.xlsx")
    data = "\n".join(f"  {k}: {json.dumps(str(v))}" for k, v in DERBYSHIRE.items())
    (folder / "pcc.yaml").write_text(
        "title: Derbyshire (benchmark)\nforce: Derbyshire\nareas: {all_csps_of: Derbyshire}\n"
        f"data:\n{data}\n  tracker:\n    2024-25 Q2: tracker-2024-25-Q2.xlsx\n"
        "    2024-25 Q3: tracker-2024-25-Q3.xlsx\n"
        "publication: {protective_marking: OFFICIAL, public: false}\n"
        "output_dir: out\ncache_dir: cache\n", encoding="utf-8")
    return folder / "pcc.yaml"


def floor_notebooks(folder: Path) -> Path:
    """The three briefings' names, each a notebook that only opens the briefing and shows a
    note (declared in the folder's briefings.yaml)."""
    from nbformat.v4 import new_code_cell, new_notebook

    folder.mkdir(parents=True)
    names = ("quarterly_performance", "delivery_plan", "needs_assessment")
    for name in names:
        cells = [new_code_cell(c) for c in FLOOR_CELLS]
        cells[0].metadata["tags"] = ["parameters"]
        nb = new_notebook(cells=cells, metadata={"kernelspec": {
            "name": "python3", "display_name": "Python 3", "language": "python"}})
        nbformat.write(nb, str(folder / f"{name}.ipynb"))
    (folder / "briefings.yaml").write_text(
        "briefings:\n" + "".join(f"  {n}: {{}}\n" for n in names), encoding="utf-8")
    return folder


def force_part(tmp: Path) -> list[dict]:
    missing = [str(p) for p in DERBYSHIRE.values() if not p.exists()]
    if missing:
        print(f"force-wide run skipped: the real data is absent ({', '.join(missing)})")
        return []
    config = derbyshire_config(tmp / "derbyshire")
    floor_dir = floor_notebooks(tmp / "floor-notebooks")
    rows = []
    for label, options in (("force, cold cache", {}), ("force, warm", {}),
                           ("force, warm, rows placed by each kernel", {"share_rows": False}),
                           ("force, warm, a new kernel per briefing", {"reuse_kernels": False}),
                           ("floor: a note per briefing", {"notebooks_dir": floor_dir})):
        r = one_run(config, tmp / "derbyshire" / "out", **options) | {"run": label}
        rows.append(r)
        print(f"{label:<42} wall {r['wall_s']:6.1f} s ({r['briefings']} briefings, "
              f"{r['jobs']} jobs); CPU {r['cpu_s']:6.1f} s = {r['cpu_s'] / r['briefings']:.1f} "
              f"s a briefing; checking and planning {r['plan_s']:.1f} s, placing rows once "
              f"{r['placing_once_s']:.1f} s; summed over briefings: kernel start and papermill "
              f"{r['kernel_s']:.1f} s, cells {r['cells_s']:.1f} s, export {r['export_s']:.1f} s,"
              f" tables {r['tables_s']:.1f} s")
    warm, unshared, fresh, floor = rows[1], rows[2], rows[3], rows[4]
    print(f"warm force run against the floor: wall {warm['wall_s'] / floor['wall_s']:.2f} x, "
          f"CPU {warm['cpu_s'] / floor['cpu_s']:.2f} x")
    for what, other in (("placing the rows once", unshared), ("keeping kernels", fresh)):
        print(f"{what} saves {other['cpu_s'] - warm['cpu_s']:.0f} CPU-s: the warm run takes "
              f"{warm['cpu_s'] / other['cpu_s']:.2f} x the CPU of the run without it")
    print(f"on 2 idle cores the warm run needs at least {warm['plan_s'] + warm['placing_once_s']:.0f}"
          f" s serial + {warm['cpu_s'] / 2:.0f} s (CPU / 2) = "
          f"{warm['plan_s'] + warm['placing_once_s'] + warm['cpu_s'] / 2:.0f} s; target 60 s")
    print("slowest cells, summed over the warm run's briefings:")
    for label, seconds in list(warm["cells"].items())[:12]:
        print(f"  {seconds:6.1f} s  {label}")
    charts = warm["charts"]
    cost = chart_costs(config)
    drawn = charts * cost["total_s"]
    print(f"charts: {charts} in the run, each drawn three times (the page's PNG at 144 dpi "
          f"{cost['page_s']:.3f} s, the print PNG at 300 dpi {cost['print_s']:.3f} s, the SVG "
          f"{cost['svg_s']:.3f} s; the mean over Derby's {cost['measured']} charts), about "
          f"{drawn:.0f} CPU-s, {drawn / warm['cpu_s']:.0%} of the warm run's CPU")
    fixed = floor["cpu_s"] + drawn
    print(f"the floor run's CPU plus drawing the charts: {fixed:.0f} CPU-s, "
          f"{fixed / 2:.0f} s on 2 cores; what is left for the briefings' own computing and "
          f"the figures' building: {warm['cpu_s'] - fixed:.0f} CPU-s")
    rows.append({"run": "chart drawing", "charts": charts, **cost, "drawn_cpu_s": round(drawn, 1),
                 "floor_plus_drawing_cpu_s": round(fixed, 1)})
    return rows


def chart_costs(config: Path) -> dict:
    """Processor seconds to draw one chart of the force run, each way the run draws it: for
    the page (``figure_to_html``), as the print PNG and as the SVG (``save_chart``, timed as
    its two ``savefig`` calls, on the layout the page's render settled), the mean over the
    charts of Derby's quarterly and needs sections, built in this process."""
    import io

    import matplotlib

    from pccanalysis.briefing import needs, quarterly
    from pccanalysis.briefing.common import ASB, data_gaps
    from pccanalysis.briefing.context import PRINT_DPI, open_briefing
    from pccanalysis.briefing.inputs import load_area
    from pccanalysis.figures.style import figure_to_html, house_style

    b = open_briefing(config, area="Derby", quarter="latest")
    data = load_area(b.config, b.area)
    gaps = data_gaps(data)
    sections = [quarterly.performance_trend(b.config, data, b.quarter, w, gaps)
                for w in ("All crime", ASB)]
    sections += [quarterly.performance_by(b.config, data, b.quarter, by, gaps)
                 for by in ("crime_type", "ward")]
    sections += [needs.ward_shares(b.config, data, b.quarter),
                 needs.ward_rates(b.config, data, b.quarter),
                 needs.hotspots(b.config, data, b.quarter)]
    figures = [f for s in sections for f in s.figures]
    spent = defaultdict(float)
    for fig in figures:
        t0 = time.process_time()
        figure_to_html(fig)
        fig.set_layout_engine("none")  # as Briefing.show_figure does before the exports
        t1 = time.process_time()
        with house_style(), matplotlib.rc_context({"svg.hashsalt": "pccanalysis"}):
            fig.savefig(io.BytesIO(), format="png", dpi=PRINT_DPI,
                        pil_kwargs={"compress_level": 3})
            t2 = time.process_time()
            fig.savefig(io.BytesIO(), format="svg")
        t3 = time.process_time()
        spent["page_s"] += t1 - t0
        spent["print_s"] += t2 - t1
        spent["svg_s"] += t3 - t2
    n = len(figures)
    mean = {k: round(v / n, 3) for k, v in spent.items()}
    return mean | {"total_s": round(sum(mean.values()), 3), "measured": n}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("sample", "force", "both"), default="both")
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} CPU cores; Python {sys.version.split()[0]}; load average {load:.1f}"
          " at the start (other work on the machine lengthens wall times, not CPU times)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.part in ("sample", "both"):
            rows += sample_part(tmp)
        if args.part in ("force", "both"):
            rows += force_part(tmp)
    results = REPO_ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "bench_run.json").write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
