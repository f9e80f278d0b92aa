"""Downloads of a page's table, CSV or XLSX, from the same rows the page shows, so a download and its page never
disagree. Text that a spreadsheet would take for a formula is written as text (`kkb_shared.spreadsheet`), as in
every other export of the platform."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from starlette.responses import Response

from kkb_shared.spreadsheet import csv_download, safe_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = str | int | float | None


def xlsx_download(filename: str, sheet_name: str, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> Response:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    sheet.append(list(header))
    for row in rows:
        sheet.append(safe_row(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(
        buffer.getvalue(),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'},
    )


def table_download(
    extension: str, filename: str, sheet_name: str, header: Sequence[str], rows: Sequence[Sequence[Cell]]
) -> Response:
    """The table as `csv` or `xlsx`."""
    if extension == "csv":
        return csv_download([header, *rows], f"{filename}.csv")
    return xlsx_download(filename, sheet_name, header, rows)
