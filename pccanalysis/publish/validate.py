"""Check a run before any kernel starts, and report every problem at once.

:func:`check_run` reads the configuration, every configured input with its own loader (the
same checks a notebook would meet ten seconds into its kernel), the quarter against the months
the police data holds, the areas against the lookup, which briefing notebooks have the inputs
they need, and whether the output folder can be written. Each problem is one sentence; if any
is found nothing is started and nothing is written (:class:`ValidationFailed`).

A briefing whose needs the configuration does not meet (a delivery plan with no tracker) is
left out of the run with a notice rather than failing it, unless it was asked for by name.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..briefing.inputs import area_problems, expand_areas, street_months
from ..config import Area, Config, load_config
from ..errors import ConfigError, PccError, PeriodError
from ..periods import Quarter, latest_complete_quarter, parse_quarter, quarter_of
from .notebooks import Notebook, UnknownNotebook, find_notebooks
from .pdf import CHROMIUM, chromium


@dataclass(frozen=True)
class Problem:
    """One thing that stops a run, in one sentence.

    ``usage`` marks a mistake on the command line (``--area``, ``--notebook``, ``--quarter``
    text) rather than in a file.
    """

    sentence: str
    usage: bool = False


class ValidationFailed(ConfigError):
    """A run found problems before starting: one sentence per line, each in ``problems``.

    Exit code 3, or 2 when every problem is a mistake on the command line.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        self.exit_code = 2 if all(p.usage for p in problems) else 3
        super().__init__("\n".join(p.sentence for p in problems))


@dataclass
class Checked:
    """What a checked run will work with.

    Attributes
    ----------
    config : Config
        With ``all_csps_of`` expanded.
    quarter : Quarter
    areas : tuple of Area
    notebooks : tuple of Notebook
        The briefings to make (those whose needs are met).
    declared : tuple of Notebook
        Every declared briefing (the index lists them in this order).
    notices : list of str
        Briefings left out and why.
    loaded : dict
        What the checks read that placing the police rows reads again (``lsoa``, ``lads``,
        ``street``, ``bridge``, ``lsoa_population``, ``wards``), for
        :func:`pccanalysis.briefing.placed.place_rows`.
    """

    config: Config
    quarter: Quarter
    areas: tuple[Area, ...]
    notebooks: tuple[Notebook, ...]
    declared: tuple[Notebook, ...]
    notices: list[str] = field(default_factory=list)
    loaded: dict[str, Any] = field(default_factory=dict)


def check_run(config: Config | str | os.PathLike | None, quarter: str | Quarter, *,
              areas: Iterable[str] | None = None, notebooks: Iterable[str] | None = None,
              notebooks_dir: str | os.PathLike | None = None,
              output_dir: str | os.PathLike | None = None, pdf: bool = False) -> Checked:
    """Check everything a run needs; raise :class:`ValidationFailed` naming every problem.

    Parameters are those of :func:`pccanalysis.publish.plan.plan_run`.
    """
    problems: list[Problem] = []
    chosen = declared = ()
    try:
        declared = find_notebooks(None, notebooks_dir)
        chosen = find_notebooks(notebooks, notebooks_dir)
    except UnknownNotebook as exc:
        problems.append(Problem(str(exc), usage=True))
    except ConfigError as exc:
        problems.append(Problem(str(exc)))
    wanted_quarter = _quarter_text(quarter, problems)
    if not isinstance(config, Config):
        try:
            config = load_config(config)
        except ConfigError as exc:
            problems += [Problem(s) for s in getattr(exc, "problems", [str(exc)])]
            config = getattr(exc, "config", None)  # missing files: look for more problems
            if config is None:
                raise ValidationFailed(problems) from None
    loaded: dict[str, Any] = {}
    config, lads = _lookups(config, problems, loaded)
    chosen_areas = _areas(config, areas, problems)
    if lads is not None:
        problems += [Problem(s) for s in area_problems(config, lads, chosen_areas)]
    q = _police(config, lads, wanted_quarter, problems, loaded)
    _inputs(config, problems, loaded)
    notices: list[str] = []
    if q is not None:
        chosen = _needs(config, q, chosen, bool(notebooks), problems, notices)
    out = Path(output_dir).expanduser().resolve() if output_dir is not None else config.output_dir
    if q is not None:
        problems += [Problem(s) for s in output_problems(out, q)]
    if pdf and chromium() is None:
        problems.append(Problem(f"--pdf needs headless Chromium ({CHROMIUM}), which is not "
                                "installed: `apt-get install chromium`, or leave out --pdf."))
    if problems:
        raise ValidationFailed(problems)
    return Checked(config=config, quarter=q, areas=chosen_areas, notebooks=chosen,
                   declared=declared, notices=notices, loaded=loaded)


def output_problems(output_dir: Path, quarter: Quarter) -> list[str]:
    """Why the quarter folder under ``output_dir`` could not be written, if it could not."""
    for folder in (output_dir, output_dir / quarter.label):
        if folder.exists() and not folder.is_dir():
            return [f"the output folder {folder} is a file, not a folder: move it, or give "
                    "another output_dir."]
    existing = output_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return [f"the output folder {output_dir} cannot be made: {existing} is a file."]
    if not os.access(existing, os.W_OK | os.X_OK):
        return [f"the output folder {existing} cannot be written to (read-only or no "
                "permission): give another output_dir, or ask for write access."]
    return []


# --------------------------------------------------------------------------------------------


def _quarter_text(quarter: str | Quarter, problems: list[Problem]) -> Quarter | str | None:
    if isinstance(quarter, Quarter) or str(quarter).strip().lower() == "latest":
        return quarter if isinstance(quarter, Quarter) else "latest"
    try:
        return parse_quarter(quarter)
    except PeriodError as exc:
        problems.append(Problem(str(exc), usage=True))
        return None


def _lookups(config: Config, problems: list[Problem],
             loaded: dict[str, Any]) -> tuple[Config, pd.DataFrame | None]:
    from ..sources.geography import read_lad_lookup, read_lsoa_lookup

    loaded["lsoa"] = _try(problems, read_lsoa_lookup, config.data.lsoa_lookup)
    lads = loaded["lads"] = _try(problems, read_lad_lookup, config.data.lad_lookup)
    if lads is not None:
        expanded = _try(problems, expand_areas, config, lads)
        if expanded is not None:
            return expanded, lads
    return config, lads


def _areas(config: Config, names: Iterable[str] | None,
           problems: list[Problem]) -> tuple[Area, ...]:
    if not names:
        return config.areas
    chosen = []
    for name in names:
        try:
            chosen.append(config.area(name))
        except ConfigError as exc:
            problems.append(Problem(str(exc), usage=True))
    return tuple(dict.fromkeys(chosen))


def _police(config: Config, lads, quarter: Quarter | str | None, problems: list[Problem],
            loaded: dict[str, Any]) -> Quarter | None:
    """Read the police data as a briefing will (filling the cache) and place the quarter."""
    from ..sources.geography import local_authorities_of
    from ..sources.police_uk.read import read_street

    force_areas = None
    if config.force and lads is not None:
        found = [_try(problems, local_authorities_of, lads, f, level="pfa") for f in config.force]
        force_areas = sorted({la for names in found if names for la in names})
    if not all(p.exists() for p in config.data.police_uk):
        return None  # already a problem of the configuration's
    loaded["street"] = _try(problems, read_street, list(config.data.police_uk),
                            force_areas=force_areas, cache_dir=config.cache_dir)
    if loaded["street"] is None:
        return None
    months = street_months(config.data.police_uk)
    where = ", ".join(str(p) for p in config.data.police_uk)
    if not months:
        problems.append(Problem(f"{config.path}: no data.police.uk street files were found in "
                                f"{where}, so there is no quarter to report."))
        return None
    span = f"{months[0].strftime('%B %Y')} to {months[-1].strftime('%B %Y')}"
    try:
        latest = latest_complete_quarter(months)
    except PeriodError:
        problems.append(Problem(f"the police data in {where} ({span}) holds no complete "
                                "quarter, so there is no quarter to report."))
        return None
    if quarter is None:
        return None
    if quarter == "latest":
        return latest
    missing = [m for m in quarter.months if m not in set(months)]
    if missing:
        first = quarter_of(months[0])
        earliest = first if all(m in set(months) for m in first.months) else first.next()
        problems.append(Problem(
            f"{quarter.label} ({quarter.months_label}) is not in the police data, which holds "
            f"{span} ({', '.join(m.strftime('%B %Y') for m in missing[:3])} missing): choose a "
            f"quarter from {earliest.label} to {latest.label}.", usage=True))
        return None
    return quarter


def _inputs(config: Config, problems: list[Problem], loaded: dict[str, Any]) -> None:
    """Read every other configured input with its loader (errors name file, line, column)."""
    from ..sources.boundaries import read_boundaries
    from ..sources.geography import read_lsoa_bridge, read_population
    from ..sources.harm_weights import read_harm_weights
    from ..sources.indicator_tables import read_indicator_tables
    from ..sources.targets import read_targets
    from ..sources.tracker.read import read_tracker
    from ..sources.victims import read_hate_crime_victims

    d = config.data
    placing = {"bridge": (read_lsoa_bridge, d.lsoa_bridge),
               "lsoa_population": (read_population, d.lsoa_population)}
    for key, (reader, path) in placing.items():
        loaded[key] = _try(problems, reader, path) if path is not None else None
    optional = [(read_population, d.population), (read_targets, d.targets),
                (read_hate_crime_victims, d.hate_crime_victims),
                (read_harm_weights, d.harm_weights)]
    for reader, path in optional:
        if path is not None:
            _try(problems, reader, path)
    loaded["wards"] = (_try(problems, read_boundaries, d.ward_boundaries, level="ward")
                       if d.ward_boundaries is not None else None)
    tables = [p for p in d.indicator_tables if p.exists()]  # a missing one is already named
    if tables:
        _try(problems, read_indicator_tables, tables)
    for q, path in sorted(d.tracker.items()):
        _try(problems, read_tracker, path, quarter=q.label)


def _needs(config: Config, quarter: Quarter, chosen: tuple[Notebook, ...], named: bool,
           problems: list[Problem], notices: list[str]) -> tuple[Notebook, ...]:
    """The chosen briefings whose needs are met; the others are a notice (a problem when
    asked for by name)."""
    kept = []
    for nb in chosen:
        unmet = [n for n in nb.needs if not _has(config, n, quarter)]
        if not unmet:
            kept.append(nb)
            continue
        what = " and ".join(("a tracker for " + quarter.label + " or earlier in data.tracker")
                            if n == "tracker" else f"data.{n}" for n in unmet)
        sentence = f"{nb.name} needs {what}, which {config.path.name} does not give"
        if named:
            problems.append(Problem(f"{sentence}: add it to {config.path}, or leave out "
                                    f"--notebook {nb.name}."))
        else:
            notices.append(f"{sentence}, so it is not made.")
    return tuple(kept)


def _has(config: Config, key: str, quarter: Quarter) -> bool:
    value = getattr(config.data, key)
    if key == "tracker":
        return any(q <= quarter for q in value)
    return bool(value)


def _try(problems: list[Problem], reader: Callable, *args, **kwargs):
    """``reader(*args, **kwargs)``, or None with its one-sentence error kept as a problem.

    A missing file (already a problem of the configuration's) is not read.
    """
    if args and isinstance(args[0], Path) and not args[0].exists():
        return None
    try:
        return reader(*args, **kwargs)
    except PccError as exc:
        problems.append(Problem(str(exc)))
    except (OSError, UnicodeDecodeError) as exc:
        file = args[0] if args else ""
        problems.append(Problem(f"{file} cannot be read: {exc}."))
    return None


__all__ = ["Checked", "Problem", "ValidationFailed", "check_run", "output_problems"]
