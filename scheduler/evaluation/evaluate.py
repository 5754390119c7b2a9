"""The truth about a roster: service per queue and day, staffing gaps, hours, cost and fairness.

Analytic: the staffing engine's queueing models (scheduler.staffing.requirements.queue_performance, through
scheduler.staffing.coverage.coverage_table) applied to the agents the roster really puts on each queue,
after breaks and shrinkage. Optionally also a discrete-event simulation (scheduler.evaluation.simulation).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scheduler.contracts.center import Center
from scheduler.contracts.pay import weekly_pay
from scheduler.contracts.schema import night_overlap_minutes
from scheduler.evaluation.deferred_outcome import BACKLOG_COLUMNS, DeferredOutcome, deferred_outcome
from scheduler.evaluation.simulation import SimulationOptions, SimulationResult, simulate_roster
from scheduler.roster.grid import answered_requirements, deferred_queue_ids, first_answered
from scheduler.staffing.coverage import coverage_table
from scheduler.staffing.requirements import compute_requirements
from staffcast.errors import DataError

WORST_INTERVALS = 10
ROUTING_NOTE = (
    "The formulas and the simulation with agents kept on their assigned queue make the same assumption and differ only by "
    "chance and by the formulas' steady state within each interval; skill-based routing lets a free agent take a waiting "
    "contact of any queue they are skilled for, so the pooled team answers more than the assignment promises."
)
AGENT_COLUMNS = [
    "agent_id",
    "team",
    "contract",
    "shifts",
    "paid_hours",
    "night_shifts",
    "weekend_days",
    "overtime_hours",
    "rest_day_hours",
    "holiday_hours",
    "night_hours",
    "premium_cost",
    "cost",
]


@dataclass(frozen=True)
class Evaluation:
    """Everything evaluate reports.

    Attributes:
        coverage: the coverage.csv contract frame.
        intervals: coverage joined with the forecast contacts and aht_seconds (for weighting and plots).
        queues: one row per queue: contacts, service level and target, ASA, abandon rate, occupancy,
            under/overstaffed agent-hours (and simulated figures with 95% intervals when simulated).
        daily: service per queue and day, plus an "all" row per day (volume-weighted).
        worst: the worst intervals by service level (with contacts).
        agents: per agent: shifts, paid hours, night shifts, weekend days worked, cost.
        totals: overall figures (service level, paid hours, cost, hours per agent min/median/max, ...).
        simulation: the simulation result with skill-based routing, when asked for.
        simulation_assigned: the simulation with every agent kept on the queue the roster assigned (the formulas'
            assumption), run beside it.
        deferred: per deferred queue, its tickets late, backlog and missing capacity.
        targets: the center's queues (their targets), in YAML order.
    """

    coverage: pd.DataFrame
    intervals: pd.DataFrame
    queues: pd.DataFrame
    daily: pd.DataFrame
    worst: pd.DataFrame
    agents: pd.DataFrame
    totals: dict[str, float | str]
    simulation: SimulationResult | None = None
    simulation_assigned: SimulationResult | None = None
    deferred: dict[str, DeferredOutcome] = field(default_factory=dict)
    targets: tuple = ()

    @property
    def open_backlog(self) -> pd.DataFrame:
        """The tickets of every deferred queue still open at the end, by arrival interval (the next plan's backlog)."""
        return pd.concat([outcome.open_at_end for outcome in self.deferred.values()] + [pd.DataFrame(columns=BACKLOG_COLUMNS)], ignore_index=True)


def evaluate_roster(
    center: Center,
    shifts: pd.DataFrame,
    activities: pd.DataFrame,
    workload: pd.DataFrame,
    *,
    requirements: pd.DataFrame | None = None,
    coverage: pd.DataFrame | None = None,
    start: dt.date | None = None,
    has_previous: bool = False,
    simulation: SimulationOptions | None = None,
    progress: Callable[[str], None] | None = None,
) -> Evaluation:
    """Evaluate a roster against a forecast.

    Args:
        center: the center (queues, shrinkage, costs, agents).
        shifts: roster.csv rows (agent_id, date, shift, start, end, paid_minutes, breaks).
        activities: agent_id, interval_start, activity (queue id or "break").
        workload: the forecast: queue, interval_start, contacts, aht_seconds.
        requirements: the requirements of this forecast when already computed (else computed here); rows of
            deferred queues before `start` are a backlog carried in.
        coverage: the roster's coverage table when already computed (`RosterResult.coverage`).
        start: the first planned day (default: the roster's first shift date).
        has_previous: the roster continues a previous one, so the first day's early hours count
            (`scheduler.roster.grid.answered`: which intervals the plan answers for).
        simulation: simulate too, with these options, twice: with skill-based routing and with agents kept on the
            queues the roster assigned.
        progress: receives short progress messages.

    Raises:
        DataError: when the roster and the activities disagree.
    """
    _check_activities_inside_shifts(shifts, activities)
    workload = roster_horizon(workload, shifts)
    if requirements is None:
        requirements = compute_requirements(center.config, workload)
    start = start or pd.to_datetime(shifts.date).min().date()
    days = (pd.to_datetime(shifts.date).max().date() - start).days + 1
    carried = requirements.queue.isin(deferred_queue_ids(center.config)) & (requirements.interval_start < pd.Timestamp(start))
    requirements = requirements[requirements.interval_start.isin(workload.interval_start) | carried]
    requirements = answered_requirements(center.config, requirements, start, days, has_previous)
    if coverage is None:
        coverage = coverage_table(center, activities, requirements)
    intervals = coverage.merge(requirements[["queue", "interval_start", "contacts", "aht_seconds"]], on=["queue", "interval_start"], how="left")
    intervals[["contacts", "aht_seconds"]] = intervals[["contacts", "aht_seconds"]].fillna(0.0)
    intervals["deferred"] = intervals.queue.isin(deferred_queue_ids(center.config))
    intervals["overloaded"], intervals["wait_seconds"] = overload_waits(center.config, intervals)
    step_hours = center.config.interval_minutes / 60
    deferred = {q.id: deferred_outcome(center, q, intervals, activities) for q in center.config.queues if q.respond_within_hours is not None}
    queues = _queue_table(center, intervals, step_hours, deferred)
    agents = agent_table(center, shifts)
    simulated = assigned = None
    if simulation is not None:
        first = first_answered(center.config, start, has_previous)
        runs = {}
        for routing, prefix in (("skills", "simulated_"), ("assigned", "assigned_simulated_")):
            options = dataclasses.replace(simulation, routing=routing)
            runs[routing] = simulate_roster(center.config, center.agents, activities, workload, options, progress, first_answered=first)
            figures = runs[routing].queues
            queues = queues.merge(figures.rename(columns={c: f"{prefix}{c}" for c in figures.columns if c != "queue"}), on="queue", how="left")
        simulated, assigned = runs["skills"], runs["assigned"]
    totals = _totals(center, intervals, queues, agents, step_hours)
    if simulated is not None:
        totals["simulated_occupancy"] = simulated.occupancy
    return Evaluation(
        coverage=coverage,
        intervals=intervals,
        queues=queues,
        daily=_daily_table(intervals),
        worst=_worst_intervals(intervals),
        agents=agents,
        totals=totals,
        simulation=simulated,
        simulation_assigned=assigned,
        deferred=deferred,
        targets=tuple(center.config.queues),
    )


def overload_waits(config, intervals: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per coverage row: whether it is overloaded (more work offered than the agents on the queue can carry, so the
    formulas have no steady state and give an infinite ASA) and the mean wait counted for it: the formulas' ASA,
    or in an overloaded interval the fluid estimate of a queue growing through it, (load / capacity - 1) x half
    the interval with the whole servers the formulas use (half the interval when nobody is on the queue). A lower
    bound: a backlog from before and the randomness of a queue at its limit are not counted."""
    asa = intervals.asa_seconds.to_numpy(float)
    overloaded = ~np.isfinite(asa) & (intervals.contacts.to_numpy(float) > 0) & ~intervals.deferred.to_numpy()
    step_seconds = config.interval_minutes * 60
    keep = 1 - config.staffing.shrinkage_at(pd.DatetimeIndex(intervals.interval_start).hour)
    slots = intervals.queue.map({q.id: q.concurrency or 1 for q in config.queues}).to_numpy(float)
    capacity = np.floor(intervals.agents_scheduled.to_numpy(float) * keep * slots + 1e-9)
    load = intervals.contacts.to_numpy(float) * intervals.aht_seconds.to_numpy(float) / step_seconds
    with np.errstate(divide="ignore", invalid="ignore"):
        fluid = np.where(capacity > 0, np.maximum(load / capacity - 1, 0) * step_seconds / 2, step_seconds / 2)
    return overloaded, np.where(overloaded, fluid, asa)


def roster_horizon(workload: pd.DataFrame, shifts: pd.DataFrame) -> pd.DataFrame:
    """The forecast rows of the days the roster covers (first to last shift date), so a longer forecast is fine.

    Raises:
        DataError: when the roster is empty or the forecast does not cover its days.
    """
    if shifts.empty:
        raise DataError("roster: no shifts to evaluate.")
    dates = pd.to_datetime(shifts.date)
    first, last = dates.min().normalize(), dates.max().normalize() + pd.Timedelta(days=1)
    inside = workload[(workload.interval_start >= first) & (workload.interval_start < last)]
    if inside.empty:
        raise DataError(
            f"forecast: no rows between {first:%Y-%m-%d} and {last - pd.Timedelta(days=1):%Y-%m-%d}, the days of the roster. Forecast those days."
        )
    return inside


def _check_activities_inside_shifts(shifts: pd.DataFrame, activities: pd.DataFrame) -> None:
    if activities.empty:
        return
    spans = shifts[["agent_id", "start", "end"]].assign(start=lambda f: pd.to_datetime(f.start), end=lambda f: pd.to_datetime(f.end))
    merged = activities[["agent_id", "interval_start"]].merge(spans, on="agent_id", how="left")
    inside = (merged.interval_start >= merged.start) & (merged.interval_start < merged.end)
    covered = inside.groupby([merged.agent_id, merged.interval_start]).any()
    outside = covered[~covered]
    if not outside.empty:
        agent_id, start = outside.index[0]
        raise DataError(
            f"activities: agent {agent_id} works at {start:%Y-%m-%d %H:%M}, outside every shift of that agent in the roster "
            f"({len(outside)} such agent-intervals). The roster and activities.csv must come from the same roster run; "
            "re-run `staffcast roster` after editing shifts."
        )


def _overloaded_share(rows: pd.DataFrame) -> float:
    """The share of the rows' contacts that arrive in overloaded intervals (`overload_waits`)."""
    total = float(rows.contacts.sum())
    return float(rows.contacts[rows.overloaded].sum()) / total if total > 0 else 0.0


def _weighted(values: pd.Series, weights: pd.Series) -> float:
    mask = values.notna() & np.isfinite(values.astype(float)) & (weights > 0)
    return float(np.average(values[mask], weights=weights[mask])) if mask.any() else float("nan")


def _queue_table(center: Center, intervals: pd.DataFrame, step_hours: float, deferred: dict[str, DeferredOutcome]) -> pd.DataFrame:
    rows = []
    for queue in center.config.queues:
        part = intervals[intervals.queue == queue.id]
        gap = part.agents_required_gross - part.agents_scheduled
        if queue.id in deferred:
            gap = pd.Series(0.0, index=part.index)
        rows.append(
            {
                "queue": queue.id,
                "channel": queue.channel,
                "contacts": float(part.contacts.sum()),
                "service_level": _weighted(part.service_level, part.contacts),
                "service_level_target": queue.service_level,
                "asa_seconds": _weighted(part.wait_seconds, part.contacts) if queue.channel != "email" else float("nan"),
                "contacts_overloaded_share": _overloaded_share(part),
                "abandon_rate": _weighted(part.abandon_rate, part.contacts),
                "occupancy": _weighted(part.occupancy, part.contacts),
                "understaffed_agent_hours": float(gap.clip(lower=0).sum() * step_hours),
                "overstaffed_agent_hours": float((-gap).clip(lower=0).sum() * step_hours),
                "intervals_below_target": int(((part.service_level < queue.service_level) & (part.contacts > 0)).sum()),
                "tickets_late": deferred[queue.id].tickets_late if queue.id in deferred else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def _daily_table(intervals: pd.DataFrame) -> pd.DataFrame:
    frame = intervals.assign(date=intervals.interval_start.dt.strftime("%Y-%m-%d"))
    realtime = frame.wait_seconds.notna() & ~frame.deferred

    def summarize(group: pd.DataFrame) -> pd.Series:
        live = group[realtime.loc[group.index]]
        return pd.Series(
            {
                "contacts": group.contacts.sum(),
                "service_level": _weighted(group.service_level, group.contacts),
                "asa_seconds": _weighted(live.wait_seconds, live.contacts),
                "abandon_rate": _weighted(group.abandon_rate, group.contacts),
                "understaffed_intervals": int((group.agents_scheduled < group.agents_required_gross).sum()),
                "contacts_late": float((group.contacts * (1 - group.service_level)).where(group.deferred, 0.0).fillna(0.0).sum()),
            }
        )

    per_queue = frame.groupby(["queue", "date"], sort=True).apply(summarize, include_groups=False).reset_index()
    overall = frame.groupby("date", sort=True).apply(summarize, include_groups=False).reset_index().assign(queue="all")
    return pd.concat([per_queue, overall[per_queue.columns]], ignore_index=True)


def _worst_intervals(intervals: pd.DataFrame) -> pd.DataFrame:
    busy = intervals[(intervals.contacts >= 1) & ~intervals.deferred]
    worst = busy.sort_values(["service_level", "contacts"], ascending=[True, False]).head(WORST_INTERVALS)
    return worst[
        ["queue", "interval_start", "contacts", "agents_required_gross", "agents_scheduled", "service_level", "asa_seconds", "abandon_rate"]
    ].reset_index(drop=True)


def agent_table(center: Center, shifts: pd.DataFrame) -> pd.DataFrame:
    """Per agent with at least one shift: shifts, paid hours, night shifts (any minute in rules.night_hours), weekend
    days worked, the hours paid a premium (workday overtime, rest-day and statutory-holiday work, night hours on site;
    `scheduler.contracts.pay`), the premiums and the cost (paid hours at the agent's rate plus premiums)."""
    people = {a.agent_id: a for a in center.agents}
    starts, ends = pd.to_datetime(shifts.start), pd.to_datetime(shifts.end)
    start_minutes = (starts - starts.dt.normalize()) // pd.Timedelta(minutes=1)
    lengths = (ends - starts) // pd.Timedelta(minutes=1)
    night_hours = center.config.rules.night_hours
    unknown = sorted(set(shifts.agent_id) - set(people))
    if unknown:
        raise DataError(f"roster: agent(s) {', '.join(unknown[:5])} are not in agents.csv of the center.")
    pay = weekly_pay(center, shifts)[0]
    frame = shifts.assign(
        overtime_hours=pay.overtime_minutes.to_numpy() / 60,
        rest_day_hours=pay.rest_day_minutes.to_numpy() / 60,
        holiday_hours=pay.holiday_minutes.to_numpy() / 60,
        night_hours=pay.night_minutes.to_numpy() / 60,
        premium_cost=pay.premium_cost.to_numpy(),
        cost=(pay.base_cost + pay.premium_cost).to_numpy(),
        paid_hours=shifts.paid_minutes.astype(float) / 60,
        night=[night_overlap_minutes(night_hours, int(b), int(b + n)) > 0 for b, n in zip(start_minutes, lengths)],
        weekend=pd.to_datetime(shifts.date).dt.day_of_week >= 5,
    )
    table = (
        frame.groupby("agent_id", sort=True)
        .agg(
            shifts=("shift", "size"),
            paid_hours=("paid_hours", "sum"),
            night_shifts=("night", "sum"),
            weekend_days=("weekend", "sum"),
            **{name: (name, "sum") for name in ("overtime_hours", "rest_day_hours", "holiday_hours", "night_hours", "premium_cost", "cost")},
        )
        .reset_index()
    )
    table["team"] = table.agent_id.map(lambda a: people[a].team)
    table["contract"] = table.agent_id.map(lambda a: people[a].contract)
    return table[AGENT_COLUMNS]


def _spread(values: pd.Series, name: str) -> dict[str, float]:
    if values.empty:
        return {f"{name}_min": 0.0, f"{name}_median": 0.0, f"{name}_max": 0.0}
    return {f"{name}_min": float(values.min()), f"{name}_median": float(values.median()), f"{name}_max": float(values.max())}


def _totals(center: Center, intervals: pd.DataFrame, queues: pd.DataFrame, agents: pd.DataFrame, step_hours: float) -> dict[str, float | str]:
    realtime = intervals[intervals.wait_seconds.notna() & intervals.queue.isin([q.id for q in center.config.queues if q.channel != "email"])]
    totals: dict[str, float | str] = {
        "contacts": float(intervals.contacts.sum()),
        "service_level": _weighted(intervals.service_level, intervals.contacts),
        "asa_seconds": _weighted(realtime.wait_seconds, realtime.contacts),
        "contacts_overloaded_share": _overloaded_share(realtime),
        "abandon_rate": _weighted(realtime.abandon_rate, realtime.contacts),
        "occupancy": _weighted(intervals.occupancy, intervals.contacts),
        "understaffed_agent_hours": float(queues.understaffed_agent_hours.sum()),
        "overstaffed_agent_hours": float(queues.overstaffed_agent_hours.sum()),
        "paid_hours": float(agents.paid_hours.sum()),
        "overtime_hours": float(agents.overtime_hours.sum()),
        "rest_day_hours": float(agents.rest_day_hours.sum()),
        "holiday_hours": float(agents.holiday_hours.sum()),
        "premium_cost": float(agents.premium_cost.sum()),
        "cost": float(agents.cost.sum()),
        "currency": center.config.costs.currency,
        "agents_rostered": float(len(agents)),
        "agents_available": float(len(center.agents)),
    }
    totals.update(_spread(agents.paid_hours, "paid_hours_per_agent"))
    totals.update(_spread(agents.night_shifts.astype(float), "night_shifts_per_agent"))
    totals.update(_spread(agents.weekend_days.astype(float), "weekend_days_per_agent"))
    return totals


def summary_table(evaluation: Evaluation) -> pd.DataFrame:
    """The summary as rows of metric, queue, value ('all' for center-wide figures): summary.csv."""
    rows = [{"metric": key, "queue": "all", "value": value} for key, value in evaluation.totals.items()]
    for record in evaluation.queues.to_dict("records"):
        rows += [{"metric": key, "queue": record["queue"], "value": value} for key, value in record.items() if key not in ("queue",)]
    return pd.DataFrame(rows, columns=["metric", "queue", "value"])


def understaffed_by_day(evaluation: Evaluation, queue: str) -> pd.Series:
    """Understaffed gross agent-hours of a real-time queue per day (days with any), largest first."""
    part = evaluation.intervals.loc[(evaluation.intervals.queue == queue) & ~evaluation.intervals.deferred]
    step_hours = part.interval_start.sort_values().diff().min() / pd.Timedelta(hours=1) if len(part) > 1 else 0.0
    hours = (part.agents_required_gross - part.agents_scheduled).clip(lower=0) * step_hours
    by_day = hours.groupby(part.interval_start.dt.strftime("%Y-%m-%d")).sum()
    return by_day[by_day > 0].sort_values(ascending=False, kind="stable")


def _day_span(days) -> str:
    days = sorted(days)
    return f"on {len(days)} day(s), {days[0]} to {days[-1]}" if len(days) > 1 else f"on {days[0]}"


def headline_lines(evaluation: Evaluation) -> list[str]:
    """Per queue, in words: target met or not, tickets late (deferred), understaffed hours and when."""
    lines = []
    for queue, row in zip(evaluation.targets, evaluation.queues.itertuples(index=False)):
        outcome = evaluation.deferred.get(queue.id)
        if outcome is not None:
            met = outcome.on_time >= queue.service_level - 1e-9
            lines.append(
                f"{queue.id}: {'target met' if met else 'TARGET MISSED'}, {format_finite(outcome.on_time, '.1%')} answered within "
                f"{queue.respond_within_hours:g} h (target {queue.service_level:.0%}); {outcome.tickets_late:,.0f} tickets late"
                + (f" {_day_span(outcome.late_by_day)}" if outcome.late_by_day else "")
                + f"; oldest ticket {outcome.oldest_hours:.0f} h; backlog at the end {outcome.backlog_tickets:,.0f} tickets"
            )
            if outcome.late_with_every_skilled_agent >= 0.5:
                lines.append(
                    f"  the skill matrix cannot clear it: even with every agent skilled for {queue.id} who is on shift working it, "
                    f"{outcome.late_with_every_skilled_agent:,.0f} tickets would be late; about {outcome.missing_agent_hours:,.0f} skilled "
                    f"agent-hours are missing before those deadlines"
                )
            elif outcome.tickets_late >= 0.5:
                lines.append(f"  {outcome.missing_agent_hours:,.0f} more agent-hours on the queue before those deadlines would clear it")
            continue
        capped = queue.max_abandon_rate is not None
        met = row.service_level >= queue.service_level and (not capped or row.abandon_rate <= queue.max_abandon_rate)
        days = understaffed_by_day(evaluation, queue.id)
        worst = ", ".join(f"{day} {hours:,.1f} h" for day, hours in days.head(3).items())
        abandoned = f", abandoned {format_finite(row.abandon_rate, '.1%')} (at most {queue.max_abandon_rate:.0%})" if capped else ""
        lines.append(
            f"{queue.id}: {'target met' if met else 'TARGET MISSED'}, service level {format_finite(row.service_level, '.1%')} "
            f"(target {queue.service_level:.0%} in {queue.answer_within_seconds:g} s){abandoned}; understaffed "
            f"{row.understaffed_agent_hours:,.1f} agent-hours" + (f" {_day_span(days.index)}, most on {worst}" if len(days) else "")
        )
    return lines


def summary_text(evaluation: Evaluation, roster_lines: Sequence[str] = ()) -> str:
    """A short plain-text summary for the terminal and summary.txt: the headline per queue, the roster's
    status and quality (`roster_lines`, when given), then the figures."""
    t = evaluation.totals
    lines = headline_lines(evaluation) + list(roster_lines)
    lines += [""]
    lines += [
        f"Service level (all queues, volume-weighted): {t['service_level']:.1%}   ASA (voice+chat, every contact): {t['asa_seconds']:.1f} s   "
        f"abandoned: {t['abandon_rate']:.2%}   occupancy: {t['occupancy']:.1%}"
    ]
    if t["contacts_overloaded_share"] > 0:
        lines.append(
            f"  {t['contacts_overloaded_share']:.1%} of voice and chat contacts arrive in overloaded intervals (more work than the agents on "
            "the queue carry); the ASA counts their wait as the queue growing through the interval (a lower bound)"
        )
    lines += [
        f"Understaffed: {t['understaffed_agent_hours']:,.1f} agent-hours   overstaffed: {t['overstaffed_agent_hours']:,.1f} agent-hours",
        f"Paid: {t['paid_hours']:,.1f} h   cost: {t['cost']:,.0f} {t['currency']}   agents rostered: {t['agents_rostered']:.0f} of "
        f"{t['agents_available']:.0f}",
        f"  of which premiums {t['premium_cost']:,.0f} {t['currency']}: overtime {t['overtime_hours']:,.1f} h, on rest days "
        f"{t['rest_day_hours']:,.1f} h, on statutory holidays {t['holiday_hours']:,.1f} h, and the night allowance",
        f"Paid hours per agent min/median/max: {t['paid_hours_per_agent_min']:.1f} / {t['paid_hours_per_agent_median']:.1f} / "
        f"{t['paid_hours_per_agent_max']:.1f}   "
        f"night shifts: {t['night_shifts_per_agent_min']:.0f} / {t['night_shifts_per_agent_median']:.0f} / {t['night_shifts_per_agent_max']:.0f}   "
        f"weekend days: {t['weekend_days_per_agent_min']:.0f} / {t['weekend_days_per_agent_median']:.0f} / {t['weekend_days_per_agent_max']:.0f}",
        "",
        f"{'queue':<22}{'contacts':>10}{'SL':>8}{'target':>8}{'ASA s':>8}{'aband.':>8}{'occ.':>7}{'short h':>9}{'over h':>9}",
    ]
    for row in evaluation.queues.itertuples(index=False):
        lines.append(
            f"{row.queue:<22}{row.contacts:>10,.0f}{row.service_level:>8.1%}{row.service_level_target:>8.0%}"
            f"{format_finite(row.asa_seconds, '.1f'):>8}{row.abandon_rate:>8.2%}{row.occupancy:>7.0%}"
            f"{row.understaffed_agent_hours:>9.1f}{row.overstaffed_agent_hours:>9.1f}"
        )
    if evaluation.simulation is not None:
        lines += [
            "",
            f"Simulated ({evaluation.simulation.replications} replications, mean [95% interval]) vs analytic service level:",
            f"  {ROUTING_NOTE}",
        ]
        for row in evaluation.queues.itertuples(index=False):
            lines.append(
                f"  {row.queue:<22} analytic {row.service_level:.1%}   simulated, agents on their assigned queue "
                f"{row.assigned_simulated_service_level:.1%}   simulated, skill-based routing {row.simulated_service_level:.1%} "
                f"[{row.simulated_service_level_lo:.1%}, {row.simulated_service_level_hi:.1%}]   ASA "
                f"{format_finite(row.simulated_asa_seconds, '.1f')} s   abandoned {row.simulated_abandon_rate:.2%}"
            )
        low, high = evaluation.simulation.occupancy_interval
        lines.append(f"  simulated agent occupancy {evaluation.simulation.occupancy:.1%} [{low:.1%}, {high:.1%}]")
    if not evaluation.worst.empty:
        lines += ["", "Worst intervals:"]
        for row in evaluation.worst.head(5).itertuples(index=False):
            lines.append(
                f"  {row.interval_start:%Y-%m-%d %H:%M} {row.queue:<22} SL {row.service_level:.1%}  "
                f"{row.agents_scheduled:.0f} of {row.agents_required_gross:.0f} agents, {row.contacts:.0f} contacts"
            )
    return "\n".join(lines)


def format_finite(value: float, spec: str, missing: str = "-") -> str:
    """`value` formatted by `spec`, or `missing` when it is NaN or infinite."""
    return format(value, spec) if np.isfinite(value) else missing
