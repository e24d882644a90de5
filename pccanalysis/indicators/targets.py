"""Partnership targets: progress against a baseline, trajectory and status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Target:
    """A partnership target, e.g. "reduce ASB by 25% against 2019-20 by 2022-23".

    Attributes
    ----------
    name : str
        Short label for tables and sentences, e.g. ``"ASB"``.
    indicator : str
        What is counted: a crime type as data.police.uk writes it (``"Anti-social behaviour"``),
        ``"All crime"`` (every type but ASB), or the name of an indicator-table series such as
        ``"repeat hate-crime victims"``.
    baseline : str
        The baseline period as written by people (``"2019-20"``, ``"2019-20 Q4"``, ``"2020-03"``);
        parsed by :func:`pccanalysis.periods.parse_period`.
    direction : {"reduce", "increase"}
        Which way the target wants the indicator to move.
    percent : float
        Size of the change wanted, in percent of the baseline (``25`` for 25%).
    deadline : str
        The period by which the target should be met, written as ``baseline`` is.
    source : str
        Where the indicator's data comes from (``"police_uk"`` or an indicator-table file's name).
    """

    name: str
    indicator: str
    baseline: str
    direction: Literal["reduce", "increase"]
    percent: float
    deadline: str
    source: str = "police_uk"
