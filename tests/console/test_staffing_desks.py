"""The HR offices' and unit managers' desks through the console: a posting refused naming the quota rule and the
bureau's override with a reason, shown on the unit's quota page; the person page; a township's secondment request
approved, dispatched, extended and ended from the queue; rotation plans; tidal dispatch; allowances; visit volumes."""
from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from .conftest import national_id
from .test_forms import error_beside

pytestmark = pytest.mark.integration


def county_today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def new_id(seq: int) -> str:
    return national_id(date(1980, 1, 1) + timedelta(days=seq % 9000), f"{seq % 1000:03d}")


_seq = [uuid.uuid4().int % 100000]


def person(home: str, title: str = "senior", specialty: str = "general_practice", name: str | None = None) -> dict:
    _seq[0] += 1
    return {"name": name or f"测试医生{_seq[0]}", "id_number": new_id(_seq[0]), "qualification": "practising_physician",
            "title_level": title, "specialty": specialty, "home_org_id": home}


def seniors(console, org: str) -> int:
    with console.client("bureau.hr") as api:
        return api.get(f"/staffing/units/{org}/quota").json()["senior"]["count"]


def test_a_posting_past_the_senior_cap_is_refused_naming_it_and_the_bureau_overrides_with_a_reason(console, desk):
    hr = desk("bureau.hr")
    # 官渡 (31,000 people): quota 31, 28 professional-technical posts, senior cap 20% of 28 = 5
    with console.client("bureau.hr") as api:
        cap = api.get("/staffing/units/guandu-thc/quota").json()["senior"]["limit"]
        for _ in range(max(0, cap - seniors(console, "guandu-thc"))):
            assert api.post("/staffing/staff", json=person("guandu-thc")).status_code == 201
    one_more = person("guandu-thc", name="官渡超编高级")
    form = {k: v for k, v in one_more.items()} | {"start_date": ""}
    refused = hr.submit("/staff/new", form)
    assert refused.status_code == 409
    assert "不符合编制规则，未保存" in refused.text and "违反「高级职称比例上限」" in refused.text
    assert f"上限为专业技术岗位 28 个的 20% = {cap} 人" in refused.text
    assert 'name="override_reason"' in refused.text and "批准突破并登记" in refused.text
    assert 'value="官渡超编高级"' in refused.text  # what was typed is kept
    done = hr.submit("/staff/new", form | {"override_reason": "引进急需的全科带头人"})
    assert done.status_code == 303, done.text[:2000]
    quota = hr.get("/quota/guandu-thc").text
    assert 'class="row-override"' in quota and "官渡超编高级" in quota and "引进急需的全科带头人" in quota
    assert "经卫健委批准突破" in quota and 'class="gauge broken"' in quota
    bad = hr.submit("/staff/new", person("guandu-thc", title="junior") | {"id_number": "50023719800101123"})
    assert bad.status_code == 422 and error_beside(bad.text, "id_number") == "身份证号格式不正确"
    lead = desk("peoples.hr")
    assert lead.get("/staff/new").status_code == 403


def test_the_person_page_masks_the_id_and_shows_title_history_and_postings(console, desk):
    hr = desk("bureau.hr")
    someone = person("wuxia-thc", title="junior", name="巫峡测试医生")
    with console.client("bureau.hr") as api:
        created = api.post("/staffing/staff", json=someone).json()
    page = f"/staff/{created['staff_id']}"
    shown = hr.get(page).text
    masked = someone["id_number"][:3] + "*" * 13 + someone["id_number"][-2:]
    assert someone["id_number"] not in shown and masked in shown
    no_reason = hr.submit(f"{page}/title", {"title_level": "intermediate"}, page)
    assert error_beside(no_reason.text, "title-reason") == "请填写原因"
    promoted = hr.submit(f"{page}/title", {"title_level": "intermediate", "reason": "2026 年职称评审通过"}, page)
    assert promoted.status_code == 303
    shown = hr.get(page).text
    assert "初级 → 中级" in shown and "2026 年职称评审通过" in shown and "岗位经历" in shown
    found = hr.get("/staff", params={"name": "巫峡测试"}).text
    assert "巫峡测试医生" in found


def test_a_township_request_is_approved_dispatched_extended_and_ended_from_the_queue(console, desk):
    manager, hr = desk("dachang.manager"), desk("bureau.hr")
    with console.client("bureau.hr") as api:  # two cardiologists at the TCM hospital: one may go, one stays
        for _ in range(2):
            api.post("/staffing/staff", json=person("county-tcm-hospital", title="intermediate", specialty="cardiology"))
    today = county_today()
    body = {"specialty": "cardiology", "title_level": "intermediate", "headcount": "1",
            "start_date": (today + timedelta(days=20)).isoformat(), "end_date": (today + timedelta(days=10)).isoformat(),
            "reason": "胸痛患者增多"}
    backwards = manager.submit("/secondments/new", body)
    assert error_beside(backwards.text, "end_date") == "结束日期不能早于开始日期"
    made = manager.submit("/secondments/new", body | {"end_date": (today + timedelta(days=80)).isoformat()})
    assert made.status_code == 303
    page = made.headers["location"]
    rid = page.rsplit("/", 1)[1]
    assert rid in hr.get("/secondments").text
    detail = hr.get(page).text
    assert "候选人（按匹配程度排序）" in detail and "职称与要求完全相符" in detail and "今年已派驻" in detail
    staff_id = re.search(r'name="staff_ids" value="([^"]+)"', detail).group(1)
    approved = hr.submit(f"{page}/approve", {"staff_ids": staff_id, "reason": "同意"}, page)
    assert approved.status_code == 303
    shown = hr.get(page).text
    assert "已派齐" in shown and "已派出人员" in shown
    posting = re.search(r'/postings/([0-9a-f-]{36})/extend', shown).group(1)
    too_early = hr.submit(f"{page}/postings/{posting}/extend", {"end_date": today.isoformat()}, page)
    assert error_beside(too_early.text, f"extend-{posting}-end_date").startswith("延期后的结束日期须晚于")
    assert hr.submit(f"{page}/postings/{posting}/extend",
                     {"end_date": (today + timedelta(days=100)).isoformat()}, page).status_code == 303
    ended = hr.submit(f"{page}/postings/{posting}/end", {"ended_on": (today + timedelta(days=30)).isoformat(),
                                                         "confirmed": "yes"}, page)
    assert ended.status_code == 303 and "提前结束" in hr.get(page).text
    assert manager.get(page).status_code == 200 and desk("luoping.manager").get(page).status_code == 404


def test_rotation_plans_tidal_dispatch_and_allowances(console, desk):
    hr = desk("bureau.hr")
    with console.client("bureau.hr") as api:
        people = [api.post("/staffing/staff", json=person("county-mch-hospital", title="junior",
                                                          specialty="paediatrics")).json() for _ in range(2)]
    listed = hr.get("/rotations", params={"kind": "rotation_down", "home_org_id": "county-mch-hospital"}).text
    assert people[0]["name"] in listed
    start = (county_today() + timedelta(days=400)).isoformat()
    form = {"kind": "rotation_down", "home_org_id": "county-mch-hospital", "name": "儿科下沉轮岗", "org_id": "wuxia-thc",
            "start_date": start, "block_days": "3", "rounds": "1", "staff_ids": [p["staff_id"] for p in people]}
    short = hr.submit("/rotations", form)
    assert error_beside(short.text, "block_days") == "每轮天数不能小于 7"
    made = hr.submit("/rotations", form | {"block_days": "30"})
    assert made.status_code == 303 and "儿科下沉轮岗" in hr.get(made.headers["location"]).text
    tidal = hr.get("/tidal")
    assert tidal.status_code == 200 and "上转需求" in tidal.text
    assert hr.submit("/tidal/generate", {}, "/tidal").status_code == 303
    month = county_today().strftime("%Y-%m")
    report = hr.get("/allowances", params={"month": month})
    assert report.status_code == 200 and "津贴月报" in report.text
    download = hr.get("/allowances.csv", params={"month": month})
    table = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["月份", "姓名", "津贴类别"] and table[-1][1] == "合计"
    assert error_beside(hr.get("/allowances", params={"month": "2026-13"}).text, "month") == "请选择月份，如 2026-03"


def test_a_unit_manager_sees_their_own_quota_and_reports_visit_volumes(desk):
    manager = desk("dachang.manager")
    own = manager.get("/quota", follow_redirects=True)
    assert own.status_code == 200 and "大昌镇中心卫生院 编制情况" in own.text
    assert manager.get("/quota/luoping-thc").status_code == 403
    month = (county_today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    bad = manager.submit("/visit-volumes", {"month": month, "visits": "三千"})
    assert error_beside(bad.text, "visits") == "就诊人次应为整数"
    ok = manager.submit("/visit-volumes", {"month": month, "visits": "3,200"})
    assert ok.status_code == 303 and "3,200" in manager.get(ok.headers["location"]).text
