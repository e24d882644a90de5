"""Hand-made street frames and configurations shared by the tests of pccanalysis.briefing.

The configuration is the synthetic sample's (for the source lines and the publication
settings); the police data is a hand-made street frame with only the columns the sections read.
"""

from __future__ import annotations

import pandas as pd

from pccanalysis.briefing.inputs import AreaData
from pccanalysis.config import Area, load_config

MINUS = "\u2212"
WARD_CODES = {"Abbey": "E05990001", "Castle": "E05990002", "City Centre": "E05990003",
              "Moorside": "E05990099"}
NORTHBRIDGE = Area(name="Northbridge", csps=("Northbridge",))


def street(counts: dict[tuple[str, str, str], int], *, outside: tuple[str, ...] = ()) -> pd.DataFrame:
    """A street frame with ``n`` rows for each (month, crime type, ward): ``{("2020-04",
    "Burglary", "Abbey"): 3}``. Wards in ``outside`` belong to the neighbouring CSP Eastmoor
    and are flagged ``outside_force_area``, as data.police.uk rows located over the border."""
    rows = []
    for (month, crime_type, ward), n in counts.items():
        away = ward in outside
        rows += [{"month": pd.Period(month, freq="M"), "crime_type": crime_type,
                  "ward_code": WARD_CODES.get(ward), "ward_name": ward,
                  "lad_name": "Eastmoor" if away else "Northbridge",
                  "csp_name": "Eastmoor" if away else "Northbridge",
                  "outside_force_area": away, "no_location": False}] * n
    frame = pd.DataFrame(rows)
    frame["month"] = frame["month"].astype("period[M]")
    return frame


def area_data(frame: pd.DataFrame) -> AreaData:
    months = list(pd.period_range(frame["month"].min(), frame["month"].max(), freq="M"))
    return AreaData(area=NORTHBRIDGE, frame=frame, months=months, quality=(),
                    lad_lookup=pd.DataFrame())


def months(first: str, last: str) -> list[str]:
    return [str(m) for m in pd.period_range(first, last, freq="M")]


def wards_frame() -> pd.DataFrame:
    # Abbey 40 a month in January-March 2020, 30 from April to December 2020, 20 in
    # January-March 2021: 120 -> 60 in the quarter. Castle 40, 30, 25: 120 -> 75. Moorside (an
    # Eastmoor ward, rows located over the border) 5 a month, then 20: 15 -> 60, which would
    # "rise" if it were counted as one of the area's wards.
    counts = {}
    for m in months("2020-01", "2021-03"):
        year_q4 = m <= "2020-03"
        latest = m >= "2021-01"
        counts[(m, "Burglary", "Abbey")] = 40 if year_q4 else 20 if latest else 30
        counts[(m, "Burglary", "Castle")] = 40 if year_q4 else 25 if latest else 30
        counts[(m, "Burglary", "Moorside")] = 20 if latest else 5
    return street(counts, outside=("Moorside",))


def config_with(sample_dir, tmp_path, data_lines: str):
    """A pcc.yaml in ``tmp_path`` on the sample's police data and lookups, plus ``data_lines``
    (indented two spaces under ``data:``)."""
    g = sample_dir / "geography"
    (tmp_path / "pcc.yaml").write_text(
        "areas:\n- name: Northbridge\n  csp: Northbridge\n"
        f"data:\n  police_uk: {sample_dir / 'police-uk'}\n"
        f"  lsoa_lookup: {g / 'lsoa11_ward19_lad19_lookup.csv'}\n"
        f"  lad_lookup: {g / 'lad19_csp19_pfa19_lookup.csv'}\n" + data_lines)
    return load_config(tmp_path / "pcc.yaml")
