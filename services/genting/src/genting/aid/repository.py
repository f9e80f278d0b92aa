"""Queries of nutrition aid: a sponsor sees its own OTA's, everyone else that of its region."""

from __future__ import annotations

from genting.access import SponsorScoped
from genting.aid.models import Aid


class Aids(SponsorScoped[Aid]):
    model = Aid
    noun = "aid"
    soft_deleted = False  # an aid closes; it is never deleted
