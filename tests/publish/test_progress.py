"""Tests for pccanalysis.publish.progress: briefings done out of total, with the time left."""

from __future__ import annotations

import pytest

from pccanalysis.publish.execute import TaskResult
from pccanalysis.publish.progress import Progress, duration


def test_done_out_of_total_with_the_time_left():
    # 12 briefings; the first finishes after 10 s: 10 s each so far, 11 to go -> 110 s left.
    now = [0.0]
    lines: list[str] = []
    progress = Progress(12, lines.append, clock=lambda: now[0])
    now[0] = 10.0
    progress(TaskResult("Derby", "quarterly_performance", "ok", 9.5,
                        warnings=["the page is 2.1 MB"]))
    now[0] = 30.0  # two done in 30 s: 15 s each, 10 to go -> 150 s
    progress(TaskResult("Erewash", "delivery_plan", "failed", 4.0, error="ValueError: x"))
    now[0] = 200.0
    for _ in range(10):
        progress(TaskResult("High Peak", "needs_assessment", "ok", 1.0))
    assert lines[:4] == [
        "  [ 1/12] ok      Derby / quarterly_performance  9.5 s, about 1 min 50 s left",
        "                  warning: the page is 2.1 MB",
        "  [ 2/12] FAILED  Erewash / delivery_plan  4.0 s  ValueError: x, about 2 min 30 s left",
        "  [ 3/12] ok      High Peak / needs_assessment  1.0 s, about 10 min 00 s left",
    ]
    assert lines[-1] == "  [12/12] ok      High Peak / needs_assessment  1.0 s"


@pytest.mark.parametrize(("seconds", "text"), [
    (0.2, "1 s"), (59, "59 s"), (60, "1 min 00 s"), (3599.5, "1 h 00 min"), (7325, "2 h 02 min")])
def test_duration(seconds, text):
    assert duration(seconds) == text
