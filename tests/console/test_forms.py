"""Every form round-trips through the console to the platform; bad input comes back beside its field."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from .conftest import national_id

pytestmark = pytest.mark.integration
def local_today() -> date:
    """The county's date: the service's "today" (the machine's UTC date lags it each evening)."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


ID_OF = re.compile(r'/referrals/([0-9a-f-]{36})')


def upward(**over) -> dict:
    return {"patient.name": "刘德明", "patient.sex": "male", "patient.date_of_birth": "1958-06-03",
            "patient.national_id": national_id(), "icd10": "I63.9", "diagnosis": "", "reason": "右侧肢体无力3小时",
            "urgency": "emergency", "emergency_category": "stroke", "to_org_id": "county-peoples-hospital",
            "specialty": "neurology"} | over


def error_beside(html: str, field: str) -> str:
    """The message shown beside one field (the element the field's aria-describedby points to)."""
    found = re.search(rf'id="f-{re.escape(field.replace(".", "-"))}-error">(?:<span[^>]*>[^<]*</span>)?([^<]+)<', html)
    assert found, f"no error beside {field}"
    return found.group(1)


def submit_upward(desk, **over) -> str:
    r = desk.submit("/referrals/new-upward", upward(**over))
    assert r.status_code == 303, r.text[:3000]
    return ID_OF.search(r.headers["location"]).group(1)


def test_an_upward_referral_round_trips_and_the_id_is_shown_masked(desk):
    town = desk("dachang.referral")
    rid = submit_upward(town)
    page = town.get(f"/referrals/{rid}").text
    nid = national_id()
    assert "上转已提交：刘德明" in page and f"{nid[:6]}********{nid[-4:]}" in page and nid not in page
    assert "脑梗死" in page  # the diagnosis name was taken from the catalogue for the code
    # the patient's facts, as the consultation page shows them too (one macro, _clinical.html)
    assert "<dt>患者</dt><dd>刘德明，男，1958-06-03 出生</dd>" in page
    assert f"<dt>身份证号</dt><dd>{nid[:6]}********{nid[-4:]}</dd>" in page and "<dt>诊断</dt><dd>I63.9 脑梗死" in page
    assert rid in town.get("/referrals/outgoing").text


def test_bad_input_is_shown_beside_each_field_and_the_form_keeps_what_was_typed(desk):
    town = desk("dachang.referral")
    bad = town.submit("/referrals/new-upward", upward(**{"patient.national_id": national_id()[:-1] + "0"}))
    assert bad.status_code == 422
    assert error_beside(bad.text, "patient.national_id") == "身份证号校验码不符，请逐位核对"
    assert 'value="刘德明"' in bad.text and "右侧肢体无力3小时" in bad.text
    assert '<a href="#f-patient-national_id">' in bad.text  # the summary at the top links to the field
    empty = town.submit("/referrals/new-upward", {"urgency": "emergency"})
    assert empty.status_code == 422
    for field, message in [("patient.name", "请填写患者姓名"), ("patient.national_id", "请填写身份证号"),
                           ("patient.sex", "请填写性别"), ("reason", "请填写原因"), ("to_org_id", "请填写目标医院"),
                           ("specialty", "请填写科室"), ("icd10", "请填写ICD-10 诊断编码")]:
        assert error_beside(empty.text, field) == message
    no_centre = town.submit("/referrals/new-upward", upward(emergency_category=""))
    assert error_beside(no_centre.text, "emergency_category") == "急危重症转诊须选择急诊中心类别（五大中心）"
    wrong_sex = town.submit("/referrals/new-upward", upward(**{"patient.sex": "female"}))
    assert error_beside(wrong_sex.text, "patient.sex") == "性别与身份证号不一致"


def test_the_diagnosis_name_may_be_left_empty_only_when_the_code_names_it(desk):
    town = desk("dachang.referral")
    # a code of the catalogue fills the name: the form comes back (the reason is missing) showing it, no error
    filled = town.submit("/referrals/new-upward", upward(reason=""))
    assert filled.status_code == 422 and error_beside(filled.text, "reason") == "请填写原因"
    assert 'id="f-diagnosis-error"' not in filled.text
    assert re.search(r'id="f-diagnosis" name="diagnosis" type="text" value="脑梗死"', filled.text)
    # neither a name nor a code: the message says a code would have done
    neither = town.submit("/referrals/new-upward", upward(icd10=""))
    assert error_beside(neither.text, "diagnosis") == "请填写诊断名称，或填写 ICD-10 诊断编码以自动填写"
    assert error_beside(neither.text, "icd10") == "请填写ICD-10 诊断编码"
    # a well-formed code the catalogue has no name for: the name is needed, and the message says why
    unknown = town.submit("/referrals/new-upward", upward(icd10="Q99.9"))
    assert error_beside(unknown.text, "diagnosis") == "诊断目录中没有编码 Q99.9，无法自动填写，请填写诊断名称"
    rid = submit_upward(town, icd10="Q99.9", diagnosis="染色体异常")
    assert "染色体异常" in town.get(f"/referrals/{rid}").text


def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(desk):
    town = desk("dachang.referral")
    before = town.get("/referrals/outgoing").text.count("/referrals/")
    missing = town.post("/referrals/new-upward", data=upward())
    assert missing.status_code == 403 and "表单已失效" in missing.text
    forged = town.post("/referrals/new-upward", data=upward() | {"_csrf": "guessed"})
    assert forged.status_code == 403
    assert town.get("/referrals/outgoing").text.count("/referrals/") == before


def test_the_county_desk_answers_and_completes_and_each_refusal_lands_beside_its_field(desk):
    town, county = desk("dachang.referral"), desk("peoples.referral")
    rid = submit_upward(town)
    page = f"/referrals/{rid}"
    assert rid in county.get("/queue").text
    no_slot = county.submit(f"{page}/accept", {"version": "1", "priority_reception": "on"}, page)
    assert no_slot.status_code == 422
    assert error_beside(no_slot.text, "accept-appointment_at") == "接收上转请填写预约就诊时间或床位号（至少一项）"
    ok = county.submit(f"{page}/accept", {"version": "1", "appointment_at": "2030-01-02T09:30", "bed_no": "神内 2-07",
                                          "priority_reception": "on", "priority_examination": "on"}, page)
    assert ok.status_code == 303
    shown = county.get(page).text
    assert "已接收" in shown and "2030-01-02 09:30" in shown and "神内 2-07" in shown
    stale = county.submit(f"{page}/accept", {"version": "1", "bed_no": "x"}, page)  # a colleague's second click
    assert stale.status_code == 409 and "操作未完成" in stale.text
    assert county.submit(f"{page}/arrive", {"version": "2"}, page).status_code == 303
    bad = county.submit(f"{page}/complete", {"discharge_summary": "溶栓后好转", "fund_amount_yuan": "abc"}, page)
    assert error_beside(bad.text, "complete-fund_amount_yuan") == "请填写金额（元），如 1234.50"
    missing = county.submit(f"{page}/complete", {"discharge_summary": "溶栓后好转"}, page)
    assert error_beside(missing.text, "complete-fund_amount_yuan") == "请填写医保基金支付金额"
    done = county.submit(f"{page}/complete", {"discharge_summary": "溶栓后好转", "fund_amount_yuan": "6,230.50",
                                              "recommend_downward": "on"}, page)
    assert done.status_code == 303
    shown = county.get(page).text
    assert "¥6,230.50" in shown and "为该患者办理下转" in shown
    assert "已完成" in town.get(page).text  # the township sees the outcome


def test_reject_and_redirect(desk):
    town, county, tcm = desk("dachang.referral"), desk("peoples.referral"), desk("tcm.referral")
    rid = submit_upward(town, urgency="urgent", emergency_category="")
    page = f"/referrals/{rid}"
    no_code = county.submit(f"{page}/reject", {"version": "1", "reason": "x"}, page)
    assert error_beside(no_code.text, "reject-reason_code") == "请填写拒绝原因"
    moved = county.submit(f"{page}/redirect", {"version": "1", "to_org_id": "county-tcm-hospital",
                                               "reason": "本院神经内科满床"}, page)
    assert moved.status_code == 303 and moved.headers["location"] == "/queue"
    assert county.get(page).status_code == 404  # the old hospital no longer sees the patient
    assert "改派至巫山县中医院：本院神经内科满床" in tcm.get(page).text
    rejected = tcm.submit(f"{page}/reject", {"version": "2", "reason_code": "no_bed", "reason": "无床位"}, page)
    assert rejected.status_code == 303
    assert "床位已满：无床位" in town.get(page).text


def test_a_downward_referral_and_its_follow_up(desk):
    town, county = desk("dachang.referral"), desk("peoples.referral")
    prefilled = county.get("/referrals/new-downward").text
    assert "新建下转" in prefilled
    today = local_today()
    body = {"patient.name": "陈秀英", "patient.sex": "female", "patient.date_of_birth": "1950-02-11",
            "patient.national_id": national_id(date(1950, 2, 11), "262"), "icd10": "I10", "reason": "血压平稳",
            "to_org_id": "dachang-thc", "specialty": "general_practice",
            "plan.medications.0.name": "氨氯地平", "plan.medications.0.dose": "5mg",
            "plan.medications.0.frequency": "每日一次", "follow_ups.0.due_date": (today - timedelta(days=3)).isoformat(),
            "follow_ups.0.focus": "血压"}
    past = county.submit("/referrals/new-downward", body)
    assert past.status_code == 422
    assert error_beside(past.text, "follow_ups") == "随访日期不能早于今天（下转日期）"
    more = county.submit("/referrals/new-downward", body | {"_add": "plan.medications"})
    assert more.status_code == 200 and 'name="plan.medications.3.name"' in more.text  # a fourth row, no JS
    body["follow_ups.0.due_date"] = today.isoformat()
    body["follow_ups.1.due_date"] = (today + timedelta(days=30)).isoformat()
    issued = county.submit("/referrals/new-downward", body)
    assert issued.status_code == 303, issued.text[:2000]
    page = issued.headers["location"]
    assert "接收下转患者" in town.get(page).text
    assert town.submit(f"{page}/accept", {"version": "1"}, page).status_code == 303
    detail = town.get(page).text
    fid = re.search(r'/follow-ups/([0-9a-f-]{36})"', detail).group(1)
    future = town.submit(f"{page}/follow-ups/{fid}", {"version": "2", "done_on": (today + timedelta(days=2)).isoformat(),
                                                       "findings": "血压 130/80"}, page)
    assert error_beside(future.text, f"follow_up-{fid}-done_on") == "随访日期不能晚于今天"
    done = town.submit(f"{page}/follow-ups/{fid}", {"version": "2", "done_on": today.isoformat(),
                                                     "findings": "血压 130/80"}, page)
    assert done.status_code == 303 and "按时完成" in town.get(page).text


def test_the_out_of_county_record(desk):
    town = desk("dachang.referral")
    body = {"patient.name": "周强", "patient.sex": "male", "patient.date_of_birth": "1958-06-03",
            "patient.national_id": national_id(), "icd10": "C34", "reason": "肺癌手术", "specialty": "respiratory",
            "urgency": "routine", "destination": "重庆医科大学附属第一医院", "service_date": local_today().isoformat(),
            "fund_amount_yuan": "-5"}
    negative = town.submit("/referrals/new-out-of-county", body)
    assert error_beside(negative.text, "fund_amount_yuan") == "医保基金支付金额不能小于 0"
    ok = town.submit("/referrals/new-out-of-county", body | {"fund_amount_yuan": "48000"})
    assert ok.status_code == 303 and "转外就医已登记" in town.get(ok.headers["location"]).text


def test_the_dashboard_reports_a_bad_month_beside_its_field(desk):
    analyst = desk("bureau.analyst")
    r = analyst.get("/indicators", params={"month": "2026-13"})
    assert r.status_code == 200 and error_beside(r.text, "month") == "请选择月份，如 2026-11"
    good = analyst.get("/indicators", params={"month": "2026-11", "org_id": "dachang-thc"})
    assert "<svg" in good.text and "目标 90%" in good.text and "2026-11" in good.text


def test_a_service_that_is_down_gives_a_friendly_page_and_the_form_keeps_what_was_typed(console, desk):
    town = desk("dachang.referral")
    token = town.form_token("/referrals/new-upward")
    console.stop_component("referral")
    try:
        r = town.post("/referrals/new-upward", data=upward() | {"_csrf": token})
        assert r.status_code == 503 and "平台暂时没有响应，本次未提交" in r.text
        assert 'value="刘德明"' in r.text and "右侧肢体无力3小时" in r.text
        listing = town.get("/referrals/outgoing")
        assert listing.status_code == 503 and "服务暂时不可用" in listing.text
    finally:
        console.start_component("referral")
        console.wait_healthy(60)
