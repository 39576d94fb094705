"""The referral form with the keyboard alone; labels, language and a visible focus on every main page; the
page script's national-ID check against the service's own rules."""
from __future__ import annotations

import random
import re
from datetime import date

import pytest

from platform_common.errors import InvalidInput
from services.referral.domain.identity import check_char, parse_national_id

from ..conftest import national_id
from .conftest import shot

pytestmark = pytest.mark.integration
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(e => e.type !== 'hidden' && !e.closest('[aria-hidden=true]') && e.labels.length === 0 && !e.getAttribute('aria-label'))
  .map(e => e.name || e.id)"""


def tab_to(page, element_id: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_a_clerk_fills_and_sends_the_referral_form_with_the_keyboard_alone(open_desk):
    page = open_desk("luoping.referral")
    page.goto(page.url + "referrals/new-upward")
    nid = national_id(date(1972, 3, 15), "482")
    tab_to(page, "f-patient-name")
    focus = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus != "none"  # the focus ring is visible
    page.keyboard.type("杨秀兰")
    page.keyboard.press("Tab")
    page.keyboard.type(nid)  # fills date of birth and sex from the ID, as the clerk sees
    tab_to(page, "f-icd10")
    page.keyboard.type("J44.1")
    page.keyboard.press("Tab")  # the name comes from the catalogue
    tab_to(page, "f-reason")
    page.keyboard.type("慢阻肺急性加重，血氧 88%")
    tab_to(page, "f-urgency-routine")
    page.keyboard.press("ArrowRight")  # 紧急
    assert page.evaluate("document.activeElement.value") == "urgent"
    tab_to(page, "f-specialty")
    for _ in range(5):  # 请选择 → 全科 → 内科 → 心血管内科 → 神经内科 → 呼吸内科
        page.keyboard.press("ArrowDown")
    assert page.locator("#f-specialty").input_value() == "respiratory"
    shot(page, "11-keyboard-only-form")
    tab_to(page, "submit-upward")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/referrals/[0-9a-f-]{36}$"))
    text = page.locator("main").inner_text()
    assert "上转已提交：杨秀兰" in text and "呼吸内科" in text and "紧急" in text and "1972-03-15" in text


@pytest.mark.parametrize("username, paths", [
    ("dachang.referral", ["/", "/referrals/outgoing", "/referrals/incoming", "/referrals/new-upward",
                          "/referrals/new-out-of-county", "/follow-ups/overdue", "/capacity", "/consultations/new",
                          "/consultations", "/referrals/new-upward?specialty=cardiology"]),
    ("peoples.referral", ["/queue", "/referrals/new-downward", "/capacity", "/consultations",
                          "/capacity/department?specialty=cardiology", "/capacity/department?specialty=cardiology&kind=bed"]),
    ("bureau.analyst", ["/indicators"]),
    ("insurance.officer", ["/budgets", "/policies", "/claims/upload", "/claims/uploads", "/claims", "/settlements",
                           "/reconciliations", "/capitation", "/roster/upload", "/contracts", "/contracts/new",
                           "/roster/coverage", "/roster/fee-split", "/appraisal", "/capitation/runs"]),
    ("peoples.finance", ["/ledger", "/settlements"]),
    ("bureau.hr", ["/staff", "/staff/new", "/quota", "/quota/dachang-thc", "/secondments", "/rotations", "/tidal",
                   "/allowances"]),
    ("dachang.manager", ["/secondments/new", "/visit-volumes", "/roster/upload", "/contracts/new", "/roster/census",
                         "/appraisal"]),
])
def test_every_input_is_labelled_and_pages_say_they_are_chinese(open_desk, username, paths):
    page = open_desk(username)
    base = page.url.rstrip("/")
    for path in paths:
        page.goto(base + path)
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        assert page.evaluate(UNLABELLED) == [], path
        page.keyboard.press("Tab")  # the first stop is the skip link, shown when focused
        assert page.evaluate("document.activeElement.textContent") == "跳到正文"
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"


def _service_accepts(value: str) -> bool:
    try:
        parse_national_id(value)
        return True
    except InvalidInput:
        return False


def test_the_page_checks_national_ids_with_the_same_rules_as_the_service(open_desk):
    page = open_desk("dachang.referral")
    rng = random.Random(15)
    samples = [national_id(), national_id()[:-1] + "x", "１" * 18, national_id()[:17], " " + national_id(),
               "50023719490231123" + check_char("50023719490231123"),  # 31 February
               "50023720000229123" + check_char("50023720000229123"),  # a leap day
               "50023719000229123" + check_char("50023719000229123")]  # 1900 was not a leap year
    for _ in range(300):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        samples.append(first17 + rng.choice([check_char(first17), rng.choice("0123456789X")]))
    verdicts = page.evaluate("ids => ids.map(v => window.consoleCheckNationalId(v).ok)", samples)
    assert verdicts == [_service_accepts(v) for v in samples]
