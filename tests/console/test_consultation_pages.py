"""科对科会诊 on the console: a township asks its paired county department (another hospital only with a reason),
the county desk answers from its inbox with one of three outcomes, "refer up" leads to the upward referral it
created, and the asking unit's list shows the answer. Other desks get the 403 page."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from console.pages.consultations import inbox_order
from console.pages.detail import consultation_link
from console.render import make_environment
from console.settings import ConsoleSettings

from .conftest import national_id
from .test_forms import error_beside

pytestmark = pytest.mark.integration
CID = re.compile(r"/consultations/([0-9a-f-]{36})")


def question(**over) -> dict:
    return {"patient.name": "周玉兰", "patient.sex": "female", "patient.date_of_birth": "1961-03-08",
            "patient.national_id": national_id(__import__("datetime").date(1961, 3, 8), "282"), "icd10": "I20.0",
            "diagnosis": "", "question": "胸闷两周，心电图ST段压低，是否需要上转？", "urgency": "urgent",
            "to_org_id": "county-peoples-hospital", "specialty": "cardiology"} | over


def ask(town, **over) -> str:
    r = town.submit("/consultations/new", question(**over))
    assert r.status_code == 303, r.text[:3000]
    return CID.search(r.headers["location"]).group(1)


def test_asking_another_hospital_needs_a_reason_and_bad_input_lands_beside_its_field(desk):
    town = desk("dachang.referral")
    other = town.submit("/consultations/new", question(to_org_id="county-tcm-hospital"))
    assert other.status_code == 422
    assert error_beside(other.text, "pairing_override_reason").startswith("巫山县中医院不是本单位的对口县级医院")
    assert "胸闷两周" in other.text  # kept as typed
    empty = town.submit("/consultations/new", {"urgency": "routine"})
    assert error_beside(empty.text, "question") == "请填写咨询问题"
    cid = ask(town, to_org_id="county-tcm-hospital", pairing_override_reason="患者要求中医会诊")
    shown = town.get(f"/consultations/{cid}").text
    assert "患者要求中医会诊" in shown and "待答复" in shown and "答复时限" in shown
    # the patient's facts, as the referral page shows them too (one macro, _clinical.html)
    nid = question()["patient.national_id"]
    assert "<dt>患者</dt><dd>周玉兰，女，1961-03-08 出生</dd>" in shown and nid not in shown
    assert f"<dt>身份证号</dt><dd>{nid[:6]}********{nid[-4:]}</dd>" in shown
    assert "<dt>诊断</dt><dd>I20.0 不稳定型心绞痛</dd>" in shown


def test_the_county_answers_refer_up_and_lands_on_the_created_referral(desk):
    town, county = desk("dachang.referral"), desk("peoples.referral")
    cid = ask(town)
    inbox = county.get("/consultations").text
    assert f"/consultations/{cid}" in inbox and "剩余" in inbox and "大昌镇中心卫生院" in inbox
    page = f"/consultations/{cid}"
    no_advice = county.submit(f"{page}/answer", {"version": "1", "outcome": "refer_up"}, page)
    assert no_advice.status_code == 422 and error_beside(no_advice.text, "answer-advice") == "请填写专科意见"
    done = county.submit(f"{page}/answer", {"version": "1", "outcome": "refer_up", "advice": "建议上转行冠脉造影"}, page)
    assert done.status_code == 303 and done.headers["location"].startswith("/referrals/")
    referral = county.get(done.headers["location"]).text
    assert "上转单已生成" in referral and "周玉兰" in referral and "确认接收" in referral
    assert "建议上转行冠脉造影" in referral  # the answer travels with the referral
    # the link to the consultation is a link, not its id written into the reason the desk reads
    assert f'<a href="/consultations/{cid}">来自科对科会诊</a>' in referral and referral.count(cid) == 1
    assert f'<a href="/consultations/{cid}">来自科对科会诊</a>' in town.get(done.headers["location"]).text
    mine = town.get("/consultations").text
    assert f"/consultations/{cid}" in mine and "已答复" in mine and "建议上转" in mine
    assert "查看由本次咨询生成的上转单" in town.get(page).text
    again = county.submit(f"{page}/answer", {"version": "2", "outcome": "local_advice", "advice": "x"}, page)
    assert again.status_code == 409 and "操作未完成" in again.text


def test_the_consultation_is_linked_only_for_the_units_that_see_it():
    referral = {"consultation_id": "c1", "from_org_id": "town", "to_org_id": "county", "history": []}
    assert consultation_link(referral, "town") == consultation_link(referral, "county") == "/consultations/c1"
    redirected = referral | {"to_org_id": "tcm", "history": [{"action": "redirect"}]}
    # the hospital it was redirected to was never asked: the page names the origin without a link
    assert (consultation_link(redirected, "tcm"), consultation_link(redirected, "town")) == (None, "/consultations/c1")
    assert consultation_link(referral | {"consultation_id": None}, "town") is None


def test_local_advice_remote_appointment_and_cancel(desk):
    town, county = desk("dachang.referral"), desk("peoples.referral")
    local, remote, dropped = ask(town), ask(town), ask(town)
    ok = county.submit(f"/consultations/{local}/answer", {"version": "1", "outcome": "local_advice",
                                                        "advice": "加用单硝酸异山梨酯，两周后复查心电图"}, f"/consultations/{local}")
    assert ok.status_code == 303 and "基层处理" in town.get(f"/consultations/{local}").text
    page = f"/consultations/{remote}"
    no_time = county.submit(f"{page}/answer", {"version": "1", "outcome": "remote_appointment", "advice": "远程会诊"}, page)
    assert error_beside(no_time.text, "answer-remote_at") == "请填写远程会诊时间"
    when = (datetime.now() + timedelta(days=2)).strftime("%Y-%m-%dT10:00")
    booked = county.submit(f"{page}/answer", {"version": "1", "outcome": "remote_appointment", "advice": "远程会诊",
                                              "remote_at": when}, page)
    assert booked.status_code == 303 and when.replace("T", " ") in town.get(page).text
    gone = town.submit(f"/consultations/{dropped}/cancel", {"version": "1", "reason": "患者已自行就医"},
                       f"/consultations/{dropped}")
    assert gone.status_code == 303 and "已撤销" in town.get(f"/consultations/{dropped}").text
    assert county.get(f"/consultations/{dropped}/answer").status_code == 405


@pytest.mark.parametrize("username", ["bureau.analyst", "dachang.manager", "peoples.finance", "insurance.officer"])
def test_other_desks_get_the_403_page_for_a_consultation(desk, username):
    cid = ask(desk("dachang.referral"))
    r = desk(username).get(f"/consultations/{cid}")
    assert r.status_code == 403 and "无权访问" in r.text


def test_another_township_cannot_see_the_consultation(desk):
    cid = ask(desk("dachang.referral"))
    assert desk("luoping.referral").get(f"/consultations/{cid}").status_code == 404


def test_the_inbox_marks_an_overdue_request_and_lists_waiting_ones_by_deadline():
    env = make_environment(ConsoleSettings(demo_mode=True).tz())
    now = datetime.fromisoformat("2026-11-27T08:00:00+00:00")

    def item(cid: str, deadline: str, overdue: bool) -> dict:
        return {"consultation_id": cid, "status": "requested", "answer_overdue": overdue, "answer_deadline": deadline,
                "patient": {"name": "王", "national_id_masked": "500237********0011"}, "icd10": "I20.0", "diagnosis": "x",
                "from_org_id": "dachang-thc", "to_org_id": "county-peoples-hospital", "specialty": "cardiology",
                "urgency": "emergency", "outcome": None, "asked_at": "2026-11-27T07:00:00+00:00",
                "allowed_actions": ["answer"]}
    done = item("done", None, False) | {"status": "answered", "allowed_actions": [], "outcome": "refer_up"}
    items = inbox_order([done, item("soon", "2026-11-27T08:20:00+00:00", False),
                         item("late", "2026-11-27T07:30:00+00:00", True)])
    assert [c["consultation_id"] for c in items] == ["late", "soon", "done"]
    html = env.get_template("consultations.html").render(
        user=None, menu=[], page=None, flash=None, csrf="x", now=now, org_name=lambda o: o, registry=None,
        path="/consultations", refresh_seconds=0, title="会诊咨询", county=True, items=items,
        result={"total": 3, "page": 1, "page_size": 50, "items": items}, url=lambda page: "")
    late = html[:html.index("/consultations/late")].rpartition("<tr")[2]
    assert late.startswith(' class="row-overdue">') and "已超时" in late and "clock-overdue" in late
    assert "已超时 30 分钟" in html and "剩余 20 分钟" in html


def test_the_new_forms_refuse_a_post_without_its_csrf_token_and_change_nothing(desk):
    town, county = desk("dachang.referral"), desk("peoples.referral")
    cid = ask(town)
    before = town.get("/consultations").text.count("/consultations/")
    for client, path, data in [
            (town, "/consultations/new", question()),
            (county, f"/consultations/{cid}/answer", {"version": "1", "outcome": "local_advice", "advice": "无令牌"}),
            (county, "/capacity/department/template", {"specialty": "tcm", "kind": "bed", "first_day": "2030-01-01",
                                                       "last_day": "2030-01-02", "c1_1": "1"}),
            (county, "/capacity/department/day", {"specialty": "tcm", "kind": "bed", "day": "2030-01-01",
                                                  "count_00:00": "1"})]:
        refused = client.post(path, data=data)
        assert refused.status_code == 403 and "表单已失效" in refused.text, path
    assert town.get("/consultations").text.count("/consultations/") == before
    assert "待答复" in town.get(f"/consultations/{cid}").text
    assert "未来四周没有发布的号源" in county.get("/capacity/department", params={"specialty": "tcm", "kind": "bed"}).text
