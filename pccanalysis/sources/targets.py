"""Partnership targets from a YAML file, validated, as :class:`Target`.

Format::

    # Northbridge CSP partnership targets
    area: Northbridge                # optional
    title: Partnership plan targets  # optional
    note: anything worth keeping     # optional
    targets:
      - name: ASB
        indicator: Anti-social behaviour   # a data.police.uk crime type, "All crime", or a series
        baseline: 2019-20                  # month, quarter, financial or calendar year
        direction: reduce                  # reduce | increase
        percent: 25                        # 25 or "25%"
        deadline: 2021-22
        source: police_uk                  # optional, default police_uk

Every mistake is one :class:`~pccanalysis.errors.DataError` naming the file, the line and the key:
unknown keys (with the nearest known key suggested), missing keys, a direction that is not
reduce/increase, a percent that is not a number in range, a baseline or deadline that is not a
period (:func:`pccanalysis.periods.parse_period`), a deadline that does not end after the
baseline, and a target name used twice.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import DataError, PeriodError
from ..files import did_you_mean
from ..periods import parse_period
from ..yaml_lines import LineDict, read_yaml

TOP_KEYS = ("targets", "area", "title", "note")
TARGET_KEYS = ("name", "indicator", "baseline", "direction", "percent", "deadline", "source")
REQUIRED_KEYS = ("name", "indicator", "baseline", "direction", "percent", "deadline")
DIRECTIONS = ("reduce", "increase")


@dataclass(frozen=True)
class Target:
    """A partnership target, e.g. "reduce ASB by 25% against 2019-20 by 2022-23".

    As written in the targets file the configuration names (``data.targets``, read by
    :func:`read_targets`); progress against it is
    :func:`pccanalysis.indicators.targets.target_progress`.

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


def read_targets(path: str | Path) -> list[Target]:
    """Read and validate a targets file.

    Parameters
    ----------
    path : str or Path
        The YAML file (format in the module docstring).

    Returns
    -------
    list of Target
        In file order. ``baseline`` and ``deadline`` keep the spelling
        :func:`~pccanalysis.periods.parse_period` gives them (``"2019-20"``, ``"2020-21 Q4"``,
        ``"2020-03"``); ``percent`` is a float; ``direction`` is lower case.

    Raises
    ------
    DataError
        On the first mistake, naming file, line and key.
    """
    path = Path(path)
    if not path.exists():
        raise DataError("the targets file does not exist", file=path)
    doc = read_yaml(path)
    if not isinstance(doc, LineDict):
        raise DataError("a targets file must be a mapping with a 'targets' list", file=path, line=1)
    for key in doc:
        if key not in TOP_KEYS:
            raise DataError(_unknown(key, TOP_KEYS, "a targets file"), file=path,
                            line=doc.line_of(key), column=str(key))
    items = doc.get("targets")
    if not isinstance(items, list) or not items:
        raise DataError("'targets' must be a list with at least one target", file=path,
                        line=doc.line_of("targets"), column="targets")
    targets: list[Target] = []
    names: dict[str, int] = {}
    for i, item in enumerate(items, start=1):
        if not isinstance(item, LineDict):
            raise DataError(f"target {i} must be a mapping of name, indicator, baseline, ...",
                            file=path, line=doc.line_of("targets"))
        target = _target(path, item, i)
        key = target.name.casefold()
        if key in names:
            raise DataError(
                f"the target name {target.name!r} is used twice (first on line {names[key]})",
                file=path, line=item.line_of("name"), column="name",
            )
        names[key] = item.line_of("name")
        targets.append(target)
    return targets


def _target(path: Path, item: LineDict, i: int) -> Target:
    def fail(message: str, key: str) -> DataError:
        return DataError(message, file=path, line=item.line_of(key), column=key)

    for key in item:
        if key not in TARGET_KEYS:
            raise fail(_unknown(key, TARGET_KEYS, "a target"), str(key))
    for key, value in item.items():
        if isinstance(value, (list, dict)):  # every key holds one word, number or period
            raise fail(f"the {key} must be {'a number' if key == 'percent' else 'text'}, "
                       f"not {_kind(value)}", key)
    label = item.get("name")
    what = f"target {label!r}" if isinstance(label, str) and label.strip() else f"target {i}"
    for key in REQUIRED_KEYS:
        if key not in item or item[key] is None or str(item[key]).strip() == "":
            raise DataError(f"{what} has no {key!r}", file=path,
                            line=item.line_of(key), column=key)
    name = _text(item["name"])
    indicator = _text(item["indicator"])
    source = _text(item.get("source") or "police_uk")

    direction = str(item["direction"]).strip().lower()
    if direction not in DIRECTIONS:
        raise fail(
            f"direction {str(item['direction']).strip()!r} is not reduce or increase", "direction"
        )

    percent = _percent(item["percent"])
    if percent is None:
        raise fail(
            f"percent {item['percent']!r} is not a number; write it like 25 or 25%", "percent"
        )
    if not math.isfinite(percent):
        raise fail(f"percent must be a finite number, not {percent:g}", "percent")
    if percent <= 0:
        raise fail(f"percent must be more than 0, not {percent:g}", "percent")
    if direction == "reduce" and percent > 100:
        raise fail(f"a reduction cannot be more than 100%, not {percent:g}%", "percent")

    periods = {}
    for key in ("baseline", "deadline"):
        try:
            periods[key] = parse_period(_period_text(item[key]))
        except PeriodError as exc:
            raise fail(f"the {key} is not a period: {exc}", key) from None
    if periods["deadline"].last_month <= periods["baseline"].last_month:
        raise fail(
            f"the deadline {periods['deadline'].label} does not end after the baseline "
            f"{periods['baseline'].label}",
            "deadline",
        )
    return Target(
        name=name,
        indicator=indicator,
        baseline=periods["baseline"].label,
        direction=direction,  # type: ignore[arg-type]
        percent=percent,
        deadline=periods["deadline"].label,
        source=source,
    )


def _unknown(key, known: tuple[str, ...], what: str) -> str:
    return f"unknown key {key!r}{did_you_mean(key, known)}; {what} has {', '.join(known)}"


def _kind(value) -> str:
    return "a mapping" if isinstance(value, dict) else "a list"


def _text(value) -> str:
    return " ".join(str(value).split())


def _period_text(value):
    # YAML reads 2020 as an int and 2020-03-31 as a date: parse_period takes either as written.
    return value if not isinstance(value, (int, float)) or isinstance(value, bool) else str(value)


def _percent(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if value == value else None
    m = re.fullmatch(r"\s*([+-]?\d+(?:\.\d+)?)\s*%?\s*", str(value))
    return float(m.group(1)) if m else None
