"""Queries of non-nutrition aid: a sponsor sees its own OTA's, everyone else that of its region."""

from __future__ import annotations

from genting.access import SponsorScoped
from genting.support.models import Support


class Supports(SponsorScoped[Support]):
    model = Support
    noun = "non-nutrition aid"
    soft_deleted = False  # cancelled, never deleted
