"""`staffcast example NAME -o DIR` writes a complete, runnable example folder, or nothing at all."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from scheduler import examples, load_center
from scheduler.cli import app
from scheduler.examples import centers
from scheduler.examples.generator import HISTORY_COLUMNS

EXPECTED_FILES = {
    "flagship_store": {"center.yaml", "agents.csv", "time_off.csv", "events.yaml", "scenarios.yaml", "history.csv"},
    "express_service": {"center.yaml", "agents.csv", "time_off.csv", "events.yaml", "history.csv"},
}
runner = CliRunner()


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """Each example written once through the CLI into a folder that did not exist."""
    root = tmp_path_factory.mktemp("examples")
    for name in examples.CENTER_NAMES:
        result = runner.invoke(app, ["example", name, "-o", str(root / name)])
        assert result.exit_code == 0, result.output
    return {name: root / name for name in examples.CENTER_NAMES}


@pytest.mark.parametrize("name", examples.CENTER_NAMES)
def test_folder_holds_exactly_the_planner_files_copied_byte_for_byte(written, name):
    folder = written[name]
    assert {p.name for p in folder.iterdir()} == EXPECTED_FILES[name]
    for file in EXPECTED_FILES[name] - {"history.csv"}:
        assert (folder / file).read_bytes() == (centers.EXAMPLES_DIR / name / file).read_bytes(), file


@pytest.mark.parametrize("name", examples.CENTER_NAMES)
def test_history_is_the_generated_one_and_the_center_loads(written, histories, name):
    center = load_center(written[name] / "center.yaml")
    history = pd.read_csv(center.path("history"))
    assert list(history.columns) == HISTORY_COLUMNS
    assert len(history) == len(histories[name]) and history.contacts.sum() == histories[name].contacts.sum()
    assert history.interval_start.iloc[-1] == histories[name].interval_start.max().strftime("%Y-%m-%d %H:%M")


def test_an_empty_folder_is_filled(tmp_path, monkeypatch):
    monkeypatch.setattr(centers, "write_history", lambda name, path: path.write_text("queue\n", encoding="utf-8"))
    result = runner.invoke(app, ["example", "express_service", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert {p.name for p in tmp_path.iterdir()} == EXPECTED_FILES["express_service"]


def test_unknown_name_lists_the_names_and_writes_nothing(tmp_path):
    result = runner.invoke(app, ["example", "outlet_store", "-o", str(tmp_path / "new")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), "a clear error, not a traceback"
    assert "outlet_store" in result.stderr and all(name in result.stderr for name in examples.CENTER_NAMES)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_named_and_left_alone(tmp_path):
    target = tmp_path / "my_center"
    target.write_text("keep me\n", encoding="utf-8")
    result = runner.invoke(app, ["example", "flagship_store", "-o", str(target)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), "a clear error, not a traceback"
    assert str(target) in result.stderr and "new folder name" in result.stderr
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert list(tmp_path.iterdir()) == [target]


def test_a_non_empty_folder_is_named_and_left_alone(tmp_path):
    target = tmp_path / "my_center"
    target.mkdir()
    (target / "center.yaml").write_text("name: mine\n", encoding="utf-8")
    result = runner.invoke(app, ["example", "flagship_store", "-o", str(target)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), "a clear error, not a traceback"
    assert str(target) in result.stderr and "not empty" in result.stderr
    assert [p.name for p in target.iterdir()] == ["center.yaml"]
    assert (target / "center.yaml").read_text(encoding="utf-8") == "name: mine\n"
    assert list(tmp_path.iterdir()) == [target]


def test_an_interrupted_write_leaves_no_folder(tmp_path, monkeypatch):
    def interrupted(name: str, path: Path) -> None:
        path.write_text("queue,interval_start\n", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(centers, "write_history", interrupted)
    with pytest.raises(KeyboardInterrupt):
        examples.write_example("flagship_store", tmp_path / "my_center")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_flagship_example_plans_a_week(written, tmp_path):
    result = runner.invoke(
        app,
        ["plan", str(written["flagship_store"] / "center.yaml"), "--start", "2026-11-02", "--days", "7", "-o", str(tmp_path), "--time-limit", "5"],
    )
    assert result.exit_code == 0, result.output
    roster = pd.read_csv(tmp_path / "roster.csv")
    assert roster.date.min() == "2026-11-02" and roster.date.max() == "2026-11-08"
    assert (tmp_path / "report.html").is_file()


@pytest.mark.slow
def test_the_express_example_plans_capacity(written, tmp_path):
    result = runner.invoke(app, ["capacity", str(written["express_service"] / "center.yaml"), "--weeks", "8", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "capacity.csv").is_file()
