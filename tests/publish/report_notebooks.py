"""Small notebooks made on the fly for the report tests (no committed test notebooks)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

PARAMETERS = ('quarter: str = "latest"  # the quarter\n'
              'area: "Optional[str]" = None  # the area\n'
              'config_path: "Optional[str]" = None  # the configuration\n'
              'output_dir: "Optional[str]" = None  # the work folder')
OPEN = ("from pccanalysis.briefing.context import HeadlineFigure, open_briefing\n"
        "b = open_briefing(config_path, area=area, quarter=quarter, output_dir=output_dir)")


def make_notebook(path: Path, title: str, cells: list, *, declare: bool = True) -> Path:
    """Write a notebook: a title, the parameters cell, ``open_briefing``, then ``cells``.

    ``cells`` holds strings: ones starting with "#" or "##" are markdown, the rest code. The
    notebook is declared a briefing in the folder's briefings.yaml unless ``declare`` is False.
    """
    params = new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["title"] = title
    nb.cells = [new_markdown_cell(f"# {title}"), params, new_code_cell(OPEN)]
    for c in cells:
        nb.cells.append(new_markdown_cell(c) if c.startswith("#") else new_code_cell(c))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    if declare:
        declare_briefing(path.parent, path.stem)
    return path


def declare_briefing(folder: Path, name: str, needs: tuple[str, ...] = ()) -> None:
    """Add ``name`` to ``folder``'s briefings.yaml (made if absent)."""
    declaration = folder / "briefings.yaml"
    text = declaration.read_text() if declaration.exists() else "briefings:\n"
    if f"\n  {name}:" not in text:
        text += f"  {name}: {{needs: [{', '.join(needs)}]}}\n"
    declaration.write_text(text)


ALPHA = [
    "## Headline figures",
    "b.show_headline([HeadlineFigure('All crime', '4,812', 'fell by 12%', 'good', "
    "'January to March 2021'), HeadlineFigure('ASB', '1,020', 'rose by 30%', 'bad')])",
    "## A chart",
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(6, 3))\n"
    "ax.plot([1, 3, 2])\nb.show_figure(fig, alt='A line rising then falling.')",
    "## The parameters",
    "print('quarter', b.quarter.label, 'area', b.area.name)",
]
BETA = ["## Only section", "b.show_note('A plain note.')"]
FAILING = ["## Doomed", "raise ValueError('the test notebook fails on purpose')"]
