"""Crime outcomes: every data.police.uk outcome category in one of eight groups, by cohort.

An *outcome* is how the police investigation of a crime ended (or stands): a charge or summons,
an out-of-court disposal, no suspect identified ... data.police.uk publishes each crime's latest
outcome in the street files (``Last outcome category``) and the history of outcomes in the
outcomes files (``Outcome type``, one row per outcome, in the month it was recorded).

The scheme
----------
Every published category is in one group (:data:`OUTCOME_SCHEME`), following the Home Office's
outcome types (the numbers in brackets) as data.police.uk maps them:

- **Charged or summonsed** (1), court results included: "Suspect charged", "Awaiting court
  outcome", "Court result unavailable", "Offender sent to prison", "Defendant found not
  guilty" ... (a court result follows a charge);
- **Out-of-court disposal** (2, 3, 6, 7, 8): cautions, penalty notices, drugs possession
  warnings and community ("local") resolutions;
- **No suspect identified** (18, 14): "Investigation complete; no suspect identified";
- **Evidential difficulties** (15, 16): "Unable to prosecute suspect" (a suspect is known but
  the evidence, or the victim's support, is not there);
- **Not in the public interest** (9, 10, 21): formal action, further action or further
  investigation not in the public interest;
- **Passed to another organisation** (20): "Action to be taken by another organisation";
- **Still under investigation**: "Under investigation" (no outcome yet);
- **Unknown**: "Status update unavailable", no outcome published for a crime, and any category
  the scheme does not know. An unknown category is counted here and reported
  (:attr:`Grouped.unrecognised`), never dropped.

Like-aged cohorts
-----------------
A crime recorded two months ago has had no time to reach court, so outcomes are compared only
between *cohorts* (the crimes recorded in a quarter) of the same age. From the street files
alone (outcomes as they stand when the files were published) that means showing the latest
*matured* cohort (:func:`latest_matured_quarter`: its crimes have had at least
:data:`MATURE_MONTHS` months) beside the share of recent crimes still under investigation;
quarters are not compared with each other. With outcomes files, each crime's outcome can be
read as it stood at a given age (:func:`outcomes_at_age`), so a quarter is compared with the
same quarter a year earlier at the same age (:func:`same_age_change`), with a verdict.

Outcomes are counted per crime: rows flagged as repeats of a Crime ID in the same month
(``duplicate_crime_id``, ``exact_duplicate``) are left out, and ASB, which is not a crime and
has no outcome, is not counted.

References
----------
data.police.uk, "About" (outcomes and their categories) and "API documentation",
``/api/outcomes-for-crime`` (the outcome categories): https://data.police.uk/about/.
Home Office (2024), "Crime outcomes in England and Wales: technical annex" (outcome types 1-22
and their groups), https://www.gov.uk/government/statistics/crime-outcomes-in-england-and-wales-2023-to-2024.
Wilson EB (1927), "Probable inference, the law of succession, and statistical inference",
JASA 22, 209-212 (the interval on every rate). Newcombe RG (1998), "Interval estimation for
the difference between independent proportions", Statistics in Medicine 17, 873-890 (method
10, the difference between cohorts).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DataError
from ..periods import Quarter, quarter_of, to_month
from .counts import ASB
from .repeats import newcombe_difference, newcombe_p_value
from .significance import adjust_p_values, verdicts

__all__ = [
    "CHARGED",
    "MATURE_MONTHS",
    "OUTCOME_GROUPS",
    "OUTCOME_SCHEME",
    "UNDER_INVESTIGATION",
    "UNKNOWN",
    "CohortOutcomes",
    "Grouped",
    "SameAgeChange",
    "cohort_outcomes",
    "cohort_quarters",
    "crimes_once",
    "group_outcomes",
    "latest_matured_quarter",
    "outcomes_at_age",
    "same_age_change",
    "wilson",
]

CHARGED = "Charged or summonsed"
OUT_OF_COURT = "Out-of-court disposal"
NO_SUSPECT = "No suspect identified"
EVIDENTIAL = "Evidential difficulties"
PUBLIC_INTEREST = "Not in the public interest"
ANOTHER_ORGANISATION = "Passed to another organisation"
UNDER_INVESTIGATION = "Still under investigation"
UNKNOWN = "Unknown"
#: The groups, in the order tables and charts show them.
OUTCOME_GROUPS = (CHARGED, OUT_OF_COURT, NO_SUSPECT, EVIDENTIAL, PUBLIC_INTEREST,
                  ANOTHER_ORGANISATION, UNDER_INVESTIGATION, UNKNOWN)

_CATEGORIES = {
    CHARGED: (
        "Suspect charged", "Suspect charged as part of another case", "Awaiting court outcome",
        "Court result unavailable", "Court case unable to proceed",
        "Defendant sent to Crown Court", "Defendant found not guilty",
        "Offender sent to prison", "Offender given suspended prison sentence",
        "Offender given community sentence", "Offender fined",
        "Offender given conditional discharge", "Offender given absolute discharge",
        "Offender ordered to pay compensation", "Offender deprived of property",
        "Offender otherwise dealt with",
    ),
    OUT_OF_COURT: (
        "Offender given a caution", "Offender given a drugs possession warning",
        "Offender given penalty notice", "Offender given a penalty notice", "Local resolution",
    ),
    NO_SUSPECT: ("Investigation complete; no suspect identified",),
    EVIDENTIAL: ("Unable to prosecute suspect",),
    PUBLIC_INTEREST: (
        "Formal action is not in the public interest",
        "Further action is not in the public interest",
        "Further investigation is not in the public interest",
    ),
    ANOTHER_ORGANISATION: ("Action to be taken by another organisation",),
    UNDER_INVESTIGATION: ("Under investigation",),
    UNKNOWN: ("Status update unavailable",),
}
#: Every outcome category data.police.uk publishes (street and outcomes files, and the API's
#: names where they differ) -> its group.
OUTCOME_SCHEME = {c: group for group, cats in _CATEGORIES.items() for c in cats}
#: Months a quarter's last month must lie before the data's last month for its crimes to count
#: as having had time to reach an outcome.
MATURE_MONTHS = 12


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


_BY_KEY = {_key(c): g for c, g in OUTCOME_SCHEME.items()}


@dataclass(frozen=True)
class Grouped:
    """Outcome groups for a column of outcome categories.

    Attributes
    ----------
    groups : pandas.Series
        The group of each row (categorical, in :data:`OUTCOME_GROUPS`), same index as the
        input.
    unrecognised : dict of str to int
        Categories the scheme does not know, with their rows (in :data:`UNKNOWN`).
    no_outcome : int
        Rows with no outcome published (in :data:`UNKNOWN`).
    """

    groups: pd.Series
    unrecognised: dict[str, int] = field(default_factory=dict)
    no_outcome: int = 0


def group_outcomes(categories: pd.Series) -> Grouped:
    """The outcome group of each category (case and spacing ignored).

    Parameters
    ----------
    categories : pandas.Series
        ``Last outcome category`` or ``Outcome type`` values; missing for no outcome.

    Returns
    -------
    Grouped
    """
    # each distinct category is looked up once (a few dozen, against millions of rows)
    codes, uniques = pd.factorize(categories, use_na_sentinel=True)
    names = [str(u) for u in uniques]
    blank = np.array([not n.strip() for n in names] + [True])
    found = [_BY_KEY.get(_key(n)) if n.strip() else UNKNOWN for n in names]
    lookup = np.array([OUTCOME_GROUPS.index(g or UNKNOWN) for g in found]
                      + [OUTCOME_GROUPS.index(UNKNOWN)])
    groups = pd.Series(pd.Categorical.from_codes(lookup[codes], categories=OUTCOME_GROUPS,
                                                 ordered=True), index=categories.index)
    counts = np.bincount(codes[codes >= 0], minlength=len(names))
    unrecognised = {n: int(counts[i]) for i, (n, g) in enumerate(zip(names, found, strict=True))
                    if g is None and counts[i]}
    return Grouped(groups=groups, unrecognised=dict(sorted(unrecognised.items())),
                   no_outcome=int(blank[codes].sum()))


def wilson(x, n, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``x / n``, as proportions; (0, 1) where ``n`` is 0.

    ``centre = (x + z^2/2) / (n + z^2)``, ``half = z sqrt(x (n - x) / n + z^2 / 4) / (n + z^2)``
    with ``z`` the normal quantile for ``1 - alpha/2`` (Wilson 1927).
    """
    x, n = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(n, dtype=float))
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = (x + z * z / 2) / (n + z * z)
        half = z * np.sqrt(np.maximum(x * (n - x) / n, 0) + z * z / 4) / (n + z * z)
    low = np.where(n > 0, np.clip(centre - half, 0, 1), 0.0)
    high = np.where(n > 0, np.clip(centre + half, 0, 1), 1.0)
    return low, high


def crimes_once(frame: pd.DataFrame) -> pd.DataFrame:
    """The crimes of a street frame, each Crime ID once a month: ASB rows and rows flagged as
    repeats of a Crime ID (``duplicate_crime_id``, ``exact_duplicate``) are left out."""
    for col in ("crime_type", "month"):
        if col not in frame.columns:
            raise DataError("the street frame has no such column", column=col)
    keep = np.array(frame["crime_type"] != ASB, dtype=bool)  # on the codes if categorical
    for flag in ("duplicate_crime_id", "exact_duplicate"):
        if flag in frame.columns:
            keep &= ~frame[flag].fillna(False).to_numpy(dtype=bool)
    return frame[keep]


def latest_matured_quarter(quarter: Quarter, as_of, mature_months: int = MATURE_MONTHS
                           ) -> Quarter:
    """The latest quarter, ``quarter`` or before, whose last month is at least
    ``mature_months`` before ``as_of`` (the last month the outcomes stand at)."""
    limit = to_month(as_of) - mature_months
    q = quarter
    while q.last_month > limit:
        q = q.previous()
    return q


@dataclass(frozen=True)
class CohortOutcomes:
    """The outcomes of one cohort: the crimes recorded in some months, as they stood.

    Attributes
    ----------
    label : str
        The cohort (a quarter's label).
    months : tuple of pandas.Period
        The months its crimes were recorded in.
    as_of : pandas.Period
        The month the outcomes stand at.
    age : int
        Months from the cohort's last month to ``as_of``: every crime has had at least this
        long.
    crimes : int
        Crimes in the cohort.
    groups : pandas.DataFrame
        One row per outcome group (every group, in :data:`OUTCOME_GROUPS` order): ``group``,
        ``count``, ``share``, ``low``, ``high`` (percent, 95% Wilson interval).
    by : pandas.DataFrame or None
        The same by the breakdown (``crime_type``): ``crime_type``, ``group``, ``count``,
        ``crimes``, ``share``, ``low``, ``high``.
    unrecognised : dict of str to int
        Categories the scheme does not know (counted in :data:`UNKNOWN`).
    """

    label: str
    months: tuple
    as_of: pd.Period
    age: int
    crimes: int
    groups: pd.DataFrame
    by: pd.DataFrame | None
    unrecognised: dict[str, int]

    def share(self, group: str) -> float:
        """The percentage of the cohort's crimes in ``group``."""
        return float(self.groups.set_index("group").loc[group, "share"])

    def count(self, group: str) -> int:
        """The cohort's crimes in ``group``."""
        return int(self.groups.set_index("group").loc[group, "count"])


def _shares(counts: pd.DataFrame, total: str) -> pd.DataFrame:
    low, high = wilson(counts["count"], counts[total])
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(counts[total] > 0, 100 * counts["count"] / counts[total], np.nan)
    return counts.assign(share=share, low=100 * low, high=100 * high)


def _cohort(groups: pd.Series, types: pd.Series | None, label: str, months, as_of,
            unrecognised: dict[str, int]) -> CohortOutcomes:
    g = pd.Categorical(groups, categories=OUTCOME_GROUPS, ordered=True).codes
    k = len(OUTCOME_GROUPS)
    counts = np.bincount(g, minlength=k)
    table = pd.DataFrame({"group": list(OUTCOME_GROUPS), "count": counts.astype(np.int64)})
    table = _shares(table.assign(crimes=len(g)), "crimes").drop(columns="crimes")
    by = None
    if types is not None:
        codes, names = pd.factorize(types.astype("str"), sort=True)
        cross = np.bincount(codes * k + g, minlength=len(names) * k).reshape(len(names), k)
        long = pd.DataFrame({"crime_type": np.repeat(np.asarray(names, dtype=object), k),
                             "group": np.tile(np.array(OUTCOME_GROUPS, dtype=object),
                                              len(names)),
                             "count": cross.ravel().astype(np.int64),
                             "crimes": np.repeat(cross.sum(axis=1), k).astype(np.int64)})
        by = _shares(long, "crimes")
    last = max(months)
    return CohortOutcomes(label=label, months=tuple(months), as_of=as_of,
                          age=int((as_of - last).n), crimes=int(len(g)), groups=table,
                          by=by, unrecognised=unrecognised)


def cohort_outcomes(frame: pd.DataFrame, quarter: Quarter, as_of, *,
                    outcome_column: str = "last_outcome", by: str | None = "crime_type"
                    ) -> CohortOutcomes:
    """The outcomes of the crimes recorded in ``quarter``, as the street files state them.

    Parameters
    ----------
    frame : pandas.DataFrame
        Street rows (``month``, ``crime_type``, ``last_outcome``); ASB and repeated Crime IDs
        are left out (:func:`crimes_once`).
    quarter : Quarter
        The cohort.
    as_of : month-like
        The month the outcomes stand at (the last month of the files read).
    outcome_column : str
        The column of outcome categories.
    by : str or None
        A breakdown column (``crime_type``), or None.
    """
    if outcome_column not in frame.columns:
        raise DataError("the street frame has no such column", column=outcome_column)
    # only the columns read: filtering rows copies every column it keeps
    cols = [c for c in dict.fromkeys(("month", "crime_type", outcome_column, by,
                                      "duplicate_crime_id", "exact_duplicate"))
            if c is not None and c in frame.columns]
    frame = frame[cols]
    crimes = crimes_once(frame[_in_months(frame["month"], quarter.months)])
    grouped = group_outcomes(crimes[outcome_column])
    return _cohort(grouped.groups, crimes[by] if by else None, quarter.label, quarter.months,
                   to_month(as_of), grouped.unrecognised)


def outcomes_at_age(street: pd.DataFrame, outcomes: pd.DataFrame, quarter: Quarter, age: int,
                    *, by: str | None = "crime_type") -> CohortOutcomes:
    """The outcomes of the crimes recorded in ``quarter`` as they stood ``age`` months after
    each crime's month, from the outcomes files' history.

    A crime's outcome at age ``k`` is its latest outcome recorded in or before its own month
    plus ``k`` (of several in one month, the last published); a crime with none by then is
    still under investigation. Crimes are the street rows (:func:`crimes_once`) with a Crime
    ID.

    Parameters
    ----------
    street : pandas.DataFrame
        Street rows: ``crime_id``, ``month``, ``crime_type``.
    outcomes : pandas.DataFrame
        Outcomes rows: ``crime_id``, ``month`` (the month of the outcome), ``outcome_type``,
        in publication order.
    quarter : Quarter
    age : int
        Months after each crime's month (0: by the end of the month it was recorded in).
    """
    if age < 0:
        raise ValueError("age must be 0 or more months.")
    for col in ("crime_id", "month", "outcome_type"):
        if col not in outcomes.columns:
            raise DataError("the outcomes frame has no such column", column=col)
    crimes = crimes_once(street[_in_months(street["month"], quarter.months)])
    crimes = crimes[crimes["crime_id"].notna()]
    crimes = crimes.drop_duplicates("crime_id")
    history = outcomes.loc[outcomes["crime_id"].isin(set(crimes["crime_id"])),
                           ["crime_id", "month", "outcome_type"]]
    history = history.assign(order=np.arange(len(history)))
    joined = history.merge(crimes[["crime_id", "month"]].rename(columns={"month": "recorded"}),
                           on="crime_id")
    by_then = joined[_ordinal(joined["month"]) - _ordinal(joined["recorded"]) <= age]
    last = by_then.sort_values(["crime_id", "month", "order"]).drop_duplicates(
        "crime_id", keep="last").set_index("crime_id")["outcome_type"]
    stood = crimes["crime_id"].map(last)
    grouped = group_outcomes(stood.astype("object"))
    groups = grouped.groups.where(stood.notna(), UNDER_INVESTIGATION)
    as_of = quarter.last_month + age
    return _cohort(groups, crimes[by] if by else None, quarter.label, quarter.months, as_of,
                   grouped.unrecognised)


def _ordinal(months: pd.Series) -> np.ndarray:
    return pd.PeriodIndex(months, freq="M").asi8


def _in_months(months: pd.Series, wanted) -> np.ndarray:
    """Which rows' month is one of ``wanted`` (compared as month ordinals, which is fast)."""
    return np.isin(_ordinal(months), [to_month(m).ordinal for m in wanted])


@dataclass(frozen=True)
class SameAgeChange:
    """One outcome group's share in two cohorts of the same age, and the verdict.

    Attributes
    ----------
    group : str
        The outcome group compared (e.g. :data:`CHARGED`).
    current, previous : CohortOutcomes
        The two cohorts, both at age ``current.age``.
    difference, low, high : float
        Current share minus previous share and its 95% Newcombe interval, in percentage points.
    p_value : float
        Two-sided p-value for "no difference" (inverting Newcombe's interval).
    verdict : str
        "rose", "fell" or "similar" (at the 5% level).
    by : pandas.DataFrame or None
        The same by crime type: ``crime_type``, ``current_count``, ``current_crimes``,
        ``previous_count``, ``previous_crimes``, ``current_share``, ``previous_share``,
        ``difference``, ``low``, ``high``, ``p_value``, ``p_adjusted`` (Holm), ``verdict``.
    """

    group: str
    current: CohortOutcomes
    previous: CohortOutcomes
    difference: float
    low: float
    high: float
    p_value: float
    verdict: str
    by: pd.DataFrame | None


def _compare(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float, float, float]:
    if n1 == 0 or n2 == 0:
        return np.nan, np.nan, np.nan, 1.0
    low, high = newcombe_difference(x1, n1, x2, n2)
    return 100 * (x1 / n1 - x2 / n2), 100 * low, 100 * high, newcombe_p_value(x1, n1, x2, n2)


def same_age_change(current: CohortOutcomes, previous: CohortOutcomes, group: str = CHARGED
                    ) -> SameAgeChange:
    """Compare the share of two same-age cohorts' crimes in ``group``.

    The verdict is "rose" or "fell" only when the difference's 95% Newcombe interval excludes
    zero; the crime-type verdicts are Holm-adjusted for the number of types compared.

    Raises
    ------
    ValueError
        When the cohorts are not of the same age.
    """
    if current.age != previous.age:
        raise ValueError(f"cohorts of different ages ({current.age} and {previous.age} months) "
                         "are not compared.")
    if group not in OUTCOME_GROUPS:
        raise ValueError(f"group must be one of {', '.join(OUTCOME_GROUPS)}, not {group!r}.")
    d, lo, hi, p = _compare(current.count(group), current.crimes, previous.count(group),
                            previous.crimes)
    by = None
    if current.by is not None and previous.by is not None:
        a = current.by[current.by["group"] == group].set_index("crime_type")
        b = previous.by[previous.by["group"] == group].set_index("crime_type")
        types = sorted(set(a.index) | set(b.index))
        a, b = a.reindex(types, fill_value=0), b.reindex(types, fill_value=0)
        rows = [_compare(int(a.loc[t, "count"]), int(a.loc[t, "crimes"]),
                         int(b.loc[t, "count"]), int(b.loc[t, "crimes"])) for t in types]
        by = pd.DataFrame({
            "crime_type": types, "current_count": a["count"].to_numpy(dtype=int),
            "current_crimes": a["crimes"].to_numpy(dtype=int),
            "previous_count": b["count"].to_numpy(dtype=int),
            "previous_crimes": b["crimes"].to_numpy(dtype=int),
            "current_share": a["share"].to_numpy(dtype=float),
            "previous_share": b["share"].to_numpy(dtype=float),
            "difference": [r[0] for r in rows], "low": [r[1] for r in rows],
            "high": [r[2] for r in rows], "p_value": [r[3] for r in rows],
        })
        by["p_adjusted"] = adjust_p_values(by["p_value"].to_numpy(), "holm")
        by["verdict"] = verdicts(by["p_adjusted"].to_numpy(),
                                 by["difference"].fillna(0).to_numpy(), null=0.0)
    verdict = str(verdicts(np.array([p]), np.array([0.0 if np.isnan(d) else d]), null=0.0)[0])
    return SameAgeChange(group=group, current=current, previous=previous, difference=d, low=lo,
                         high=hi, p_value=p, verdict=verdict, by=by)


def cohort_quarters(first_month, last_month) -> list[Quarter]:
    """Every whole quarter between two months (inclusive), oldest first."""
    first, last = to_month(first_month), to_month(last_month)
    q = quarter_of(first)
    if q.first_month < first:
        q = q.next()
    out = []
    while q.last_month <= last:
        out.append(q)
        q = q.next()
    return out
