"""Golden backtests: the option ``--regen-golden`` and the shared fixtures.

Without ``--regen-golden`` a missing golden file fails the test with the command that creates
it; nothing is ever written. With the flag every golden file the run reaches is rewritten and
its test is reported as SKIPPED ("golden regenerated: review the diff"), so a regenerating run
can never pass unnoticed. The flag is refused when the environment variable ``CI`` is true.
The synthetic sample is written once per session.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest
from backtest.golden_io import GOLDEN_DIR, GoldenStore, regen_refusal

from pccanalysis.sample.data import SAMPLE_AREA as AREA


def pytest_addoption(parser):
    parser.addoption(
        "--regen-golden", action="store_true", default=False,
        help="rewrite the golden tables in tests/data/golden (the tests are then reported as "
             "skipped); review the git diff before committing",
    )


@pytest.fixture(scope="session")
def regen_golden(pytestconfig) -> bool:
    """Whether ``--regen-golden`` was given (refused in CI)."""
    regen = bool(pytestconfig.getoption("regen_golden", default=False))
    refusal = regen_refusal(regen, {"CI": os.environ.get("CI", "")})
    if refusal:
        pytest.fail(refusal, pytrace=False)
    return regen


@pytest.fixture(scope="session")
def golden(regen_golden) -> GoldenStore:
    """The store of tests/data/golden."""
    return GoldenStore(GOLDEN_DIR, regen_golden)


# --------------------------------------------------------------------------------------------
# The fixed input: the synthetic sample, written once per session


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """The SYNTHETIC Northbridge sample, seed 2021 (deterministic), in a temporary folder."""
    from pccanalysis.sample.write import write_sample

    return write_sample(tmp_path_factory.mktemp("backtest") / "sample", seed=2021)


@pytest.fixture(scope="session")
def street(sample):
    """The sample's street files read and placed (read_street + attach_geography), with the
    loader's DataQuality; the force's local authorities from the LAD lookup, as a run does."""
    from pccanalysis.sources.geography import (
        local_authorities_of,
        read_lad_lookup,
        read_lsoa_lookup,
    )
    from pccanalysis.sources.placing import attach_geography
    from pccanalysis.sources.police_uk.read import read_street

    lads = read_lad_lookup(sample["lad_lookup"])
    lsoa = read_lsoa_lookup(sample["lsoa_lookup"])
    force_areas = local_authorities_of(lads, AREA, level="pfa")
    frame, dq = read_street(sample["police_uk"], force_areas=force_areas, cache_dir=False)
    frame = attach_geography(frame, lsoa, lads, dq=dq)
    return frame, dq


@pytest.fixture(scope="session")
def area_frame(street) -> pd.DataFrame:
    """Rows whose LSOA lies in the Northbridge CSP (rows without a location or located in the
    neighbouring district are in no ward figure), as the briefing places them."""
    frame = street[0]
    return frame[frame["csp_name"] == AREA].reset_index(drop=True)


@pytest.fixture(scope="session")
def gaps(area_frame) -> pd.DataFrame:
    """Publication gaps by crime type, default settings (the sample has one: ASB, 2020-10)."""
    from pccanalysis.indicators.gaps import find_gaps

    return find_gaps(area_frame)


