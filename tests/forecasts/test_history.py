import pytest
from synthetic import synthetic_history

from forecasts import DataError, read_history


def write(tmp_path, text):
    path = tmp_path / "history.csv"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "queue,interval_start,contacts,aht_seconds\n"


@pytest.mark.parametrize(
    "rows, expected",
    [
        ("chat,2025-01-01 00:00,5,300\nchat,2025-01-01 00:30,-1,300\n", "row 3, column contacts: '-1'"),
        ("chat,2025-01-01 00:00,five,300\n", "row 2, column contacts: 'five'"),
        ("chat,2025-01-01 00:00,5,300\nchat,2025-01-01 00:00,6,300\n", "row 3 repeats queue chat at 2025-01-01 00:00 (first at row 2)"),
        ("chat,2025-01-01 00:00,5,300\nchat,2025-01-01 00:20,6,300\n", "20 minutes apart"),
        ("chat,2025-01-01 00:00,5,300\nchat,2025-01-01 01:00,6,300\nchat,2025-01-01 01:10,6,300\n", "10 minutes apart"),
        ("chat,yesterday,5,300\n", "row 2, column interval_start"),
        ("chat,2025-01-01 00:00,5,abc\n", "row 2, column aht_seconds"),
    ],
)
def test_bad_rows_are_named(tmp_path, rows, expected):
    with pytest.raises(DataError) as error:
        read_history(write(tmp_path, HEADER + rows))
    assert expected in str(error.value)


def test_off_grid_time_is_named(tmp_path):
    rows = "".join(f"chat,2025-01-01 {h:02d}:00,5,300\n" for h in range(5)) + "chat,2025-01-01 05:10,5,300\n"
    with pytest.raises(DataError, match="10 minutes apart|row 7"):
        read_history(write(tmp_path, HEADER + rows))


def test_interval_inferred_and_gaps_reported(tmp_path):
    frame = synthetic_history(days=28, interval_minutes=15, open_hours=(8, 20))
    frame = frame.drop(frame.index[100:110])
    frame = frame[frame.interval_start.dt.normalize() != "2024-01-17"]
    path = tmp_path / "history.csv"
    frame.drop(columns="expected_contacts").assign(interval_start=frame.interval_start.dt.strftime("%Y-%m-%d %H:%M")).to_csv(path, index=False)
    history = read_history(path)
    assert history.interval_minutes == 15
    (warning,) = history.warnings
    assert "58 interval(s) missing" in warning and "2024-01-17" in warning
    assert "20:00" not in warning  # closed hours are not gaps


def test_optional_aht_column(tmp_path):
    history = read_history(write(tmp_path, "queue,interval_start,contacts\nq,2025-01-01 00:00,5\nq,2025-01-01 01:00,7\n"))
    assert history.interval_minutes == 60
    assert history.table.aht_seconds.isna().all()
