"""The referral page's timeline reads in Chinese, also where the service wrote a coded reason."""
from __future__ import annotations

import re

from console.pages.detail import timeline

NAMES = {"county-tcm-hospital": "巫山县中医院", "dachang-thc": "大昌镇中心卫生院"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def step(action: str, reason: str | None) -> dict:
    return {"action": action, "reason": reason, "actor_org_id": "dachang-thc", "from_status": None,
            "to_status": "accepted", "actor": "x", "at": "2026-11-27T00:00:00+00:00", "response_minutes": None}


def test_coded_reasons_become_sentences():
    history = [step("redirect", "to county-tcm-hospital (neurology): 本院无床"), step("reject", "no_bed: 满床"),
               step("follow_up", "follow-up due 2026-12-01"), step("complete", "last scheduled follow-up recorded"),
               step("submit", "from consultation 6f1c2d3e-0000-4000-8000-000000000001")]
    texts = [t["reason_text"] for t in timeline({"history": history}, NAMES.get)]
    assert texts == ["改派至巫山县中医院（神经内科）：本院无床", "床位已满：满床", "计划日期 2026-12-01 的随访",
                     "最后一次计划随访已登记，下转自动完成", "由科对科会诊咨询答复“建议上转”生成"]
    assert all(CJK.search(t) for t in texts)
