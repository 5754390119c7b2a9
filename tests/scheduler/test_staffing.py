"""compute_requirements and queue_performance: channels, minimality, deferred email, edge volumes."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.contracts.center import load_center
from scheduler.queueing.deferred import deadline_intervals, deferred_agents
from scheduler.queueing.erlang_c import erlang_c_agents
from scheduler.staffing.requirements import compute_requirements, queue_performance
from staffcast.errors import DataError

TINY = Path(__file__).parents[1] / "fixtures" / "tiny_center" / "center.yaml"


@pytest.fixture(scope="module")
def config():
    return load_center(TINY).config


def workload(days: int = 3, email_per_interval: float = 12.0) -> pd.DataFrame:
    starts = pd.date_range("2026-11-01", periods=48 * days, freq="30min")
    shape = np.sin(np.pi * (starts.hour.to_numpy() * 60 + starts.minute.to_numpy()) / 1440) ** 2
    rows = []
    for queue, peak, aht_seconds in (("sales_chat", 60.0, 400.0), ("service_voice", 40.0, 240.0), ("complaints_email", email_per_interval, 600.0)):
        contacts = peak * shape if queue != "complaints_email" else np.full(starts.size, email_per_interval)
        rows.append(pd.DataFrame({"queue": queue, "interval_start": starts, "contacts": contacts, "aht_seconds": aht_seconds}))
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def requirements(config):
    return compute_requirements(config, workload())


def test_contract_columns_and_types(requirements):
    assert list(requirements.columns) == [
        "queue",
        "interval_start",
        "contacts",
        "aht_seconds",
        "agents_required",
        "agents_required_gross",
        "service_level",
        "asa_seconds",
        "abandon_rate",
        "occupancy",
    ]
    assert requirements.agents_required.dtype == np.int64 and requirements.agents_required_gross.dtype == np.int64
    assert len(requirements) == 3 * 48 * 3
    assert requirements.equals(requirements.sort_values(["queue", "interval_start"]).reset_index(drop=True))
    zero = requirements[requirements.contacts == 0]
    assert not zero.empty and (zero.agents_required == 0).all() and (zero.service_level == 1).all()
    queueing = requirements[(requirements.contacts > 0) & (requirements.queue != "complaints_email")]
    assert (queueing.agents_required >= 1).all()


@pytest.mark.parametrize("queue_id", ["service_voice", "sales_chat"])
def test_queueing_requirement_is_minimal(config, requirements, queue_id):
    queue = config.queue(queue_id)
    rows = requirements[(requirements.queue == queue_id) & (requirements.contacts > 0)]
    cap = config.staffing.max_occupancy
    slots = queue.concurrency or 1
    at_count = queue_performance(queue, rows.contacts, rows.aht_seconds, rows.agents_required, 30)
    fewer = queue_performance(queue, rows.contacts, rows.aht_seconds, rows.agents_required - 1, 30)
    abandon_cap = queue.max_abandon_rate or math.inf
    load = rows.contacts.to_numpy() * rows.aht_seconds.to_numpy() / 1800
    assert (at_count.service_level.to_numpy() >= queue.service_level - 1e-9).all()
    assert (at_count.abandon_rate.to_numpy() <= abandon_cap + 1e-9).all()
    assert (load / (rows.agents_required.to_numpy() * slots) <= cap + 1e-9).all()
    fewer_meets = (
        (fewer.service_level.to_numpy() >= queue.service_level - 1e-9)
        & (fewer.abandon_rate.to_numpy() <= abandon_cap + 1e-9)
        & (load <= cap * (rows.agents_required.to_numpy() - 1) * slots * (1 + 1e-9))
    )
    if queue.patience_seconds is None:
        fewer_meets &= load < (rows.agents_required.to_numpy() - 1) * slots
    assert not fewer_meets.any()
    np.testing.assert_allclose(at_count.service_level, rows.service_level, rtol=1e-12)


def test_chat_counts_sessions_per_agent(config):
    # One agent is `concurrency` servers: a chat queue needs about 1/c of the agents of the same voice queue.
    chat = config.queue("sales_chat")
    frame = pd.DataFrame(
        {
            "queue": "sales_chat",
            "interval_start": pd.date_range("2026-11-01", periods=4, freq="30min"),
            "contacts": [30.0, 90.0, 200.0, 0.5],
            "aht_seconds": 400.0,
        }
    )
    table = compute_requirements(config, frame)
    single = queue_performance(chat, frame.contacts, frame.aht_seconds, table.agents_required - 0.5, 30)
    load = frame.contacts.to_numpy() * 400 / 1800
    servers = erlang_c_agents(load, 400, chat.answer_within_seconds, chat.service_level, config.staffing.max_occupancy)
    assert (table.agents_required.to_numpy() == -(-servers // 2)).all()
    assert (table.agents_required.to_numpy() <= servers).all()
    assert (single.service_level.to_numpy()[:3] < table.service_level.to_numpy()[:3]).all()


def fifo_completion_ok(work, agents, deadline, interval_minutes, max_occupancy):
    """Independent check: serve arrivals in order, item by item, and record when each finishes.

    An item counts as done once less than a microsecond of it (or a millionth of it) is left.
    """
    capacity = np.asarray(agents, float) * interval_minutes * 60 * max_occupancy
    remaining = [float(w) for w in work]
    finished = [None] * len(remaining)
    head = 0
    for interval in range(len(remaining)):
        free = capacity[interval]
        while head <= interval:
            used = min(free, remaining[head])
            remaining[head] -= used
            free -= used
            if remaining[head] > 1e-6 * max(1.0, work[head]):
                break
            finished[head] = interval
            head += 1
    last = len(remaining) - 1
    return all(f is not None and f <= min(i + deadline - 1, last) for i, f in enumerate(finished))


def test_email_never_misses_a_deadline(config, requirements):
    email = requirements[requirements.queue == "complaints_email"]
    work = (email.contacts * email.aht_seconds).to_numpy()
    deadline = deadline_intervals(config.queue("complaints_email").respond_within_hours, 30)
    assert fifo_completion_ok(work, email.agents_required.to_numpy(), deadline, 30, config.staffing.max_occupancy)
    assert not fifo_completion_ok(work, np.maximum(email.agents_required.to_numpy() - 1, 0), deadline, 30, config.staffing.max_occupancy)
    assert (email.service_level == 1).all()


def test_email_fills_the_valleys_of_the_center(requirements):
    wide = requirements.pivot(index="interval_start", columns="queue", values="agents_required")
    base = wide.sales_chat + wide.service_voice
    total = base + wide.complaints_email
    assert total.max() == base.max()  # the center's peak is not raised
    busy = base >= base.quantile(0.75)
    assert wide.complaints_email[busy].sum() < 0.1 * wide.complaints_email.sum()


def test_email_work_hours_keep_deferred_work_in_the_day_and_meet_deadlines(config):
    email = config.queue("complaints_email").model_copy(update={"work_hours": ("08:00", "20:00")})
    day_only = config.model_copy(update={"queues": [q if q.id != email.id else email for q in config.queues]})
    table = compute_requirements(day_only, workload())
    rows = table[table.queue == email.id]
    hours = rows.interval_start.dt.hour
    last_day = rows.interval_start.dt.date == rows.interval_start.dt.date.max()
    assert rows.agents_required[(hours < 8) | (hours >= 20)][~last_day].sum() == 0
    assert rows.agents_required[(hours >= 8) & (hours < 20)].sum() > 0
    work = (rows.contacts * rows.aht_seconds).to_numpy()
    deadline = deadline_intervals(email.respond_within_hours, 30)
    assert fifo_completion_ok(work, rows.agents_required.to_numpy(), deadline, 30, config.staffing.max_occupancy)


def test_work_hours_are_for_email_queues_only(config):
    with pytest.raises(ValueError, match="applies to email queues"):
        config.queue("service_voice").model_validate(config.queue("service_voice").model_dump() | {"work_hours": ("08:00", "20:00")})


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 20000), min_size=1, max_size=120),
    st.integers(1, 60),
    st.integers(0, 2**31 - 1),
    st.sampled_from([15, 30, 60]),
    st.sampled_from([1.0, 0.85]),
)
def test_deferred_schedule_meets_every_deadline(work, deadline, seed, interval_minutes, max_occupancy):
    work = np.array(work)
    base = np.random.default_rng(seed).integers(0, 40, size=work.size).astype(float)
    agents = deferred_agents(work, base, deadline, interval_minutes, max_occupancy)
    assert agents.dtype == np.int64 and (agents >= 0).all()
    assert fifo_completion_ok(work, agents, deadline, interval_minutes, max_occupancy)
    if work.sum() == 0:
        assert agents.sum() == 0
    per_agent = interval_minutes * 60 * max_occupancy
    assert agents.sum() <= math.ceil(work.sum() / per_agent) + work.size  # at most one partly idle agent per interval


def test_deferred_work_moves_to_the_valley():
    # Hourly intervals over 3 days. One agent-hour of tickets arrives each hour 08:00-20:00 on days 1-2;
    # the center needs 30 agents by day and 5 at night; tickets are due within 24 h. The lowest water
    # level is 6: one extra agent through each night after the work arrived, none by day.
    hours = np.arange(72) % 24
    day = (hours >= 8) & (hours < 20)
    work = np.where(day & (np.arange(72) < 48), 3600.0, 0.0)
    base = np.where(day, 30.0, 5.0)
    agents = deferred_agents(work, base, 24, 60, 1.0)
    expected = np.zeros(72, dtype=int)
    expected[20:32] = 1
    expected[44:56] = 1
    np.testing.assert_array_equal(agents, expected)


def test_deadline_shorter_than_an_interval_means_same_interval():
    assert deadline_intervals(0.2, 30) == 1
    assert deadline_intervals(48, 30) == 96
    work = np.array([0.0, 2700.0, 900.0, 0.0])
    np.testing.assert_array_equal(deferred_agents(work, np.zeros(4), 1, 30, 0.5), [0, 3, 1, 0])


def test_queue_performance_interpolates_fractional_agents(config):
    voice = config.queue("service_voice")
    contacts, aht = np.array([40.0, 40.0, 0.0]), np.array([240.0, 240.0, 240.0])
    whole = queue_performance(voice, contacts, aht, [5.0, 6.0, 0.0], 30)
    half = queue_performance(voice, contacts, aht, [5.5, 5.5, 0.5], 30)
    expected = (whole.iloc[0] + whole.iloc[1]) / 2
    np.testing.assert_allclose(half.iloc[0].to_numpy(), expected.to_numpy(), rtol=1e-12)
    assert half.service_level.iloc[2] == 1 and half.asa_seconds.iloc[2] == 0


def test_queue_performance_for_email_counts_late_work(config):
    email = config.queue("complaints_email")
    contacts = np.array([10.0] * 48 + [0.0] * 48)
    enough = queue_performance(email, contacts, 600.0, np.full(96, 2.0), 30)
    short = queue_performance(email, contacts, 600.0, np.full(96, 0.5), 30)
    assert (enough.service_level == 1).all() and short.service_level.iloc[47] < 1
    assert enough.asa_seconds.iloc[0] == pytest.approx(0.5 * 6000 / 2.0)  # the middle item is done after 3000 s
    assert (enough.occupancy <= 1).all() and (enough.abandon_rate == 0).all()


def test_bad_workloads_name_the_problem(config):
    frame = workload(days=1)
    with pytest.raises(DataError, match="nosuch"):
        compute_requirements(config, frame.assign(queue=frame.queue.replace("sales_chat", "nosuch")))
    broken = frame.copy()
    broken.loc[broken.contacts > 0, "aht_seconds"] = 0.0
    with pytest.raises(DataError, match="aht_seconds"):
        compute_requirements(config, broken)
    with pytest.raises(DataError, match=">= 0"):
        queue_performance(config.queue("service_voice"), [1.0], [100.0], [-1.0], 30)


def test_gross_agents_use_the_shrinkage_of_their_hour():
    from scheduler.contracts.schema import CenterConfig
    from scheduler.staffing.coverage import gross_requirements

    config = CenterConfig.model_validate(
        {
            "name": "hours",
            "queues": [{"id": "q", "channel": "voice", "skill": "s", "answer_within_seconds": 20}],
            "staffing": {"shrinkage": 0.25, "shrinkage_by_hour": {3: 0.0}},
            "shifts": [{"id": "day", "start_times": ["08:00"], "length_hours": 8, "paid_hours": 8, "breaks": []}],
        }
    )
    rows = pd.DataFrame({"queue": "q", "interval_start": pd.to_datetime(["2025-11-10 03:00", "2025-11-10 10:00"]), "agents_required": [3.0, 3.0]})
    assert gross_requirements(config, rows).tolist() == [3, 4]  # no coaching at 03:00; ceil(3 / 0.75) = 4 by day
    assert gross_requirements(config, rows.assign(agents_required_gross=[5, 6])).tolist() == [5, 6]  # given, used as given


def _erlang_c_service_level(agents: int, load: float, aht_seconds: float, within_seconds: float) -> float:
    """Textbook Erlang C service level for whole agents (0 when the queue is unstable)."""
    if agents <= load:
        return 0.0
    top = load**agents / math.factorial(agents) * agents / (agents - load)
    waiting = top / (sum(load**k / math.factorial(k) for k in range(agents)) + top)
    return 1 - waiting * math.exp(-(agents - load) * within_seconds / aht_seconds)


def test_gross_agents_are_rounded_once_from_the_queueing_target(config):
    queue = config.queue("service_voice").model_copy(update={"patience_seconds": None, "max_abandon_rate": None})
    one = config.model_copy(update={"queues": [queue]})
    contacts = np.arange(5, 80, 3, dtype=float)
    starts = pd.date_range("2026-11-02 08:00", periods=len(contacts), freq="30min")
    table = compute_requirements(one, pd.DataFrame({"queue": queue.id, "interval_start": starts, "contacts": contacts, "aht_seconds": 240.0}))
    keep = 1 - one.staffing.shrinkage

    def meets(gross: int, load: float) -> bool:
        net = gross * keep  # agents on the queue net of shrinkage, linear between whole agents
        below = math.floor(net + 1e-9)
        share = net - below
        level = (1 - share) * _erlang_c_service_level(below, load, 240, 20) + share * _erlang_c_service_level(below + 1, load, 240, 20)
        return level >= 0.8 - 1e-9 and load <= 0.85 * net + 1e-9

    for row in table.itertuples():
        load = row.contacts * 240 / 1800
        assert meets(row.agents_required_gross, load) and not meets(row.agents_required_gross - 1, load), row
    assert (table.agents_required_gross < np.ceil(table.agents_required / keep - 1e-9)).sum() >= len(table) // 3  # rounding twice places more


def test_requirements_csv_keeps_the_gross_figure_and_refuses_one_a_hand_edit_left_behind(config, requirements, tmp_path):
    from scheduler.contracts.plan_tables import read_requirements, write_requirements
    from scheduler.staffing.coverage import gross_requirements

    path = tmp_path / "requirements.csv"
    write_requirements(requirements, path)
    back = read_requirements(path, config)
    assert back.agents_required_gross.tolist() == requirements.agents_required_gross.tolist()
    frame = pd.read_csv(path)
    busy = int(frame.agents_required.idxmax())
    frame.loc[busy, "agents_required"] += 5  # the planner raises the net figure and forgets the gross one
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match=rf"row {busy + 2}, column agents_required_gross: .*delete the agents_required_gross column"):
        read_requirements(path, config)
    frame.drop(columns="agents_required_gross").to_csv(path, index=False)
    edited = read_requirements(path, config)
    assert "agents_required_gross" not in edited  # recomputed where it is used: ceil(net / (1 - shrinkage))
    assert gross_requirements(config, edited)[busy] == math.ceil(frame.agents_required[busy] / (1 - config.staffing.shrinkage) - 1e-9)
