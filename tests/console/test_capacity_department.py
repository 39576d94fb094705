"""科室号源/床位: a county department sees its coming weeks' places (booked and free), applies a weekly template
and edits a day's numbers; a number below what is booked is refused beside its field. The county hospital's
manager has the same page (the referral service lets a county hospital's unit_manager publish); a township's
manager does not."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from .conftest import login
from .test_accept_booking import refer
from .test_forms import error_beside, local_today

pytestmark = pytest.mark.integration
PAGE = "/capacity/department"


def test_a_weekly_template_publishes_and_the_page_shows_booked_and_free(console, desk):
    county, town = desk("peoples.referral"), desk("dachang.referral")
    start = local_today() + timedelta(days=7)
    week = {f"c1_{wd}": "2" for wd in range(1, 6)} | {f"c2_{wd}": "1" for wd in range(1, 6)}
    filters = {"specialty": "general_surgery", "kind": "outpatient", "date_from": start.isoformat()}
    done = county.submit(f"{PAGE}/template", filters | week | {
        "first_day": start.isoformat(), "last_day": (start + timedelta(days=6)).isoformat(),
        "b1_start": "08:00", "b1_end": "12:00", "b2_start": "14:00", "b2_end": "17:00"}, PAGE)
    assert done.status_code == 303, done.text[:2000]
    page = county.get(done.headers["location"]).text
    assert "已按周模板发布：10 个号源，共 15 个号" in page
    monday = start + timedelta(days=(7 - start.weekday()) % 7)
    slot = re.search(r'value="([0-9a-f-]{36})" checked', town.get(
        "/referrals/new-upward", params={"to_org_id": "county-peoples-hospital", "specialty": "general_surgery",
                                         "day": monday.isoformat()}).text).group(1)
    with console.client("peoples.referral") as api:  # one patient booked on Monday morning
        rid = refer(town, "general_surgery", seq="287")
        assert api.post(f"/referral/referrals/{rid}/accept", json={"slot_id": slot, "version": 1}).status_code == 200
    shown = county.get(PAGE, params=filters | {"edit": monday.isoformat()}).text
    row = re.search(r"<tr class=\"row-editing\"><td>[^<]*</td><td>门诊 08:00–12:00</td>(.*?)</tr>", shown, re.S).group(1)
    assert re.findall(r'<td class="num[^"]*">([^<]+)</td>', row)[:3] == ["2", "1", "1"]  # places, booked, free
    low = county.submit(f"{PAGE}/day", filters | {"day": monday.isoformat(), "count_08:00": "0", "end_08:00": "12:00",
                                                  "count_14:00": "3", "end_14:00": "17:00"}, PAGE)
    assert low.status_code == 409
    assert error_beside(low.text, "day-count_08:00") == "不能少于已预约的 1 个号"
    assert 'value="3"' in low.text  # the other band's number is kept as typed
    ok = county.submit(f"{PAGE}/day", filters | {"day": monday.isoformat(), "count_08:00": "4", "end_08:00": "12:00",
                                                 "count_14:00": "0", "end_14:00": "17:00"}, PAGE)
    assert ok.status_code == 303
    again = county.get(PAGE, params=filters | {"edit": monday.isoformat()}).text
    assert 'id="f-day-count_08:00" name="count_08:00" type="text" value="4"' in again


def test_bad_template_input_is_shown_beside_its_field(desk):
    county = desk("peoples.referral")
    filters = {"specialty": "general_surgery", "kind": "outpatient"}
    day = (local_today() + timedelta(days=3)).isoformat()
    reversed_band = county.submit(f"{PAGE}/template", filters | {
        "first_day": day, "last_day": day, "b1_start": "12:00", "b1_end": "08:00", "c1_1": "1", "c1_2": "1", "c1_3": "1",
        "c1_4": "1", "c1_5": "1", "c1_6": "1", "c1_7": "1"}, PAGE)
    assert reversed_band.status_code == 422
    assert error_beside(reversed_band.text, "tpl-b1_start") == "时段的开始时间须早于结束时间"
    not_a_number = county.submit(f"{PAGE}/template", filters | {"first_day": day, "last_day": day, "c1_1": "两"}, PAGE)
    assert error_beside(not_a_number.text, "tpl-c1_1") == "号源数应为整数"
    past = county.submit(f"{PAGE}/template", filters | {"first_day": "2020-01-01", "last_day": "2020-01-07",
                                                        "b1_start": "08:00", "b1_end": "12:00", "c1_1": "1"}, PAGE)
    assert "已过去" in error_beside(past.text, "tpl-first_day")


def test_the_county_hospitals_manager_publishes_too_and_a_townships_manager_gets_403(console, desk):
    manager = login(console.console_url, "peoples.manager")
    assert f'href="{PAGE}"' in manager.get("/").text
    day = local_today() + timedelta(days=20)
    filters = {"specialty": "paediatrics", "kind": "bed", "date_from": day.isoformat()}
    done = manager.submit(f"{PAGE}/template", filters | {"first_day": day.isoformat(), "last_day": day.isoformat(),
                                                         f"c1_{day.isoweekday()}": "2"}, PAGE)
    assert done.status_code == 303, done.text[:2000]
    shown = manager.get(done.headers["location"]).text
    assert "已按周模板发布：1 个号源，共 2 个号" in shown and "预留床位（全天）" in shown
    township = desk("dachang.manager")
    assert f'href="{PAGE}"' not in township.get("/").text and township.get(PAGE).status_code == 403
    forged = township.post(f"{PAGE}/template", data=filters | {"_csrf": township.form_token("/")})
    assert forged.status_code == 403 and "无权访问" in forged.text
