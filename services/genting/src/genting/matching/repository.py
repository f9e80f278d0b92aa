"""Queries of matches: a sponsor sees its own OTA's, everyone else those of its region."""

from __future__ import annotations

from genting.access import SponsorScoped
from genting.matching.models import Match


class Matches(SponsorScoped[Match]):
    model = Match
    noun = "match"
    soft_deleted = False  # a match ends; it is never deleted
