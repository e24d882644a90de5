"""Ward-level numbers every ward table needs: labels for ward codes, and how much of the area's
crime each compared period could place in a ward.

Wards are keyed by their ONS code. Two wards can share a name (Castle, Kingsway, Sherwood ...
appear in several districts), so a table grouped by name would add different places together;
:func:`ward_labels` gives each code a name that is unique in the table, adding the district
where a name repeats.

A ward comparison is only as good as the share of crime placed in wards in each period. When
that share moves between the periods compared (a change of LSOA codes, a lookup of another
vintage, a run of rows without a location), wards would seem to rise or fall with it:
:func:`coverage_differs` says when the difference is larger than a documented threshold,
:data:`COVERAGE_THRESHOLD`, so the briefing reports counts but no rises and falls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

__all__ = ["COVERAGE_THRESHOLD", "coverage_differs", "ward_coverage", "ward_labels"]

#: Largest difference in the share of crime not placed in a ward (as a fraction, 0.02 = two
#: percentage points) between two compared periods for which ward rises and falls are still
#: reported. Two points moves every ward's count by about 2% on average, well inside the
#: changes a board is shown as significant for a ward (typically 20% or more at ward counts).
COVERAGE_THRESHOLD = 0.02


def ward_labels(frame: pd.DataFrame) -> pd.Series:
    """A display name for each ward code, unique among the codes in ``frame``.

    Parameters
    ----------
    frame : DataFrame
        ``ward_code``, ``ward_name`` and, to tell namesakes apart, ``lad_name``.

    Returns
    -------
    Series of str
        Indexed by ward code (sorted by label): the ward's name, or "name (district)" when
        another code in ``frame`` has the same name, or "name (code)" when even that repeats.
    """
    cols = [c for c in ("ward_code", "ward_name", "lad_name") if c in frame]
    wards = (frame[cols].dropna(subset=["ward_code"]).drop_duplicates("ward_code")
             .astype("str").reset_index(drop=True))
    label = wards["ward_name"].copy()
    twice = label.duplicated(keep=False)
    if twice.any() and "lad_name" in wards:
        label = label.where(~twice, label + " (" + wards["lad_name"] + ")")
    twice = label.duplicated(keep=False)
    label = label.where(~twice, label + " (" + wards["ward_code"] + ")")
    out = pd.Series(label.to_numpy(), index=pd.Index(wards["ward_code"], name="ward_code"),
                    name="ward", dtype="str")
    return out.sort_values(kind="stable")


def ward_coverage(frame: pd.DataFrame, periods: Mapping[str, Iterable[pd.Period]],
                  unlocated: pd.Series | None = None) -> pd.DataFrame:
    """How many of the area's rows each period placed in a ward, and how many it could not.

    Parameters
    ----------
    frame : DataFrame
        The area's rows (``month``, ``ward_code``), already restricted to what is counted
        (e.g. all crime).
    periods : mapping of str to iterable of pandas.Period
        Each compared period's label and months, e.g. ``{"Oct-Dec 2024": [...], ...}``.
    unlocated : Series, optional
        Rows without a location by month (force-wide: such rows are in no area), to report
        beside the area's own figures.

    Returns
    -------
    DataFrame
        One row per period, in the order given: ``period``, ``rows`` (the area's rows),
        ``in_ward``, ``not_in_ward`` (located in the area but in no ward), ``not_in_ward_share``
        (``not_in_ward / rows``, NaN when ``rows`` is 0) and ``no_location`` (rows without a
        location in those months; missing when ``unlocated`` is not given).
    """
    records = []
    for label, months in periods.items():
        months = set(months)
        rows = frame[frame["month"].isin(months)]
        n = len(rows)
        in_ward = int(rows["ward_code"].notna().sum())
        no_location = (int(unlocated[unlocated.index.isin(months)].sum())
                       if unlocated is not None else pd.NA)
        records.append({"period": label, "rows": n, "in_ward": in_ward,
                        "not_in_ward": n - in_ward,
                        "not_in_ward_share": (n - in_ward) / n if n else float("nan"),
                        "no_location": no_location})
    out = pd.DataFrame.from_records(records, columns=["period", "rows", "in_ward", "not_in_ward",
                                                      "not_in_ward_share", "no_location"])
    out["period"] = out["period"].astype("str")
    for col in ("rows", "in_ward", "not_in_ward"):
        out[col] = out[col].astype("int64")
    out["no_location"] = out["no_location"].astype("Int64")
    return out


def coverage_differs(coverage: pd.DataFrame, threshold: float = COVERAGE_THRESHOLD) -> bool:
    """Whether the share not placed in a ward differs between periods by more than ``threshold``.

    Parameters
    ----------
    coverage : DataFrame
        From :func:`ward_coverage`.
    threshold : float
        Largest difference allowed, as a fraction (default :data:`COVERAGE_THRESHOLD`).

    Returns
    -------
    bool
        True when the largest and smallest ``not_in_ward_share`` differ by more than
        ``threshold`` (a period with no rows counts as fully unplaced).
    """
    shares = coverage["not_in_ward_share"].fillna(1.0)
    return bool(shares.max() - shares.min() > threshold + 1e-12)
