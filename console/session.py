"""The session: a signed cookie holding the gateway token, who the user is, and the form token.

The cookie is signed (itsdangerous), HttpOnly (page scripts cannot read the token), SameSite=Strict (no other
site can make the browser send it) and Secure when the console is served over HTTPS. Every session, also the
anonymous one of the login page, carries a random CSRF token that each form repeats in a hidden field; it is
renewed at login, so a token seen before login is worthless after it.
"""
from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import asdict, dataclass, field, replace

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

COOKIE = "console_session"
CSRF_FIELD = "_csrf"
# An anonymous session (the login page) only needs to outlive filling in the login form.
ANONYMOUS_MAX_AGE = 3600


@dataclass(frozen=True)
class User:
    username: str
    role: str
    org_id: str
    org_kind: str
    consortium_id: str | None


@dataclass(frozen=True)
class Session:
    csrf: str
    token: str | None = None
    expires_at: float | None = None  # the gateway token's expiry (epoch seconds)
    user: User | None = None
    flash: str | None = None
    notice: str | None = None  # why the user landed on the login page (e.g. the token expired)
    changed: bool = field(default=False, compare=False)

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and time.time() >= self.expires_at

    def with_(self, **kw) -> "Session":  # noqa: ANN003
        return replace(self, changed=True, **kw)


def new_session(notice: str | None = None) -> Session:
    return Session(csrf=secrets.token_urlsafe(24), notice=notice, changed=True)


class SessionCodec:
    def __init__(self, secret: str, secure: str) -> None:
        self.serializer = URLSafeTimedSerializer(secret, salt="console-session")
        self.secure = secure

    def load(self, request: Request) -> Session:
        raw = request.cookies.get(COOKIE)
        if not raw:
            return new_session()
        try:
            data, signed_at = self.serializer.loads(raw, return_timestamp=True)
        except BadSignature:
            return new_session()
        # a logged-in session lives as long as its token (checked by `expired`); an anonymous one an hour
        if data.get("expires_at") is None and time.time() - signed_at.timestamp() > ANONYMOUS_MAX_AGE:
            return new_session()
        user = data.pop("user", None)
        return Session(user=User(**user) if user else None, **data)

    def encode(self, session: Session) -> str:
        data = asdict(session)
        data.pop("changed")
        return self.serializer.dumps(data)

    def save(self, request: Request, response: Response, session: Session) -> None:
        max_age = ANONYMOUS_MAX_AGE
        if session.expires_at is not None:
            max_age = max(1, int(session.expires_at - time.time()))
        secure = self.secure == "always" or request.url.scheme == "https"
        response.set_cookie(COOKIE, self.encode(session), max_age=max_age, httponly=True,
                            samesite="strict", secure=secure, path="/")


def csrf_ok(session: Session, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(session.csrf, submitted or "")
