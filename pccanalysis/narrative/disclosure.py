"""Numbers in sentences under the same small-number threshold as the tables.

A table hides counts from 1 to ``threshold - 1`` (:mod:`pccanalysis.indicators.disclosure`); a
sentence must not print them either, nor a percentage that gives them away. So, with a
threshold ``t`` in force:

- a count from 1 to ``t - 1`` is written "fewer than t" (:func:`count_words`); 0 is written 0,
  as a table shows it;
- a change whose either count is small is told in counts ("rose from fewer than 5 to 12"),
  never as a percentage, which with one count known would give the other away;
- a share (``part`` of ``whole``) is not given when the part, the whole or the rest
  (``whole - part``) is small (:func:`share_hidden`): "50% of 2 victims" is 1 victim, and
  "96.7% of 30" leaves 1.

The threshold is the publication's (``publication.suppression_threshold`` in ``pcc.yaml``):
:func:`pccanalysis.briefing.context.open_briefing` sets it for the notebook's process with
:func:`set_sentence_threshold`, so every sentence of a briefing obeys it; each sentence
function also takes ``threshold=`` to override it. Outside a briefing none is in force.

Reference: Government Statistical Service (2021), "Statistical disclosure control for tables
produced from administrative data" (small counts, and differences and percentages that
reveal them).
"""

from __future__ import annotations

from ..numbers import format_count

__all__ = ["count_words", "counts_hidden", "sentence_threshold", "set_sentence_threshold",
           "share_hidden"]

_in_force: int | None = None


def set_sentence_threshold(threshold: int | None) -> None:
    """Set the threshold sentences obey by default (None: none); returns nothing.

    Raises
    ------
    ValueError
        When ``threshold`` is below 1.
    """
    global _in_force
    if threshold is not None and int(threshold) < 1:
        raise ValueError(f"the threshold must be at least 1, not {threshold!r}")
    _in_force = None if threshold is None else int(threshold)


def sentence_threshold(threshold: int | None = None) -> int | None:
    """``threshold`` when given, else the one in force (:func:`set_sentence_threshold`)."""
    return _in_force if threshold is None else int(threshold)


def _small(n, t: int | None) -> bool:
    return t is not None and n is not None and 0 < n < t


def count_words(n, threshold: int | None = None) -> str:
    """A count as a sentence may print it: ``"12"``, ``"0"``, or ``"fewer than 5"``."""
    t = sentence_threshold(threshold)
    return f"fewer than {t}" if _small(n, t) else format_count(n)


def counts_hidden(*counts, threshold: int | None = None) -> bool:
    """Whether any of ``counts`` is small (so a percentage built on them is not printed)."""
    t = sentence_threshold(threshold)
    return any(_small(n, t) for n in counts)


def share_hidden(part, whole, threshold: int | None = None) -> bool:
    """Whether the share ``part / whole`` would give a small count away (part, whole or the
    rest small)."""
    t = sentence_threshold(threshold)
    return any(_small(n, t) for n in (part, whole, whole - part))
