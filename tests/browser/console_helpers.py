"""What the browser tests share besides their fixtures."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Frontend:
    """A JavaScript frontend's origin: a plain page served on loopback, which the gateway's CORS allows."""

    origin: str
