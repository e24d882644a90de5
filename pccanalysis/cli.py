"""The ``pcc`` command: the scheduled and manual entry point.

Each sub-command is a thin wrapper over library functions; logging handlers are set here and
nowhere else.
"""

from __future__ import annotations

import logging
import sys

import click

from . import __version__
from .errors import PccError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pcc")
@click.option("-v", "--verbose", is_flag=True, help="Show debug messages.")
def cli(verbose: bool) -> None:
    """pccanalysis: quarterly performance briefings for PCCs and Community Safety Partnerships.

    Exit codes: 0 done, 1 some briefings failed, 2 a mistake on the command line, 3 a
    configuration, data or output-folder problem.
    """
    # The terminal gets warnings (and everything with -v); commands print their own progress,
    # and `pcc run` writes the full log to run.log through a handler of its own.
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        datefmt="%H:%M:%S")
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.DEBUG if verbose else logging.WARNING)


@cli.command("download")
@click.option("--police-force", "forces", multiple=True,
              help="data.police.uk force identifier, e.g. nottinghamshire (repeat or comma-separate).")
@click.option("--force", "old_forces", multiple=True, hidden=True,
              help="Deprecated spelling of --police-force.")
@click.option("--from", "start", required=True, help="First month, YYYY-MM.")
@click.option("--to", "end", required=True, help="Last month, YYYY-MM.")
@click.option("--kinds", default="street", show_default=True,
              help="Comma-separated: street, outcomes, stop-and-search.")
@click.option("--to-dir", default="data/police-uk", show_default=True,
              type=click.Path(file_okay=False), help="Folder laid out like data.police.uk.")
@click.option("--archive", default=None, help="Newest archive to use, YYYY-MM (default: --to).")
@click.option("--base-url", envvar="PCC_POLICE_UK_URL", default=None,
              help="Site root (default https://data.police.uk; env PCC_POLICE_UK_URL).")
@click.option("--cache-dir", default=None, type=click.Path(file_okay=False),
              help="Cache root for archives (default: see PCC_CACHE_DIR).")
@click.option("--refresh", is_flag=True, help="Check whether cached archives changed.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
def download_command(forces, old_forces, start, end, kinds, to_dir, archive, base_url, cache_dir,
                     refresh, no_progress) -> None:
    """Download data.police.uk monthly files for forces and months (cached, resumable)."""
    from .sources.police_uk.download import download

    if old_forces:
        click.echo("Warning: `pcc download --force` is deprecated and will be removed in the next "
                   "release: use --police-force (in `pcc run`, --force means remake).", err=True)
        forces = forces + old_forces
    if not forces:
        raise click.UsageError("Missing option '--police-force' (e.g. --police-force derbyshire).")

    report = download([f for item in forces for f in item.split(",") if f.strip()], start, end,
                      kinds=kinds, to_dir=to_dir, archive=archive, base_url=base_url,
                      cache_dir=cache_dir, refresh=refresh, progress=not no_progress)
    for line in report.lines():
        click.echo(line)


@cli.command("vintages")
@click.option("--to-dir", default="data/police-uk", show_default=True,
              type=click.Path(file_okay=False), help="Folder filled by `pcc download`.")
@click.option("--choose", default=None, help="Put this kept vintage's files in use.")
@click.option("--discard", default=None, help="Delete this kept vintage.")
@click.option("--compare", nargs=2, default=None, type=click.Path(exists=True, dir_okay=False),
              metavar="EARLIER LATER",
              help="Compare any two copies of one month's file, wherever they are.")
def vintages_command(to_dir, choose, discard, compare) -> None:
    """List kept data.police.uk vintages and their revisions, choose or discard one, or compare
    two copies of a file."""
    from .sources.police_uk.schema import parse_file_name
    from .sources.police_uk.vintages import (
        choose_vintage,
        compare_files,
        discard_vintage,
        list_vintages,
    )

    if compare:
        name = parse_file_name(compare[0]) or parse_file_name(compare[1])
        if name is None:
            raise click.UsageError("--compare needs files named as data.police.uk names them "
                                   "(YYYY-MM-<force>-street.csv, -outcomes.csv, "
                                   "-stop-and-search.csv).")
        click.echo(compare_files(compare[0], compare[1], month=name.month, force=name.force,
                                 kind=name.kind).line())
        return
    if choose:
        names = choose_vintage(to_dir, choose)
        click.echo(f"{len(names)} files of vintage {choose} are now in use in {to_dir}.")
    if discard:
        discard_vintage(to_dir, discard)
        click.echo(f"Vintage {discard} deleted from {to_dir}.")
    if not choose and not discard:
        kept = list_vintages(to_dir)
        if not kept:
            click.echo(f"No other vintage is kept in {to_dir}.")
        for v in kept:
            click.echo(f"Vintage {v.label}: {len(v.files)} files.")
            for r in v.revisions:
                click.echo(f"  {r.line()}")


@cli.command("sample-data")
@click.option("--out", default="data/sample", show_default=True,
              type=click.Path(file_okay=False), help="Folder for the sample.")
@click.option("--seed", default=2021, show_default=True, type=int, help="Random seed.")
@click.option("--force", is_flag=True, help="Replace an existing sample in --out.")
def sample_data_command(out: str, seed: int, force: bool) -> None:
    """Write the SYNTHETIC sample: fictional Northbridge CSP, April 2018 to March 2021."""
    from pathlib import Path

    from .sample.write import is_sample_folder, write_sample

    out = Path(out)
    if out.is_dir() and is_sample_folder(out) and not force:
        raise click.ClickException(f"{out} already holds a sample; use --force to replace it.")
    paths = write_sample(out, seed=seed)
    click.echo(f"Wrote the SYNTHETIC {paths.area} sample (seed {seed}) to {out}:")
    for key, path in paths.items():
        click.echo(f"  {key}: {path}")


@cli.command("run")
@click.option("--quarter", "quarter", default="latest", show_default=True,
              help='Financial-year quarter, e.g. "2020-21 Q2", or "latest" (the latest complete '
                   "quarter in the police data).")
@click.option("--area", "areas", multiple=True, help="Only this area (repeat for more).")
@click.option("--notebook", "notebooks", multiple=True,
              help="Only this briefing, by name, e.g. quarterly_performance (repeat for more).")
@click.option("--config", "config_path", default=None, type=click.Path(dir_okay=False),
              help="Configuration file (default: ./pcc.yaml, else the SYNTHETIC sample's).")
@click.option("--jobs", "-j", default=None, type=click.IntRange(min=1),
              help="Briefings made at once (default: the number of CPU cores).")
@click.option("--force", is_flag=True,
              help="Make every briefing again, even those whose inputs have not changed.")
@click.option("--pdf", is_flag=True, help="Also render each briefing as an A4 PDF "
              "(headless Chromium, /usr/bin/chromium).")
@click.option("--output-dir", default=None, type=click.Path(file_okay=False),
              help="Where the quarter folders go (default: the configuration's output_dir).")
@click.option("--notebooks-dir", default=None, type=click.Path(file_okay=False, exists=True),
              help="Folder of notebooks with its briefings.yaml (default: the checkout's "
                   "notebooks/).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing unless something goes wrong "
              "(for cron).")
@click.option("--verbose", "-v", "run_verbose", is_flag=True,
              help="Say why each briefing is made or kept, and log in detail.")
@click.pass_context
def run_command(ctx, quarter, areas, notebooks, config_path, jobs, force, pdf, output_dir,
                notebooks_dir, quiet, run_verbose) -> None:
    """Make the quarter's briefings: every declared notebook for every area, as
    self-contained HTML with tables (XLSX, CSV) and charts (PNG, SVG) beside each.

    Everything is checked before any notebook starts; every problem found is listed and
    nothing is made. A briefing already made is kept while nothing it was made from has
    changed (input files, configuration, notebook, package version); otherwise it is made
    again and the run says why. Writes <output_dir>/<year> <quarter>/<area>/, an index.html,
    a manifest.json and a run.log, all swapped in at once.

    Exit codes: 0 every briefing made (or up to date), 1 some briefings failed, 2 a mistake
    on the command line, 3 a configuration, data or output-folder problem.

    The notebooks are the top-level notebooks/ of the pccanalysis checkout, which is installed
    with `pip install -e .` (`make` does this); anywhere else, give the folder with
    --notebooks-dir.
    """
    from .publish.progress import Progress
    from .publish.run import BriefingsFailed, execute_plan, failure_message, plan_run

    verbose = run_verbose or bool(ctx.parent and ctx.parent.params.get("verbose"))
    if run_verbose:
        for handler in logging.getLogger().handlers:
            handler.setLevel(min(handler.level, logging.INFO))
    say = _sayer(quiet)
    config_path = _discover_config(config_path)
    plan = plan_run(config_path, quarter, areas=areas or None, notebooks=notebooks or None,
                    notebooks_dir=notebooks_dir, output_dir=output_dir, jobs=jobs, force=force,
                    pdf=pdf)
    for notice in plan.notices:
        say(f"Note: {notice}")
    if plan.skipped:
        say(f"{len(plan.skipped)} briefing(s) for {plan.quarter.label} already made and up to "
            "date; kept (use --force to make them again).")
        if verbose:
            for area, nb in plan.skipped:
                say(f"  kept    {area.name} / {nb.name}")
    if not plan.to_run:
        say(f"Nothing to do: see {plan.quarter_dir / 'index.html'}")
        return
    say(f"Making {len(plan.to_run)} briefing(s) for {plan.quarter.label} "
        f"({plan.quarter.months_label}) with {min(plan.jobs, len(plan.to_run))} job(s):")
    for line in _reason_lines(plan, verbose):
        say(line)
    progress = Progress(len(plan.to_run), say)
    result = execute_plan(plan, progress=progress,
                          log_level=logging.DEBUG if verbose else logging.INFO)
    made = len(result.results) - len(result.failed)
    say(f"{made} of {len(result.results)} briefing(s) made in {result.seconds:.1f} s "
        f"(run id {result.short_id}): {result.index}")
    if result.failed:
        raise BriefingsFailed(failure_message(result))


def _sayer(quiet: bool):
    """``click.echo`` unless ``quiet``."""
    return (lambda line: None) if quiet else click.echo


def _discover_config(config_path):
    """``--config``, else ./pcc.yaml, else the sample's (saying loudly that it is synthetic)."""
    from pathlib import Path

    from .config import CONFIG_FILENAME, default_config_path

    if config_path is not None:
        return config_path
    here = Path.cwd() / CONFIG_FILENAME
    if here.is_file():
        return here
    sample = default_config_path()
    click.echo(f"SYNTHETIC: no --config was given and there is no {CONFIG_FILENAME} here, so these "
               f"briefings are made from the made-up sample ({sample}) and describe no real "
               "place.", err=True)
    return sample


def _reason_lines(plan, verbose: bool) -> list[str]:
    """Why briefings are made: one line per briefing with -v, else one per distinct reason."""
    if verbose:
        return [f"  make    {a.name} / {nb.name}: {plan.reasons[(a.name, nb.name)]}"
                for a, nb in plan.to_run]
    counts: dict[str, int] = {}
    for a, nb in plan.to_run:
        reason = plan.reasons[(a.name, nb.name)]
        counts[reason] = counts.get(reason, 0) + 1
    return [f"  {n} because {reason}" for reason, n in counts.items()]


@cli.command("lab", context_settings={"ignore_unknown_options": True})
@click.argument("jupyter_args", nargs=-1, type=click.UNPROCESSED)
def lab_command(jupyter_args) -> None:
    """Open JupyterLab at the project's root (briefings in notebooks/; extra arguments go to
    `jupyter lab`)."""
    import os
    import subprocess

    from .publish.notebooks import NOTEBOOKS_DIR

    root = NOTEBOOKS_DIR.parent
    if not NOTEBOOKS_DIR.is_dir():
        raise click.ClickException(f"{NOTEBOOKS_DIR} does not exist: `pcc lab` works from a "
                                   "source checkout (pip install -e .).")
    # This interpreter has pccanalysis installed; its jupyter starts kernels with it too.
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}", *jupyter_args]
    if os.name == "posix":
        os.execv(sys.executable, argv)
    sys.exit(subprocess.call(argv))


@cli.command("check-data")
@click.argument("paths", nargs=-1)
@click.option("--config", "config_path", default=None, type=click.Path(dir_okay=False),
              help="Read every police input this pcc.yaml names, with its lookups, force and "
                   "cache (instead of PATHS and the options below).")
@click.option("--kind", type=click.Choice(["street", "outcomes", "stop-and-search"]),
              default="street", show_default=True, help="Which data.police.uk files to read.")
@click.option("--force-area", default=None,
              help="Police force area or CSP name: flag rows outside its local authorities "
                   "(needs --lad-lookup).")
@click.option("--lsoa-lookup", default=None, type=click.Path(dir_okay=False),
              help="ONS LSOA -> ward lookup: count rows whose LSOA it does not hold.")
@click.option("--lad-lookup", default=None, type=click.Path(dir_okay=False),
              help="ONS LAD -> CSP -> police force area lookup.")
@click.option("--lsoa-bridge", default=None, type=click.Path(dir_okay=False),
              help="ONS LSOA 2011 -> 2021 lookup: bridge the other code set to the ward lookup.")
@click.option("--lsoa-population", default=None, type=click.Path(dir_okay=False),
              help="Population by LSOA of the ward lookup's vintage: decides split LSOAs.")
@click.option("--ward-boundaries", default=None, type=click.Path(),
              help="Ward polygons (GeoJSON/GeoPackage file or folder): place rows by point.")
@click.option("--cache-dir", default=None, type=click.Path(file_okay=False),
              help="Parquet cache folder (default: $PCC_CACHE_DIR, else "
                   "$XDG_CACHE_HOME/pccanalysis or ~/.cache/pccanalysis).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option("--by-month", is_flag=True, help="Rows (and ASB rows) per month, to spot gaps; "
              "with --lsoa-lookup, rows placed in a ward per month and by which route.")
@click.option("--files", "show_files", is_flag=True, help="List every file read.")
def check_data_command(paths, config_path, kind, force_area, lsoa_lookup, lad_lookup, lsoa_bridge,
                       lsoa_population, ward_boundaries, cache_dir, no_cache, by_month,
                       show_files) -> None:
    """Load data.police.uk files (folders, CSVs, zips) and show how every row was accounted for.

    PATHS are folders, CSV files or zips; or give --config pcc.yaml to read everything it names.
    """
    from .sources import geography
    from .sources.boundaries import read_boundaries
    from .sources.placing import attach_geography, placement_by_month
    from .sources.police_uk import read as police_uk

    configs = [p for p in paths if p.lower().endswith((".yaml", ".yml"))]
    if configs:
        raise click.UsageError(f"{configs[0]} is a configuration, not a police file: use "
                               f"--config {configs[0]}.")
    if config_path is not None:
        if paths:
            raise click.UsageError("give either PATHS or --config, not both.")
        (paths, force_area, lsoa_lookup, lad_lookup, lsoa_bridge, lsoa_population,
         ward_boundaries, cache_dir) = _check_data_inputs(config_path, cache_dir)
    elif not paths:
        raise click.UsageError("give the police files to read (PATHS), or --config pcc.yaml.")
    if force_area and not lad_lookup:
        raise click.UsageError("--force-area needs --lad-lookup.")
    cache = False if no_cache else cache_dir
    if kind == "stop-and-search":
        frame, dq = police_uk.read_stop_and_search(paths, cache_dir=cache)
    else:
        lad = geography.read_lad_lookup(lad_lookup) if lad_lookup else None
        areas = geography.local_authorities_of(lad, force_area) if force_area else None
        reader = police_uk.read_street if kind == "street" else police_uk.read_outcomes
        frame, dq = reader(list(paths), force_areas=areas, cache_dir=cache)
        if lsoa_lookup:
            lsoa = geography.read_lsoa_lookup(lsoa_lookup)
            frame = attach_geography(
                frame, lsoa, lad, dq,
                bridge=geography.read_lsoa_bridge(lsoa_bridge) if lsoa_bridge else None,
                lsoa_population=(geography.read_population(lsoa_population)
                                 if lsoa_population else None),
                boundaries=(read_boundaries(ward_boundaries, level="ward")
                            if ward_boundaries else None))
        elif lsoa_bridge or lsoa_population or ward_boundaries:
            raise click.UsageError("--lsoa-bridge, --lsoa-population and --ward-boundaries "
                                   "need --lsoa-lookup.")
    for line in dq.summary_lines():
        click.echo(line)
    month = frame["month"]
    click.echo(f"Months: {month.min()} to {month.max()}, {month.nunique()} present.")
    if by_month:
        counts = frame.groupby("month").size().rename("rows").to_frame()
        if "crime_type" in frame:
            asb = frame["crime_type"].eq("Anti-social behaviour").groupby(frame["month"]).sum()
            counts["ASB"] = asb
        click.echo(counts.to_string())
        if "ward_route" in frame:
            vintage = frame.attrs.get("ward_vintage")
            click.echo(f"Rows placed in a ward{f' (wards of {vintage})' if vintage else ''}, "
                       "by route:")
            table = placement_by_month(frame).set_index("month")
            table = table.loc[:, (table != 0).any()]  # routes no row took are left out
            table["placed_share"] = (100 * table["placed_share"]).map("{:.1f}%".format)
            click.echo(table.rename(columns={"placed_share": "placed %"}).to_string())
    if show_files:
        for f in dq.files:
            click.echo(f"  {f.path}: {f.rows:,} rows" + (f" ({f.note})" if f.note else ""))


def _check_data_inputs(config_path, cache_dir):
    """What ``check-data --config`` reads: the configuration's police inputs, lookups, force
    area and cache folder (a --cache-dir given wins)."""
    from .config import load_config

    config = load_config(config_path)
    d = config.data
    force = config.force[0] if len(config.force) == 1 else None
    return (tuple(str(p) for p in d.police_uk), force, d.lsoa_lookup,
            d.lad_lookup, d.lsoa_bridge, d.lsoa_population,
            d.ward_boundaries, cache_dir if cache_dir is not None else config.cache_dir)


def main() -> None:
    """Console entry point: print a PccError as sentences and exit with its code (README,
    "Exit codes"), never a traceback.

    0: done; 1: some briefings failed (or another run held the quarter); 2: a mistake on the
    command line; 3: a configuration, data or output-folder problem.
    """
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except PccError as exc:
        for line in str(exc).splitlines() or [""]:
            click.echo(f"Error: {line}", err=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
