"""Fixtures for the tests of pccanalysis.briefing."""

from __future__ import annotations

import pytest

from pccanalysis.config import load_config


@pytest.fixture(scope="module")
def config(sample_config):
    return load_config(sample_config)
