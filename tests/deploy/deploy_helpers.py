"""What the deployment checks share: every program's settings class, and whether an environment variable is
one of the settings."""

from __future__ import annotations

from dashat.settings import DashatSettings
from gateway.settings import GatewaySettings
from genting.settings import GentingSettings
from kkb_shared.settings import ServiceSettings
from mentoring.settings import MentoringSettings
from registry.settings import RegistrySettings
from web.settings import WebSettings

SETTINGS: dict[str, type[ServiceSettings]] = {
    "gateway": GatewaySettings,
    "registry": RegistrySettings,
    "mentoring": MentoringSettings,
    "genting": GentingSettings,
    "dashat": DashatSettings,
}


# The web console: deployed beside the programs, but with no database (so no migration and no database URL).
CONSOLE: dict[str, type[ServiceSettings]] = {"web": WebSettings}


def known_variable(name: str) -> bool:
    for program, settings in (SETTINGS | CONSOLE).items():
        prefix = f"KKB_{program.upper()}_"
        if name.startswith(prefix) and name.removeprefix(prefix).lower() in settings.model_fields:
            return True
    return name.endswith("_DB_PASSWORD") or name == "POSTGRES_PASSWORD"
