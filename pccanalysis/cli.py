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
