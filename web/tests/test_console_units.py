"""The console's own logic, without a browser: shared renewals of one refresh token, where a sign-in may send a
person back to, how a problem answer is read, the growth chart's geometry, and the formats of numbers."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import httpx
import pytest
from starlette.requests import Request

from kkb_shared.auth import Principal, Role
from kkb_shared.errors import InvalidToken, UpstreamUnavailable
from web import exports, i18n, visit_forms
from web.api import Problem, Tokens
from web.charts import chart
from web.pages.auth import safe_next
from web.session import Sessions, SignInRequired


class FakeGateway:
    """The token endpoint: counts grants; each takes a moment, so that concurrent renewals overlap."""

    def __init__(self, refuse: bool = False) -> None:
        self.grants: list[dict[str, str]] = []
        self.refuse = refuse

    async def grant(self, form: dict[str, str], forwarded_for: str | None) -> Tokens:
        self.grants.append(form)
        await asyncio.sleep(0.05)
        if self.refuse:
            raise Problem(400, "invalid_grant", "Refresh token is not valid")
        return Tokens(f"access-{len(self.grants)}", 900, f"refresh-{len(self.grants)}")


class FakeVerifier:
    async def verify(self, token: str) -> Principal:
        if not token.startswith("access-"):
            raise InvalidToken("Token expired")
        return Principal(subject="kader", role=Role.TPK, region="6101042015")


def request_with(cookies: str) -> Request:
    scope = {"type": "http", "method": "GET", "path": "/app/families", "headers": [(b"cookie", cookies.encode())]}
    scope |= {"query_string": b"", "client": ("192.0.2.7", 5000)}
    return Request(scope)


async def test_concurrent_renewals_of_one_refresh_token_make_one_grant() -> None:
    """A page and its download find the access token expired at once: a second grant with the same refresh
    token would look like a stolen token to the gateway and end the sign-in, so they share one."""
    gateway = FakeGateway()
    sessions = Sessions(gateway, FakeVerifier())
    requests = [request_with("kkb_at=expired; kkb_rt=refresh-0") for _ in range(5)]
    found = await asyncio.gather(*(sessions.of(request) for request in requests))
    assert len(gateway.grants) == 1 and gateway.grants[0]["refresh_token"] == "refresh-0"
    assert {session.token for session in found} == {"access-1"}
    assert all(request.state.renewed.refresh_token == "refresh-1" for request in requests)

    other = await sessions.of(request_with("kkb_at=expired; kkb_rt=refresh-of-someone-else"))
    assert other.token == "access-2" and len(gateway.grants) == 2  # another sign-in renews on its own


async def test_a_refused_renewal_means_signing_in_again_and_a_valid_token_needs_none() -> None:
    sessions = Sessions(FakeGateway(refuse=True), FakeVerifier())
    with pytest.raises(SignInRequired):
        await sessions.of(request_with("kkb_at=expired; kkb_rt=revoked"))
    with pytest.raises(SignInRequired):
        await sessions.of(request_with(""))
    assert (await sessions.of(request_with("kkb_at=access-9"))).token == "access-9"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/app/krs?region=6101", "/app/krs?region=6101"),
        (None, "/app/"),
        ("https://evil.example/app/", "/app/"),
        ("//evil.example/app/", "/app/"),
        ("/docs", "/app/"),
        ("/app/../auth/token", "/app/../auth/token"),  # a path of this site: the gateway refuses dot segments
    ],
)
def test_after_sign_in_a_person_goes_back_only_within_the_console(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def test_a_problem_names_its_fields_for_the_form() -> None:
    answer = httpx.Response(
        422,
        json={
            "title": "Invalid input",
            "detail": "weight_kg: Input should be less than or equal to 40",
            "errors": [{"field": "weight_kg", "message": "Input should be less than or equal to 40"}],
        },
    )
    problem = Problem.of(answer)
    assert problem.status == 422 and problem.fields == {"weight_kg": "Input should be less than or equal to 40"}
    assert not problem.unavailable and Problem.of(httpx.Response(503, text="down")).unavailable


def test_a_chart_places_the_lines_and_leaves_out_points_of_another_chart() -> None:
    standard: list[dict[str, Any]] = [
        {
            "x": float(x),
            "sd_minus3": 40.0 + x,
            "sd_minus2": 42.0 + x,
            "median": 45.0 + x,
            "sd_plus2": 48.0 + x,
            "sd_plus3": 50.0 + x,
        }
        for x in range(0, 25)
    ]
    drawn = chart(
        title="t",
        x_label="x",
        y_label="y",
        standard=standard,
        points=[(12.0, 57.0, "on the median"), (30.0, 70.0, "older")],
    )
    assert [dot.label for dot in drawn.dots] == ["on the median"]
    dot = drawn.dots[0]
    median = dict(point.split(",") for point in drawn.lines[2][1].split(" "))
    assert median[str(dot.x)] == str(dot.y)  # the point lies on the median line where it belongs
    assert drawn.left <= dot.x <= drawn.right and drawn.top <= dot.y <= drawn.bottom
    assert [tick.value for tick in drawn.x_ticks][:2] == [0, 5]


def test_numbers_money_and_dates_in_indonesian_format_in_either_language() -> None:
    """English is the interface's second language; numbers, rupiah and dates stay as Indonesia writes them
    (the CLDR locale en_ID), so a table reads the same to everyone."""
    assert i18n.rupiah("id", 1_500_000) == i18n.rupiah("en", 1_500_000) == "Rp 1.500.000"
    assert i18n.number("id", 1234.5, 1) == i18n.number("en", 1234.5, 1) == "1.234,5"
    assert i18n.share("id", 276, 292) == "94,5%" and i18n.share("id", 3, 0) == "–"
    assert i18n.day("id", "2026-08-30") == "30 Agu 2026" and i18n.day("en", "2026-08-30") == "30 Aug 2026"
    assert i18n.translate("en", "sign_in") == "Sign in" and i18n.translate("id", "sign_in") == "Masuk"


def test_a_posted_visit_form_becomes_the_apis_body_and_leaves_judging_to_the_api() -> None:
    form = {
        "visited_on": ["2026-11-30"],
        "gestational_age_weeks": ["24"],
        "weight_kg": ["58,5"],
        "lila_cm": ["dua puluh"],  # no number: sent as typed, for the API to name the field
        "hb_g_dl": [""],
        "has_buku_kia": ["false"],
        "danger_signs": ["bengkak", "kejang"],
        "csrf": ["x"],
    }
    body = visit_forms.body_of("ibu_hamil", form)
    assert body == {
        "category": "ibu_hamil",
        "visited_on": "2026-11-30",
        "gestational_age_weeks": 24,
        "weight_kg": 58.5,
        "lila_cm": "dua puluh",
        "p4k_sticker": False,
        "has_buku_kia": False,
        "danger_signs": ["bengkak", "kejang"],
        "referred": False,
    }
    assert [field.name for field in visit_forms.fields_of("balita")][:3] == ["visited_on", "weight_kg", "length_cm"]


async def test_the_gateways_keys_out_of_reach_is_a_503_page_not_a_sign_in() -> None:
    class KeysDown:
        async def verify(self, token: str) -> Principal:
            raise UpstreamUnavailable("The gateway's signing keys could not be fetched")

    sessions = Sessions(FakeGateway(), KeysDown())
    with pytest.raises(Problem) as raised:
        await sessions.of(request_with("kkb_at=access-1; kkb_rt=refresh-0"))
    assert raised.value.status == 503 and raised.value.unavailable


def test_every_krs_code_of_the_registry_has_a_name_in_both_languages() -> None:
    from registry.families.rules import FLAG_COLUMNS

    assert set(FLAG_COLUMNS) == set(i18n.KRS_CODES)
    assert (
        i18n.krs_label("id", "terlalu_muda") == "Terlalu muda" and i18n.krs_label("en", "terlalu_muda") == "Too young"
    )
    assert i18n.krs_label("id", "something_new") == "something_new"


def test_a_downloaded_table_never_carries_a_formula() -> None:
    rows: list[list[exports.Cell]] = [["6101", '=HYPERLINK("x")', 3]]
    text = exports.table_download("csv", "t", "T", ["code", "name", "n"], rows).body.decode()
    assert text.splitlines()[1] == '6101,"\'=HYPERLINK(""x"")",3'
    book = exports.table_download("xlsx", "t", "T", ["code", "name", "n"], rows).body
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(bytes(book)), read_only=True).active
    assert list(sheet.iter_rows(values_only=True))[1] == ("6101", '\'=HYPERLINK("x")', 3)
