"""预约检查 on the referral's page: the receiving county desk books an accepted referral's exam into a published exam
slot (places left shown) or by day, and cancels it; a slot taken meanwhile is one Chinese sentence beside the
choice with the form kept; the township sees the exams read-only; every other desk gets no form and the 403 page."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from .test_accept_booking import publish, refer
from .test_forms import error_beside, local_today

pytestmark = pytest.mark.integration


def accepted(console, town, seq: str, urgency: str = "routine") -> str:
    """An upward referral the people's hospital has accepted (neurology publishes no places: a free-text time)."""
    rid = refer(town, "neurology", urgency=urgency, seq=seq)
    at = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    with console.client("peoples.referral") as api:
        r = api.post(f"/referral/referrals/{rid}/accept", json={"appointment_at": at, "version": 1})
        assert r.status_code == 200, r.text
    return rid


def slot_and_referral(console, desk, days: int, seq: str, exam_type: str, count: int = 2, specialty: str = "radiology",
                      band: tuple[str, str] = ("08:00", "12:00")):
    """An exam slot published `days` ahead, and the page of a referral the hospital accepted meanwhile."""
    day = local_today() + timedelta(days=days)
    slot = publish(console, specialty, "exam", day, count, *band, exam_type=exam_type)
    return day, slot, f"/referrals/{accepted(console, desk('dachang.referral'), seq)}"


def free_of(console, slot_id: str, day) -> int:
    with console.client("peoples.referral") as api:
        items = api.get("/referral/capacity/slots", params={"org_id": "county-peoples-hospital", "kind": "exam",
                                                             "date_from": day.isoformat(), "date_to": day.isoformat()})
        return next(s["free"] for s in items.json()["items"] if s["slot_id"] == slot_id)


def exam_row(html: str, text: str) -> str:
    found = re.search(rf"<tr><td>{re.escape(text)}</td>(.*?)</tr>", html, re.S)
    assert found, f"no exam row for {text}"
    return found.group(1)


def test_the_receiving_desk_books_an_exam_into_a_published_slot_and_cancels_it(console, desk):
    town, county = desk("dachang.referral"), desk("peoples.referral")
    day, ct, page = slot_and_referral(console, desk, 2, "301", "ct")
    form = county.get(page).text
    assert 'id="action-exam"' in form and "尚未预约检查" in form
    assert re.search(rf'value="{ct["slot_id"]}">\s*CT · \d+月\d+日（周.） 08:00–12:00 · 余 2 / 2', form)
    booked = county.submit(f"{page}/exams", {"slot_id": ct["slot_id"]}, page)
    assert booked.status_code == 303, booked.text[:2000]
    shown = county.get(page).text
    assert "已预约检查：CT" in shown
    row = exam_row(shown, "CT")
    assert "08:00–12:00" in row and "已预约" in row and "取消检查" in row
    assert free_of(console, ct["slot_id"], day) == 1
    seen = town.get(page).text  # the township sees the exam, read-only
    assert "08:00–12:00" in exam_row(seen, "CT") and "已预约" in exam_row(seen, "CT")
    assert 'id="action-exam"' not in seen and "/exams/" not in seen and "取消检查" not in seen
    booking = re.search(rf'action="{page}/exams/([0-9a-f-]{{36}})/cancel"', shown).group(1)
    cancelled = county.submit(f"{page}/exams/{booking}/cancel", {}, page)
    assert cancelled.status_code == 303, cancelled.text[:2000]
    after = county.get(page).text
    assert "已取消检查预约：CT" in after and "已取消检查" in exam_row(after, "CT")
    assert free_of(console, ct["slot_id"], day) == 2
    again = county.submit(f"{page}/exams/{booking}/cancel", {}, page)  # a second click, or a colleague's
    assert again.status_code == 409 and "该检查预约已取消或已释放" in again.text


def test_a_slot_taken_meanwhile_is_one_sentence_beside_the_choice_and_the_form_stays_filled(console, desk):
    town, county = desk("dachang.referral"), desk("peoples.referral")
    day = local_today() + timedelta(days=3)
    last = publish(console, "radiology", "exam", day, 1, "14:00", "17:00", exam_type="mri")
    first, second = accepted(console, town, "303"), accepted(console, town, "305")
    page = f"/referrals/{second}"
    assert f'value="{last["slot_id"]}"' in county.get(page).text  # still free when the clerk opened the form
    with console.client("peoples.referral") as colleague:  # another clerk books the last place first
        taken = colleague.post(f"/referral/referrals/{first}/exams", json={"exam_type": "mri", "slot_id": last["slot_id"]})
        assert taken.status_code == 200, taken.text
    refused = county.submit(f"{page}/exams", {"slot_id": last["slot_id"], "exam_type": "ecg", "at": "09:30"}, page)
    assert refused.status_code == 409
    message = error_beside(refused.text, "exam-slot_id")
    assert "14:00 开始的号源刚刚已被约满，本次未预约" in message
    assert 'name="at" type="time" value="09:30"' in refused.text  # what the clerk typed is kept
    assert f'value="{last["slot_id"]}"' not in refused.text  # the full slot is no longer offered
    assert "尚未预约检查" in refused.text


def test_an_exam_is_booked_by_day_and_a_type_nobody_publishes_is_refused_beside_the_day(console, desk):
    county = desk("peoples.referral")
    day, ecg, page = slot_and_referral(console, desk, 4, "307", "ecg", 3, "cardiology", ("08:00", "11:00"))
    booked = county.submit(f"{page}/exams", {"exam_type": "ecg", "day": day.isoformat()}, page)
    assert booked.status_code == 303, booked.text[:2000]
    assert "08:00–11:00" in exam_row(county.get(page).text, "心电图") and free_of(console, ecg["slot_id"], day) == 2
    none = county.submit(f"{page}/exams", {"exam_type": "endoscopy", "day": day.isoformat()}, page)
    assert none.status_code == 409
    assert error_beside(none.text, "exam-day") == \
        "巫山县人民医院没有发布内镜检查号源，须由开展该检查的科室先发布号源才能预约（急危重症除外）"
    no_type = county.submit(f"{page}/exams", {}, page)
    assert error_beside(no_type.text, "exam-exam_type") == "请填写检查类型"
    no_day = county.submit(f"{page}/exams", {"exam_type": "ct"}, page)
    assert error_beside(no_day.text, "exam-slot_id") == "请选择检查号源，或填写日期以预约当天第一个空号"


def test_an_emergency_is_booked_over_a_full_exam_slot(console, desk):
    county = desk("peoples.referral")
    day, full, first = slot_and_referral(console, desk, 6, "315", "ct", 1, band=("14:00", "17:00"))
    taken = county.submit(f"{first}/exams", {"slot_id": full["slot_id"]}, first)
    assert taken.status_code == 303 and free_of(console, full["slot_id"], day) == 0
    page = f"/referrals/{accepted(console, desk('dachang.referral'), '317', urgency='emergency')}"
    form = county.get(page).text
    assert re.search(rf'value="{full["slot_id"]}">\s*CT · [^<]*14:00–17:00 · 已满（1 个），急危重症可超额预约', form)
    booked = county.submit(f"{page}/exams", {"slot_id": full["slot_id"]}, page)
    assert booked.status_code == 303, booked.text[:2000]
    assert "超额预约" in exam_row(county.get(page).text, "CT")


@pytest.mark.parametrize("username", ["dachang.referral", "dachang.manager", "peoples.finance", "tcm.referral"])
def test_other_desks_get_no_form_and_the_403_page_on_a_forged_post(console, desk, username):
    county = desk("peoples.referral")
    day, ct, page = slot_and_referral(console, desk, 5, "309", "ct")
    other = desk(username)
    forged = other.post(f"{page}/exams", data={"slot_id": ct["slot_id"], "_csrf": other.form_token("/")})
    # another hospital's desk cannot see the referral at all (404), like any record not its own
    assert forged.status_code == (404 if username == "tcm.referral" else 403)
    assert "无权访问" in forged.text or username == "tcm.referral"
    assert free_of(console, ct["slot_id"], day) == 2  # nothing booked
    missing = county.post(f"{page}/exams", data={"slot_id": ct["slot_id"]})  # no CSRF token
    assert missing.status_code == 403 and "表单已失效" in missing.text
    assert free_of(console, ct["slot_id"], day) == 2


def test_no_exam_form_and_a_clear_refusal_before_the_referral_is_accepted(desk):
    county = desk("peoples.referral")
    rid = refer(desk("dachang.referral"), "neurology", seq="311")
    page = county.get(f"/referrals/{rid}").text
    assert "确认接收" in page and 'id="action-exam"' not in page and "检查预约" not in page
    early = county.submit(f"/referrals/{rid}/exams", {"exam_type": "ct", "day": local_today().isoformat()},
                          f"/referrals/{rid}")
    assert early.status_code == 409 and "只有已接收的上转单可以预约检查" in early.text
