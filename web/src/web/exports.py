"""Downloads of a page's table: CSV (UTF-8, comma-separated, a header row) and XLSX, from the same rows the page
shows, so a download and its page never disagree."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from starlette.responses import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = str | int | float | None


def csv_download(filename: str, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> Response:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        text.getvalue().encode(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
    )


def xlsx_download(filename: str, sheet_name: str, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> Response:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
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
        return csv_download(filename, header, rows)
    return xlsx_download(filename, sheet_name, header, rows)
