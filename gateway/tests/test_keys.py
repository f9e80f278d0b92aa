"""The signing key: generated once with 0600 permissions for the embedded run, configured in production,
and the JWKS can publish the previous key while keys rotate."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr, ValidationError

from gateway.keys import SigningKeys
from gateway.settings import GatewaySettings


def test_embedded_key_is_generated_once_with_0600(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "signing.pem"
    settings = GatewaySettings(signing_key_file=path)
    first = SigningKeys.from_settings(settings)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SigningKeys.from_settings(settings).kid == first.kid


def test_configured_key_and_rotation_publish_both(tmp_path: Path) -> None:
    old = SigningKeys(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    new_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = new_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    settings = GatewaySettings(
        signing_key=SecretStr(pem.decode()),
        extra_public_keys=json.dumps([old.jwks()["keys"][0]]),
        signing_key_file=tmp_path / "never.pem",
    )
    keys = SigningKeys.from_settings(settings)
    assert [k["kid"] for k in keys.jwks()["keys"]] == [keys.kid, old.kid]
    assert not (tmp_path / "never.pem").exists()


def test_production_refuses_generated_keys_and_sqlite() -> None:
    with pytest.raises(ValidationError, match="SIGNING_KEY"):
        GatewaySettings(environment="production", database_url="postgresql+asyncpg://db/gateway")
    with pytest.raises(ValidationError, match="SQLite"):
        GatewaySettings(environment="production", signing_key=SecretStr("x"))
