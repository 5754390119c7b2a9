"""The messy-export corpus: each damaged example history gets an accurate forecast against the
generator's truth, or the warning that says what cannot be known."""

import pytest
from messy_exports import cases, evaluate

from forecasts import forecast_contacts, validate_history

# Per case: (metric, bound) pairs the forecast must meet against the truth; figures on the undamaged
# history of the same span are quoted in benchmarks/forecast.py.
LIMITS = {
    "three_months_presale_running": [("dead_share", 0.01), ("daily_wape", 0.28)],
    "starts_on_national_day": [("dead_share", 0.01)],
    "thirteen_months": [("daily_wape", 0.08), ("hi_ratio", 2.5)],
    "thirteen_months_hourly": [("daily_wape", 0.08), ("hi_ratio", 2.5)],
    "missing_day_in_event": [("daily_wape", 0.10), ("abs_daily_bias", 0.10)],
    "missing_week_livestream": [("daily_wape", 0.07)],
    "zero_rows_left_out": [("dead_share", 0.01)],
    "nights_missing_some_weeks": [("daily_wape", 0.10), ("dead_share", 0.03)],
    "level_shift": [("daily_wape", 0.10)],
    "events_past_years_only": [],
    "event_queue_typo": [],
    "gap_before_start": [("daily_wape", 0.08), ("abs_daily_bias", 0.05)],
}
COVERAGE = (0.65, 0.95)  # the band holds roughly everywhere a history allows it

CORPUS = cases(fast=True)
SLOW = {"thirteen_months", "missing_day_in_event", "events_past_years_only", "event_queue_typo"}  # rules also met by the quick cases
PARAMS = [pytest.param(case, id=case.name, marks=[pytest.mark.slow] if case.name in SLOW else []) for case in CORPUS]


@pytest.mark.parametrize("case", PARAMS)
def test_messy_export(case):
    history = validate_history(case.history)
    result = forecast_contacts(history, case.events, case.start, case.days)
    metrics = evaluate(case, result.table)
    metrics["abs_daily_bias"] = abs(metrics["daily_bias"])
    for metric, bound in LIMITS[case.name]:
        assert metrics[metric] <= bound, f"{case.name}: {metric} {metrics[metric]:.4f} > {bound} ({case.note})"
    if case.name not in ("three_months_presale_running", "events_past_years_only"):  # these two are short of what they cannot know
        assert COVERAGE[0] <= metrics["coverage_80"] <= COVERAGE[1], metrics
    if case.expected_warning:
        assert any(case.expected_warning in w for w in history.warnings + result.warnings), result.warnings


def test_corpus_names_every_case_limits():
    assert {case.name for case in CORPUS} == set(LIMITS)
