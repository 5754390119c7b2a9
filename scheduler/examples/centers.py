"""The built-in example centers: where they live, and their generated history.csv.

history.csv is not shipped: `center_path` writes it next to the center's YAML from the seeded
generator when it is missing or older than the generator's inputs; `write_example` copies an
example into a folder of its own, with its history.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd

from forecasts.events import Event, read_events
from scheduler.contracts.center import parse_center_config
from scheduler.contracts.schema import CenterConfig
from scheduler.examples.generator import HISTORY_COLUMNS, generate
from scheduler.examples.location import EXAMPLES_DIR, NETWORK_NAME
from scheduler.examples.network import NETWORK_DIR, network_files
from scheduler.examples.parameters import GeneratorParameters, load_parameters
from staffcast.atomic import write_csv_atomic, write_folder_atomic
from staffcast.errors import ConfigError

_PACKAGE = Path(__file__).resolve().parent
CENTER_NAMES = ("flagship_store", "express_service")
_GENERATOR_SOURCES = (_PACKAGE / "generator.py", _PACKAGE / "parameters.py")


def center_path(name: str) -> Path:
    """The center.yaml of example `name`, after writing its history.csv if missing or stale."""
    folder = _folder(name)
    config = parse_center_config(folder / "center.yaml")
    history = folder / config.history
    inputs = [folder / "center.yaml", folder / "generator.yaml", folder / config.events, *_GENERATOR_SOURCES]
    if not history.is_file() or history.stat().st_mtime < max(p.stat().st_mtime for p in inputs):
        write_history(name, history)
    return folder / "center.yaml"


def generate_history(name: str, seed: int | None = None) -> pd.DataFrame:
    """Simulate example `name`'s history (deterministic for a seed; default: generator.yaml's seed).

    Returns:
        queue, interval_start, contacts, aht_seconds and expected_contacts (the noise-free mean).
    """
    folder = _folder(name)
    config = parse_center_config(folder / "center.yaml")
    params = load_parameters(folder / "generator.yaml")
    events = read_events(folder / config.events)
    _check_consistent(folder, config, params, events)
    return generate(params, events, config.interval_minutes, params.seed if seed is None else seed)


def write_history(name: str, path: Path) -> None:
    """Write example `name`'s history CSV (the contract columns) atomically to `path`."""
    history = generate_history(name)[HISTORY_COLUMNS]
    stamps = pd.Series(history.interval_start.unique())
    labels = dict(zip(stamps, stamps.dt.strftime("%Y-%m-%d %H:%M"), strict=True))
    write_csv_atomic(history.assign(interval_start=history.interval_start.map(labels)), path)


def write_example(name: str, directory: Path | str) -> list[Path]:
    """Write example `name` as a runnable folder: the files its center.yaml names, scenarios.yaml if any, and history.csv
    (for the network: network.yaml and a folder of those per site).

    The files are copied byte for byte and the histories are generated; the folder appears complete or not at all.

    Returns:
        The files written, in `directory`.

    Raises:
        ConfigError: `name` is unknown, or `directory` is a file or a folder that is not empty (nothing is overwritten).
    """
    directory = Path(directory)
    if name == NETWORK_NAME:
        folder, (copies, histories) = NETWORK_DIR, network_files()
    else:
        folder = _folder(name)
        config = parse_center_config(folder / "center.yaml")
        copies = ["center.yaml", *(f for f in (config.events, config.agents, config.time_off) if f), *_scenarios(folder)]
        histories = {config.history: lambda path: write_history(name, path)}
    _check_free(directory)

    def fill(tmp: Path) -> None:
        for file in copies:
            (tmp / file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / file, tmp / file)
        for file, write in histories.items():
            write(tmp / file)

    try:
        write_folder_atomic(directory, fill)
    except OSError as exc:
        _check_free(directory)
        problem = f"{exc.strerror} ({exc.filename2 or exc.filename})"
        raise ConfigError(f"cannot write example '{name}' to {directory}: {problem}; choose another folder.") from None
    return [directory / file for file in [*copies, *histories]]


def _check_free(directory: Path) -> None:
    if os.path.lexists(directory) and not directory.is_dir():
        raise ConfigError(f"{directory} exists and is not a folder; nothing was written. Choose a new folder name.")
    if directory.is_dir() and any(directory.iterdir()):
        raise ConfigError(f"{directory} is a folder that is not empty; nothing was overwritten. Choose a new folder name, or empty it first.")


def _scenarios(folder: Path) -> list[str]:
    return ["scenarios.yaml"] if (folder / "scenarios.yaml").is_file() else []


def _folder(name: str) -> Path:
    if name not in CENTER_NAMES:
        raise ConfigError(f"unknown example center '{name}'. Choose one of: {', '.join((*CENTER_NAMES, NETWORK_NAME))}.")
    return EXAMPLES_DIR / name


def _check_consistent(folder: Path, config: CenterConfig, params: GeneratorParameters, events: list[Event]) -> None:
    """The generator's queues are the center's; every event has effects, on its own queues only."""
    center_queues = [q.id for q in config.queues]
    if sorted(params.queues) != sorted(center_queues):
        raise ConfigError(f"{folder}/generator.yaml: queues {sorted(params.queues)} differ from center.yaml's {sorted(center_queues)}.")
    names = {e.name for e in events}
    if names != set(params.effects):
        raise ConfigError(
            f"{folder}/generator.yaml: effects must cover exactly the events of events.yaml; "
            f"events without effects: {sorted(names - set(params.effects))}, effects without events: {sorted(set(params.effects) - names)}."
        )
    for event in events:
        for effect in params.effects[event.name]:
            if event.queues is not None and not set(effect.queues or center_queues) <= set(event.queues):
                raise ConfigError(
                    f"{folder}/generator.yaml: effect '{event.name}/{effect.label}' touches queues outside "
                    f"the event's queues {list(event.queues)} in events.yaml; list them on the event too."
                )
