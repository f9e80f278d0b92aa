"""The configuration reference (docs/operations.md) names every setting of every program: a setting added to a
settings class without a line there fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from dashat.settings import DashatSettings
from gateway.settings import GatewaySettings
from genting.settings import GentingSettings
from mentoring.settings import MentoringSettings
from registry.settings import RegistrySettings
from web.settings import WebSettings

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def _configuration_section() -> str:
    text = REFERENCE.read_text()
    start = text.index("\n## Configuration")
    return text[start : text.index("\n## ", start + 1)]


@pytest.mark.parametrize(
    "settings", [GatewaySettings, RegistrySettings, MentoringSettings, GentingSettings, DashatSettings, WebSettings]
)
def test_every_setting_is_in_the_readme(settings: type[BaseSettings]) -> None:
    section = _configuration_section()
    prefix = str(settings.model_config.get("env_prefix"))
    assert prefix in section
    missing = [name.upper() for name in settings.model_fields if f"`{name.upper()}`" not in section]
    assert missing == [], f"{settings.__name__}: {missing} are not in the configuration reference"
