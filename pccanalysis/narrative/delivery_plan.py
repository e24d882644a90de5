"""The delivery plan in a sentence (:mod:`pccanalysis.indicators.delivery_plan`)."""

from __future__ import annotations

from ..numbers import format_count, format_percent, join_words


def tracker_sentence(summary) -> str:
    """The delivery plan in one sentence (a ``delivery_plan.TrackerSummary``).

    Example::

        Of 16 deliverables, 12 (75%) are green, 3 (19%) amber and 1 (6%) red; the overall
        rating is good.
    """
    key = summary.key.set_index("status")
    total = int(key["number"].sum())
    if total == 0:
        return "The delivery plan has no deliverables."
    parts = []
    for status in ("Green", "Amber", "Red", "Not started"):
        n = int(key["number"].get(status, 0))
        if n:
            pct = format_percent(key.loc[status, "percent"], 0)
            verb = "are " if not parts else ""
            parts.append(f"{format_count(n)} ({pct}) {verb}{status.lower()}")
    return (f"Of {format_count(total)} deliverables, {join_words(parts)}; the overall rating "
            f"is {summary.rating.label}.")
