"""What the chart tests read off a matplotlib figure (tests/ is on sys.path)."""

from __future__ import annotations

import matplotlib.text
from matplotlib.figure import Figure

SOURCE = "Source: hand-made test data"


def by_gid(artists, gid):
    """The first artist with ``gid``; fails the test when there is none."""
    found = [a for a in artists if a.get_gid() == gid]
    assert found, f"no artist with gid {gid!r}"
    return found[0]


def chart_texts(fig: Figure) -> list[str]:
    """Every non-empty text drawn on the figure."""
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]
