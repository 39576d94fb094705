"""The console against the real platform: broker, services, gateway and the console as processes.

`console` is a RunningStack with the console's port; `desk(username)` is an httpx client logged in to the
console through its login form, as a person would (cookies, CSRF token from the page). Page tests and
browser tests share one stack per session.
"""
from __future__ import annotations

import re
from datetime import date

import httpx
import pytest

from devstack.components import ALL, CONSOLE, SERVICES
from devstack.stack import free_port
from gateway.demo import DEMO_PASSWORD, USERS
from services.referral.domain.identity import check_char

CSRF = re.compile(r'name="_csrf" value="([^"]+)"')
ROLES_BY_USER = {u.username: u for u in USERS}


def national_id(birth: date = date(1958, 6, 3), seq: str = "271", region: str = "500237") -> str:
    """A valid 18-character ID; an odd 17th digit makes a man."""
    first17 = region + birth.strftime("%Y%m%d") + seq
    return first17 + check_char(first17)


@pytest.fixture(scope="session")
def console(tmp_path_factory: pytest.TempPathFactory):
    from tests.integration.conftest import RunningStack, _directory_complete

    ports = {c.name: free_port() for c in ALL} | {CONSOLE.name: free_port()}
    s = RunningStack(tmp_path_factory.mktemp("console-stack"), ports, free_port(),
                     extra_env={"CONSORTIUM_DEMO_MODE": "true", "CONSOLE_WORKLIST_REFRESH_SECONDS": "5"})
    s._tokens = {}
    s.start(timeout=120)
    s.wait_until(lambda: all(_directory_complete(s.url(c.name)) for c in SERVICES), 60)
    yield s
    s.stop()


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form token"
    return found.group(1)


class Desk(httpx.Client):
    """A browser-like client of the console: keeps cookies, reads each form's CSRF token from its page."""

    def form_token(self, path: str) -> str:
        r = self.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text[:500])
        return csrf_of(r.text)

    def submit(self, path: str, data: dict, page: str | None = None) -> httpx.Response:
        """GET the page (for its token), then POST the form to `path`."""
        token = self.form_token(page or path)
        return self.post(path, data=data | {"_csrf": token})


def login(base_url: str, username: str) -> Desk:
    desk = Desk(base_url=base_url, timeout=30, follow_redirects=False)
    token = desk.form_token("/login")
    r = desk.post("/login", data={"username": username, "password": DEMO_PASSWORD, "_csrf": token, "next": "/"})
    assert r.status_code == 303, r.text[:2000]
    return desk


@pytest.fixture(scope="session")
def desk(console):
    opened: dict[str, Desk] = {}

    def get(username: str) -> Desk:
        if username not in opened:
            opened[username] = login(console.console_url, username)
        return opened[username]

    yield get
    for d in opened.values():
        d.close()


def last_year() -> int:
    """A fund year whose months can all be closed today (the grace for late claims has passed)."""
    from zoneinfo import ZoneInfo
    from datetime import datetime

    return datetime.now(ZoneInfo("Asia/Shanghai")).year - 1


@pytest.fixture(scope="session")
def fund_year(console) -> int:
    """Last year's budget of the demo consortium, created once for the console's payment tests."""
    year = last_year()
    with console.client("insurance.officer") as io:
        budgets = io.get("/payment/budgets", params={"consortium_id": "wushan"}).json()
        if not any(b["fund_year"] == year for b in budgets):
            r = io.post("/payment/budgets", json={"consortium_id": "wushan", "fund_year": year,
                                                  "enrolled_population": 100_000, "per_capita_fen": 900,
                                                  "out_of_area_reserve_fen": 10_000_000})
            assert r.status_code == 201, r.text
    return year


def wait_for(desk: "Desk", path: str, done: str = 'data-poll', timeout: float = 60) -> str:
    """GET a result page until the service has finished reading the file (no more progress box)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = desk.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text[:500])
        if done not in r.text:
            return r.text
        time.sleep(0.2)
    raise AssertionError(f"{path} still processing")
