"""Signed access tokens (JWT, HS256) carrying who the caller is and for which organisation.

The gateway issues them; every service verifies them again (defence in depth), because only
a service knows which records belong to which organisation.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum

import jwt

ISSUER = "consortium-gateway"


class OrgKind(StrEnum):
    COUNTY_HOSPITAL = "county_hospital"
    TOWNSHIP_CENTRE = "township_centre"
    VILLAGE_CLINIC = "village_clinic"
    INSURANCE_OFFICE = "insurance_office"
    HEALTH_BUREAU = "health_bureau"


class Role(StrEnum):
    REFERRAL_CLERK = "referral_clerk"        # referral desk of a hospital, centre or clinic
    FINANCE_OFFICER = "finance_officer"      # consortium finance office (财务一本账), at the lead hospital
    INSURANCE_OFFICER = "insurance_officer"  # medical insurance office (医保局)
    HR_OFFICER = "hr_officer"                # health bureau HR office / lead hospital HR
    BUREAU_ANALYST = "bureau_analyst"        # health bureau, aggregate indicators only
    UNIT_MANAGER = "unit_manager"            # head of a member unit (requests staff, reads own money)


@dataclass(frozen=True)
class Principal:
    username: str
    org_id: str
    org_kind: OrgKind
    consortium_id: str | None
    role: Role

    def claims(self) -> dict:
        return {
            "sub": self.username,
            "org": self.org_id,
            "org_kind": self.org_kind.value,
            "consortium": self.consortium_id,
            "role": self.role.value,
        }


class TokenError(Exception):
    pass


def issue_token(principal: Principal, secret: str, ttl_seconds: int, algorithm: str = "HS256") -> str:
    now = int(time.time())
    claims = principal.claims() | {"iat": now, "exp": now + ttl_seconds, "iss": ISSUER}
    return jwt.encode(claims, secret, algorithm=algorithm)


def verify_token(token: str, secret: str, algorithm: str = "HS256") -> Principal:
    return _verified(token, secret, algorithm)[0]


def _verified(token: str, secret: str, algorithm: str) -> tuple[Principal, int]:
    """The token's principal and its expiry (epoch seconds), or TokenError."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[algorithm], issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "org", "role", "iss"]},
        )
        return Principal(
            username=claims["sub"],
            org_id=claims["org"],
            org_kind=OrgKind(claims["org_kind"]),
            consortium_id=claims.get("consortium"),
            role=Role(claims["role"]),
        ), int(claims["exp"])
    except jwt.ExpiredSignatureError as e:
        raise TokenError("token expired") from e
    except (jwt.InvalidTokenError, KeyError, ValueError) as e:
        raise TokenError("invalid token") from e


class VerifiedTokens:
    """`verify_token` with the tokens already verified remembered until they expire (a bounded LRU).

    A client sends the same token with every request for hours; checking its signature and decoding its claims
    (base64, JSON, HMAC) was work the gateway and each service repeated per request. A remembered token is the
    exact same string that verified under the same secret, so the answer cannot differ, except for expiry, which
    is checked on each use as the decoder checks it (expired once `exp <= now`). Invalid tokens are never kept."""

    def __init__(self, secret: str, algorithm: str = "HS256", size: int = 4096) -> None:
        self.secret, self.algorithm, self.size = secret, algorithm, size
        self._known: OrderedDict[str, tuple[Principal, int]] = OrderedDict()
        self._lock = threading.Lock()  # the services verify in worker threads

    def verify(self, token: str) -> Principal:
        with self._lock:
            known = self._known.get(token)
            if known is not None:
                self._known.move_to_end(token)
        if known is None:
            known = _verified(token, self.secret, self.algorithm)
            with self._lock:
                self._known[token] = known
                if len(self._known) > self.size:
                    self._known.popitem(last=False)
        principal, expires = known
        if expires <= time.time():
            with self._lock:
                self._known.pop(token, None)
            raise TokenError("token expired")
        return principal
