"""Writing a capacity plan: capacity.csv, capacity_actions.csv and the two plots, each atomically."""

from __future__ import annotations

from pathlib import Path

from scheduler.capacity.problem import CAPACITY_COLUMNS, CapacityPlan
from staffcast.atomic import write_atomic, write_csv_atomic


def write_capacity_outputs(plan: CapacityPlan, outdir: Path | str, events=()) -> list[Path]:
    """Write the plan's files into `outdir` and return their paths."""
    from scheduler.capacity.plots import plot_capacity, plot_hiring_calendar

    outdir = Path(outdir)
    written = [outdir / "capacity.csv", outdir / "capacity_actions.csv", outdir / "capacity.png", outdir / "hiring_calendar.png"]
    write_csv_atomic(plan.table[CAPACITY_COLUMNS], written[0])
    write_csv_atomic(plan.actions, written[1])
    for figure, path in ((plot_capacity(plan, events), written[2]), (plot_hiring_calendar(plan), written[3])):
        write_atomic(path, lambda tmp, figure=figure: figure.savefig(tmp, format="png", dpi=110))
    return written
