"""The committed notebooks: no outputs, one parameters cell papermill understands, declared as
briefings, and no logic of their own.

A notebook that was run and saved in JupyterLab carries outputs and execution counts; it must be
cleared before commit (outputs are generated, not source). Code cells other than the parameters
may only import, call library functions and keep their results: no loops, conditions,
arithmetic or literals standing in for data, so every number in a briefing comes from a tested
library function.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
PARAMETERS = {"quarter", "area", "config_path", "output_dir"}


def test_the_four_briefings_are_there_and_declared():
    from pccanalysis.publish.notebooks import declared_notebooks

    assert [p.stem for p in NOTEBOOKS] == [
        "delivery_plan", "needs_assessment", "quarterly_performance", "stop_and_search"]
    assert [(nb.name, nb.needs) for nb in declared_notebooks(NOTEBOOKS[0].parent)] == [
        ("quarterly_performance", ()), ("delivery_plan", ("tracker",)), ("needs_assessment", ()),
        ("stop_and_search", ("stop_and_search",))]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} cell {i} has outputs: clear them"
            assert cell.get("execution_count") is None, (
                f"{path.name} cell {i} has an execution count: clear outputs before commit")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_one_plain_parameters_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    tree = ast.parse("".join(tagged[0]["source"]))
    names = set()
    for node in tree.body:
        # `name: "type" = constant  # help`, which papermill reads as type, default and help
        assert isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Constant), (
            f"{path.name}: the parameters cell holds only annotated plain assignments")
        names.add(node.target.id)
    assert names == PARAMETERS
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert nb["metadata"].get("title")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_reads_every_parameter_without_a_warning(path, caplog):
    import logging

    import papermill

    with caplog.at_level(logging.WARNING, logger="papermill"):
        found = papermill.inspect_notebook(str(path))
    assert caplog.records == []  # e.g. "Unable to parse line 3 ..."
    assert set(found) == PARAMETERS
    assert found["quarter"]["default"] == '"latest"'
    assert found["area"]["inferred_type_name"] == "Optional[str]"
    assert all(p["help"] and "=" not in p["help"] for p in found.values()), found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_logic_in_the_notebook(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or "parameters" in cell["metadata"].get("tags", []):
            continue
        for node in ast.parse("".join(cell["source"])).body:
            allowed = (
                isinstance(node, (ast.Import, ast.ImportFrom))
                or (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call))
                or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call))
            )
            assert allowed, (f"{path.name} cell {i} line {node.lineno}: only imports and library "
                             "calls belong in a notebook; put the logic in the package")
            for sub in ast.walk(node):
                assert not isinstance(sub, (ast.BinOp, ast.Compare, ast.BoolOp, ast.Lambda,
                                            ast.comprehension, ast.IfExp, ast.Subscript)), (
                    f"{path.name} cell {i} line {node.lineno}: a calculation in the notebook")
