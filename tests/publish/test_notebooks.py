"""Tests for pccanalysis.publish.notebooks: only declared notebooks are briefings."""

from __future__ import annotations

import pytest
from report_notebooks import ALPHA, BETA, make_notebook

from pccanalysis.errors import ConfigError
from pccanalysis.publish.notebooks import (
    UnknownNotebook,
    declared_notebooks,
    find_notebooks,
)


def test_a_scratch_notebook_is_never_a_briefing(notebooks_dir):
    make_notebook(notebooks_dir / "Untitled.ipynb", "Untitled", BETA, declare=False)
    assert [nb.name for nb in declared_notebooks(notebooks_dir)] == ["alpha", "beta"]
    with pytest.raises(UnknownNotebook) as err:
        find_notebooks(["Untitled"], notebooks_dir)
    assert err.value.exit_code == 2


def test_declared_order_titles_and_needs(tmp_path):
    folder = tmp_path / "nb"
    make_notebook(folder / "zeta.ipynb", "Zeta briefing", ALPHA, declare=False)
    make_notebook(folder / "alpha.ipynb", "Alpha briefing", ALPHA, declare=False)
    (folder / "briefings.yaml").write_text(
        "briefings:\n  zeta:\n    needs: [tracker, targets]\n  alpha: {}\n")
    found = declared_notebooks(folder)
    assert [(nb.name, nb.title, nb.needs) for nb in found] == [
        ("zeta", "Zeta briefing", ("tracker", "targets")), ("alpha", "Alpha briefing", ())]
    assert [nb.name for nb in find_notebooks(["alpha", "zeta.ipynb"], folder)] == ["zeta", "alpha"]


@pytest.mark.parametrize(("text", "message"), [
    ("briefings:\n  gamma: {}\n", "line 2: the briefing 'gamma' is declared but "),
    ("briefings:\n  alpha:\n    needs: [trackr]\n", "line 2: alpha.needs lists data keys of "
     "pcc.yaml, and 'trackr' is not one (did you mean 'tracker'?)."),
    ("briefings:\n  alpha:\n    when: always\n", "a briefing's settings are 'needs: [data keys]'"),
    ("briefings: [alpha]\n", "'briefings' must map each briefing notebook's name"),
    ("briefings:\n  al-pha: {}\n", "'al-pha' is not a notebook name"),
])
def test_a_bad_declaration_is_one_sentence(tmp_path, text, message):
    folder = tmp_path / "nb"
    make_notebook(folder / "alpha.ipynb", "Alpha", ALPHA, declare=False)
    (folder / "briefings.yaml").write_text(text)
    with pytest.raises(ConfigError) as err:
        declared_notebooks(folder)
    assert message in str(err.value) and str(err.value).startswith(str(folder))
