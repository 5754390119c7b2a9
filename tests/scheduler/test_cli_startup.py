"""`staffcast --help` stays instant: the CLI module imports no heavy library."""

import subprocess
import sys


def test_cli_import_loads_no_heavy_library() -> None:
    heavy = ("pandas", "statsmodels", "ortools", "matplotlib", "simpy", "scipy")
    code = f"import sys, scheduler.cli; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_lazy_exports_resolve() -> None:
    import forecasts
    import scheduler

    assert callable(forecasts.forecast_contacts) and callable(scheduler.load_center)
    assert set(forecasts.__all__) >= {"read_history", "read_events", "forecast_contacts"}
