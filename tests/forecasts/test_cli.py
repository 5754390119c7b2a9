import pandas as pd
from synthetic import synthetic_history
from typer.testing import CliRunner

from scheduler.cli import app

runner = CliRunner()


def write_history(tmp_path, frame):
    path = tmp_path / "history.csv"
    frame.drop(columns="expected_contacts").assign(interval_start=frame.interval_start.dt.strftime("%Y-%m-%d %H:%M")).to_csv(path, index=False)
    return path


def test_forecast_and_backtest_commands(tmp_path):
    history = write_history(tmp_path, synthetic_history(days=70, seed=9))
    events = tmp_path / "events.yaml"
    events.write_text("events:\n  - {name: sale, kind: promotion, start: 2024-03-13, end: 2024-03-13}\n")
    out = tmp_path / "forecast.csv"
    result = runner.invoke(
        app,
        [
            "forecast",
            str(history),
            "--events",
            str(events),
            "--start",
            "2024-03-11",
            "--days",
            "7",
            "-o",
            str(out),
            "--plot",
            str(tmp_path / "f.png"),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert list(table.columns) == ["queue", "interval_start", "contacts", "contacts_lo", "contacts_hi", "aht_seconds"]
    assert len(table) == 7 * 24 and (tmp_path / "f.png").stat().st_size > 10_000
    assert "sale" in result.output  # the unseen event's fallback is reported
    result = runner.invoke(app, ["backtest", str(history), "--days", "7", "--folds", "2", "-o", str(tmp_path / "bt.csv")])
    assert result.exit_code == 0, result.output
    assert "interval_wape" in result.output and (tmp_path / "bt.csv").exists()


def test_bad_history_exits_1_naming_the_row(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("queue,interval_start,contacts\nchat,2025-01-01 00:00,3\nchat,2025-01-01 01:00,-4\n")
    result = runner.invoke(app, ["forecast", str(path), "--start", "2025-02-01", "--days", "7", "-o", str(tmp_path / "f.csv")])
    assert result.exit_code == 1
    assert "row 3" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "f.csv").exists()


def test_failed_plot_keeps_the_csv_and_says_so(tmp_path):
    history = write_history(tmp_path, synthetic_history(days=42, seed=3))
    (tmp_path / "not_a_folder").write_text("")
    out = tmp_path / "forecast.csv"
    args = ["forecast", str(history), "--start", "2024-02-12", "--days", "2", "-o", str(out), "--plot", str(tmp_path / "not_a_folder" / "f.png")]
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and out.exists()
    assert "the forecast CSV was written, but the plot" in result.output and "Traceback" not in result.output
