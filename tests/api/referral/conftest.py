"""Fixtures: the referral service in-process (no broker), and valid bodies for each kind of referral."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.referral import bootstrap
from services.referral.domain.identity import check_char
from services.referral.settings import ReferralSettings
from tests.support.service_app import service_client
from tests.support.tokens import demo_user_header


def make_id(region: str = "500237", birth: date = date(1961, 3, 8), seq: str = "123") -> str:
    """A valid 18-character ID; an odd last sequence digit makes a man."""
    first17 = region + birth.strftime("%Y%m%d") + seq
    return first17 + check_char(first17)


PATIENT = {"name": "张三", "sex": "male", "date_of_birth": "1961-03-08", "national_id": make_id()}


@pytest.fixture
def client(tmp_path):
    with service_client(bootstrap, ReferralSettings, tmp_path) as c:
        yield c


@pytest.fixture
def as_user():
    return demo_user_header


def upward_body(**over) -> dict:
    body = {
        "patient": dict(PATIENT), "icd10": "I21.4", "diagnosis": "急性非ST段抬高型心肌梗死",
        "reason": "需要冠脉造影，本院无条件", "urgency": "emergency", "emergency_category": "chest_pain",
        "to_org_id": "county-peoples-hospital", "specialty": "cardiology",
        "attachments": [{"name": "ecg.pdf", "content_type": "application/pdf", "size_bytes": 20480,
                         "storage_ref": "pacs://dachang/ecg/1"}],
    }
    return body | over


def downward_body(**over) -> dict:
    today = date.today()
    body = {
        "patient": dict(PATIENT), "icd10": "I10", "diagnosis": "原发性高血压 2级", "reason": "血压控制平稳，下转随访",
        "to_org_id": "dachang-thc", "specialty": "general_practice",
        "plan": {"medications": [{"name": "氨氯地平", "dose": "5mg", "frequency": "qd", "days": 30}],
                 "rehabilitation_plan": "低盐饮食，每日步行30分钟"},
        "follow_ups": [{"due_date": (today + timedelta(days=14)).isoformat(), "focus": "血压"},
                       {"due_date": (today + timedelta(days=44)).isoformat(), "focus": "血压、肾功能"}],
    }
    return body | over


def submit(client, user: str = "dachang.referral", **over) -> dict:
    r = client.post("/referrals/upward", json=upward_body(**over), headers=demo_user_header(user))
    assert r.status_code == 201, r.text
    return r.json()


def issue(client, user: str = "peoples.referral", **over) -> dict:
    r = client.post("/referrals/downward", json=downward_body(**over), headers=demo_user_header(user))
    assert r.status_code == 201, r.text
    return r.json()
