from __future__ import annotations

import itertools
import threading
from datetime import date, timedelta

import pytest

from services.staffing import bootstrap
from services.staffing.settings import StaffingSettings
from tests.support.clock import county_today
from tests.support.service_app import service_client
from tests.support.tokens import demo_user_header

BUREAU = demo_user_header("bureau.hr")
LEAD = demo_user_header("peoples.hr")
DACHANG = demo_user_header("dachang.manager")
LUOPING = demo_user_header("luoping.manager")
ANALYST = demo_user_header("bureau.analyst")

_ids = itertools.count(1)


def id_number() -> str:
    """A well-formed 18-character resident identity number, unique per call."""
    return f"500237198{next(_ids):08d}X"


def person(home: str, specialty: str = "cardiology", title: str = "intermediate",
           qualification: str = "practising_physician", **extra) -> dict:
    return {"name": f"医生{next(_ids)}", "id_number": id_number(), "qualification": qualification,
            "title_level": title, "specialty": specialty, "home_org_id": home,
            "start_date": "2024-01-01"} | extra


def soon(days: int) -> str:
    return (county_today() + timedelta(days=days)).isoformat()


@pytest.fixture
def client(tmp_path):
    with service_client(bootstrap, StaffingSettings, tmp_path) as c:
        yield c


def register(client, *people: dict) -> list[dict]:
    r = client.post("/staff/bulk", json={"staff": list(people)}, headers=BUREAU)
    assert r.status_code == 201, r.text
    return r.json()


def request_secondment(client, headers: dict = DACHANG, **overrides) -> dict:
    """A township's secondment request as the API answered it (201); the fields default to a cardiologist."""
    body = {"org_id": "dachang-thc", "specialty": "cardiology", "title_level": "intermediate", "headcount": 1,
            "start_date": soon(10), "end_date": soon(100), "reason": "胸痛病人增多, 缺心内科医生"} | overrides
    r = client.post("/secondments", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def race_approvals(client, *approvals: tuple[str, str, dict]) -> dict[str, int]:
    """Send (request_id, staff_id, headers) approvals at the same moment; the status each got, by request."""
    barrier = threading.Barrier(len(approvals))
    results: dict[str, int] = {}

    def approve(request_id: str, staff_id: str, headers: dict) -> None:
        barrier.wait()
        r = client.post(f"/secondments/{request_id}/approve", json={"staff_ids": [staff_id]}, headers=headers)
        results[request_id] = r.status_code

    threads = [threading.Thread(target=approve, args=a) for a in approvals]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
