"""Fixtures for the report tests: the synthetic sample and small notebooks made on the fly."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_notebooks import ALPHA, BETA, make_notebook


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    """The synthetic sample (with its pcc.yaml), written once per test session."""
    from pccanalysis.sample import write_sample

    out = tmp_path_factory.mktemp("sample") / "sample"
    write_sample(out)
    return out


@pytest.fixture(scope="session")
def sample_config(sample_dir) -> Path:
    return sample_dir / "pcc.yaml"


@pytest.fixture
def notebooks_dir(tmp_path) -> Path:
    """Two small notebooks that succeed: alpha (headline panel, chart) and beta (a note)."""
    folder = tmp_path / "notebooks"
    make_notebook(folder / "alpha.ipynb", "Alpha briefing", ALPHA)
    make_notebook(folder / "beta.ipynb", "Beta briefing", BETA)
    return folder
