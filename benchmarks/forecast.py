"""Forecast accuracy and speed, printed as one table.

1. Bank calls (../shared/data/bank_calls_5min.csv, 30-minute intervals): 1-week forecasts from the
   origins 2003-09-29, 10-06, 10-13, 10-20; WAPE pooled over the 4 weeks, against seasonal naive and
   the mean of the last 4 same weekdays. Then the same from every Monday 2003-07-07..10-20 (16 weeks),
   where the 80% coverage is measured over enough weeks to judge. Skipped when ../shared is absent.
2. Example centers: train to 2025-10-31, forecast 2025-11-01..30; interval and daily WAPE, the noise
   floor (WAPE of the generator's expected_contacts), the 11.11 daily total error, 80% coverage.
   The bank data again with zero rows for the closed half-hours of its days (nights), as some ACDs export it.
3. Speed: 3-year, 30-minute, 5-queue history -> 8-week forecast.
4. With --messy (2 queues per case) or --full-corpus (every queue): the messy exports of
   tests/forecasts/messy_exports.py, each against the undamaged history of the same span; dead_share is
   the share of intervals expecting a contact or more that get no band above 0, hi_ratio the median
   contacts_hi / contacts.

Run: .venv/bin/python benchmarks/forecast.py [--quick] [--messy | --full-corpus]   (--quick skips the speed run)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecasts import forecast_contacts, seasonal_naive, validate_history, weekday_mean  # noqa: E402
from forecasts.backtesting import score  # noqa: E402

BANK = Path(__file__).resolve().parents[2] / "shared" / "data" / "bank_calls_5min.csv"
BANK_ORIGINS = ["2003-09-29", "2003-10-06", "2003-10-13", "2003-10-20"]
BANK_ROLLING_ORIGINS = [f"{day:%Y-%m-%d}" for day in pd.date_range("2003-07-07", "2003-10-20", freq="7D")]
"""Every Monday with 18 weeks of history or more: 4 weeks' coverage swings by +-10 points (weekly sd about 20)."""


def bank_rows() -> list[dict]:
    if not BANK.exists():
        print(f"skipping the bank data: {BANK} not found", file=sys.stderr)
        return []
    raw = pd.read_csv(BANK, parse_dates=["timestamp"])
    history = raw.assign(interval_start=raw.timestamp.dt.floor("30min")).groupby("interval_start").calls.sum().rename("contacts")
    days = history.index.normalize().unique()
    grid = pd.DatetimeIndex((days.to_numpy()[:, None] + pd.timedelta_range(0, periods=48, freq="30min").to_numpy()).ravel())
    with_zeros = history.reindex(grid, fill_value=0.0).rename_axis("interval_start")  # every half-hour of the days with calls
    history = history.reset_index().assign(queue="bank")
    return (
        _bank_rows(history, "bank 30min, 4x1 week", BANK_ORIGINS)
        + _bank_rows(with_zeros.reset_index().assign(queue="bank"), "bank 30min + night zero rows", BANK_ORIGINS)
        + _bank_rows(history, f"bank 30min, {len(BANK_ROLLING_ORIGINS)}x1 week from {BANK_ROLLING_ORIGINS[0][5:]}", BANK_ROLLING_ORIGINS)
    )


def _bank_rows(history: pd.DataFrame, label: str, origins: list[str]) -> list[dict]:
    validated = validate_history(history)
    history = validated.table
    actual, methods = [], {"staffcast": [], "seasonal_naive": [], "weekday_mean_4w": []}
    started = time.perf_counter()
    for origin in origins:
        start = pd.Timestamp(origin)
        window = history[(history.interval_start >= start) & (history.interval_start < start + pd.Timedelta(days=7))]
        actual.append(window[["queue", "interval_start", "contacts"]])
        methods["staffcast"].append(forecast_contacts(validated, [], start.date(), 7).table)
        methods["seasonal_naive"].append(seasonal_naive(history, start.date(), 7))
        methods["weekday_mean_4w"].append(weekday_mean(history, start.date(), 7))
    seconds = (time.perf_counter() - started) / len(origins)
    actual = pd.concat(actual, ignore_index=True)
    rows = []
    for method, frames in methods.items():
        result = score(actual, pd.concat(frames, ignore_index=True), method).iloc[-1]
        rows.append(
            {
                "data": label,
                "method": method,
                "interval_wape": result.interval_wape,
                "daily_wape": result.daily_wape,
                "coverage_80": result.coverage_80,
                "seconds": seconds if method == "staffcast" else float("nan"),
            }
        )
    return rows


def example_rows() -> list[dict]:
    try:
        from scheduler.examples import generate_history
    except ImportError:
        print("skipping the example centers: examples.generate_history not available", file=sys.stderr)
        return []
    from forecasts import read_events

    rows = []
    for name in ("flagship_store", "express_service"):
        folder = Path(__file__).resolve().parents[1] / "examples" / name
        generated = generate_history(name)
        events = read_events(folder / "events.yaml")
        validated = validate_history(generated[["queue", "interval_start", "contacts", "aht_seconds"]])
        history = validated.table
        start, end = pd.Timestamp("2025-11-01"), pd.Timestamp("2025-12-01")
        truth = generated[(generated.interval_start >= start) & (generated.interval_start < end)]
        actual = truth[["queue", "interval_start", "contacts"]]
        started = time.perf_counter()
        forecast = forecast_contacts(validated, events, start.date(), 30).table
        seconds = time.perf_counter() - started
        noise = score(actual, truth[["queue", "interval_start"]].assign(contacts=truth.expected_contacts), "noise").iloc[-1]
        d11 = pd.Timestamp("2025-11-11")

        def on_d11(frame: pd.DataFrame, day: pd.Timestamp = d11) -> float:
            return frame[frame.interval_start.dt.normalize() == day].contacts.sum()

        for method, frame in (
            ("staffcast", forecast),
            ("seasonal_naive", seasonal_naive(history, start.date(), 30)),
            ("weekday_mean_4w", weekday_mean(history, start.date(), 30)),
            ("noise floor", None),
        ):
            result = noise if frame is None else score(actual, frame, method).iloc[-1]
            d11_error = (on_d11(truth.assign(contacts=truth.expected_contacts)) if frame is None else on_d11(frame)) / on_d11(actual) - 1
            rows.append(
                {
                    "data": f"{name} Nov 2025",
                    "method": method,
                    "interval_wape": result.interval_wape,
                    "daily_wape": result.daily_wape,
                    "coverage_80": result.coverage_80,
                    "d11_total_error": d11_error,
                    "seconds": seconds if method == "staffcast" else float("nan"),
                }
            )
        rows[-4]["interval_wape_vs_noise"] = rows[-4]["interval_wape"] / noise.interval_wape
    return rows


def speed_rows() -> list[dict]:
    try:
        from scheduler.examples import generate_history
    except ImportError:
        return []
    generated = generate_history("flagship_store")
    history = generated[generated.interval_start >= generated.interval_start.max().normalize() - pd.Timedelta(days=3 * 365 - 1)]
    validated = validate_history(history[["queue", "interval_start", "contacts", "aht_seconds"]])
    history = validated.table
    start = (history.interval_start.max() + pd.Timedelta(days=1)).date()
    from forecasts import read_events

    events = read_events(Path(__file__).resolve().parents[1] / "examples" / "flagship_store" / "events.yaml")
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        forecast_contacts(validated, events, start, 56)
        timings.append(time.perf_counter() - started)
    return [{"data": f"speed: 3 years x {history.queue.nunique()} queues x 30 min -> 8 weeks", "method": "staffcast", "seconds": min(timings)}]


def messy_rows(full_corpus: bool) -> list[dict]:
    """One row per messy export of tests/forecasts/messy_exports.py: the damaged history against the
    undamaged history of the same span (same origin, same truth)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "forecasts"))
    try:
        from messy_exports import cases, evaluate
    except ImportError:
        print("skipping the messy exports: tests/forecasts/messy_exports.py or the example generator not available", file=sys.stderr)
        return []
    rows = []
    for case in cases(fast=not full_corpus):
        history = validate_history(case.history)
        result = forecast_contacts(history, case.events, case.start, case.days)
        damaged = evaluate(case, result.table)
        undamaged = evaluate(case, forecast_contacts(validate_history(case.full_history), case.events, case.start, case.days).table)
        rows.append(
            {
                "data": f"messy: {case.name}",
                "method": "staffcast",
                "interval_wape": damaged["interval_wape"],
                "daily_wape": damaged["daily_wape"],
                "coverage_80": damaged["coverage_80"],
                "undamaged_daily_wape": undamaged["daily_wape"],
                "dead_share": damaged["dead_share"],
                "hi_ratio": damaged["hi_ratio"],
                "warnings": len(history.warnings) + len(result.warnings),
            }
        )
    return rows


def main() -> None:
    rows = bank_rows() + example_rows() + ([] if "--quick" in sys.argv else speed_rows())
    if "--messy" in sys.argv or "--full-corpus" in sys.argv:
        rows += messy_rows("--full-corpus" in sys.argv)
    table = pd.DataFrame(rows)
    for column in ("interval_wape", "daily_wape", "coverage_80", "d11_total_error", "undamaged_daily_wape", "dead_share"):
        if column in table:
            table[column] = table[column].map(lambda v: "" if pd.isna(v) else f"{100 * v:.2f}%")
    for column in ("interval_wape_vs_noise", "seconds", "hi_ratio"):
        if column in table:
            table[column] = table[column].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    if "warnings" in table:
        table["warnings"] = table.warnings.map(lambda v: "" if pd.isna(v) else f"{v:.0f}")
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
