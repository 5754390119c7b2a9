"""The `staffcast` command line: each command loads files, makes one library call and writes files.

Heavy libraries (statsmodels, ortools, matplotlib) are imported inside the commands so that
`staffcast --help` stays instant.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from forecasts.errors import StaffcastError

app = typer.Typer(
    help="staffcast: forecast contacts, staff queues and build 24/7 rosters for a customer-service center.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """Forecast -> requirements -> roster -> evaluation; see README.md for the files each command reads and writes."""


def planner_errors(command: Callable) -> Callable:
    """Turn library errors into a clear message on stderr and exit code 1 (bugs keep their traceback)."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except StaffcastError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(code=1) from None

    return run


Output = Annotated[Path, typer.Option("-o", "--output", help="File to write.")]


@app.command()
@planner_errors
def requirements(
    center: Annotated[Path, typer.Argument(help="Center YAML.")],
    forecast: Annotated[Path, typer.Argument(help="CSV with queue, interval_start, contacts, aht_seconds (a forecast or past actuals).")],
    output: Output,
) -> None:
    """Agents needed per queue and interval to meet each queue's service target."""
    from scheduler.center import load_center
    from scheduler.io import read_workload, write_requirements
    from scheduler.staffing import compute_requirements

    loaded = load_center(center)
    workload = read_workload(forecast, loaded.config)
    table = compute_requirements(loaded.config, workload)
    write_requirements(table, output)
    print(f"wrote {output}: {len(table)} queue-intervals, peak {int(table.agents_required.max())} agents on one queue")


if __name__ == "__main__":
    app()
