"""Atomic writes: a file or folder is written to a temporary name beside it and renamed, so a failed or
interrupted run never leaves a half-written file or folder that looks complete."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from staffcast.errors import DataError
from staffcast.interrupts import deferred_interrupt


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


def write_into_folder(path: Path | str, write: Callable[[Path], list[Path]]) -> list[Path]:
    """Fill a staging folder beside `path` through `write(staging)`, which returns the files it wrote, then swap them in
    together: a new folder is renamed into place; in an existing folder each file is renamed over its old version
    with Ctrl-C deferred, so a run that fails or is interrupted leaves every old file as it was. Files of `path`
    that the write does not produce stay.

    Returns:
        The files written, in `path`.

    Raises:
        DataError: `path` exists and is not a folder (nothing is written).
    """
    path = Path(path)
    check_output_folder(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        result = [path / file.relative_to(staging) for file in write(staging)]
        with deferred_interrupt():
            if not path.exists():
                os.chmod(staging, 0o777 & ~_current_umask())
                os.rename(staging, path)
                return result
            for file in sorted(p for p in staging.rglob("*") if not p.is_dir()):
                target = path / file.relative_to(staging)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(file, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def check_output_folder(path: Path | str) -> None:
    """Raise DataError when an output folder's path is taken by a file (check before a long computation)."""
    path = Path(path)
    if os.path.lexists(path) and not path.is_dir():
        raise DataError(f"{path} is a file, not a folder; nothing was written. Give -o a folder (a new one, or one to update).")


def check_output_file(path: Path | str) -> None:
    """Raise DataError when an output file's path is taken by a folder (check before a long computation)."""
    path = Path(path)
    if path.is_dir():
        raise DataError(f"{path} is a folder, not a file; nothing was written. Give -o a file name.")


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_csv_atomic(frame: pd.DataFrame, path: Path | str) -> None:
    """Write a frame as CSV (no index) atomically."""
    write_atomic(path, lambda tmp: frame.to_csv(tmp, index=False, lineterminator="\n"))
