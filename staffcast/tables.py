"""Reading planners' CSV and YAML files with errors that name the file, row and field.

Row numbers in messages are the line numbers a spreadsheet shows: the header is row 1,
the first data row is row 2.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd
import yaml

from staffcast.errors import DataError

_ENCODINGS = ("utf-8-sig",)


def read_text(path: Path | str, error: type[Exception] = DataError) -> str:
    """Read a UTF-8 text file, raising `error` with a fix-it message when it cannot be read."""
    path = Path(path)
    if not path.exists():
        raise error(f"{path}: file not found. Check the path (relative paths in a center YAML are relative to that YAML).")
    if path.is_dir():
        raise error(f"{path}: is a folder, not a file.")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(f"{path}: line {line} is not UTF-8 text (byte 0x{raw[exc.start]:02x}). Save the file as UTF-8 (in Excel: 'CSV UTF-8').") from None


def read_csv_table(path: Path | str, required: Iterable[str], optional: Iterable[str] = (), error: type[Exception] = DataError) -> pd.DataFrame:
    """Read a CSV of strings and check its header.

    Every cell comes back as a stripped string (empty cells as ""), so callers convert and
    validate values themselves and can name the row. The frame's index is the file row number.

    Raises:
        `error` for a missing, empty or non-UTF-8 file, a wrong delimiter, missing or unknown columns,
        duplicate column names, or rows with the wrong number of cells.
    """
    path = Path(path)
    required, optional = list(required), list(optional)
    text = read_text(path, error)
    if not text.strip():
        raise error(f"{path}: the file is empty. Expected a header row: {', '.join(required)}.")
    rows = list(csv.reader(io.StringIO(text)))
    header = [cell.strip() for cell in rows[0]]
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
        sep = next(s for s in (";", "\t", "|") if s in header[0])
        raise error(f"{path}: row 1 has one column '{header[0]}', which looks separated by {sep!r}. Save the file with commas as the separator.")
    missing = [c for c in required if c not in header]
    if missing:
        raise error(f"{path}: row 1 (header) lacks column(s) {', '.join(missing)}. Expected columns: {', '.join(required + optional)}.")
    unknown = [c for c in header if c not in required and c not in optional]
    if unknown:
        raise error(
            f"{path}: row 1 (header) has unknown column(s) {', '.join(unknown)}. "
            f"Allowed columns: {', '.join(required + optional)} (check the spelling)."
        )
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated:
        raise error(f"{path}: row 1 (header) names column(s) {', '.join(duplicated)} twice.")
    records, numbers = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise error(f"{path}: row {number} has {len(row)} cells but the header has {len(header)}. Check for stray commas or quotes.")
        records.append([cell.strip() for cell in row])
        numbers.append(number)
    frame = pd.DataFrame(records, columns=header, index=pd.Index(numbers, name="row"), dtype=object)
    for column in optional:
        if column not in frame.columns:
            frame[column] = ""
    return frame


def parse_column(
    frame: pd.DataFrame, column: str, parse: Callable[[str], object], path: Path | str, expected: str, error: type[Exception] = DataError
) -> pd.Series:
    """Parse every cell of a column with `parse`; the first failure names its row and the expectation."""
    values = []
    for number, cell in frame[column].items():
        try:
            values.append(parse(cell))
        except (ValueError, TypeError):
            raise error(f"{path}: row {number}, column {column}: '{cell}' is not {expected}.") from None
    return pd.Series(values, index=frame.index, name=column, dtype=object)


def parse_timestamps(frame: pd.DataFrame, column: str, path: Path | str, error: type[Exception] = DataError) -> pd.Series:
    """Parse ISO 8601 local date-times ('2025-11-11 00:30'); the first bad cell names its row."""
    try:
        parsed = pd.to_datetime(frame[column], format="ISO8601", errors="coerce")
    except ValueError:  # pandas refuses a column whose cells carry different UTC offsets
        offsets = frame[column].astype(str).str.extract(r"(Z|[+-]\d\d:?\d\d)$", expand=False).fillna("")
        number = (offsets != offsets.iloc[0]).idxmax()
        raise error(
            f"{path}: row {number}, column {column}: '{frame.at[number, column]}' has another UTC offset than row {frame.index[0]} "
            f"('{frame[column].iloc[0]}'). Write local wall-clock times without an offset."
        ) from None
    bad = parsed.isna()
    if bad.any():
        number = bad.idxmax()
        raise error(
            f"{path}: row {number}, column {column}: '{frame.at[number, column]}' is not a date-time. Use ISO 8601 local time, e.g. 2025-11-11 00:30."
        )
    if getattr(parsed.dt, "tz", None) is not None:
        raise error(f"{path}: column {column} carries a UTC offset. Write local wall-clock times without an offset.")
    return parsed.astype("datetime64[ns]")


def load_yaml(path: Path | str, error: type[Exception] = DataError, loader: type = yaml.SafeLoader) -> object:
    """Parse a YAML file; a syntax error names its line and column.

    `loader` defaults to yaml.SafeLoader; `DatesAsTextLoader` keeps dates as text so that the caller can
    validate them and name the field of a bad one.
    """
    path = Path(path)
    text = read_text(path, error)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        raise error(f"{path}: YAML syntax error at {where}: {exc.problem or exc}. Check indentation and quoting there.") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from None


class DatesAsTextLoader(yaml.SafeLoader):
    """A safe YAML loader that leaves dates and times as strings."""


DatesAsTextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def field_problem(loc: list, error: dict, unknown_field_hint: str) -> tuple[str, str]:
    """The dotted field path ('queues[2].concurrency') and a planner-worded message of one pydantic error."""
    field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = f"unknown field; {unknown_field_hint}"
    elif error["type"] == "missing":
        message = "required field is missing"
    return field, message
