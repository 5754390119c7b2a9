"""Column generation for the Curtois & Qu benchmark: exact pricing, a bound no roster beats, a valid roster."""

from __future__ import annotations

import itertools
import math
import random
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from test_curtois import tiny

from curtois_qu import colgen
from curtois_qu.colgen import SCALE, Master, Pricer, Schedule, column_generation, generate
from curtois_qu.instance import check_solution
from curtois_qu.model import assignments_of, build_curtois_model
from curtois_qu.solve import complete, greedy_assignments, relaxation_guided, solve_instance
from scheduler.roster.lp_relaxation import lp_lower_bound


def requests(instance, agent_id, roster):
    """The employee's request penalties in `roster` (of that employee alone), by the independent checker."""
    report = check_solution(instance, roster)
    others_on = sum(r.weight for r in instance.on_requests if r.employee != agent_id)  # the others work nothing
    return report.penalties["shift_on_requests"] + report.penalties["shift_off_requests"] - others_on


def valid_schedules(instance, agent_id):
    """Every schedule of one employee that the independent checker finds no fault with, and its request penalties."""
    found = []
    for plan in itertools.product([None] + [s.shift_id for s in instance.shifts], repeat=instance.days):
        roster = {(agent_id, d): s for d, s in enumerate(plan) if s is not None}
        if not any(f": {agent_id} " in text for text in check_solution(instance, roster).violations):
            found.append((roster, requests(instance, agent_id, roster)))
    return found


def random_multipliers(instance, rng, cheap: bool):
    """Multipliers anywhere in their range, or `cheap` ones (mostly below the cost of working: minimum hours bind)."""
    return {(c.day, c.shift_id): rng.randint(-SCALE * c.weight_over, SCALE * (c.weight_over if cheap else c.weight_under)) for c in instance.cover}


def test_pricing_finds_the_least_reduced_cost_over_every_valid_schedule():
    instance = tiny()
    pricer, rng = Pricer(instance, seed=0), random.Random(7)
    for e, employee in enumerate(instance.employees):
        schedules = valid_schedules(instance, employee.agent_id)
        assert len(schedules) > 10
        for draw in range(30):
            multipliers = random_multipliers(instance, rng, cheap=draw % 2 == 1)
            least = min(SCALE * cost - sum(multipliers[d, s] for (_, d), s in roster.items()) for roster, cost in schedules)
            found, bound = pricer.price(e, multipliers)
            best = found[-1]
            assert bound == pytest.approx(least, abs=1e-6)
            assert SCALE * best.cost - sum(multipliers[cell] for cell in best.shifts) == least
            roster = {(employee.agent_id, d): s for d, s in best.shifts}
            assert roster in [r for r, _ in schedules]


def test_pricing_past_its_deadline_claims_no_schedule_and_no_bound():
    instance = tiny()
    pricer, multipliers = Pricer(instance, seed=0), random_multipliers(instance, random.Random(3), cheap=False)
    assert pricer.price(0, multipliers, deadline=time.monotonic() - 1.0) == ([], -math.inf)
    found, bound = pricer.price(0, multipliers, deadline=time.monotonic() + 30.0)
    assert found and bound > -math.inf


def test_root_bound_lies_between_the_compact_lp_and_the_optimum_and_meets_the_master_lp():
    instance = tiny()
    optimum = solve_instance(instance, time_limit_seconds=10, workers=1, use_colgen=False)
    assert optimum.status == "OPTIMAL"
    master, pricer = Master(instance), Pricer(instance, seed=0)
    start = greedy_assignments(instance)
    for e, employee in enumerate(instance.employees):
        roster = {(a, d): s for (a, d), s in start.items() if a == employee.agent_id}
        master.add(Schedule(e, tuple(sorted((d, s) for (_, d), s in roster.items())), requests(instance, employee.agent_id, roster)))
    with ThreadPoolExecutor(max_workers=2) as pool:
        bound = generate(master, pricer, pool, time.monotonic() + 30, set())
    lp = master.highs.getInfo().objective_function_value
    assert lp_lower_bound(build_curtois_model(instance).model) - 1e-6 <= bound <= optimum.objective + 1e-6
    assert bound == pytest.approx(lp, abs=1e-3)


def test_column_generation_returns_a_valid_roster_no_better_than_its_bound():
    instance = tiny()
    result = column_generation(instance, greedy_assignments(instance), deadline=time.monotonic() + 20, seed=0, workers=2)
    report = check_solution(instance, result.assignments)
    assert report.ok
    assert result.bound <= report.objective + 1e-6
    assert report.objective == solve_instance(instance, time_limit_seconds=10, workers=1, use_colgen=False).objective


def test_restricted_master_gets_its_own_share_not_the_time_the_root_left(monkeypatch):
    instance, given, original = tiny(), [], colgen.restricted_master_roster

    def restricted_master(master, hint, deadline, seed, workers):
        given.append(deadline - time.monotonic())
        return original(master, hint, deadline, seed, workers)

    monkeypatch.setattr(colgen, "restricted_master_roster", restricted_master)
    result = column_generation(instance, greedy_assignments(instance), deadline=time.monotonic() + 40, seed=0, workers=2)
    assert result.stats["root_seconds"] < 10  # the tiny root converges at once and leaves most of its 24 s
    assert len(given) == 1 and given[0] <= 0.15 * 40 + 1e-6


def test_column_generation_out_of_time_still_returns_a_valid_roster():
    instance = tiny()
    start = greedy_assignments(instance)
    result = column_generation(instance, start, deadline=time.monotonic(), seed=0, workers=2)
    assert check_solution(instance, result.assignments).ok
    assert result.bound == float("-inf")


def test_relaxation_neighbourhood_frees_the_cells_the_master_leaves_unsettled():
    instance = tiny()
    m = build_curtois_model(instance)
    start = complete(m, greedy_assignments(instance))
    roster = assignments_of(m, lambda var: start[var.index])
    index = {employee.agent_id: e for e, employee in enumerate(instance.employees)}
    values = {(index[a], d, s): 1.0 for (a, d), s in roster.items()}  # the master agrees with every shift worked ...
    first = min(d for a, d in roster if a == "A")
    values[index["A"], first, roster["A", first]] = 0.5  # ... but one, which it only half holds
    day_off = min(d for d in range(instance.days) if ("B", d) not in roster and (index["B"], d) in m.off)
    values[index["B"], day_off, "E"] = 0.3  # and a day off that it gives a third of a shift
    chosen = relaxation_guided(m, values).choose(random.Random(0), 1.0, start)
    assert sorted(chosen) == sorted([(index["A"], first), (index["B"], day_off)])
