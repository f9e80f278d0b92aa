"""The RS256 signing key and the JWKS: the current key signs, extra public keys are published while rotating."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from gateway.settings import GatewaySettings

logger = logging.getLogger(__name__)

KEY_BITS = 3072


def thumbprint(public_jwk: dict[str, Any]) -> str:
    """RFC 7638 JWK thumbprint, used as the key id."""
    members = {name: public_jwk[name] for name in ("e", "kty", "n")}
    digest = hashlib.sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class SigningKeys:
    def __init__(self, private_key: rsa.RSAPrivateKey, extra_public_jwks: list[dict[str, Any]] | None = None) -> None:
        self._private_key = private_key
        public = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
        self.kid = thumbprint(public)
        self._public_jwk = {**public, "kid": self.kid, "alg": "RS256", "use": "sig"}
        self._extra = [k for k in (extra_public_jwks or []) if k.get("kid") != self.kid]

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self._public_jwk, *self._extra]}

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self._private_key, algorithm="RS256", headers={"kid": self.kid})

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> SigningKeys:
        extra = json.loads(settings.extra_public_keys) if settings.extra_public_keys else []
        if settings.signing_key is not None:
            pem = settings.signing_key.get_secret_value().encode()
            return cls(_load_private_key(pem), extra)
        return cls(_load_or_generate(settings.signing_key_file), extra)


def _load_private_key(pem: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the signing key must be an RSA private key")
    return key


def _load_or_generate(path: Path) -> rsa.RSAPrivateKey:
    """Embedded default only: the key lives in a 0600 file, made on first start."""
    if path.exists():
        return _load_private_key(path.read_bytes())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    logger.info("generated a new signing key at %s", path)
    return key
