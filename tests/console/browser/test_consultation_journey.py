"""Issue 19 on the console in real Chromium: the county desk publishes its department's places, a township asks
that department for advice (科对科), the county answers "refer up" and accepts the referral it created into a
free slot; the township sees the booked place."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from ..conftest import national_id
from ..test_forms import local_today
from .conftest import fill_week, shot
from .test_keyboard_and_access import UNLABELLED

pytestmark = pytest.mark.integration
PATIENT_ID = national_id(date(1957, 4, 12), "262")


def test_consultation_refer_up_and_accept_into_a_free_slot(open_desk, console):
    county = open_desk("peoples.referral")
    county.get_by_role("navigation", name="业务菜单").get_by_role("link", name="科室号源/床位").click()
    county.get_by_label("科室", exact=True).select_option("internal_medicine")
    county.get_by_role("button", name="查看").click()
    first = local_today() + timedelta(days=1)
    fill_week(county, first, 2)
    shot(county, "70-capacity-template")
    county.get_by_role("button", name="按模板发布").click()
    assert "已按周模板发布：7 个号源，共 14 个号" in county.locator(".flash").inner_text()
    assert county.locator("table.capacity tbody tr").count() == 7
    county.get_by_role("link", name=re.compile("修改当日")).first.click()
    assert county.evaluate(UNLABELLED) == []  # the template grid's cells and the day's numbers
    shot(county, "71-capacity-department")

    town = open_desk("dachang.referral")
    town.get_by_role("navigation", name="业务菜单").get_by_role("link", name="发起会诊咨询").click()
    town.get_by_label("姓名").fill("陈桂芳")
    town.get_by_label("身份证号").fill(PATIENT_ID)
    town.get_by_label("ICD-10 诊断编码").fill("E11.9")
    town.get_by_label("咨询问题").fill("血糖控制差，空腹 11 mmol/L，已用二甲双胍，是否需要上转调整方案？")
    town.get_by_label("紧急", exact=True).check()
    town.get_by_label("科室").select_option("internal_medicine")
    shot(town, "72-consultation-form")
    town.get_by_role("button", name="发出咨询").click()
    town.wait_for_url(re.compile(r"/consultations/[0-9a-f-]{36}$"))
    assert "会诊咨询已发出：陈桂芳" in town.locator(".flash").inner_text()

    county.get_by_role("navigation", name="业务菜单").get_by_role("link", name="会诊咨询").click()
    row = county.locator("table.data tbody tr", has_text="陈桂芳").first
    assert "待答复" in row.inner_text() and "剩余" in row.locator(".clock").inner_text()
    shot(county, "73-consultation-inbox")
    row.get_by_role("link", name=re.compile("答复")).click()
    county.get_by_label("建议上转").check()
    county.get_by_label("专科意见").fill("建议上转内科，调整降糖方案并筛查并发症")
    shot(county, "74-consultation-answer")
    county.get_by_role("button", name="提交答复").click()
    county.wait_for_url(re.compile(r"/referrals/[0-9a-f-]{36}$"))
    referral_url = county.url
    assert "上转单已生成" in county.locator(".flash").inner_text()

    county.locator("#action-accept summary").click()
    slots = county.locator("#f-accept-slot_id label.radio")
    assert county.evaluate(UNLABELLED) == []
    assert slots.count() == 8  # "no slot" and the seven days just published
    chosen = slots.nth(2)  # the second day's morning
    text = chosen.inner_text()
    assert "余 2 / 2" in text
    chosen.locator("input").check()
    shot(county, "75-accept-into-slot")
    county.get_by_role("button", name="确认接收").click()
    county.wait_for_url(referral_url)
    assert "已接收" in county.locator(".status-line").inner_text()
    day = first + timedelta(days=1)
    assert f"{day.isoformat()} 08:00–12:00" in county.locator("dl.facts").inner_text()

    town.goto(referral_url)
    assert "已接收" in town.locator(".status-line").inner_text()
    assert f"{day.isoformat()} 08:00–12:00" in town.locator("dl.facts").inner_text()
    town.get_by_role("navigation", name="业务菜单").get_by_role("link", name="可预约号源").click()
    town.get_by_label("科室").select_option("internal_medicine")
    town.get_by_role("button", name="查看").click()
    line = town.locator("table.capacity tbody tr", has_text="内科 · 门诊号源")
    assert "1 / 2" in line.inner_text()
    shot(town, "76-free-capacity-grid")
