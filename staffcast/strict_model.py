"""The base of every YAML section model: unknown fields are errors, values are frozen, and numbers given where a
name or id is expected are that name (`name: 618`, the promotion, is the text "618"). Also the reading of a YAML
file made of top-level fields and one list of named entries (scenarios, sites), with errors that name the entry."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from staffcast.errors import ConfigError
from staffcast.tables import field_problem, load_yaml


class StrictModel(BaseModel):
    """A pydantic model that rejects unknown fields (a typo is an error, never ignored), is immutable, and reads a
    number in a text field as its text (YAML makes `618` a number; a name like `11.10` must be quoted, YAML reads 11.1)."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


Listing = TypeVar("Listing", bound=BaseModel)


def repeated_names(names: Iterable[str]) -> list[str]:
    """The names given more than once, sorted (for a validator that wants the entries' names unique)."""
    seen: list[str] = list(names)
    return sorted({name for name in seen if seen.count(name) > 1})


def load_listing(path: Path | str, model: type[Listing], title: str, entries: str, noun: str, hint: str, *, by_name: bool) -> Listing:
    """Read and validate a YAML file of top-level fields and a list `entries` of entries (`noun`s).

    Raises:
        ConfigError: one line per problem, naming the entry ("scenario 'peak'" with `by_name` and a name given, else
            "scenario number 2", or "(top level)") and the field; unknown fields point to `hint`.
    """
    path = Path(path)
    data = load_yaml(path, ConfigError)
    if not isinstance(data, dict):
        required = [name for name, field in model.model_fields.items() if field.is_required()]
        raise ConfigError(f"{path}: expected a mapping with {', '.join(required[:-1])} and {required[-1]} at the top.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        listed = data.get(entries) if isinstance(data.get(entries), list) else []
        lines = [f"{path}: {exc.error_count()} problem(s) in the {title}:"]
        for error in exc.errors():
            loc, where = list(error["loc"]), "(top level)"
            if len(loc) >= 2 and loc[0] == entries and isinstance(loc[1], int):
                raw = listed[loc[1]] if loc[1] < len(listed) else None
                name = raw.get("name") if by_name and isinstance(raw, dict) else None
                where, loc = (f"{noun} '{name}'" if name else f"{noun} number {loc[1] + 1}"), loc[2:]
            field, message = field_problem(loc, error, hint)
            lines.append(f"  {where}, field {field or f'(the {noun})'}: {message}")
        raise ConfigError("\n".join(lines)) from None
