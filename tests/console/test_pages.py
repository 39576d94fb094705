"""Page tests with httpx against the console process: who sees which page, and the session's rules."""
from __future__ import annotations

import re
import time

import httpx
import pytest

from console.access import pages
from console.session import COOKIE, Session, SessionCodec, User
from console.settings import DEMO_SESSION_SECRET
from platform_common.auth import OrgKind, Principal, Role
from platform_common.auth import issue_token
from platform_common.settings import DEMO_JWT_SECRET
from gateway.demo import USERS

from .conftest import login

pytestmark = pytest.mark.integration

# one account per desk (the bureau's and the lead hospital's HR offices are two desks)
ACCOUNTS = ["dachang.referral", "qixing.referral", "peoples.referral", "bureau.analyst", "peoples.finance",
            "dachang.manager", "insurance.officer", "bureau.hr", "peoples.hr"]
MENU_PAGES = [p for p in pages() if p.in_menu]


def _user(username: str) -> User:
    from tests.support.tokens import ORGS

    u = next(x for x in USERS if x.username == username)
    org = ORGS[u.org_id]
    return User(username, u.role.value, u.org_id, org.kind.value, org.consortium_id)


@pytest.mark.parametrize("username", ACCOUNTS)
def test_every_page_renders_for_its_desks_and_is_403_for_the_others(desk, username):
    client, user = desk(username), _user(username)
    home = client.get("/")
    assert home.status_code == 200 and 'lang="zh-CN"' in home.text
    for page in MENU_PAGES:
        r = client.get(page.path)
        if page.allows(user):
            assert r.status_code == 200, (page.path, r.text[:300])
            assert f'href="{page.path}"' in home.text  # ...and its menu offers it
        else:
            assert r.status_code == 403, (page.path, r.status_code)
            assert "无权访问" in r.text and "Traceback" not in r.text
            assert f'href="{page.path}"' not in home.text


def test_without_a_session_every_page_leads_to_the_login_page(console):
    with httpx.Client(base_url=console.console_url) as anonymous:
        for page in MENU_PAGES:
            r = anonymous.get(page.path)
            assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


def test_the_session_cookie_is_httponly_strict_and_secure_over_https(console):
    plain = httpx.get(f"{console.console_url}/login").headers["set-cookie"].lower()
    assert "httponly" in plain and "samesite=strict" in plain and "secure" not in plain
    # behind a TLS-terminating proxy on the same host (uvicorn trusts 127.0.0.1's X-Forwarded-Proto)
    tls = httpx.get(f"{console.console_url}/login", headers={"X-Forwarded-Proto": "https"}).headers["set-cookie"]
    assert "secure" in tls.lower() and "httponly" in tls.lower() and "samesite=strict" in tls.lower()


def test_a_bad_password_is_shown_beside_the_password_field(console):
    with httpx.Client(base_url=console.console_url) as c:
        token = c.get("/login").text.split('name="_csrf" value="')[1].split('"')[0]
        r = c.post("/login", data={"_csrf": token, "username": "dachang.referral", "password": "wrong-password"})
        assert r.status_code == 401
        assert 'id="f-password-error"' in r.text and "用户名或密码不正确" in r.text
        assert "wrong-password" not in r.text  # the password is never echoed into the page


def test_logout_ends_the_session(console):
    client = login(console.console_url, "tcm.referral")
    token = client.form_token("/")
    r = client.post("/logout", data={"_csrf": token})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert "您已安全退出" in client.get("/login").text
    assert client.get("/referrals/incoming").status_code == 303


def _forged(console, user: User, token: str, expires_at: float) -> httpx.Client:
    """A browser holding a session signed with the console's (demo) key, as if it had logged in earlier."""
    cookie = SessionCodec(DEMO_SESSION_SECRET, "auto").encode(
        Session(csrf="x" * 32, token=token, expires_at=expires_at, user=user))
    return httpx.Client(base_url=console.console_url, cookies={COOKIE: cookie})


def test_an_expired_session_goes_back_to_login_with_a_clear_message(console):
    user = _user("dachang.referral")
    principal = Principal(user.username, user.org_id, OrgKind.TOWNSHIP_CENTRE, user.consortium_id, Role.REFERRAL_CLERK)
    # the console's own clock says the token has expired
    with _forged(console, user, issue_token(principal, DEMO_JWT_SECRET, 60), time.time() - 1) as c:
        r = c.get("/referrals/outgoing")
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        assert "登录已过期，请重新登录" in c.get(r.headers["location"]).text
    # the gateway refuses a token the console still thought valid (e.g. the signing key was rotated)
    with _forged(console, user, issue_token(principal, DEMO_JWT_SECRET, -10), time.time() + 600) as c:
        r = c.get("/referrals/outgoing")
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        assert "登录已过期，请重新登录" in c.get(r.headers["location"]).text


def test_static_assets_are_served_by_the_console_and_pages_load_nothing_from_elsewhere(desk):
    client = desk("dachang.referral")
    page = client.get("/referrals/new-upward")
    assert not re.search(r'(src|href|action)="(https?:)?//', page.text)  # no CDN, no other host
    for asset in ("/static/console.css", "/static/console.js", "/static/icon.svg"):
        assert client.get(asset).status_code == 200
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert page.headers["cache-control"] == "no-store"
