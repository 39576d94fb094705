"""Who may do what, through the real gateway and services.

A) every route of every policy × every role × the organisation the caller works for (own, paired,
   unrelated): a role the policy leaves out gets the gateway's 403; a role it lets in reaches the service.
B) ownership with real records: a referral between 大昌镇 and its paired 县人民医院, a secondment request
   of 大昌镇, a claim of 大昌镇, each read and acted on from the own, the paired and an unrelated unit.
C) tokens: missing, expired, unsigned, tampered, signed with another secret: 401 at the gateway and at
   each service (which verify the token again).
"""
from __future__ import annotations

import base64
import json
import re
from datetime import date

import httpx
import jwt
import pytest

from gateway.policies import all_policies
from platform_common.auth import ISSUER, Role
from platform_common.settings import DEMO_JWT_SECRET
from tests.support.tokens import principal_for, token_for

# Where each role sits; the target organisation of a route is the caller's own, its pair, or an unrelated unit.
HOME = {Role.REFERRAL_CLERK: "dachang-thc", Role.UNIT_MANAGER: "dachang-thc",
        Role.FINANCE_OFFICER: "county-peoples-hospital", Role.HR_OFFICER: "county-peoples-hospital",
        Role.INSURANCE_OFFICER: "medical-insurance-office", Role.BUREAU_ANALYST: "health-bureau"}
RELATION = {"own": "dachang-thc", "paired": "county-peoples-hospital", "unrelated": "wuxia-thc"}
NO_SUCH = "00000000-0000-0000-0000-000000000000"
POLICIES = all_policies()
MATRIX = [(service, rule, role, relation) for service, policy in POLICIES.items() for rule in policy.rules
          for role in Role for relation in RELATION]


def fill(path: str, target_org: str) -> str:
    values = {"org_id": target_org, "month": "2026-11", "account": "fund:wushan"}
    return re.sub(r"\{([^}]+)\}", lambda m: values.get(m[1], NO_SUCH), path)


def caller_org(role: Role, relation: str) -> str:
    # Unit roles are tried as staff of the own, paired or unrelated unit; the offices have one home.
    if role in (Role.REFERRAL_CLERK, Role.UNIT_MANAGER, Role.FINANCE_OFFICER, Role.HR_OFFICER):
        return RELATION[relation]
    return HOME[role]


def test_every_route_every_role_every_organisation(platform) -> None:  # noqa: ANN001
    client = httpx.Client(base_url=platform.gateway_url, timeout=30)
    wrong: list[str] = []
    for service, rule, role, relation in MATRIX:
        path = "/" + service + fill(rule.path, RELATION[relation])
        headers = {"Authorization": f"Bearer {token_for(caller_org(role, relation), role)}"}
        r = client.request(rule.method, path, headers=headers,
                           json={} if rule.method in ("POST", "PUT", "PATCH") else None)
        refused_by_gateway = r.status_code == 403 and "required" in r.json()["error"].get("details", {})
        if role not in rule.roles:
            if not refused_by_gateway or r.json()["error"]["details"]["required"] != sorted(x.value for x in rule.roles):
                wrong.append(f"{rule.method} {path} as {role.value}@{relation}: {r.status_code}, expected the gateway's 403")
        elif refused_by_gateway or r.status_code in (401, 405) or r.status_code >= 500:
            wrong.append(f"{rule.method} {path} as {role.value}@{relation}: {r.status_code} {r.text[:120]}")
    assert not wrong, "\n".join(wrong[:30])
    print(f"\nAUTHZ MATRIX: {len(MATRIX)} route × role × organisation cases over {sum(len(p.rules) for p in POLICIES.values())} routes")


def _as(platform, org: str, role: Role) -> httpx.Client:  # noqa: ANN001
    return httpx.Client(base_url=platform.gateway_url, timeout=30,
                        headers={"Authorization": f"Bearer {token_for(org, role)}"})


def _national_id() -> str:
    from services.referral.domain.identity import check_char

    first17 = "500237" + "19660205" + "337"
    return first17 + check_char(first17)


@pytest.fixture(scope="module")
def records(platform) -> dict[str, str]:  # noqa: ANN001
    clerk = _as(platform, "dachang-thc", Role.REFERRAL_CLERK)
    r = clerk.post("/referral/referrals/upward", json={
        "patient": {"name": "周六", "sex": "male", "date_of_birth": "1966-02-05", "national_id": _national_id()},
        "icd10": "J18.9", "diagnosis": "肺炎", "reason": "需住院", "urgency": "routine",
        "to_org_id": "county-peoples-hospital", "specialty": "respiratory"})
    assert r.status_code == 201, r.text
    manager = _as(platform, "dachang-thc", Role.UNIT_MANAGER)
    q = manager.post("/staffing/secondments", json={
        "org_id": "dachang-thc", "specialty": "cardiology", "title_level": "intermediate", "headcount": 1,
        "start_date": "2030-01-10", "end_date": "2030-03-10", "reason": "心内科支援"})
    assert q.status_code == 201, q.text
    finance = _as(platform, "county-peoples-hospital", Role.FINANCE_OFFICER)
    c = finance.post("/payment/claims", json={"claim_no": "AUTHZ-1", "kind": "member_outpatient",
                                              "org_id": "dachang-thc", "amount_fen": 1000,
                                              "service_date": date.today().isoformat()})
    assert c.status_code == 201, c.text
    return {"R": r.json()["referral_id"], "Q": q.json()["request_id"], "C": "AUTHZ-1"}


CLERK, MANAGER, HR, FINANCE = Role.REFERRAL_CLERK, Role.UNIT_MANAGER, Role.HR_OFFICER, Role.FINANCE_OFFICER
# (method, path, body, caller org, role, relation, expected status); rows run in order.
OWNERSHIP = [
    ("GET", "/referral/referrals/{R}", None, "dachang-thc", CLERK, "own (sender)", 200),
    ("GET", "/referral/referrals/{R}", None, "county-peoples-hospital", CLERK, "paired (receiver)", 200),
    ("GET", "/referral/referrals/{R}", None, "wuxia-thc", CLERK, "unrelated", 404),
    ("GET", "/referral/referrals/{R}", None, "county-tcm-hospital", CLERK, "unrelated hospital", 404),
    ("POST", "/referral/referrals/{R}/accept", {"bed_no": "1"}, "dachang-thc", CLERK, "own (sender)", 403),
    ("POST", "/referral/referrals/{R}/accept", {"bed_no": "1"}, "wuxia-thc", CLERK, "unrelated", 404),
    ("POST", "/referral/referrals/{R}/accept", {"bed_no": "1"}, "county-tcm-hospital", CLERK, "unrelated hospital", 404),
    ("POST", "/referral/referrals/{R}/accept", {"bed_no": "1"}, "county-peoples-hospital", CLERK, "paired (receiver)", 200),
    ("GET", "/referral/indicators?period=2026-11&org_id=dachang-thc", None, "dachang-thc", CLERK, "own", 200),
    ("GET", "/referral/indicators?period=2026-11&org_id=dachang-thc", None, "wuxia-thc", CLERK, "unrelated", 403),
    ("GET", "/referral/indicators?period=2026-11&org_id=dachang-thc", None, "wuxia-thc", MANAGER, "unrelated", 403),
    ("GET", "/staffing/secondments/{Q}", None, "dachang-thc", MANAGER, "own", 200),
    ("GET", "/staffing/secondments/{Q}", None, "luoping-thc", MANAGER, "unrelated", 403),
    ("GET", "/staffing/secondments/{Q}", None, "county-peoples-hospital", HR, "paired (lead hospital HR)", 200),
    ("POST", "/staffing/secondments/{Q}/cancel", None, "luoping-thc", MANAGER, "unrelated", 403),
    ("GET", "/staffing/units/dachang-thc/quota", None, "dachang-thc", MANAGER, "own", 200),
    ("GET", "/staffing/units/dachang-thc/quota", None, "luoping-thc", MANAGER, "unrelated", 403),
    ("GET", "/payment/claims/{C}", None, "dachang-thc", MANAGER, "own", 200),
    ("GET", "/payment/claims/{C}", None, "luoping-thc", MANAGER, "unrelated", 404),
    ("GET", "/payment/claims/{C}", None, "county-peoples-hospital", FINANCE, "paired (consortium finance)", 200),
]


@pytest.mark.parametrize("method, path, body, org, role, relation, expected", OWNERSHIP,
                         ids=[f"{m} {p} {r.value}@{rel}" for m, p, _, _, r, rel, _ in OWNERSHIP])
def test_ownership(platform, records, method, path, body, org, role, relation, expected) -> None:  # noqa: ANN001
    url = path.format(**records)
    r = _as(platform, org, role).request(method, url, json=body if method != "GET" else None)
    assert r.status_code == expected, f"{method} {url} as {role.value}@{org} ({relation}): {r.status_code} {r.text[:200]}"


def test_a_unit_sees_only_its_own_claims_in_lists(platform, records) -> None:  # noqa: ANN001
    own = _as(platform, "dachang-thc", MANAGER).get("/payment/claims").json()["items"]
    other = _as(platform, "luoping-thc", MANAGER).get("/payment/claims").json()["items"]
    assert records["C"] in {c["claim_no"] for c in own}
    assert records["C"] not in {c["claim_no"] for c in other}


def _tampered(token: str) -> str:
    head, body, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["role"] = "hr_officer"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{forged}.{sig}"


def _bad_tokens() -> dict[str, str]:
    good = token_for("dachang-thc", CLERK)
    claims = principal_for("dachang-thc", CLERK).claims() | {"iat": 1, "exp": 2, "iss": ISSUER}
    return {
        "expired": token_for("dachang-thc", CLERK, ttl=-10),
        "unsigned": jwt.encode(claims | {"exp": 4_000_000_000}, key=None, algorithm="none"),
        "tampered": _tampered(good),
        "other secret": token_for("dachang-thc", CLERK, secret="another-secret-of-at-least-32-characters!"),
        "garbage": "not-a-token",
    }


@pytest.mark.parametrize("kind", list(_bad_tokens()) + ["missing"])
def test_bad_tokens_are_refused_by_the_gateway_and_by_each_service(platform, kind: str) -> None:  # noqa: ANN001
    headers = {} if kind == "missing" else {"Authorization": f"Bearer {_bad_tokens()[kind]}"}
    targets = [(platform.gateway_url, "/me"), (platform.gateway_url, "/referral/referrals"),
               (platform.url("referral"), "/referrals"), (platform.url("payment"), "/claims"),
               (platform.url("staffing"), "/staff")]
    for base, path in targets:
        r = httpx.get(base + path, headers=headers, timeout=10)
        assert r.status_code == 401, f"{kind} token at {base}{path}: {r.status_code}"
        assert r.json()["error"]["code"] == "unauthenticated"
    assert DEMO_JWT_SECRET  # the stack runs in demo mode; tests/unit/platform covers the refusal outside it
