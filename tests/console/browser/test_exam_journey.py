"""预约检查 in real Chromium: the county desk publishes its ultrasound slots on 科室号源/床位, books one for an accepted
upward referral on the referral's page (places left beside each), the township sees it read-only, and the county
desk cancels it after the confirm dialog; the place is free again."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from ..test_exam_booking import accepted
from ..test_forms import local_today
from .conftest import fill_week, shot
from .test_keyboard_and_access import UNLABELLED

pytestmark = pytest.mark.integration


def test_an_exam_booked_into_a_published_slot_seen_by_the_township_and_cancelled(open_desk, console, desk):
    county = open_desk("peoples.referral")
    county.get_by_role("navigation", name="业务菜单").get_by_role("link", name="科室号源/床位").click()
    county.get_by_label("科室", exact=True).select_option("radiology")
    county.get_by_label("类别").select_option("exam")
    county.get_by_label("检查类型").select_option("ultrasound")
    county.get_by_role("button", name="查看").click()
    first = local_today() + timedelta(days=1)
    fill_week(county, first, 3)
    county.get_by_role("button", name="按模板发布").click()
    assert "已按周模板发布：7 个号源，共 21 个号" in county.locator(".flash").inner_text()

    rid = accepted(console, desk("dachang.referral"), "313")
    referral_url = f"{console.console_url}/referrals/{rid}"
    county.goto(referral_url)
    exams = county.locator("#exams")
    assert "尚未预约检查" in exams.inner_text()
    assert county.evaluate(UNLABELLED) == []  # the exam slots, the type, the day and the time
    second_day = county.locator("#f-exam-slot_id label.radio", has_text=re.compile(r"超声 · .* 08:00–12:00 · 余 3 / 3")).nth(1)
    second_day.locator("input").check()
    county.get_by_role("button", name="确认预约").click()
    county.wait_for_url(referral_url)
    assert "已预约检查：超声" in county.locator(".flash").inner_text()
    row = exams.locator("table.exams tbody tr", has_text="超声")
    assert "08:00–12:00" in row.inner_text() and "已预约" in row.inner_text()
    county.locator("#action-exam summary").click()  # another exam: the form, closed once one is booked
    assert "余 2 / 3" in county.locator("#f-exam-slot_id").inner_text()  # the place is taken from the slot
    shot(county, "console-exam-booking")

    town = open_desk("dachang.referral")
    town.goto(referral_url)
    seen = town.locator("#exams table.exams tbody tr", has_text="超声")
    assert "已预约" in seen.inner_text()
    assert town.locator("#action-exam").count() == 0 and town.get_by_role("button", name=re.compile("取消检查")).count() == 0

    county.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=re.compile("取消检查")).click()
    county.wait_for_url(referral_url)
    assert "已取消检查预约：超声" in county.locator(".flash").inner_text()
    assert "已取消检查" in exams.locator("table.exams tbody tr", has_text="超声").inner_text()
    town.reload()
    assert "已取消检查" in town.locator("#exams table.exams tbody tr", has_text="超声").inner_text()
