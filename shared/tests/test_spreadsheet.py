"""Spreadsheet text: neutralised so no cell is a formula, restored to exactly what it was."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kkb_shared.spreadsheet import csv_download, neutralise, restore, safe_row


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x","klik")', '\'=HYPERLINK("http://x","klik")'),
        ("=1+2", "'=1+2"),
        ("+62 812", "'+62 812"),
        ("-", "'-"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("Siti", "Siti"),
        ("'Ali", "'Ali"),
        ('Jl. "Mawar" 5', 'Jl. "Mawar" 5'),
        ("", ""),
    ],
)
def test_formula_starts_get_an_apostrophe(text: str, written: str) -> None:
    assert neutralise(text) == written
    assert restore(written) == text


@given(st.text())
def test_every_text_comes_back_unchanged(text: str) -> None:
    assert restore(neutralise(text)) == text
    assert neutralise(text)[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_numbers_in_a_report_row_stay_numbers() -> None:
    assert safe_row(["=bad", -5, 2.5, None, "ok"]) == ["'=bad", -5, 2.5, None, "ok"]


def test_a_csv_download_is_utf8_csv_with_its_text_neutralised() -> None:
    answer = csv_download([["name", "count"], ["=HYPERLINK(1)", 3], ["Siti Aisyah", -2]], "laporan.csv")
    assert answer.media_type == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == 'attachment; filename="laporan.csv"'
    assert bytes(answer.body).decode() == "name,count\r\n'=HYPERLINK(1),3\r\nSiti Aisyah,-2\r\n"
