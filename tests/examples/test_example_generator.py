"""The generator's plumbing: history.csv written when missing or stale, parameters validated, speed."""

from __future__ import annotations

import os
import shutil
import time

import pandas as pd
import pytest

from scheduler import ConfigError, examples
from scheduler.examples import centers as centers_module
from scheduler.examples.parameters import GeneratorParameters, load_parameters


@pytest.fixture
def example_copy(tmp_path, monkeypatch):
    """The examples folder copied to tmp_path (without history.csv), used by center_path."""
    for name in examples.CENTER_NAMES:
        shutil.copytree(centers_module.EXAMPLES_DIR / name, tmp_path / name, ignore=shutil.ignore_patterns("history.csv"))
    monkeypatch.setattr(centers_module, "EXAMPLES_DIR", tmp_path)
    return tmp_path


def test_center_path_writes_missing_history_and_refreshes_a_stale_one(example_copy):
    path = examples.center_path("express_service")
    history = example_copy / "express_service" / "history.csv"
    assert path == example_copy / "express_service" / "center.yaml" and history.is_file()
    written = pd.read_csv(history)
    generated = examples.generate_history("express_service")
    assert written.contacts.tolist() == generated.contacts.tolist()
    assert written.aht_seconds.tolist() == generated.aht_seconds.tolist()

    history.write_text("queue,interval_start,contacts,aht_seconds\n")
    os.utime(history, (0, 0))
    examples.center_path("express_service")
    assert len(pd.read_csv(history)) == len(generated), "older than generator.yaml: rewritten"


def test_effects_must_match_the_calendar(example_copy):
    events = example_copy / "flagship_store" / "events.yaml"
    events.write_text(events.read_text().replace("name: livestream", "name: live_stream"))
    with pytest.raises(ConfigError, match=r"events without effects: \['live_stream'\]"):
        examples.generate_history("flagship_store")


def test_effects_stay_on_their_events_queues(example_copy):
    events = example_copy / "flagship_store" / "events.yaml"
    events.write_text(events.read_text().replace("queues: [aftersales_voice, aftersales_chat]", "queues: [aftersales_voice]"))
    with pytest.raises(ConfigError, match="telephony_outage/callers switch to chat"):
        examples.generate_history("flagship_store")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"effects": {"double11": [{"label": "x", "anchor": "span", "days": [0, 1]}]}}, "no days with span"),
        ({"effects": {"double11": [{"label": "x", "anchor": "end", "days": [2, 1]}]}}, "end before they start"),
        ({"effects": {"double11": [{"label": "x", "anchor": "end", "days": [0, 0], "queues": ["nope"]}]}}, "unknown queue"),
        ({"intraday_patterns": {"chat_evening": [1.0] * 23}}, "24 hourly weights"),
    ],
)
def test_parameters_reject_inconsistent_effects(change, message):
    data = load_parameters(centers_module.EXAMPLES_DIR / "flagship_store" / "generator.yaml").model_dump()
    data.update(change)
    with pytest.raises(ValueError, match=message):
        GeneratorParameters.model_validate(data)


def test_bad_generator_yaml_names_the_file_and_field(tmp_path):
    path = tmp_path / "generator.yaml"
    path.write_text("seed: one\n")
    with pytest.raises(ConfigError, match=r"generator.yaml: .*seed"):
        load_parameters(path)


@pytest.mark.parametrize("name", examples.CENTER_NAMES)
def test_generation_takes_seconds_not_minutes(name):
    """A guard against a pathological slowdown (generation takes well under a second)."""
    started = time.perf_counter()
    examples.generate_history(name)
    assert time.perf_counter() - started < 10
