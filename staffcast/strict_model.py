"""The base of every YAML section model: unknown fields are errors, values are frozen, and numbers given where a
name or id is expected are that name (`name: 618`, the promotion, is the text "618")."""

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A pydantic model that rejects unknown fields (a typo is an error, never ignored), is immutable, and reads a
    number in a text field as its text (YAML makes `618` a number; a name like `11.10` must be quoted, YAML reads 11.1)."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)
