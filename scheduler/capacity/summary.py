"""A capacity plan in a few lines of text for the terminal."""

from __future__ import annotations

from scheduler.capacity.problem import CapacityPlan


def format_capacity_summary(plan: CapacityPlan, peaks: int = 3) -> list[str]:
    """Horizon, peak weeks, hires, temps, courses, cost, uncovered weeks and solver status."""
    table, actions, summary = plan.table, plan.actions, plan.summary
    weekly = table.groupby("week", sort=False).agg(required_fte=("required_fte", "sum"), available_fte=("available_fte", "sum"), gap=("gap", "sum"))
    lines = [
        f"capacity plan {table.week.iloc[0]} .. {plan.problem.week_start(plan.problem.weeks - 1)} ({plan.problem.weeks} weeks), "
        f"skills {', '.join(plan.problem.skills)}"
    ]
    for week, row in weekly.nlargest(peaks, "required_fte").iterrows():
        lines.append(f"  peak week {week}: required {row.required_fte:.1f} FTE, available {row.available_fte:.1f}, gap {row.gap:.1f}")
    for action, label in (("hire", "hires"), ("cross_training", "cross-trained"), ("temp", "temp agent-weeks")):
        rows = actions[actions.action == action]
        detail = ", ".join(f"{k} {n}" for k, n in rows.groupby("skill").agents.sum().items())
        lines.append(f"  {label}: {int(rows.agents.sum())}" + (f" ({detail})" if detail else ""))
    gaps = weekly[weekly.gap > 0]
    if gaps.empty:
        lines.append("  every week covered")
    else:
        worst = gaps.gap.idxmax()
        lines.append(
            f"  NOT covered in {len(gaps)} week(s), {gaps.gap.sum():.1f} FTE-weeks in all; worst {worst}: gap {gaps.gap.max():.1f} FTE "
            f"({', '.join(f'{r.skill} {r.gap:.1f}' for r in table[(table.week == worst) & (table.gap > 0)].itertuples())})"
        )
    slack = summary["objective"] - summary["bound"]
    lines.append(
        f"  total cost {summary['total_cost']:,.0f} (wages, hiring, courses, temps); solver {summary['status']} in "
        f"{summary['solve_seconds']:.1f} s, at most {slack:,.0f} above the best possible"
    )
    return lines
