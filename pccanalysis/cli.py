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
    """pccanalysis: quarterly performance briefings for PCCs and Community Safety Partnerships."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )


@cli.command("download")
@click.option("--force", "forces", required=True, multiple=True,
              help="data.police.uk force identifier, e.g. nottinghamshire (repeat or comma-separate).")
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
def download_command(forces, start, end, kinds, to_dir, archive, base_url, cache_dir, refresh,
                     no_progress) -> None:
    """Download data.police.uk monthly files for forces and months (cached, resumable)."""
    from .sources.police_uk.download import download

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

    from .sample.data import is_sample_folder, write_sample

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
              help="Only this notebook, by name, e.g. quarterly_performance (repeat for more).")
@click.option("--config", "config_path", default=None, type=click.Path(dir_okay=False),
              help="Configuration file (default: the sample's data/sample/pcc.yaml).")
@click.option("--jobs", "-j", default=None, type=click.IntRange(min=1),
              help="Briefings made at once (default: the number of CPU cores).")
@click.option("--force", is_flag=True, help="Make briefings again even if already made.")
@click.option("--output-dir", default=None, type=click.Path(file_okay=False),
              help="Where the quarter folders go (default: the configuration's output_dir).")
@click.option("--notebooks-dir", default=None, type=click.Path(file_okay=False, exists=True),
              help="Folder of notebooks to run (default: the checkout's notebooks/).")
@click.pass_context
def run_command(ctx, quarter, areas, notebooks, config_path, jobs, force, output_dir,
                notebooks_dir) -> None:
    """Make the quarter's briefings: every notebook for every area, as self-contained HTML.

    Writes <output_dir>/<year> <quarter>/<area>/<notebook>.html, an index.html, a
    manifest.json and a run.log. Briefings already made are kept unless --force is given, so a
    scheduled `pcc run --quarter latest` can run as often as you like.

    The notebooks are the top-level notebooks/ of the pccanalysis checkout, which is installed
    with `pip install -e .` (`make` does this); anywhere else, give the folder with
    --notebooks-dir.
    """
    from .publish.run import execute_plan, failure_message, plan_run

    verbose = bool(ctx.parent and ctx.parent.params.get("verbose"))
    plan = plan_run(config_path, quarter, areas=areas or None, notebooks=notebooks or None,
                    notebooks_dir=notebooks_dir, output_dir=output_dir, jobs=jobs, force=force)
    # Progress goes to the terminal as one line per briefing; the full log goes to run.log.
    root = logging.getLogger()
    quiet = logging.Filter()
    quiet.filter = lambda record: not record.name.startswith("pccanalysis.publish.run")
    if not verbose:
        for h in root.handlers:
            h.setLevel(logging.WARNING)
            h.addFilter(quiet)
    plan.quarter_dir.mkdir(parents=True, exist_ok=True)
    log_file = logging.FileHandler(plan.quarter_dir / "run.log", encoding="utf-8")
    log_file.setLevel(logging.DEBUG if verbose else logging.INFO)
    log_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(log_file)
    root.setLevel(min(root.level or logging.INFO, log_file.level))
    try:
        if plan.skipped:
            click.echo(f"{len(plan.skipped)} briefing(s) for {plan.quarter.label} already made; "
                       "kept (use --force to make them again).")
        if not plan.to_run:
            execute_plan(plan)
            click.echo(f"Nothing to do: see {plan.quarter_dir / 'index.html'}")
            return
        click.echo(f"Making {len(plan.to_run)} briefing(s) for {plan.quarter.label} "
                   f"({plan.quarter.months_label}) with {min(plan.jobs, len(plan.to_run))} "
                   f"job(s) ...")

        def progress(r) -> None:
            if r.ok:
                click.echo(f"  ok      {r.area} / {r.notebook}  {r.seconds:.1f} s")
                for warning in r.warnings:
                    click.echo(f"          warning: {warning}")
            else:
                click.echo(f"  FAILED  {r.area} / {r.notebook}  {r.seconds:.1f} s  {r.error}")

        result = execute_plan(plan, progress=progress)
        made = len(result.results) - len(result.failed)
        click.echo(f"{made} of {len(result.results)} briefing(s) made in {result.seconds:.1f} s "
                   f"(run id {result.short_id}): {result.index}")
        if result.failed:
            raise PccError(failure_message(result))
    finally:
        for h in root.handlers:
            h.removeFilter(quiet)
        root.removeHandler(log_file)
        log_file.close()


@cli.command("lab", context_settings={"ignore_unknown_options": True})
@click.argument("jupyter_args", nargs=-1, type=click.UNPROCESSED)
def lab_command(jupyter_args) -> None:
    """Open JupyterLab on the project's notebooks/ (extra arguments go to `jupyter lab`)."""
    import os
    import subprocess

    from .publish.run import NOTEBOOKS_DIR

    if not NOTEBOOKS_DIR.is_dir():
        raise click.ClickException(f"{NOTEBOOKS_DIR} does not exist: `pcc lab` works from a "
                                   "source checkout (pip install -e .).")
    # This interpreter has pccanalysis installed; its jupyter starts kernels with it too.
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={NOTEBOOKS_DIR}",
            *jupyter_args]
    if os.name == "posix":
        os.execv(sys.executable, argv)
    sys.exit(subprocess.call(argv))


@cli.command("check-data")
@click.argument("paths", nargs=-1, required=True)
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
def check_data_command(paths, kind, force_area, lsoa_lookup, lad_lookup, lsoa_bridge,
                       lsoa_population, ward_boundaries, cache_dir, no_cache, by_month,
                       show_files) -> None:
    """Load data.police.uk files (folders, CSVs, zips) and show how every row was accounted for."""
    from .sources import geography
    from .sources.boundaries import read_boundaries
    from .sources.placing import attach_geography, placement_by_month
    from .sources.police_uk import read as police_uk

    if force_area and not lad_lookup:
        raise click.UsageError("--force-area needs --lad-lookup.")
    cache = False if no_cache else cache_dir
    if kind == "stop-and-search":
        frame, dq = police_uk.read_stop_and_search(paths, cache_dir=cache)
    else:
        lad = geography.read_lad_lookup(lad_lookup) if lad_lookup else None
        areas = geography.local_authorities_of(lad, force_area) if force_area else None
        reader = police_uk.read_street if kind == "street" else police_uk.read_outcomes
        frame, dq = reader(paths, force_areas=areas, cache_dir=cache)
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


def main() -> None:
    """Console entry point: print a PccError as one line and exit 2, never a traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except PccError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
