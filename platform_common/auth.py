"""Signed access tokens (JWT, HS256) carrying who the caller is and for which organisation.

The gateway issues them; every service verifies them again (defence in depth), because only
a service knows which records belong to which organisation.
"""
from __future__ import annotations

import time
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
        )
    except jwt.ExpiredSignatureError as e:
        raise TokenError("token expired") from e
    except (jwt.InvalidTokenError, KeyError, ValueError) as e:
        raise TokenError("invalid token") from e
