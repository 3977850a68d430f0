"""Common ground of every settings section."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Port = Annotated[int, Field(ge=1, le=65535)]
PositiveSeconds = Annotated[float, Field(gt=0)]


class Section(BaseModel):
    """Frozen, strict about unknown keys: a typo in the file is an error, not a no-op."""

    model_config = ConfigDict(frozen=True, extra="forbid")
