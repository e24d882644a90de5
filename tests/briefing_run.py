"""The sample quarter's real briefings, made once per test session (shared by test modules).

tests/publish/test_notebooks.py and tests/test_browser.py both need the three notebooks run on
the synthetic sample; running them costs tens of seconds, so the run is cached here under the
session's base temporary folder. tests/ is on sys.path (tests/conftest.py is loaded first), so
both modules import this one.
"""

from __future__ import annotations

from pathlib import Path

_RUNS: dict[Path, object] = {}


def sample_quarter_run(base: Path):
    """Write the sample under ``base`` and run every notebook for its latest quarter, once
    (with PDFs where headless Chromium is installed).

    Returns
    -------
    pccanalysis.publish.run.RunResult
    """
    base = Path(base)
    if base not in _RUNS:
        from pccanalysis.publish.pdf import chromium
        from pccanalysis.publish.run import run_quarter
        from pccanalysis.sample.write import write_sample

        sample = base / "sample"
        if not (sample / ".complete").exists():
            write_sample(sample)
        _RUNS[base] = run_quarter(sample / "pcc.yaml", "latest", output_dir=base / "outputs",
                                  pdf=chromium() is not None)
    return _RUNS[base]
