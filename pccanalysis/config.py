"""The configuration file (``pcc.yaml``): one YAML file -> frozen dataclasses, validated.

One file names the areas a briefing is written for and their geography, where every input lives,
and how the briefing is published (protective marking, public or not, synthetic or not, the
small-number suppression threshold). It is read once, checked completely, and every relative
path in it is resolved against the folder that holds the file, never the working directory, so
``pcc run`` behaves the same from cron as from a terminal.

A complete example is the sample's ``data/sample/pcc.yaml`` (``pcc sample-data``), and the
README's "Using real data" shows one for real files; the dataclasses below document every key.

Mistakes are reported as :class:`~pccanalysis.errors.ConfigError` with one sentence naming the
file, the line and the key (an unknown key also gets the nearest known key as a suggestion).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, PeriodError
from .files import did_you_mean
from .periods import Quarter, parse_quarter
from .yaml_lines import LineDict, YamlError, parse_yaml, yaml_text

CONFIG_FILENAME = "pcc.yaml"

_TOP_KEYS = (
    "title", "force", "include_other_forces", "areas", "comparators", "data", "publication",
    "output_dir", "cache_dir",
)
_AREA_KEYS = ("name", "csp", "local_authorities", "force")
#: ``areas: {all_csps_of: <force>}``: the force area and its CSPs (briefing.inputs.expand_areas)
ALL_CSPS_OF = "all_csps_of"
DATA_KEYS = (
    "police_uk", "lsoa_lookup", "lad_lookup", "lsoa_bridge", "lsoa_population",
    "ward_boundaries", "population", "targets", "tracker", "indicator_tables",
    "hate_crime_victims", "harm_weights", "outcomes", "stop_and_search",
    "population_by_ethnicity",
)
_PUBLICATION_KEYS = ("protective_marking", "public", "synthetic", "suppression_threshold")
# Characters that cannot appear in a folder name on Windows or Linux.
_UNSAFE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


@dataclass(frozen=True)
class Area:
    """An area a briefing is written for (or compared with).

    Exactly one of ``csps``, ``local_authorities`` or ``force`` is set.

    Attributes
    ----------
    name : str
        The area's name as the briefing shows it; also its output folder's name.
    csps : tuple of str
        Community Safety Partnership names (ONS ``CSP..NM``) making up the area.
    local_authorities : tuple of str
        Local authority district names (ONS ``LAD..NM``) making up the area.
    force : str or None
        A whole police force area (ONS ``PFA..NM``).
    """

    name: str
    csps: tuple[str, ...] = ()
    local_authorities: tuple[str, ...] = ()
    force: str | None = None

    @property
    def kind(self) -> str:
        """``"csp"``, ``"local_authority"`` or ``"force"``: which geography defines the area."""
        if self.csps:
            return "csp"
        if self.local_authorities:
            return "local_authority"
        return "force"

    @property
    def members(self) -> tuple[str, ...]:
        """The names of the geography units that make up the area."""
        if self.csps:
            return self.csps
        if self.local_authorities:
            return self.local_authorities
        return (self.force,)


@dataclass(frozen=True)
class DataPaths:
    """Where every input lives (absolute paths; ``None`` or empty when not configured).

    Attributes
    ----------
    police_uk : tuple of Path
        Folders of data.police.uk monthly files, or zip downloads.
    lsoa_lookup, lad_lookup : Path
        ONS LSOA -> ward -> LAD and LAD -> CSP -> PFA lookups. The LSOA lookup's ward vintage
        is the one every row is placed in.
    lsoa_bridge : Path or None
        ONS LSOA (2011) -> LSOA (2021) lookup, so rows published with either code set reach
        the lookup's wards.
    lsoa_population : Path or None
        Population by LSOA of the lookup's vintage: decides a split LSOA's ward and gives
        ward populations on the same ground as the wards' crime.
    ward_boundaries : Path or None
        Ward polygons (a GeoJSON or GeoPackage file, or a folder of them): rows are placed by
        their coordinates and the lookup becomes the cross-check.
    population : Path or None
        Population estimates by area.
    targets : Path or None
        Partnership targets file.
    tracker : dict of Quarter to Path
        The delivery-plan tracker extract for each quarter.
    indicator_tables : tuple of Path
        Local service-indicator tables (missing persons, needs-assessment indicators ...).
    hate_crime_victims : Path or None
        Pseudonymised hate-crime victim extract.
    harm_weights : Path or None
        Offence harm weights (crime severity or harm index) by crime type.
    outcomes, stop_and_search : tuple of Path
        Folders or zips of data.police.uk outcomes and stop-and-search files; when empty, the
        ``police_uk`` paths are searched for them (data.police.uk's archives hold all three).
    population_by_ethnicity : Path or None
        Residents by local authority and ethnic group (Census 2021 TS021), for stop and search
        (:func:`pccanalysis.sources.ethnic_population.read_population_by_ethnicity`).
    """

    police_uk: tuple[Path, ...]
    lsoa_lookup: Path
    lad_lookup: Path
    population: Path | None = None
    targets: Path | None = None
    lsoa_bridge: Path | None = None
    lsoa_population: Path | None = None
    ward_boundaries: Path | None = None
    tracker: Mapping[Quarter, Path] = field(default_factory=dict)
    indicator_tables: tuple[Path, ...] = ()
    hate_crime_victims: Path | None = None
    harm_weights: Path | None = None
    outcomes: tuple[Path, ...] = ()
    stop_and_search: tuple[Path, ...] = ()
    population_by_ethnicity: Path | None = None

    def tracker_for(self, quarter: Quarter) -> Path | None:
        """The tracker extract for ``quarter``, or ``None`` when none is configured."""
        return self.tracker.get(quarter)


@dataclass(frozen=True)
class Publication:
    """How the briefings are published.

    Attributes
    ----------
    protective_marking : str
        Government Security Classification shown at the top and bottom of every page
        (``"OFFICIAL"``, ``"OFFICIAL-SENSITIVE"``).
    public : bool
        Whether the briefing may be published; shown in the header.
    synthetic : bool
        Whether the data is synthetic (the sample); puts a SYNTHETIC DATA banner on every page.
    suppression_threshold : int
        Counts below this are suppressed in sensitive tables (default 5).
    """

    protective_marking: str = "OFFICIAL"
    public: bool = False
    synthetic: bool = False
    suppression_threshold: int = 5


@dataclass(frozen=True)
class Config:
    """A validated ``pcc.yaml``.

    Attributes
    ----------
    path : Path
        The configuration file (absolute).
    title : str
        The partnership or office the briefings are for.
    force : tuple of str
        The police force area(s) whose data is read, as ONS names them (``PFA..NM``, e.g.
        "Derbyshire"); rows located in another force area's local authorities are flagged.
    areas : tuple of Area
        The areas briefings are written for, in the file's order.
    comparators : tuple of Area
        Areas to compare with (peer partnerships, the force area).
    data : DataPaths
        Where every input lives.
    publication : Publication
        Marking, public, synthetic, suppression threshold.
    output_dir : Path
        Where ``pcc run`` writes ``<year> <quarter>/<area>/`` folders.
    cache_dir : Path or None
        Where loaders keep parsed copies of big inputs; None when the file has no
        ``cache_dir``, for the default that does not depend on the working directory
        (``PCC_CACHE_DIR``, else the user cache folder: see :mod:`pccanalysis.cache`).
    include_other_forces : bool
        Count rows published by other forces (``Falls within``) that are located in an area.
        False by default: an area counts its own force's rows, as the force publishes them,
        and a download folder holding a neighbour's files does not change its figures.
    all_csps_of : tuple of str
        Force areas named with ``all_csps_of`` (the force area and its CSPs, added to ``areas``
        by :func:`pccanalysis.briefing.inputs.expand_areas`).
    """

    path: Path
    title: str
    force: tuple[str, ...]
    areas: tuple[Area, ...]
    comparators: tuple[Area, ...]
    data: DataPaths
    publication: Publication
    output_dir: Path
    cache_dir: Path | None
    include_other_forces: bool = False
    all_csps_of: tuple[str, ...] = ()

    @property
    def folder(self) -> Path:
        """The folder that holds the configuration file (relative paths start here)."""
        return self.path.parent

    def area(self, name: str | None = None) -> Area:
        """The area called ``name`` (the first area when ``name`` is None).

        Raises
        ------
        ConfigError
            When no area has that name (suggesting the nearest one).
        """
        if self.all_csps_of and not any(a.force in self.all_csps_of for a in self.areas):
            raise ConfigError(f"{self.path}: all_csps_of needs the LAD lookup: read the "
                              "configuration with pccanalysis.briefing.inputs.expand_areas.")
        if name is None:
            return self.areas[0]
        for a in self.areas:
            if a.name == name:
                return a
        names = [a.name for a in self.areas]
        raise ConfigError(
            f"{self.path}: there is no area called {name!r}{did_you_mean(name, names)}; "
            f"the areas are {', '.join(repr(n) for n in names)}."
        )


def default_config_path() -> Path:
    """The sample's configuration, ``<repo>/data/sample/pcc.yaml``.

    Notebooks use it when no ``config_path`` is given, so they run as they are in JupyterLab
    once the sample exists (``pcc sample-data --out data/sample`` or ``make sample``).
    """
    return Path(__file__).resolve().parents[1] / "data" / "sample" / CONFIG_FILENAME


def load_config(path: str | os.PathLike | None = None) -> Config:
    """Read and validate a configuration file.

    Parameters
    ----------
    path : str or path-like, optional
        The ``pcc.yaml`` file; the sample's (:func:`default_config_path`) when omitted.

    Returns
    -------
    Config

    Raises
    ------
    ConfigError
        For a missing or unreadable file, YAML syntax errors, unknown keys (with the nearest
        known key suggested), missing required keys, wrong types, bad quarters and files that
        do not exist; the sentence names the file, the line and the key.
    """
    if path is None or str(path) == "":
        path = default_config_path()
        if not path.exists():
            raise ConfigError(
                f"no configuration given and the sample's {path} does not exist: "
                "make the sample with `pcc sample-data --out data/sample` (or `make sample`)."
            )
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise ConfigError(f"configuration file {path} does not exist.")
    try:
        raw = parse_yaml(yaml_text(path), path)
    except OSError as exc:
        raise ConfigError(f"configuration file {path} cannot be read: {exc}.") from exc
    except YamlError as exc:
        if exc.first_line is not None:
            raise ConfigError(f"{path}, line {exc.line}: key {exc.key!r} is given twice.") from None
        where = f", line {exc.line}" if exc.line is not None else ""
        raise ConfigError(f"{path}{where}: this is not valid YAML ({exc.problem}).") from exc
    reader = _Reader(path)
    config = reader.config(LineDict() if raw is None else raw)
    if reader.missing:
        raise config_problems(reader.missing, config)
    return config


def config_problems(sentences: list[str], config: Config | None = None) -> ConfigError:
    """A ConfigError of several sentences (``problems``), with what was read (``config``)."""
    error = ConfigError("\n".join(sentences))
    error.problems, error.config = list(sentences), config
    return error


def area_name_problem(areas: tuple[Area, ...]) -> str | None:
    """Why these areas cannot be briefed side by side (a name twice, or two names sharing one
    output folder), or None."""
    seen: dict[str, str] = {}
    for a in areas:
        folder = safe_folder_name(a.name).casefold()
        if folder in seen:
            if seen[folder] == a.name:
                return f"two areas are called {a.name!r}"
            return f"areas {seen[folder]!r} and {a.name!r} would share one output folder"
        seen[folder] = a.name
    return None


def safe_folder_name(name: str) -> str:
    """``name`` made safe as a folder name (characters Windows forbids become ``_``)."""
    cleaned = _UNSAFE_NAME.sub("_", name).strip().rstrip(".")
    return cleaned or "_"


# --------------------------------------------------------------------------------------------
# Reading


class _Reader:
    """Turns the parsed YAML into dataclasses, naming file, line and key in every error."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.folder = path.parent
        # Missing files are collected, not raised one at a time, so that a run reports every
        # one at once (the rest of the file is still checked).
        self.missing: list[str] = []
        self.groups: list[str] = []

    # -- error helpers ---------------------------------------------------------------------
    def fail(self, where: tuple[LineDict, Any] | LineDict | None, message: str) -> ConfigError:
        line = None
        if isinstance(where, tuple):
            mapping, key = where
            line = mapping.line_of(key) if isinstance(mapping, LineDict) else None
        elif isinstance(where, LineDict):
            line = where.line
        loc = f"{self.path}, line {line}" if line else f"{self.path}"
        return ConfigError(f"{loc}: {message.rstrip('.')}.")

    def mapping(self, value, dotted: str, parent: tuple[LineDict, Any] | None = None) -> LineDict:
        if not isinstance(value, dict):
            raise self.fail(parent, f"{dotted} must be a mapping of keys to values, "
                                    f"not {_describe(value)}")
        return value

    def check_keys(self, m: LineDict, allowed: tuple[str, ...], dotted: str) -> None:
        for key in m:
            if key not in allowed:
                name = f"{dotted}.{key}" if dotted else str(key)
                raise self.fail((m, key), f"unknown key {name!r}{did_you_mean(str(key), allowed)}")

    def require(self, m: LineDict, key: str, dotted: str):
        if key not in m or m[key] is None:
            name = f"{dotted}.{key}" if dotted else key
            raise self.fail(m, f"the key {name!r} is required but missing")
        return m[key]

    def string(self, m: LineDict, key: str, dotted: str) -> str:
        value = m[key]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail((m, key), f"{dotted} must be text, not {_describe(value)}")
        text = str(value).strip()
        if not text:
            raise self.fail((m, key), f"{dotted} must not be empty")
        return text

    def strings(self, m: LineDict, key: str, dotted: str) -> tuple[str, ...]:
        value = m[key]
        items = value if isinstance(value, list) else [value]
        out = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, (str, int, float)) or not str(item).strip():
                raise self.fail((m, key), f"{dotted} must be a name or a list of names, "
                                          f"not {_describe(value)}")
            out.append(str(item).strip())
        if not out:
            raise self.fail((m, key), f"{dotted} must name at least one")
        return tuple(out)

    def boolean(self, m: LineDict, key: str, dotted: str) -> bool:
        value = m[key]
        if not isinstance(value, bool):
            raise self.fail((m, key), f"{dotted} must be true or false, not {_describe(value)}")
        return value

    def integer(self, m: LineDict, key: str, dotted: str, minimum: int) -> int:
        value = m[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail((m, key), f"{dotted} must be a whole number of at least {minimum}, "
                                      f"not {_describe(value)}")
        return value

    def path_value(self, value, m: LineDict, key: str, dotted: str) -> Path:
        if isinstance(value, bool) or not isinstance(value, str) or not value.strip():
            raise self.fail((m, key), f"{dotted} must be a path, not {_describe(value)}")
        return (self.folder / Path(value.strip()).expanduser()).resolve()

    def existing(self, value, m: LineDict, key: str, dotted: str, *, folder_ok: bool = False) -> Path:
        p = self.path_value(value, m, key, dotted)
        if not p.exists():
            self.missing.append(str(self.fail((m, key), f"{dotted}: {value.strip()} does not "
                                                        f"exist (looked for {p})")))
            return p
        if p.is_dir() and not folder_ok:
            raise self.fail((m, key), f"{dotted}: {value.strip()} is a folder, not a file")
        return p

    # -- sections --------------------------------------------------------------------------
    def config(self, raw) -> Config:
        top = self.mapping(raw, "the configuration")
        self.check_keys(top, _TOP_KEYS, "")
        areas = self.areas(top, "areas", required=True)
        comparators = self.areas(top, "comparators", required=False)
        problem = area_name_problem(areas)
        if problem:
            raise self.fail((top, "areas"), problem)
        force = self.strings(top, "force", "force") if top.get("force") is not None else ()
        data = self.data(self.mapping(self.require(top, "data", ""), "data", (top, "data")))
        publication = self.publication(top.get("publication"), top)
        output_dir = (self.path_value(top["output_dir"], top, "output_dir", "output_dir")
                      if top.get("output_dir") is not None else (self.folder / "outputs").resolve())
        cache_dir = (self.path_value(top["cache_dir"], top, "cache_dir", "cache_dir")
                     if top.get("cache_dir") is not None else None)
        title = (self.string(top, "title", "title") if top.get("title") is not None
                 else areas[0].name if areas else self.groups[0])
        return Config(
            path=self.path, title=title, force=force, areas=areas, comparators=comparators,
            data=data, publication=publication, output_dir=output_dir, cache_dir=cache_dir,
            include_other_forces=(self.boolean(top, "include_other_forces",
                                               "include_other_forces")
                                  if top.get("include_other_forces") is not None else False),
            all_csps_of=tuple(dict.fromkeys(self.groups)),
        )

    def areas(self, top: LineDict, key: str, *, required: bool) -> tuple[Area, ...]:
        """The listed areas; ``all_csps_of`` entries (``areas`` only) go to ``self.groups``."""
        value = top.get(key)
        if value is None:
            if required:
                raise self.fail(top, f"the key {key!r} is required but missing: list at least "
                                     "one area, e.g. '- name: Northbridge' with 'csp: Northbridge'")
            return ()
        if required and isinstance(value, dict):
            value = [value]  # areas: {all_csps_of: Derbyshire}
        if not isinstance(value, list) or (required and not value):
            raise self.fail((top, key), f"{key} must be a list of areas, each with a name and "
                                        f"one of csp, local_authorities or force, not {_describe(value)}")
        out = []
        for i, item in enumerate(value, start=1):
            dotted = f"{key}[{i}]"
            m = self.mapping(item, dotted, (top, key))
            if required and ALL_CSPS_OF in m:
                self.check_keys(m, (ALL_CSPS_OF,), dotted)
                self.groups.extend(self.strings(m, ALL_CSPS_OF, f"{dotted}.{ALL_CSPS_OF}"))
                continue
            self.check_keys(m, _AREA_KEYS, dotted)
            self.require(m, "name", dotted)
            name = self.string(m, "name", f"{dotted}.name")
            given = [k for k in ("csp", "local_authorities", "force") if m.get(k) is not None]
            if len(given) != 1:
                raise self.fail(m, f"area {name!r} must have exactly one of csp, "
                                   f"local_authorities or force, not "
                                   f"{' and '.join(given) if given else 'none'}")
            kind = given[0]
            if kind == "force":
                out.append(Area(name=name, force=self.string(m, "force", f"{dotted}.force")))
            elif kind == "csp":
                out.append(Area(name=name, csps=self.strings(m, "csp", f"{dotted}.csp")))
            else:
                out.append(Area(name=name, local_authorities=self.strings(
                    m, "local_authorities", f"{dotted}.local_authorities")))
        return tuple(out)

    def data(self, d: LineDict) -> DataPaths:
        self.check_keys(d, DATA_KEYS, "data")
        def folders(key: str) -> tuple[Path, ...]:
            items = d[key] if isinstance(d.get(key), list) else [d.get(key)]
            return tuple(self.existing(v, d, key, f"data.{key}", folder_ok=True)
                         for v in items if v is not None)

        police_paths = folders("police_uk") if self.require(d, "police_uk", "data") else ()
        if not police_paths:
            raise self.fail((d, "police_uk"), "data.police_uk must name at least one folder or zip")

        def optional(key: str, folder_ok: bool = False) -> Path | None:
            if d.get(key) is None:
                return None
            return self.existing(d[key], d, key, f"data.{key}", folder_ok=folder_ok)

        tracker: dict[Quarter, Path] = {}
        if d.get("tracker") is not None:
            t = self.mapping(d["tracker"], "data.tracker (quarter: file)", (d, "tracker"))
            for label, value in t.items():
                try:
                    q = parse_quarter(str(label))
                except PeriodError as exc:
                    raise self.fail((t, label), f"data.tracker: {exc}") from None
                if q in tracker:
                    raise self.fail((t, label), f"data.tracker names {q.label} twice")
                tracker[q] = self.existing(value, t, label, f"data.tracker.{label}")
        tables: tuple[Path, ...] = ()
        if d.get("indicator_tables") is not None:
            v = d["indicator_tables"]
            items = v if isinstance(v, list) else [v]
            tables = tuple(self.existing(x, d, "indicator_tables", "data.indicator_tables")
                           for x in items)
        return DataPaths(
            police_uk=police_paths,
            lsoa_lookup=self.existing(self.require(d, "lsoa_lookup", "data"), d, "lsoa_lookup",
                                      "data.lsoa_lookup"),
            lad_lookup=self.existing(self.require(d, "lad_lookup", "data"), d, "lad_lookup",
                                     "data.lad_lookup"),
            population=optional("population"),
            lsoa_bridge=optional("lsoa_bridge"),
            lsoa_population=optional("lsoa_population"),
            ward_boundaries=optional("ward_boundaries", folder_ok=True),
            targets=optional("targets"),
            tracker=_FrozenDict(tracker),
            indicator_tables=tables,
            hate_crime_victims=optional("hate_crime_victims"),
            harm_weights=optional("harm_weights"),
            outcomes=folders("outcomes"),
            stop_and_search=folders("stop_and_search"),
            population_by_ethnicity=optional("population_by_ethnicity"),
        )

    def publication(self, value, top: LineDict) -> Publication:
        if value is None:
            return Publication()
        p = self.mapping(value, "publication", (top, "publication"))
        self.check_keys(p, _PUBLICATION_KEYS, "publication")
        kwargs: dict[str, Any] = {}
        if p.get("protective_marking") is not None:
            kwargs["protective_marking"] = self.string(p, "protective_marking",
                                                       "publication.protective_marking")
        for key in ("public", "synthetic"):
            if p.get(key) is not None:
                kwargs[key] = self.boolean(p, key, f"publication.{key}")
        if p.get("suppression_threshold") is not None:
            kwargs["suppression_threshold"] = self.integer(
                p, "suppression_threshold", "publication.suppression_threshold", 1)
        return Publication(**kwargs)


class _FrozenDict(dict):
    """A dict that refuses changes, so a frozen Config cannot be altered through it."""

    def _refuse(self, *args, **kwargs):
        raise TypeError("the configuration is read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse

    def __hash__(self) -> int:  # frozen dataclasses hash their fields
        return hash(tuple(sorted((k.label, str(v)) for k, v in self.items())))


def _describe(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)
