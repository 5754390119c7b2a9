"""The base of every YAML section model: unknown fields are errors, values are frozen."""

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A pydantic model that rejects unknown fields (a typo is an error, never ignored) and is immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)
