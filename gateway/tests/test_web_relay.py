"""The web console behind the gateway at /app/: its paths pass whole, a browser's cookies go with them (and
only to it), the console learns the browser's address from the gateway alone, and its cookies come back."""

from __future__ import annotations

import httpx

from gateway_helpers import FakeUpstream


async def test_the_console_gets_its_paths_its_cookies_and_the_browsers_address(
    gateway: httpx.AsyncClient, fake_upstream: FakeUpstream
) -> None:
    response = await gateway.post(
        "/app/login?next=%2Fapp%2Fkrs",
        content=b"username=kader&password=x",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "kkb_csrf=abc",
            "Authorization": "Bearer not-for-the-console",
            "X-Forwarded-For": "203.0.113.9",  # the caller's own claim: replaced, never passed on
            "Origin": "http://gateway",
        },
    )
    assert response.status_code == 200
    reached = fake_upstream.requests[-1]
    assert reached.url.port == 8005  # the console's upstream, not a program's
    seen = response.json()
    assert seen["path"] == "/app/login?next=%2Fapp%2Fkrs" and seen["body"] == "username=kader&password=x"
    headers = seen["headers"]
    assert headers["cookie"] == "kkb_csrf=abc" and headers["origin"] == "http://gateway"
    assert headers["x-forwarded-for"] == "127.0.0.1" and headers["x-forwarded-proto"] == "http"
    assert "authorization" not in headers


async def test_the_consoles_cookies_and_redirects_come_back_unchanged(
    gateway: httpx.AsyncClient, fake_upstream: FakeUpstream
) -> None:
    async def signed_in(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            303,
            headers=[
                ("location", "/app/krs"),
                ("set-cookie", "kkb_at=a; HttpOnly; Path=/app; SameSite=strict; Secure"),
                ("set-cookie", "kkb_rt=r; HttpOnly; Path=/app; SameSite=strict; Secure"),
            ],
        )

    fake_upstream.handler = signed_in
    response = await gateway.post(
        "/app/login", content=b"", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 303 and response.headers["location"] == "/app/krs"
    assert response.headers.get_list("set-cookie") == [
        "kkb_at=a; HttpOnly; Path=/app; SameSite=strict; Secure",
        "kkb_rt=r; HttpOnly; Path=/app; SameSite=strict; Secure",
    ]


async def test_the_bare_app_path_reaches_the_console_and_the_programs_keep_their_cookie_rule(
    gateway: httpx.AsyncClient, fake_upstream: FakeUpstream
) -> None:
    bare = await gateway.get("/app")
    assert bare.status_code == 200 and bare.json()["path"] == "/app"
    program = await gateway.get("/registry/v1/families", headers={"Cookie": "kkb_at=a"})
    assert "cookie" not in program.json()["headers"] and fake_upstream.requests[-1].url.port == 8001
    assert (await gateway.get("/application")).status_code == 404  # only /app and what lies under it
