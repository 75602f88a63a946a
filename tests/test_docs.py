"""The documentation's complete example is a valid journey, and it names every key of the model."""

from __future__ import annotations

import re

from pydantic import BaseModel

from cjm import model
from cjm.validate.loader import load_text
from tests.conftest import ROOT

FORMAT = (ROOT / "docs" / "format.md").read_text()


def test_complete_example_is_valid() -> None:
    example = re.search(r"## A complete example\n\n```yaml\n(.*?)```", FORMAT, re.S)
    assert example is not None
    result = load_text(example.group(1), "docs/format.md")
    assert result.journey is not None, result.diagnostics
    assert not result.diagnostics


def test_every_field_of_the_model_is_documented() -> None:
    prose = re.sub(r"```.*?```", "", FORMAT, flags=re.S)
    code = " ".join(re.findall(r"`([^`]+)`", prose))
    models = [
        m
        for m in vars(model).values()
        if isinstance(m, type) and issubclass(m, BaseModel) and m.__module__ == model.__name__
    ]
    for cls in models:
        if cls.__name__.startswith("_"):
            continue
        for field in cls.model_fields:
            assert re.search(rf"\b{field}\b", code), f"{cls.__name__}.{field} is not in docs/format.md"
