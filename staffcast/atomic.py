"""Atomic writes: a file or folder is written to a temporary name beside it and renamed, so a failed or
interrupted run never leaves a half-written file or folder that looks complete."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def write_atomic(path: Path | str, write: Callable[[Path], None]) -> None:
    """Write a file through `write(tmp_path)` and rename it into place, so no half-written file remains."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_folder_atomic(path: Path | str, write: Callable[[Path], None]) -> None:
    """Fill a new folder through `write(tmp_folder)` and rename it into place, so `path` appears complete or not at all.

    `path` must not exist or be an empty folder; otherwise the rename raises OSError and nothing is changed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        write(tmp)
        os.chmod(tmp, 0o777 & ~_current_umask())
        os.rename(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_csv_atomic(frame: pd.DataFrame, path: Path | str) -> None:
    """Write a frame as CSV (no index) atomically."""
    write_atomic(path, lambda tmp: frame.to_csv(tmp, index=False, lineterminator="\n"))
