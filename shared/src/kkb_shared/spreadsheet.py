"""Text written to spreadsheet files (CSV, XLSX) made safe to open, and read back unchanged.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is taken by a spreadsheet for a
formula (OWASP, *CSV Injection*): a name typed as `=HYPERLINK(...)` would run on the screen of whoever opens the
export. Such text is written with a leading apostrophe, which spreadsheets read as "this is text", and the
import takes the apostrophe off again (`restore`). Text that already starts with apostrophes before one of
those characters gets one more, so every value comes back exactly as it was.

Every CSV the platform answers is `text/csv; charset=utf-8`; reports are written by `csv_download`."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from starlette.responses import Response  # fastapi's own, without loading all of fastapi

FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


def neutralise(text: str) -> str:
    return "'" + text if FORMULA_START.match(text) else text


def restore(text: str) -> str:
    """The value `neutralise` was given."""
    return text[1:] if text.startswith("'") and FORMULA_START.match(text, 1) else text


def safe_row(cells: Iterable[Any]) -> list[Any]:
    """A report row for csv.writer: its text neutralised, its numbers left as they are."""
    return [neutralise(cell) if isinstance(cell, str) else cell for cell in cells]


CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def csv_answer(description: str) -> dict[int | str, dict[str, Any]]:
    """The published 200 of a route that answers a CSV download."""
    return {200: {"content": {"text/csv": {}}, "description": description}}


def csv_download(rows: Iterable[Iterable[Any]], filename: str) -> Response:
    """A report as a CSV download, every text cell neutralised (the first row is the header)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(safe_row(row))
    disposition = f'attachment; filename="{filename}"'
    return Response(buffer.getvalue(), media_type=CSV_MEDIA_TYPE, headers={"Content-Disposition": disposition})
