"""Delivery-plan tracker summary: status key, overall rating, leads, movement, stale entries.

Pure functions over the frames :func:`pccanalysis.sources.tracker.read.read_tracker` returns
(``deliverables``: theme, number, lead, deliverable, status; ``updates``: theme, number, date,
author, text). Nothing here reads a file or writes a sentence.

The status key follows the layout boards know from Appendix A of a theme report: for each status
its meaning and "Number & %", e.g. ``16/16 (100%)``. Percentages are rounded half up to whole
numbers, so they need not add up to 100.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from ..errors import ConfigError
from ..periods import parse_period

STATUSES = ("Green", "Amber", "Red", "Not started")

#: What each status means (the office's key, in this project's words).
STATUS_MEANINGS = {
    "Green": "Achieved, or progressing as planned",
    "Amber": "Started, but progress is behind plan or at risk",
    "Red": "Not achieved, or unlikely to be achieved",
    "Not started": "Not started yet; planned for a later quarter",
}

# Red < Amber < Green; "Not started" is outside the scale (it is planned, not failing).
_RANK = {"Red": 0, "Amber": 1, "Green": 2}


def percent_label(n: int, total: int) -> str:
    """``"n/total (p%)"`` with p rounded half up to a whole number; ``"0/0 (-)"`` for no total.

    Integer arithmetic (``(200 n + total) // (2 total)``) so 1/8 = 12.5% gives 13%, never the
    banker's 12% of Python's ``round``.
    """
    if total <= 0:
        return f"{n}/{total} (-)"
    return f"{n}/{total} ({(200 * n + total) // (2 * total)}%)"


def status_key(deliverables: pd.DataFrame) -> pd.DataFrame:
    """Count of deliverables per status, with the "Number & %" label.

    Parameters
    ----------
    deliverables : DataFrame
        With a ``status`` column holding Green, Amber, Red or Not started.

    Returns
    -------
    DataFrame
        One row per status in the order Green, Amber, Red, Not started (all four, zero counts
        included): ``status`` (str), ``meaning`` (str), ``number`` (int64), ``total`` (int64),
        ``percent`` (float64, unrounded, NaN when there are no deliverables) and ``label``
        (str, e.g. ``"16/16 (100%)"``).
    """
    status = deliverables["status"].astype("str")
    unknown = sorted(set(status) - set(STATUSES))
    if unknown:
        raise ValueError(f"unknown status {unknown[0]!r}; expected one of {', '.join(STATUSES)}")
    total = len(status)
    rows = []
    for s in STATUSES:
        n = int((status == s).sum())
        rows.append(
            {
                "status": s,
                "meaning": STATUS_MEANINGS[s],
                "number": n,
                "total": total,
                "percent": 100.0 * n / total if total else float("nan"),
                "label": percent_label(n, total),
            }
        )
    return pd.DataFrame(rows).astype(
        {"status": "str", "meaning": "str", "number": "int64", "total": "int64",
         "percent": "float64", "label": "str"}
    )


@dataclass(frozen=True)
class RatingBand:
    """One band of the overall rating: met when both thresholds hold.

    Attributes
    ----------
    label : str
        The rating, e.g. ``"very good"``.
    min_green : float
        At least this percentage of deliverables is Green [percent, 0-100].
    max_red : float
        At most this percentage is Red [percent, 0-100].
    """

    label: str
    min_green: float = 0.0
    max_red: float = 100.0


@dataclass(frozen=True)
class RatingRule:
    """The documented, configurable rule for the tracker's overall rating.

    The bands are tried in order; the first whose thresholds are met gives the rating, and
    ``fallback`` applies when none is. Percentages are of all deliverables, or of those started
    when ``count_not_started`` is False (a deliverable planned for a later quarter then neither
    helps nor hurts).

    The default (:data:`DEFAULT_RATING_RULE`):

    ===========  ===============  =============
    rating       Green at least   Red at most
    ===========  ===============  =============
    very good    90%              0%
    good         75%              10%
    adequate     50%              25%
    poor         (otherwise)
    ===========  ===============  =============
    """

    bands: tuple[RatingBand, ...]
    fallback: str = "poor"
    count_not_started: bool = True

    @classmethod
    def from_mapping(cls, mapping: Mapping) -> RatingRule:
        """Build a rule from configuration, e.g. a YAML block::

            bands:
              - {label: very good, min_green: 90, max_red: 0}
              - {label: good, min_green: 75, max_red: 10}
            fallback: poor
            count_not_started: true

        Raises
        ------
        ConfigError
            On an unknown key or a threshold that is not a percentage.
        """
        allowed = {"bands", "fallback", "count_not_started"}
        for key in mapping:
            if key not in allowed:
                raise ConfigError(
                    f"unknown key {key!r} in the rating rule; expected {', '.join(sorted(allowed))}."
                )
        bands = []
        for i, band in enumerate(mapping.get("bands") or [], start=1):
            if not isinstance(band, Mapping) or "label" not in band:
                raise ConfigError(f"rating band {i} must be a mapping with a 'label'.")
            extra = set(band) - {"label", "min_green", "max_red"}
            if extra:
                raise ConfigError(
                    f"unknown key {sorted(extra)[0]!r} in rating band {i}; expected label, "
                    "min_green, max_red."
                )
            values = {}
            for key, default in (("min_green", 0.0), ("max_red", 100.0)):
                v = band.get(key, default)
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 100:
                    raise ConfigError(
                        f"{key} in rating band {i} must be a percentage from 0 to 100, not {v!r}."
                    )
                values[key] = float(v)
            bands.append(RatingBand(str(band["label"]), **values))
        if not bands:
            raise ConfigError("the rating rule needs at least one band.")
        count_ns = mapping.get("count_not_started", True)
        if not isinstance(count_ns, bool):
            raise ConfigError(f"count_not_started must be true or false, not {count_ns!r}.")
        return cls(tuple(bands), str(mapping.get("fallback", "poor")), count_ns)


DEFAULT_RATING_RULE = RatingRule(
    bands=(
        RatingBand("very good", min_green=90, max_red=0),
        RatingBand("good", min_green=75, max_red=10),
        RatingBand("adequate", min_green=50, max_red=25),
    ),
    fallback="poor",
)


@dataclass(frozen=True)
class Rating:
    """The overall rating and the figures it was decided on.

    Attributes
    ----------
    label : str
        The rating (a band's label or the rule's fallback).
    green_percent, red_percent : float
        Percentages the rule compared [percent]; NaN when nothing counted.
    denominator : int
        Deliverables counted.
    band : RatingBand or None
        The band met, or None when the fallback applied.
    """

    label: str
    green_percent: float
    red_percent: float
    denominator: int
    band: RatingBand | None


def overall_rating(deliverables: pd.DataFrame, rule: RatingRule = DEFAULT_RATING_RULE) -> Rating:
    """The tracker's overall rating under ``rule`` (see :class:`RatingRule`).

    With no deliverables counted the fallback applies.
    """
    status = deliverables["status"].astype("str")
    counted = status if rule.count_not_started else status[status != "Not started"]
    n = len(counted)
    if n == 0:
        return Rating(rule.fallback, float("nan"), float("nan"), 0, None)
    green = 100.0 * int((counted == "Green").sum()) / n
    red = 100.0 * int((counted == "Red").sum()) / n
    for band in rule.bands:
        # A tiny tolerance so 9/10 counts as 90% despite binary floating point.
        if green >= band.min_green - 1e-9 and red <= band.max_red + 1e-9:
            return Rating(band.label, green, red, n, band)
    return Rating(rule.fallback, green, red, n, None)


_JOINT = re.compile(r"\s*(?:/|&|,|\+|\band\b)\s*", re.IGNORECASE)


def counts_by_lead(deliverables: pd.DataFrame, *, split_joint: bool = False) -> pd.DataFrame:
    """Deliverables per lead organisation and status.

    Parameters
    ----------
    deliverables : DataFrame
        With ``lead`` and ``status``.
    split_joint : bool
        When True a joint lead written ``"NW/CG"`` (or with ``&``, ``,``, ``+``, ``and``) counts
        once under each lead, so the totals add up to more than the deliverables. When False
        (default) the lead is counted as written.

    Returns
    -------
    DataFrame
        ``lead`` (str; ``"(none)"`` for a blank lead) and int64 columns ``Green``, ``Amber``,
        ``Red``, ``Not started``, ``Total``; sorted by Total (largest first), then lead.
    """
    leads = deliverables["lead"].astype("str").fillna("(none)")
    frame = pd.DataFrame({"lead": leads, "status": deliverables["status"].astype("str")})
    if split_joint:
        frame["lead"] = frame["lead"].map(lambda s: [p for p in _JOINT.split(s) if p] or [s])
        frame = frame.explode("lead")
    table = pd.crosstab(frame["lead"], frame["status"]).reindex(columns=list(STATUSES), fill_value=0)
    table["Total"] = table.sum(axis=1)
    table = table.reset_index()
    table.columns.name = None
    table = table.sort_values(["Total", "lead"], ascending=[False, True], kind="stable")
    return table.astype({c: "int64" for c in [*STATUSES, "Total"]} | {"lead": "str"}).reset_index(
        drop=True
    )


def movement(
    previous: pd.DataFrame, current: pd.DataFrame, *, include_unchanged: bool = False
) -> pd.DataFrame:
    """What changed between two quarters' trackers: status changes, new and closed deliverables.

    Deliverables are matched on (theme, number).

    Parameters
    ----------
    previous, current : DataFrame
        The two quarters' deliverables.
    include_unchanged : bool
        Also list deliverables whose status did not change (``change == "unchanged"``).

    Returns
    -------
    DataFrame
        ``theme``, ``number``, ``lead``, ``deliverable`` (the current wording, or the previous one
        for a closed deliverable), ``change`` ("status changed", "new", "closed", "unchanged"),
        ``previous_status`` and ``current_status`` (str, <NA> where absent), ``direction``
        ("improved" Red->Amber->Green, "worsened" the other way, "started" from Not started,
        "back to not started"; <NA> unless the status changed) and ``reworded`` (bool: the
        description changed). Ordered by theme (current order, closed themes last) and number.
    """
    cols = ["theme", "number", "lead", "deliverable", "status"]
    prev = previous[cols].astype({"status": "str"})
    curr = current[cols].astype({"status": "str"})
    merged = prev.merge(curr, on=["theme", "number"], how="outer", suffixes=("_p", "_c"),
                        indicator="side")
    rows = []
    for r in merged.itertuples(index=False):
        if r.side == "right_only":
            change, direction = "new", None
        elif r.side == "left_only":
            change, direction = "closed", None
        elif r.status_p != r.status_c:
            change, direction = "status changed", _direction(r.status_p, r.status_c)
        else:
            change, direction = "unchanged", None
        if change == "unchanged" and not include_unchanged:
            continue
        both = r.side == "both"
        rows.append(
            {
                "theme": r.theme,
                "number": r.number,
                "lead": r.lead_p if r.side == "left_only" else r.lead_c,
                "deliverable": r.deliverable_p if r.side == "left_only" else r.deliverable_c,
                "change": change,
                "previous_status": None if r.side == "right_only" else r.status_p,
                "current_status": None if r.side == "left_only" else r.status_c,
                "direction": direction,
                "reworded": bool(both and _words(r.deliverable_p) != _words(r.deliverable_c)),
            }
        )
    out = pd.DataFrame(
        rows,
        columns=["theme", "number", "lead", "deliverable", "change", "previous_status",
                 "current_status", "direction", "reworded"],
    )
    order = {t: i for i, t in enumerate(dict.fromkeys([*curr["theme"], *prev["theme"]]))}
    out = out.assign(_o=out["theme"].map(order)).sort_values(["_o", "number"], kind="stable")
    out = out.drop(columns="_o").reset_index(drop=True)
    return out.astype(
        {"theme": "str", "number": "int64", "lead": "str", "deliverable": "str", "change": "str",
         "previous_status": "str", "current_status": "str", "direction": "str",
         "reworded": "bool"}
    )


def _direction(before: str, after: str) -> str:
    if before == "Not started":
        return "started"
    if after == "Not started":
        return "back to not started"
    return "improved" if _RANK[after] > _RANK[before] else "worsened"


def _words(text) -> str:
    return " ".join(str(text).split()).lower()


def stale_entries(
    deliverables: pd.DataFrame,
    updates: pd.DataFrame,
    quarter,
    *,
    include_not_started: bool = True,
) -> pd.DataFrame:
    """Deliverables with no update dated on or after the first day of the quarter.

    Updates for a quarter are usually written after it ends, in the weeks before the board, so
    an update dated after the quarter counts as current; only updates older than the quarter's
    first day make an entry stale.

    Parameters
    ----------
    deliverables, updates : DataFrame
        The tracker's frames.
    quarter : str or period-like
        The quarter reported, in any form :func:`~pccanalysis.periods.parse_period` accepts
        (a month or year works too: its first day is used).
    include_not_started : bool
        When False, deliverables planned for a later quarter are not listed.

    Returns
    -------
    DataFrame
        ``theme``, ``number``, ``lead``, ``deliverable``, ``status`` (str) and ``last_update``
        (datetime64, NaT when the deliverable has never been updated), in tracker order.
    """
    start = parse_period(quarter).first_month.start_time
    last = updates.groupby(["theme", "number"], sort=False)["date"].max()
    frame = deliverables[["theme", "number", "lead", "deliverable", "status"]].copy()
    frame["status"] = frame["status"].astype("str")
    keys = pd.MultiIndex.from_frame(frame[["theme", "number"]])
    frame["last_update"] = last.reindex(keys).to_numpy(dtype="datetime64[ns]")
    stale = frame["last_update"].isna() | (frame["last_update"] < start)
    if not include_not_started:
        stale &= frame["status"] != "Not started"
    return frame[stale].reset_index(drop=True)


@dataclass
class TrackerSummary:
    """Everything the board's delivery-plan page needs, from one call.

    Attributes
    ----------
    key : DataFrame
        :func:`status_key`.
    rating : Rating
        :func:`overall_rating`.
    by_lead : DataFrame
        :func:`counts_by_lead`.
    stale : DataFrame
        :func:`stale_entries`.
    movement : DataFrame or None
        :func:`movement` against the previous quarter's tracker, when given.
    total : int
        Number of deliverables.
    """

    key: pd.DataFrame
    rating: Rating
    by_lead: pd.DataFrame
    stale: pd.DataFrame
    movement: pd.DataFrame | None = None
    total: int = 0
    quarter: str | None = None
    notes: list[str] = field(default_factory=list)


def summarise_tracker(
    deliverables: pd.DataFrame,
    updates: pd.DataFrame,
    quarter,
    *,
    previous: pd.DataFrame | None = None,
    rule: RatingRule = DEFAULT_RATING_RULE,
    split_joint: bool = False,
) -> TrackerSummary:
    """Status key, rating, counts by lead, stale entries and (with ``previous``) movement."""
    return TrackerSummary(
        key=status_key(deliverables),
        rating=overall_rating(deliverables, rule),
        by_lead=counts_by_lead(deliverables, split_joint=split_joint),
        stale=stale_entries(deliverables, updates, quarter),
        movement=None if previous is None else movement(previous, deliverables),
        total=len(deliverables),
        quarter=parse_period(quarter).label,
    )
