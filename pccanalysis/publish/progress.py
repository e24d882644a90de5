"""One line per finished briefing: how many are done out of how many, and the time left."""

from __future__ import annotations

import time
from collections.abc import Callable

from .execute import TaskResult


class Progress:
    """A ``progress`` callback for :func:`pccanalysis.publish.run.execute_plan`.

    The time left is the wall time so far per finished briefing times the briefings still to
    make (so it counts the parallel jobs as they ran), shown once one has finished.

    Parameters
    ----------
    total : int
        Briefings to make.
    say : callable
        Where a line goes (``click.echo``).
    clock : callable
        Seconds, monotonic.
    """

    def __init__(self, total: int, say: Callable[[str], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.say, self.clock = total, say, clock
        self.done = 0
        self.start = clock()

    def __call__(self, r: TaskResult) -> None:
        self.done += 1
        left = self.total - self.done
        elapsed = self.clock() - self.start
        eta = f", about {duration(elapsed / self.done * left)} left" if left else ""
        width = len(str(self.total))
        head = f"  [{self.done:>{width}}/{self.total}]"
        if r.ok:
            self.say(f"{head} ok      {r.area} / {r.notebook}  {r.seconds:.1f} s{eta}")
            for warning in r.warnings:
                self.say(f"{' ' * len(head)}         warning: {warning}")
        else:
            self.say(f"{head} FAILED  {r.area} / {r.notebook}  {r.seconds:.1f} s  {r.error}"
                     f"{eta}")


def duration(seconds: float) -> str:
    """``"45 s"``, ``"3 min 05 s"``, ``"1 h 02 min"``: a time left, rounded up to the second."""
    s = int(-(-seconds // 1))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"
