"""Shared fixtures: where the real data in ../shared lives, and tiny hand-made fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from pccanalysis.briefing.inputs import load_area
from pccanalysis.config import load_config
from pccanalysis.publish.pdf import chromium
from pccanalysis.publish.run import run_quarter
from pccanalysis.sample.write import write_sample

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
TEST_DATA = Path(__file__).resolve().parent / "data"
DERBYSHIRE_ZIP = SHARED_DATA / "police-uk" / "derbyshire-street-2023-01_2024-12.zip"
LSOA_WARD_LOOKUP = SHARED_DATA / "ons" / "lsoa11_ward19_lad19_lookup.csv"
LAD_CSP_LOOKUP = SHARED_DATA / "ons" / "lad19_csp19_pfa19_lookup.csv"
LSOA_BRIDGE = SHARED_DATA / "ons" / "lsoa11_lsoa21_lad22_exact_fit_lookup.csv"
LSOA21_WARD_LOOKUP = SHARED_DATA / "ons" / "lsoa21_ward23_lad23_best_fit_lookup.csv"
LAD24_CSP_LOOKUP = SHARED_DATA / "ons" / "lad24_csp24_pfa24_lookup.csv"
LSOA21_POPULATION = SHARED_DATA / "ons" / "lsoa21_population_mid2022.csv"
WARD_BOUNDARIES = SHARED_DATA / "boundaries" / "ward25"


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real data not available: {path} is absent (it lives in ../shared, outside the repo)")
    return path


@pytest.fixture(scope="session")
def derbyshire_zip() -> Path:
    """The real Derbyshire street-level zip from ../shared (skips when absent)."""
    return _require(DERBYSHIRE_ZIP)


@pytest.fixture(scope="session")
def ons_lsoa_ward_lookup() -> Path:
    """ONS LSOA (2011) -> ward (2019) -> LAD lookup from ../shared (skips when absent)."""
    return _require(LSOA_WARD_LOOKUP)


@pytest.fixture(scope="session")
def ons_lad_csp_lookup() -> Path:
    """ONS LAD -> CSP -> PFA lookup from ../shared (skips when absent)."""
    return _require(LAD_CSP_LOOKUP)


@pytest.fixture(scope="session")
def ons_2021() -> dict[str, Path]:
    """The ONS 2021-based files in ../shared (skips when absent): ``bridge`` (LSOA 2011 ->
    2021), ``lsoa_lookup`` (LSOA 2021 -> ward 2023), ``lad_lookup`` (LAD 2024 -> CSP -> PFA),
    ``population`` (LSOA 2021, mid-2022) and ``wards`` (ward polygons of Derbyshire)."""
    return {"bridge": _require(LSOA_BRIDGE), "lsoa_lookup": _require(LSOA21_WARD_LOOKUP),
            "lad_lookup": _require(LAD24_CSP_LOOKUP), "population": _require(LSOA21_POPULATION),
            "wards": _require(WARD_BOUNDARIES)}


@pytest.fixture(scope="session")
def derbyshire_config(derbyshire_zip, ons_2021):
    """Make a Derbyshire configuration on the real files: ``make(folder, areas, data="")``
    writes ``folder/pcc.yaml`` (force Derbyshire; ``areas`` as YAML lines; the police zip, the
    2021 lookups and the 2011 -> 2021 bridge, plus ``data`` lines indented two spaces; a cache
    in the folder) and returns the loaded ``Config``."""
    def make(folder: Path, areas: str, data: str = ""):
        (folder / "pcc.yaml").write_text(
            f"force: Derbyshire\nareas:\n{areas}"
            f"data:\n  police_uk: {derbyshire_zip}\n  lsoa_lookup: {ons_2021['lsoa_lookup']}\n"
            f"  lad_lookup: {ons_2021['lad_lookup']}\n  lsoa_bridge: {ons_2021['bridge']}\n"
            f"{data}cache_dir: {folder / 'cache'}\n", encoding="utf-8")
        return load_config(folder / "pcc.yaml")

    return make


@pytest.fixture(scope="session")
def test_data() -> Path:
    """Folder of tiny hand-made fixtures."""
    return TEST_DATA


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    """The synthetic sample (with its pcc.yaml), written once per test session."""
    from pccanalysis.sample.write import write_sample

    out = tmp_path_factory.mktemp("sample") / "sample"
    write_sample(out)
    return out


@pytest.fixture(scope="session")
def sample_config(sample_dir) -> Path:
    return sample_dir / "pcc.yaml"


@pytest.fixture(scope="session")
def quarter_run(tmp_path_factory):
    """The sample's latest quarter made once per session by ``pcc run``'s runner, every
    declared notebook (with PDFs where headless Chromium is installed): a ``RunResult``.
    Running it costs tens of seconds, so every test of the pages shares this one."""
    base = tmp_path_factory.getbasetemp() / "sample-quarter"
    write_sample(base / "sample")
    return run_quarter(base / "sample" / "pcc.yaml", "latest", output_dir=base / "outputs",
                       pdf=chromium() is not None)


@pytest.fixture(scope="session")
def quarter_pages(quarter_run) -> dict[str, str]:
    """Each briefing page of :func:`quarter_run`'s area Northbridge, by notebook name."""
    folder = quarter_run.plan.quarter_dir / "Northbridge"
    return {nb.name: (folder / f"{nb.name}.html").read_text(encoding="utf-8")
            for nb in quarter_run.plan.notebooks}


@pytest.fixture(scope="session")
def quarter_data(quarter_run):
    """Northbridge's ``AreaData`` for :func:`quarter_run`'s configuration."""
    return load_area(quarter_run.plan.config, "Northbridge")


@pytest.fixture(autouse=True)
def _no_sentence_threshold_between_tests():
    """open_briefing sets the small-number threshold sentences obey for the whole process (a
    notebook's kernel); here each test starts without one, whatever the last test opened."""
    from pccanalysis.narrative.disclosure import set_sentence_threshold

    set_sentence_threshold(None)
    yield
    set_sentence_threshold(None)
