"""Checks that a briefing never contradicts itself: sentences against their charts and cards.

Shared by tests/narrative/test_spc.py (every sentence form on hand-made charts) and
tests/briefing/test_sample_briefings.py (every briefing the sample produces). Each check returns
the disagreements it finds, as plain strings, so a failing test says what is wrong.
"""

from __future__ import annotations

from pccanalysis.narrative.spc import signals
from pccanalysis.narrative.words import level_text, period_words


def spc_disagreements(sentence: str, result) -> list[str]:
    """Where an SPC sentence disagrees with its chart's classified points.

    The chart's judged points (excluded ones passed over) are read directly from the result's
    flags, not from the narrative's own grouping, wherever that is possible:

    - "only common cause" while any judged point is flagged special cause;
    - "special cause" while none is;
    - a signal (a stretch of special-cause months) whose first month, or whose side ("higher",
      "lower", "rising", "falling"), the sentence does not name (with more than three, the
      latest three);
    - the latest judged month not named with its value, or its position misread: beyond a
      limit without saying so, "within the usual range" while flagged, or "continues that
      signal" while not flagged.
    """
    frame = result.frame[~result.frame["excluded"].to_numpy(dtype=bool)]
    special = frame[frame["special_cause"].to_numpy(dtype=bool)]
    found = []
    if "only common cause" in sentence and len(special):
        months = ", ".join(period_words(p) for p in special["period"])
        found.append(f"says only common cause, but the chart flags {months}")
    if "special cause" in sentence and "only common cause" not in sentence and not len(special):
        found.append("says special cause, but no point is flagged")
    for s in signals(result)[-3:]:
        if not (s.ongoing and len(s.rows) == 1) and period_words(s.first) not in sentence:
            found.append(f"does not name the signal that begins {period_words(s.first)}")
        words = ("higher", "rising") if s.side == "high" else ("lower", "falling")
        if not any(w in sentence for w in words):
            found.append(f"does not say the {s.side} signal's direction")
    last = frame.iloc[-1]
    latest = sentence.rsplit(". ", 1)[-1] if "trial limits" not in sentence else \
        sentence.rsplit(". ", 2)[-2]
    if f"{period_words(last['period'])} ({level_text(last['value'])})" not in sentence:
        found.append("does not give the latest month and its value")
    if bool(last["outside_limits"]):
        beyond = "above the upper" if last["value"] > last["upl"] else "below the lower"
        if beyond not in latest:
            found.append(f"the latest month is {beyond} limit, which the sentence does not say")
    elif bool(last["special_cause"]):
        if "within the usual range" in latest:
            found.append("calls a flagged latest month usual")
    elif "continues that signal" in latest:
        found.append("says the latest month continues a signal, but it is not flagged")
    return found


def card_disagreements(card, sentence: str) -> list[str]:
    """Where a headline card and the sentence of the same change disagree: the card's finding
    (its verdict phrase, "rose by 28%") and both counts of its detail must be in the sentence."""
    found = []
    if card.verdict not in sentence:
        found.append(f"card says {card.verdict!r}, the sentence does not")
    for part in card.detail.split("; "):
        count = part.split(" in ", 1)[0]
        if count and f"{count}" not in sentence:
            found.append(f"card's count {count} is not in the sentence")
    return found
