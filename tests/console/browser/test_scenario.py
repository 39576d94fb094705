"""The issue's scenario in real Chromium: a township clerk and a county clerk, each in their own browser,
carry an emergency referral up and back down, and the township records the follow-up."""
from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from ..conftest import national_id
from .conftest import shot

pytestmark = pytest.mark.integration
PATIENT_ID = national_id(date(1949, 10, 1), "231")


def local_today() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


def test_up_and_back_down_in_two_browsers(open_desk, console):
    town = open_desk("dachang.referral")
    shot(town, "01-home-township")
    town.get_by_role("navigation", name="业务菜单").get_by_role("link", name="新建上转").click()
    town.get_by_label("姓名").fill("黄建国")
    id_box = town.get_by_label("身份证号")
    id_box.fill(PATIENT_ID[:-1] + ("0" if PATIENT_ID[-1] != "0" else "1"))
    assert "校验码不符" in town.locator(".id-check").inner_text()  # checked as it is typed
    id_box.fill(PATIENT_ID)
    assert "正确" in town.locator(".id-check").inner_text()
    assert town.get_by_label("出生日期").input_value() == "1949-10-01"  # filled from the ID
    assert town.get_by_label("男", exact=True).is_checked()
    town.get_by_label("ICD-10 诊断编码").fill("I21.9")
    town.get_by_label("转诊原因").fill("持续胸痛1小时，心电图ST段抬高")
    town.get_by_label("急危重症").check()
    town.get_by_label("急诊中心类别").select_option("chest_pain")
    town.get_by_label("科室").select_option("cardiology")
    shot(town, "02-upward-form")
    town.get_by_role("button", name="提交上转").click()
    town.wait_for_url(re.compile(r"/referrals/[0-9a-f-]{36}$"))
    referral_url = town.url
    assert "上转已提交：黄建国" in town.locator(".flash").inner_text()
    assert f"{PATIENT_ID[:6]}********{PATIENT_ID[-4:]}" in town.content() and PATIENT_ID not in town.content()
    assert "待接收" in town.locator(".status-line").inner_text()

    county = open_desk("peoples.referral")
    county.get_by_role("navigation", name="业务菜单").get_by_role("link", name="待处理队列").click()
    first = county.locator("table.data tbody tr").first
    assert "黄建国" in first.inner_text() and "急危重症" in first.inner_text()
    assert "剩余" in first.locator(".clock").inner_text()
    shot(county, "03-county-queue")
    first.get_by_role("link", name=re.compile("处理")).click()
    county.locator("#action-accept summary").click()
    county.get_by_label("床位号").fill("心内科 CCU-2")
    county.get_by_label("优先住院").check()
    shot(county, "04-referral-accept")
    county.get_by_role("button", name="确认接收").click()
    county.wait_for_url(referral_url)
    assert "已接收" in county.locator(".status-line").inner_text()

    town.reload()
    assert "已接收" in town.locator(".status-line").inner_text() and "心内科 CCU-2" in town.content()

    county.locator("#action-arrive summary").click()
    county.get_by_role("button", name="登记到院").click()
    county.locator("#action-complete summary").click()
    county.get_by_label("出院小结").fill("急诊PCI术后，病情稳定")
    county.get_by_label("医保基金支付金额（元）").fill("23,480.00")
    county.get_by_label("病情稳定后建议下转回基层继续治疗").check()
    county.get_by_role("button", name="确认完成").click()
    county.wait_for_url(referral_url)
    shot(county, "05-referral-completed")
    county.get_by_role("link", name="为该患者办理下转").click()
    assert county.get_by_label("姓名").input_value() == "黄建国"  # filled in from the upward referral
    county.get_by_label("身份证号").fill(PATIENT_ID)
    county.get_by_label("下转原因").fill("PCI术后稳定，回基层康复随访")
    county.get_by_label("第1行药品名称").fill("阿司匹林肠溶片")
    county.get_by_label("第1行剂量").fill("100mg")
    county.get_by_label("第1行用法频次").fill("每日一次")
    county.get_by_label("康复计划").fill("低盐低脂饮食，循序渐进步行")
    county.get_by_label("第1次随访日期").fill(local_today())
    county.get_by_label("第1次随访重点").fill("血压、心率、胸痛")
    shot(county, "06-downward-form")
    county.locator("form.stacked .actions-bar").get_by_role("button", name="发出下转").click()
    county.wait_for_url(re.compile(r"/referrals/[0-9a-f-]{36}$"))
    assert "下转已发出" in county.locator(".flash").inner_text()

    town.get_by_role("navigation", name="业务菜单").get_by_role("link", name="转入转诊").click()
    row = town.locator("table.data tbody tr", has_text="黄建国").first
    assert "下转" in row.inner_text()
    shot(town, "07-township-incoming")
    row.get_by_role("link", name=re.compile("处理")).click()
    town.locator("#action-accept summary").click()
    town.get_by_role("button", name="确认接收").click()
    town.get_by_label("随访日期").fill(local_today())
    town.get_by_label("随访情况").fill("血压 128/78，无胸痛")
    town.get_by_role("button", name="登记随访").click()
    assert "随访已登记" in town.locator(".flash").inner_text()
    assert "按时完成" in town.content()
    shot(town, "08-follow-up-recorded")


def test_errors_appear_beside_their_fields_and_in_the_summary(open_desk):
    town = open_desk("qixing.referral")
    town.goto(town.url + "referrals/new-upward")
    town.get_by_label("急危重症").check()
    town.get_by_role("button", name="提交上转").click()
    summary = town.locator(".error-summary")
    assert summary.is_visible() and "提交未成功" in summary.inner_text()
    assert town.evaluate("document.activeElement.classList.contains('error-summary')")  # focus moves to it
    assert "请填写患者姓名" in town.locator("#f-patient-name-error").inner_text()
    assert "请填写身份证号" in town.locator("#f-patient-national_id-error").inner_text()
    assert town.get_by_label("姓名").get_attribute("aria-invalid") == "true"
    shot(town, "09-upward-form-errors")


def test_the_bureau_dashboard(open_desk):
    analyst = open_desk("bureau.analyst")
    analyst.get_by_role("navigation", name="业务菜单").get_by_role("link", name="转诊指标看板").click()
    assert analyst.locator("svg.chart").count() >= 5
    assert "目标 90%" in analyst.locator("svg.chart").first.inner_html()
    shot(analyst, "10-indicators-dashboard")
