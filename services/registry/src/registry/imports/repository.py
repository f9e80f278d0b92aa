"""Queries of import jobs: a caller sees the jobs whose region (the uploader's, of any level) lies in its own."""

from __future__ import annotations

from kkb_shared.repository import Repository
from registry.imports.models import ImportJob


class ImportJobs(Repository[ImportJob]):
    model = ImportJob
    noun = "import"
    region_column = "region"
    soft_deleted = False  # a job's record stays; its staged rows are cleared when it ends
