"""Fixtures for the report tests: the synthetic sample and small notebooks made on the fly."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_notebooks import ALPHA, BETA, make_notebook


@pytest.fixture
def notebooks_dir(tmp_path) -> Path:
    """Two small notebooks that succeed: alpha (headline panel, chart) and beta (a note)."""
    folder = tmp_path / "notebooks"
    make_notebook(folder / "alpha.ipynb", "Alpha briefing", ALPHA)
    make_notebook(folder / "beta.ipynb", "Beta briefing", BETA)
    return folder
