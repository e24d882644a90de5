"""Peer comparison: rates per 1,000, rank, change, funnel flags and the focus against its peers.

A hand-made frame of three forces checks every number; the synthetic Northbridge sample plus
generated peer forces (read together by read_street) checks the flags end to end; the real
Derbyshire file (skipped when absent) checks that the function runs on real data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest

from pccanalysis.errors import DataError
from pccanalysis.indicators.change import VERDICTS, rolling_12_months, same_period_last_year
from pccanalysis.indicators.funnel import FLAG_WORDS
from pccanalysis.indicators.peers import compare_with_peers, peer_rates, population_for
from pccanalysis.sample import data as sample
from pccanalysis.sample.write import write_sample
from pccanalysis.sources.geography import (
    local_authorities_of,
    read_lad_lookup,
    read_lsoa_lookup,
    read_population,
)
from pccanalysis.sources.placing import attach_geography
from pccanalysis.sources.police_uk.read import read_street

# --- a hand-made group of three forces ------------------------------------------------------
#
# All crime in January 2020 and January 2021 (ASB rows are there too and must be left out):
#   force  Jan 2020  Jan 2021  population  rate per 1,000 in Jan 2021
#   A         100        80      10,000     80 / 10,000 x 1,000 = 8.0
#   B          50        50       5,000     10.0
#   C         200       260      20,000     13.0
# Ranks (1 = highest): C 1, B 2, A 3. Pooled rate 390 / 35,000 x 1,000 = 11.142857.


def _hand_counts() -> pd.DataFrame:
    rows = []
    for force, before, now in (("A", 100, 80), ("B", 50, 50), ("C", 200, 260)):
        # split each count over two crime types, and add ASB, which "All crime" leaves out
        rows += [("2020-01", force, "Burglary", before // 2),
                 ("2020-01", force, "Shoplifting", before - before // 2),
                 ("2021-01", force, "Burglary", now // 2),
                 ("2021-01", force, "Shoplifting", now - now // 2),
                 ("2020-01", force, "Anti-social behaviour", 500),
                 ("2021-01", force, "Anti-social behaviour", 900)]
    frame = pd.DataFrame(rows, columns=["month", "force", "crime_type", "count"])
    frame["month"] = pd.PeriodIndex(frame["month"], freq="M")
    return frame


POP = {"A": 10_000, "B": 5_000, "C": 20_000}
JAN = same_period_last_year("2021-01")  # January 2021 against January 2020


def test_hand_made_rates_ranks_and_intervals():
    res = compare_with_peers(_hand_counts(), POP, focus="A", comparison=JAN,
                             overdispersion="none")
    t = res.table.set_index("force")
    assert list(res.table["force"]) == ["C", "B", "A"]  # highest rate first
    assert t["count"].tolist() == [260, 50, 80]
    assert t["rate"].tolist() == pytest.approx([13.0, 10.0, 8.0])
    assert t["rank"].tolist() == [1, 2, 3]
    assert (t["n_units"] == 3).all()
    # Byar's interval for 80 events: 80 (1 - 1/720 - 1.959964 / (3 sqrt(80)))^3
    #   = 80 x (1 - 0.0013889 - 0.0730434)^3 = 80 x 0.9255677^3 = 63.4329 events,
    # upper 81 (1 - 1/729 + 1.959964 / (3 x 9))^3 = 99.5682 events; per 10,000 people x 1,000.
    assert t.loc["A", "rate_low"] == pytest.approx(6.34329, abs=1e-5)
    assert t.loc["A", "rate_high"] == pytest.approx(9.95682, abs=1e-5)
    assert t.loc["A", "rate_method"] == "Byar"
    assert res.focus == "A" and res.focus_row["force"] == "A" and bool(res.focus_row["is_focus"])
    assert res.peers == ["C", "B"]
    assert res.what == "All crime"


def test_hand_made_change_verdicts():
    res = compare_with_peers(_hand_counts(), POP, focus="A", comparison=JAN)
    t = res.table.set_index("force")
    assert t["previous"].tolist() == [200, 50, 100]
    assert t["percent"].tolist() == pytest.approx([30.0, 0.0, -20.0])
    # C: 260 of 460 against p = 0.5: binomtest p = 0.00588 -> rose.
    # A: 80 of 180: p = 0.1565 -> similar; B: 50 of 100: p = 1 -> similar.
    assert t.loc["C", "p_value"] == pytest.approx(0.0058839, rel=1e-4)
    assert t.loc["A", "p_value"] == pytest.approx(0.1565315, rel=1e-4)
    assert t["verdict"].tolist() == ["rose", "similar", "similar"]


def test_hand_made_funnel_flags_with_exact_limits():
    res = compare_with_peers(_hand_counts(), POP, focus="A", comparison=JAN,
                             overdispersion="none")
    assert res.funnel.target == pytest.approx(390 / 35)
    t = res.table.set_index("force")
    # A: E = 11.142857 / 1,000 x 10,000 = 111.43 events; exact Poisson limits from
    #   poisson.ppf / cdf: lower 95% 90.709, lower 99.8% 79.756 -> 80 is below the 95% limit.
    # B: E = 55.71: 95% limits 41.07 to 70.32 -> 50 within.
    # C: E = 222.86: upper 95% 252.08, upper 99.8% 269.89 -> 260 above the 95% limit.
    assert t.loc["A", "lower_95"] == pytest.approx(9.070883, abs=1e-6)
    assert t.loc["A", "lower_998"] == pytest.approx(7.975580, abs=1e-6)
    assert t.loc["C", "upper_95"] == pytest.approx(12.604213, abs=1e-6)
    assert t["flag"].tolist() == ["high_95", "within", "low_95"]


def test_hand_made_overdispersion_is_estimated_and_applied():
    res = compare_with_peers(_hand_counts(), POP, focus="A", comparison=JAN)
    # z = 2 (sqrt(O) - sqrt(E)): A -3.22340, B -0.78626, C 2.39223. Winsorised (3 units):
    # 10th percentile at position 0.2: -3.22340 + 0.2 x 2.43714 = -2.73597;
    # 90th at 1.8: -0.78626 + 0.8 x 3.17849 = 1.75653.
    # phi = (2.73597^2 + 0.78626^2 + 1.75653^2) / 3 = (7.48553 + 0.61821 + 3.08540) / 3 = 3.72971
    # I phi = 11.1891 on 2 df: p = exp(-11.1891 / 2) = 0.00372 -> widen the limits.
    f = res.funnel
    assert f.phi == pytest.approx(3.72971, abs=1e-4)
    assert f.phi_p_value == pytest.approx(0.003719, abs=1e-5)
    assert f.adjusted
    # w = 4E = 445.714, 222.857, 891.429: sum 1,560; sum(w^2) / sum(w) = 1,042,971 / 1,560
    # = 668.571; tau^2 = (11.1891 - 2) / (1,560 - 668.571) = 9.1891 / 891.429 = 0.010308.
    assert f.tau2 == pytest.approx(0.010308, abs=1e-5)
    assert (res.table["flag"] == "within").all()
    assert "With 3 units the over-dispersion estimate is rough." in res.notes


def test_focus_against_its_peers_pooled():
    res = compare_with_peers(_hand_counts(), POP, focus="A", comparison=JAN)
    vs = res.focus_vs_peers
    # A: 100 -> 80 (-20%); B + C: 250 -> 310 (+24%). Ratio of ratios 0.8 / 1.24 = 0.64516;
    # Fisher's exact test on [[80, 100], [310, 250]], twice the smaller (lower) tail:
    # p = 2 x 0.0068583 = 0.013717 (scipy's two-sided "minimum likelihood" p is 0.012733).
    assert (vs.local_current, vs.local_previous) == (80, 100)
    assert (vs.comparator_current, vs.comparator_previous) == (310, 250)
    assert vs.ratio == pytest.approx(0.645161, abs=1e-6)
    assert vs.p_value == pytest.approx(0.013717, abs=1e-6)
    assert vs.verdict == "fell against a rise in"
    assert vs.comparator_label == "its peers"


def test_peers_restrict_the_group_and_the_focus_is_always_in_it():
    res = compare_with_peers(_hand_counts(), POP, focus="A", peers=["C"], comparison=JAN,
                             overdispersion="none")
    assert sorted(res.table["force"]) == ["A", "C"]
    # Pooled rate of A and C only: 340 / 30,000 x 1,000 = 11.3333.
    assert res.funnel.target == pytest.approx(340 / 30)


def test_one_crime_type():
    res = compare_with_peers(_hand_counts(), POP, focus="A", comparison=JAN,
                             crime_type="Burglary")
    # Burglary is the first half of each count: A 40, B 25, C 130 in January 2021.
    assert res.table.set_index("force")["count"].to_dict() == {"A": 40, "B": 25, "C": 130}
    assert res.what == "Burglary"


def test_a_unit_missing_a_month_is_left_out_of_rates_but_kept_in_change():
    counts = pd.concat([
        _hand_counts(),
        pd.DataFrame({"month": pd.PeriodIndex(["2020-01"], freq="M"), "force": ["D"],
                      "crime_type": ["Burglary"], "count": [70]}),
    ], ignore_index=True)
    res = compare_with_peers(counts, POP | {"D": 8_000}, focus="A", comparison=JAN)
    t = res.table.set_index("force")
    assert list(res.table["force"]) == ["C", "B", "A", "D"]
    assert np.isnan(t.loc["D", "rate"]) and pd.isna(t.loc["D", "rank"])
    assert pd.isna(t.loc["D", "flag"])
    assert t.loc["D", "months_missing"] == 1 and t.loc["D", "count"] == 0
    assert t.loc["D", "verdict"] == "fell"
    assert res.notes[0] == ("D has no data for 2021-01: its change is not like for like and it "
                            "is left out of the rates, ranking and funnel.")
    assert res.funnel.units["unit"].tolist() == ["C", "B", "A"]


def test_population_table_year_defaults_to_the_latest_year_before_the_period():
    table = pd.DataFrame({
        "area_code": ["X1", "X2", "X3"] * 2,
        "area_name": ["A", "B", "C"] * 2,
        "year": [2019] * 3 + [2020] * 3,
        "population": [9_000, 4_000, 19_000, 10_000, 5_000, 20_000],
    })
    res = compare_with_peers(_hand_counts(), table, focus="A", comparison=JAN)
    # The current period is January 2021; mid-2021 is absent, so mid-2020 is used.
    assert res.population_year == 2020
    assert "Populations are mid-2020 figures." in res.notes
    assert res.table.set_index("force")["population"].to_dict() == {
        "C": 20_000, "B": 5_000, "A": 10_000}


def test_population_for_needs_a_year_when_the_table_has_several():
    table = pd.DataFrame({"area_name": ["A", "A"], "year": [2019, 2020],
                          "population": [1, 2]})
    with pytest.raises(DataError) as err:
        population_for(table, ["A"])
    assert str(err.value) == ("column 'year': the population table holds several years: say "
                              "which to use.")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"focus": "Z"}, "column 'force': no rows are for 'Z'."),
        ({"focus": "A", "peers": ["Bb"]}, "column 'force': no rows are for 'Bb' (did you mean 'B'?)."),
        ({"focus": "A", "crime_type": "Burgalry"},
         "column 'crime_type': no rows have the crime type 'Burgalry' (did you mean 'Burglary'?)."),
        ({"focus": "A", "population": {"A": 1, "B": 2}},
         "column 'population': there is no population for 'C'."),
        ({"focus": "A", "population": {"A": 1, "B": 0, "C": 3}},
         "column 'population': the population of 'B' must be above zero, not 0."),
        ({"focus": "A", "peers": []}, "column 'force': a peer comparison needs at least two units."),
    ],
)
def test_bad_input_names_the_column(kwargs, message):
    kwargs = {"population": POP, **kwargs}
    with pytest.raises(DataError) as err:
        compare_with_peers(_hand_counts(), comparison=JAN, **kwargs)
    assert str(err.value) == message


def test_peer_rates_alone():
    t = peer_rates(_hand_counts().query("crime_type != 'Anti-social behaviour'"), POP,
                   unit="force", months=["2020-01"])
    # January 2020: A 100 / 10,000 = 10.0, B 50 / 5,000 = 10.0, C 200 / 20,000 = 10.0: a tie,
    # so every force shares rank 1.
    assert t["rate"].tolist() == pytest.approx([10.0, 10.0, 10.0])
    assert t["rank"].tolist() == [1, 1, 1]


# --- the synthetic sample plus generated peer forces ----------------------------------------
#
# Each peer is a re-seeded draw of the Northbridge sample (sample.street_table(seed)), thinned
# by keeping each row with probability `size` (which keeps counts Poisson, with mean x size),
# renamed, and written as data.police.uk files for April 2019 to March 2021. Its population is
# set to Northbridge's mid-2020 population x size / rate, so its expected rate of crime is
# `rate` times Northbridge's: ordinary peers differ by up to 10% (real between-force
# variation, which the over-dispersion adjustment should absorb); "Farshire" has twice the rate.
PEERS = [
    # name, slug, seed, size, rate
    ("Ashdown Police", "ashdown", 11, 0.8, 1.06),
    ("Brackley Police", "brackley", 12, 0.6, 0.94),
    ("Coldmere Police", "coldmere", 13, 0.5, 1.10),
    ("Dunmore Police", "dunmore", 14, 0.9, 0.90),
    ("Elmsford Police", "elmsford", 15, 0.7, 1.03),
    ("Fenwick Police", "fenwick", 16, 0.4, 0.97),
    ("Farshire Police", "farshire", 17, 0.75, 2.00),
]
EXTREME = "Farshire Police"
FOCUS = sample.FORCE_NAME  # "Northbridge Police"


def _write_peer(root: Path, name: str, slug: str, seed: int, size: float) -> None:
    table = sample.street_table(seed)
    keep = np.random.default_rng(seed).random(table.num_rows) < size
    table = table.filter(pa.array(keep))
    force = pa.array([name] * table.num_rows, pa.string())
    table = table.set_column(2, "Reported by", force).set_column(3, "Falls within", force)
    header = (",".join(sample.STREET_COLUMNS) + "\n").encode()
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    for month in pd.period_range("2019-04", "2021-03", freq="M"):
        part = table.filter(pc.equal(table.column("Month"), str(month)))
        sink = pa.BufferOutputStream()
        pacsv.write_csv(part, sink, options)
        path = root / slug / str(month) / f"{month}-{slug}-street.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(header + sink.getvalue().to_pybytes())


@pytest.fixture(scope="module")
def synthetic_group(tmp_path_factory):
    root = tmp_path_factory.mktemp("peers")
    paths = write_sample(root / "northbridge", seed=sample.DEFAULT_SEED)
    for name, slug, seed, size, _rate in PEERS:
        _write_peer(root / "others", name, slug, seed, size)
    frame, dq = read_street([paths["police_uk"], root / "others"], cache_dir=False)
    pop = read_population(paths["population"])
    north = int(pop.loc[(pop["area_code"] == sample.PFA_CODE) & (pop["year"] == 2020),
                        "population"].iloc[0])
    population = pd.DataFrame({
        "falls_within": [FOCUS] + [p[0] for p in PEERS],
        "population": [north] + [round(north * size / rate) for _, _, _, size, rate in PEERS],
    })
    return frame, population


def test_synthetic_group_is_read_in_one_call(synthetic_group):
    frame, _ = synthetic_group
    assert set(frame["falls_within"].astype("str")) == {FOCUS} | {p[0] for p in PEERS}


def test_synthetic_extreme_peer_is_flagged_and_ordinary_peers_are_not(synthetic_group):
    frame, population = synthetic_group
    res = compare_with_peers(frame, population, focus=FOCUS, unit="falls_within",
                             count_column=None, comparison=rolling_12_months("2021-03"))
    t = res.table.set_index("falls_within")
    assert len(t) == 8
    assert res.funnel.adjusted  # ordinary peers differ by up to 10%: over-dispersion
    assert t.loc[EXTREME, "flag"] == "high_998"
    assert t.loc[EXTREME, "rank"] == 1
    ordinary = t.drop(index=EXTREME)
    assert not ordinary["flag"].isin(["high_998", "low_998"]).any()
    # Without the adjustment most ordinary forces would be "outside the 99.8% limits" only
    # because 20,000 crimes a year measure a 5% difference very precisely.
    plain = compare_with_peers(frame, population, focus=FOCUS, unit="falls_within",
                               count_column=None, comparison=rolling_12_months("2021-03"),
                               overdispersion="none").table.set_index("falls_within")
    assert plain.drop(index=EXTREME)["flag"].isin(["high_998", "low_998"]).sum() >= 4


def test_synthetic_rates_and_change_match_the_rows(synthetic_group):
    frame, population = synthetic_group
    comp = rolling_12_months("2021-03")
    res = compare_with_peers(frame, population, focus=FOCUS, unit="falls_within",
                             count_column=None, comparison=comp)
    focus = res.focus_row
    rows = frame[(frame["falls_within"] == FOCUS) & (frame["crime_type"] != sample.ASB)]
    now = int(rows["month"].isin(comp.current_months).sum())
    before = int(rows["month"].isin(comp.previous_months).sum())
    assert (focus["count"], focus["previous"]) == (now, before)
    assert focus["rate"] == pytest.approx(1000 * now / focus["population"])
    # The sample's built-in effect: crime x0.804 from April 2020, about -19.6%.
    assert focus["verdict"] == "fell"
    assert focus["percent"] == pytest.approx(-19.6, abs=2.0)
    assert res.focus_vs_peers is not None
    assert set(res.table["verdict"]) <= set(VERDICTS)


# --- the real Derbyshire data ----------------------------------------------------------------

# ILLUSTRATIVE population, not an ONS estimate: no population file is in ../shared, so each
# local authority is given 1,600 people per 2011 LSOA in the ONS lookup (an LSOA holds about
# 1,600 people on average: 56.1 million people in 34,753 LSOAs in 2011). Only the structure of
# the result is asserted.
PEOPLE_PER_LSOA = 1_600


@pytest.mark.real_data
def test_derbyshire_local_authorities_end_to_end(derbyshire_zip, ons_lsoa_ward_lookup,
                                                  ons_lad_csp_lookup):
    frame, _ = read_street(derbyshire_zip, cache_dir=False)
    lsoas = read_lsoa_lookup(ons_lsoa_ward_lookup)
    lads = read_lad_lookup(ons_lad_csp_lookup)
    frame = attach_geography(frame, lsoas, lads)
    areas = local_authorities_of(lads, "Derbyshire")
    assert len(areas) == 9
    population = (lsoas[lsoas["lad_name"].isin(areas)].groupby("lad_name").size()
                  * PEOPLE_PER_LSOA)
    res = compare_with_peers(frame, population, focus="Chesterfield", peers=areas,
                             unit="lad_name", count_column=None, crime_type="Burglary",
                             comparison=same_period_last_year("2024"))
    t = res.table
    assert sorted(t["lad_name"]) == sorted(areas)
    assert t["rank"].min() == 1 and t["rank"].is_monotonic_increasing
    assert (t["count"] > 0).all() and (t["rate"] > 0).all()
    burglary_2024 = frame[(frame["crime_type"] == "Burglary") & frame["lad_name"].isin(areas)
                          & (frame["month"].dt.year == 2024)]
    assert t["count"].sum() == len(burglary_2024)
    assert set(t["flag"]) <= set(FLAG_WORDS)
    assert set(t["verdict"]) <= set(VERDICTS)
    assert ((t["lower_998"] <= t["lower_95"]) & (t["lower_95"] <= res.funnel.target)
            & (res.funnel.target <= t["upper_95"]) & (t["upper_95"] <= t["upper_998"])).all()
    assert res.focus_vs_peers is not None and res.focus_row["lad_name"] == "Chesterfield"
