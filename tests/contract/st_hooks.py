"""Schemathesis hooks for the contract run (loaded with `SCHEMATHESIS_HOOKS=st_hooks`).

An Idempotency-Key binds a caller's key to its first request: the same key with another body is refused
(422), as the API contract says. Schemathesis draws keys from a small pool and would send one key with many
bodies, so each well-formed key it draws is made unique here (still well-formed: printable ASCII, at most 255
characters). A malformed key is left as drawn, so the negative cases still test the header's rules."""

from __future__ import annotations

import re
import uuid
from typing import Any

import schemathesis

WELL_FORMED = re.compile(r"[\x21-\x7e]{1,255}")


@schemathesis.hook
def before_call(ctx: Any, case: Any, **kwargs: Any) -> None:
    headers = case.headers
    if headers and isinstance(key := headers.get("Idempotency-Key"), str) and WELL_FORMED.fullmatch(key):
        headers["Idempotency-Key"] = f"{key[:222]}-{uuid.uuid4().hex}"
