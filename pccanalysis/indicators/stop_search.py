"""Stop and search: volume, grounds, outcomes, find rate, and rates by ethnic group.

Input is the frame of :func:`pccanalysis.sources.stop_search.read_searches` (columns as
data.police.uk publishes them, tidy names). Every rate carries its interval; words are for
:mod:`pccanalysis.narrative.stop_search`.

Definitions
-----------
- **Find rate**: searches whose outcome was linked to the object of the search (``Outcome
  linked to object of search`` True) over the searches where that column is recorded (True or
  False); blanks are counted and left out of the rate. 95% Wilson interval.
- **Outcome rate**: searches with any outcome other than "A no further action disposal" (or
  the older "Nothing found - no further action") over searches with an outcome recorded.
- **Searches of children**: age range "under 10" or "10-17", over searches with an age range.
- **More than outer clothing removed**: ``Removal of more than just outer clothing`` True over
  searches where it is recorded.
- **Ethnic group**: the high-level group of the self-defined ethnicity; where that is blank,
  "Not stated" or not a published value, the officer-defined ethnicity; where both are
  missing, "Not recorded" (in no rate). The group's source is kept so a note can say how
  many came from the officer.
- **Rate per 1,000 residents** of a group: its searches over its residents (Census 2021 by
  local authority) times 1,000, with an exact (Garwood) interval below 10 searches and Byar's
  above (:func:`pccanalysis.indicators.counts.rates`).
- **Disproportionality ratio**: a group's rate over the White group's rate. Its 95% interval
  is the exact conditional one for a ratio of two Poisson rates: given ``a + b`` searches of
  the two groups, ``a`` is binomial with ``p = R N_a / (R N_a + N_b)``; the Clopper-Pearson
  limits ``(p_L, p_U)`` of ``a / (a + b)`` give ``R_L = p_L / (1 - p_L) x N_b / N_a`` and
  ``R_U = p_U / (1 - p_U) x N_b / N_a`` (the method of
  :func:`pccanalysis.indicators.significance.compare_poisson`). A group is searched "more" or
  "less" than the White group only when the interval excludes 1.

References
----------
Home Office, "Police powers and procedures: stop and search and arrests" (find rate,
disproportionality against the White group, self-defined ethnicity). Breslow NE, Day NE
(1987), "Statistical Methods in Cancer Research, Vol. II", IARC (the conditional method for a
ratio of rates). Wilson EB (1927), JASA 22, 209-212.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError
from ..sources.ethnic_population import ETHNIC_GROUPS
from ..sources.stop_search import CHILD_AGE_RANGES, OFFICER_DEFINED, SELF_DEFINED
from .counts import month_counts, rates
from .outcomes import wilson
from .significance import compare_poisson_arrays

__all__ = [
    "NOT_RECORDED",
    "NO_FURTHER_ACTION",
    "Proportion",
    "breakdown",
    "children",
    "ethnic_groups",
    "ethnicity_rates",
    "find_rate",
    "monthly_searches",
    "outcome_rate",
    "proportion",
    "removal",
]

NOT_RECORDED = "Not recorded"
#: Outcomes that mean nothing further happened (the second is the older wording).
NO_FURTHER_ACTION = ("A no further action disposal", "Nothing found - no further action")
#: The group every disproportionality ratio is against.
REFERENCE_GROUP = "White"


def _key(text) -> str:
    return " ".join(str(text).split()).casefold()


def _require(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    for col in columns:
        if col not in frame.columns:
            raise DataError("the stop-and-search frame has no such column", column=col)


def _factorize(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes and distinct values (blank text counts as missing, code -1): each distinct value
    is then handled once, not once a row."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    names = [str(u) for u in uniques]
    blank = np.array([not n.strip() for n in names] + [False])
    return np.where(blank[codes], -1, codes), names


def _mapped(values: pd.Series, lookup: Mapping[str, str | None]) -> np.ndarray:
    codes, names = _factorize(values)
    table = np.array([lookup.get(_key(n)) for n in names] + [None], dtype=object)
    return table[codes]


def ethnic_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """Each search's ethnic group and where it came from.

    Returns
    -------
    pandas.DataFrame
        Same index: ``ethnic_group`` (White, Black, Asian, Mixed, Other or "Not recorded") and
        ``ethnicity_source`` ("self-defined", "officer-defined" or "none").
    """
    _require(frame, ["self_defined_ethnicity", "officer_defined_ethnicity"])
    self_group = _mapped(frame["self_defined_ethnicity"], {_key(k): v for k, v in
                                                           SELF_DEFINED.items()})
    officer = _mapped(frame["officer_defined_ethnicity"], {_key(k): k for k in OFFICER_DEFINED})
    has_self = np.array([g is not None for g in self_group], dtype=bool)
    has_officer = np.array([g is not None for g in officer], dtype=bool)
    group = np.where(has_self, self_group, np.where(has_officer, officer, NOT_RECORDED))
    source = np.where(has_self, "self-defined", np.where(has_officer, "officer-defined", "none"))
    return pd.DataFrame({"ethnic_group": group.astype(str), "ethnicity_source": source},
                        index=frame.index)


def monthly_searches(frame: pd.DataFrame, months: Sequence) -> pd.DataFrame:
    """Searches a month (``month``, ``count``), months with none as 0."""
    return month_counts(frame, months=months)


@dataclass(frozen=True)
class Proportion:
    """Part of a whole with its 95% Wilson interval (percent).

    Attributes
    ----------
    count, total : int
        The part and the searches it is out of.
    unrecorded : int
        Searches left out of ``total`` because the field is blank.
    share, low, high : float
        ``100 count / total`` and its interval (NaN share when ``total`` is 0).
    """

    count: int
    total: int
    unrecorded: int
    share: float
    low: float
    high: float


def proportion(hit: pd.Series, recorded: pd.Series) -> Proportion:
    """The share of the ``recorded`` searches that are ``hit`` (both boolean Series)."""
    hit = hit.fillna(False).to_numpy(dtype=bool)
    recorded = recorded.fillna(False).to_numpy(dtype=bool)
    x, n = int((hit & recorded).sum()), int(recorded.sum())
    low, high = wilson(x, n)
    return Proportion(count=x, total=n, unrecorded=int((~recorded).sum()),
                      share=100 * x / n if n else float("nan"), low=100 * float(low),
                      high=100 * float(high))


def _flag(frame: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
    _require(frame, [column])
    values = frame[column].astype("boolean")
    return values.fillna(False).astype(bool), values.notna()


def find_rate(frame: pd.DataFrame) -> Proportion:
    """Searches whose outcome was linked to the object of the search, of those recorded."""
    linked, recorded = _flag(frame, "outcome_linked_to_object_of_search")
    return proportion(linked, recorded)


def removal(frame: pd.DataFrame) -> Proportion:
    """Searches with more than outer clothing removed, of those where it is recorded."""
    removed, recorded = _flag(frame, "removal_of_more_than_just_outer_clothing")
    return proportion(removed, recorded)


def outcome_rate(frame: pd.DataFrame) -> Proportion:
    """Searches with an outcome other than no further action, of those with an outcome."""
    _require(frame, ["outcome"])
    codes, names = _factorize(frame["outcome"])
    nfa = {_key(v) for v in NO_FURTHER_ACTION}
    other = np.array([_key(n) not in nfa for n in names] + [False])
    return proportion(pd.Series(other[codes]), pd.Series(codes >= 0))


def children(frame: pd.DataFrame) -> Proportion:
    """Searches of children (age range "under 10" or "10-17"), of those with an age range."""
    _require(frame, ["age_range"])
    codes, names = _factorize(frame["age_range"])
    child = np.array([n in CHILD_AGE_RANGES for n in names] + [False])
    return proportion(pd.Series(child[codes]), pd.Series(codes >= 0))


def breakdown(frame: pd.DataFrame, column: str, *, missing: str = NOT_RECORDED
              ) -> pd.DataFrame:
    """Searches by the values of ``column`` (blanks as ``missing``), most first.

    Returns
    -------
    pandas.DataFrame
        ``column``, ``count``, ``share`` (percent of all searches), ``low``, ``high`` (95%
        Wilson interval), sorted by count (ties by name), ``missing`` last.
    """
    _require(frame, [column])
    codes, names = _factorize(frame[column])
    counts = np.bincount(codes + 1, minlength=len(names) + 1)  # blanks first, at 0
    tally: dict[str, int] = {}
    for name, k in zip([missing, *names], counts.tolist(), strict=True):
        if k:
            tally[name] = tally.get(name, 0) + k
    order = sorted(tally, key=lambda v: (v == missing, -tally[v], v))
    n = len(frame)
    count = np.array([tally[v] for v in order], dtype=np.int64)
    low, high = wilson(count, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = 100 * count / n if n else np.full(len(count), np.nan)
    return pd.DataFrame({column: order, "count": count, "share": share, "low": 100 * low,
                         "high": 100 * high})


def ethnicity_rates(frame: pd.DataFrame, population: Mapping[str, float], *,
                    per: float = 1000, alpha: float = 0.05) -> pd.DataFrame:
    """Searches per ``per`` residents of each ethnic group and the ratio to the White group.

    Parameters
    ----------
    frame : pandas.DataFrame
        Searches, with the ethnicity columns (see :func:`ethnic_groups`).
    population : mapping
        Residents of each of :data:`~pccanalysis.sources.ethnic_population.ETHNIC_GROUPS`.
    per : float
        Rate base (1,000).

    Returns
    -------
    pandas.DataFrame
        One row per group, in ``ETHNIC_GROUPS`` order: ``ethnic_group``, ``searches``,
        ``population``, ``rate``, ``rate_low``, ``rate_high``, ``rate_method``, ``ratio``
        (to the White group), ``ratio_low``, ``ratio_high`` (exact conditional), ``verdict``
        ("more", "less" or "similar"; "" for the White group itself).

    Raises
    ------
    DataError
        When the population lacks a group, or a group's population is not above zero.
    """
    for g in ETHNIC_GROUPS:
        if g not in population:
            raise DataError(f"the population by ethnicity has no figure for the group {g!r}",
                            column="ethnic_group")
        if not population[g] > 0:
            raise DataError(f"the population of the group {g!r} must be above zero",
                            column="population")
    groups = ethnic_groups(frame)["ethnic_group"].to_numpy()
    counts = pd.Series([int((groups == g).sum()) for g in ETHNIC_GROUPS], index=ETHNIC_GROUPS)
    table = pd.DataFrame({"ethnic_group": list(ETHNIC_GROUPS),
                          "searches": counts.to_numpy(dtype=np.int64),
                          "population": [float(population[g]) for g in ETHNIC_GROUPS]})
    table = rates(table, count_column="searches", per=per, alpha=alpha)
    ref = table.set_index("ethnic_group").loc[REFERENCE_GROUP]
    out = compare_poisson_arrays(table["searches"], ref["searches"], table["population"],
                                 ref["population"], alpha)
    verdict = np.where(out["ratio_low"] > 1, "more",
                       np.where(out["ratio_high"] < 1, "less", "similar"))
    return table.assign(ratio=out["ratio"], ratio_low=out["ratio_low"],
                        ratio_high=out["ratio_high"],
                        verdict=np.where(table["ethnic_group"] == REFERENCE_GROUP, "", verdict))
