"""Sentences for crime outcomes (:mod:`pccanalysis.indicators.outcomes`).

Every sentence says which cohort it describes and how old its crimes are, because an outcome
rate means nothing without the time its crimes have had: the latest *matured* cohort, the
current quarter's cohort as it stands so far, or two cohorts compared at the same age.
"""

from __future__ import annotations

from ..indicators.outcomes import (
    CHARGED,
    NO_SUSPECT,
    OUT_OF_COURT,
    UNDER_INVESTIGATION,
    CohortOutcomes,
    SameAgeChange,
)
from ..numbers import format_count, format_percent, join_words, months_label, plural
from .words import cap, verdict_verb


def _cohort_name(cohort: CohortOutcomes) -> str:
    return f"{cohort.label} ({months_label(cohort.months)})"


def _age(months: int) -> str:
    return plural(months, "month")


def _share(cohort: CohortOutcomes, group: str) -> str:
    return format_percent(cohort.share(group))


def _interval(low: float, high: float) -> str:
    return f"95% interval {format_percent(low)} to {format_percent(high)}"


def matured_sentence(cohort: CohortOutcomes, *, mature_months: int) -> str:
    """The latest matured cohort: its charge rate with its interval, and the other main
    outcomes.

    Example::

        Of the 21,027 crimes recorded in 2023-24 Q3 (October to December 2023), the latest
        quarter whose crimes have all had at least 12 months to reach an outcome, 10.2% were
        charged or summonsed (95% interval 9.8% to 10.6%), 4.6% ended in an out-of-court
        disposal and 33.1% closed with no suspect identified; 0% are still under investigation.
    """
    if cohort.crimes == 0:
        return f"No crimes were recorded in {_cohort_name(cohort)}."
    row = cohort.groups.set_index("group").loc[CHARGED]
    return (f"Of the {format_count(cohort.crimes)} crimes recorded in {_cohort_name(cohort)}, the "
            f"latest quarter whose crimes have all had at least {_age(mature_months)} to reach "
            f"an outcome, {_share(cohort, CHARGED)} were charged or summonsed "
            f"({_interval(row['low'], row['high'])}), {_share(cohort, OUT_OF_COURT)} ended in "
            f"an out-of-court disposal and {_share(cohort, NO_SUSPECT)} closed with no suspect "
            f"identified; {_share(cohort, UNDER_INVESTIGATION)} "
            f"{'is' if cohort.count(UNDER_INVESTIGATION) == 1 else 'are'} still under "
            "investigation.")


def recent_sentence(cohort: CohortOutcomes) -> str:
    """The current quarter's cohort as it stands: too young to compare, and how much is open.

    Example::

        The 19,326 crimes recorded in 2024-25 Q3 (October to December 2024) have had 0 to 2
        months, too little time to compare their outcomes with earlier quarters: as the files
        stand (December 2024), 4.1% are still under investigation and 6.3% have been charged or
        summonsed so far.
    """
    if cohort.crimes == 0:
        return f"No crimes were recorded in {_cohort_name(cohort)}."
    span = f"{cohort.age} to {_age(cohort.age + len(cohort.months) - 1)}"
    return (f"The {format_count(cohort.crimes)} crimes recorded in {_cohort_name(cohort)} have "
            f"had {span}, too little time to compare their outcomes with earlier quarters: as "
            f"the files stand ({months_label([cohort.as_of])}), "
            f"{_share(cohort, UNDER_INVESTIGATION)} are still under investigation and "
            f"{_share(cohort, CHARGED)} have been charged or summonsed so far.")


_DONE = {
    CHARGED: "had been charged or summonsed",
    OUT_OF_COURT: "had ended in an out-of-court disposal",
    NO_SUSPECT: "had closed with no suspect identified",
    UNDER_INVESTIGATION: "were still under investigation",
}


def _points(value: float, signed: bool = False) -> str:
    return format_percent(value, signed=signed).removesuffix("%")


def same_age_sentence(change: SameAgeChange) -> str:
    """Two cohorts compared at the same age (from the outcomes files), with the verdict.

    Example::

        Compared at the same age (2 months after each crime's month, from the outcomes
        files), 6.1% of the crimes recorded in 2024-25 Q3 had been charged or summonsed,
        against 7.9% of those recorded in 2023-24 Q3: the share fell by 1.8 points (95%
        interval 1.1 to 2.5 points).
    """
    now, then = change.current, change.previous
    done = _DONE.get(change.group, f"were in the group \u201c{change.group}\u201d")
    head = (f"Compared at the same age ({_age(now.age)} after each crime's month, from the "
            f"outcomes files), {format_percent(now.share(change.group))} of the crimes recorded "
            f"in {now.label} {done}, against {format_percent(then.share(change.group))} of "
            f"those recorded in {then.label}")
    if change.verdict == "similar":
        return (f"{head}: the share {verdict_verb('similar')} "
                f"({_points(change.difference, signed=True)} points).")
    low, high = sorted((abs(change.low), abs(change.high)))
    return (f"{head}: the share {verdict_verb(change.verdict)} by "
            f"{_points(abs(change.difference))} points (95% interval {_points(low)} to "
            f"{_points(high)} points).")


def unrecognised_sentence(unrecognised: dict[str, int]) -> str | None:
    """Outcome categories the scheme does not know, counted as unknown (None when none)."""
    if not unrecognised:
        return None
    n = sum(unrecognised.values())
    names = join_words(f"\u201c{c}\u201d ({format_count(k)})" for c, k in unrecognised.items())
    return (f"{cap(plural(n, 'crime'))} had an outcome category the grouping does not know, "
            f"{names}: {'it is' if n == 1 else 'they are'} counted as \u201cUnknown\u201d, not "
            "left out.")


def outcome_title(cohort: CohortOutcomes) -> str:
    """A chart title: "10.2% of crimes recorded in 2023-24 Q3 were charged or summonsed"."""
    return (f"{_share(cohort, CHARGED)} of crimes recorded in {cohort.label} were charged or "
            "summonsed")


def method_sentence(mature_months: int) -> str:
    """How outcomes are grouped and why quarters are not compared as they stand."""
    return (f"Outcomes are grouped as the Home Office groups its outcome types; a court result "
            f"counts as charged or summonsed. A crime's outcome can take months, so outcome "
            f"rates are compared only between crimes of the same age: the latest quarter shown "
            f"in full is the latest whose crimes have all had {_age(mature_months)}. Crimes are "
            "counted once per Crime ID; ASB has no outcome.")
