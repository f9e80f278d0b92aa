"""Queries of a kitchen's community records (partners, education sessions): seen by whoever sees the kitchen;
never deleted."""

from __future__ import annotations

from dashat.community.models import EducationSession, Partner
from dashat.kitchens.repository import KitchenScoped


class Partners(KitchenScoped[Partner]):
    model = Partner
    noun = "partner"
    soft_deleted = False


class EducationSessions(KitchenScoped[EducationSession]):
    model = EducationSession
    noun = "education session"
    soft_deleted = False
