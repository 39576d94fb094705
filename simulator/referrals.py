"""One referral's life through the gateway, as the clerks at both ends would play it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from threading import Lock
from zoneinfo import ZoneInfo

from .capacity import accept_booking
from .client import Gateway
from .county import Account, clerk_of
from .scenario_referrals import Downward, OutOfCounty, Upward

COUNTY_TZ = ZoneInfo("Asia/Shanghai")


def county_today() -> date:
    return datetime.now(COUNTY_TZ).date()


@dataclass
class ReferralTally:
    """What the platform accepted, for the end report (and the integration test's cross-check)."""

    upward_submitted: int = 0
    by_urgency: dict[str, int] = field(default_factory=dict)
    by_outcome: dict[str, int] = field(default_factory=dict)
    completed_fund_fen: int = 0
    completed_with_claim: int = 0
    downward_issued: int = 0
    downward_accepted: int = 0
    downward_overrides: int = 0
    follow_ups_recorded: int = 0
    out_of_county: int = 0
    out_of_county_fen: int = 0
    booked_accepts: int = 0  # acceptances that booked a published place (预约)
    overflow_accepts: int = 0  # of which emergencies over capacity
    claim_referral_ids: list[str] = field(default_factory=list)  # completed with a fund share: REF-<id> claims
    lock: Lock = field(default_factory=Lock, repr=False)

    def count(self, name: str, key: str | None = None, n: int = 1) -> None:
        with self.lock:
            if key is None:
                setattr(self, name, getattr(self, name) + n)
            else:
                d = getattr(self, name)
                d[key] = d.get(key, 0) + n


def _clinical(p) -> dict:  # noqa: ANN001 - Upward, Downward or OutOfCounty
    return {"patient": p.patient, "icd10": p.icd10, "diagnosis": p.diagnosis, "specialty": p.specialty}


def play_upward(gw: Gateway, accounts: list[Account], up: Upward, tally: ReferralTally) -> Downward | None:
    sender = clerk_of(accounts, up.from_org)
    hospital = up.to_org
    body = _clinical(up) | {
        "reason": "基层诊疗能力不足，需上级医院进一步诊治" if up.urgency == "routine" else "病情危急，请求优先接诊",
        "urgency": up.urgency, "emergency_category": up.emergency_category, "to_org_id": up.to_org,
        "attachments": [{"name": "门诊病历.pdf", "content_type": "application/pdf", "size_bytes": 180_000 + up.no,
                         "storage_ref": f"emr://{up.from_org}/{up.no}"}]}
    rid = gw.call(sender, "POST", "/referral/referrals/upward", json=body).json()["referral_id"]
    tally.count("upward_submitted")
    tally.count("by_urgency", up.urgency)

    def act(org: str, action: str, payload: dict) -> dict:
        return gw.call(clerk_of(accounts, org), "POST", f"/referral/referrals/{rid}/{action}", json=payload).json()

    if up.outcome == "cancelled":
        gw.call(sender, "POST", f"/referral/referrals/{rid}/cancel", json={"reason": "患者改变就诊意向"})
        tally.count("by_outcome", "cancelled")
        return None
    if up.outcome == "rejected":
        act(hospital, "reject", {"reason_code": up.reject_code, "reason": "经评估暂不接收，建议基层继续治疗"})
        tally.count("by_outcome", "rejected")
        return None
    if up.outcome == "redirected":
        act(hospital, "redirect", {"to_org_id": up.redirect_to, "reason": "本院相关专科床位已满，转至兄弟医院"})
        hospital = up.redirect_to
    tomorrow = datetime.combine(county_today() + timedelta(days=1), time(9, 0), COUNTY_TZ)
    accept = {"bed_no": f"{up.specialty[:3].upper()}-{up.no % 60 + 1}", "priority_admission": True} \
        if up.urgency != "routine" else {"appointment_at": tomorrow.isoformat()}
    detail = accept_booking(gw, clerk_of(accounts, hospital), rid, hospital, up, county_today(), accept)
    held = [b for b in detail.get("bookings", []) if b["status"] == "booked"]
    tally.count("booked_accepts", n=bool(held))
    tally.count("overflow_accepts", n=any(b["overflow"] for b in held))
    if up.outcome == "accepted":
        tally.count("by_outcome", "accepted")
        return None
    act(hospital, "arrive", {})
    # Served today: the platform's clock stamped the submission, and service follows arrival.
    act(hospital, "complete", {"discharge_summary": "经治疗病情稳定，准予出院", "fund_amount_fen": up.fund_amount_fen,
                               "recommend_downward": up.recommend_downward})
    tally.count("by_outcome", "completed" if up.outcome == "completed" else "redirected_completed")
    if up.fund_amount_fen > 0:
        with tally.lock:
            tally.claim_referral_ids.append(rid)
        tally.count("completed_with_claim")
        tally.count("completed_fund_fen", n=up.fund_amount_fen)
    return rid  # type: ignore[return-value]


def play_downward(gw: Gateway, accounts: list[Account], down: Downward, source_referral_id: str | None,
                  tally: ReferralTally) -> None:
    today = county_today()
    plan = {"medications": [{"name": "氨氯地平片", "dose": "5mg", "frequency": "每日一次", "days": 30}]} \
        if down.chronic else {"rehabilitation_plan": "每周三次康复训练，逐步恢复日常活动", "notes": "定期复查"}
    body = _clinical(down) | {
        "reason": "病情稳定，转回基层继续治疗和随访", "to_org_id": down.to_org, "plan": plan,
        "follow_ups": [{"due_date": (today + timedelta(days=30 * i)).isoformat(), "focus": "血压、用药依从性"}
                       for i in range(down.follow_ups)],
        "source_referral_id": source_referral_id}
    if down.override:
        body["capability_override_reason"] = "县级医院康复科医师每周下沉指导，先行接收"
    r = gw.call(clerk_of(accounts, down.from_org), "POST", "/referral/referrals/downward", json=body).json()
    tally.count("downward_issued")
    if down.override:
        tally.count("downward_overrides")
    receiver = clerk_of(accounts, down.to_org)
    rid = r["referral_id"]
    if down.outcome == "declined":
        gw.call(receiver, "POST", f"/referral/referrals/{rid}/decline", json={"reason": "家庭医生团队本月满员"})
        return
    gw.call(receiver, "POST", f"/referral/referrals/{rid}/accept", json={"note": "已签约家庭医生接收"})
    tally.count("downward_accepted")
    first = min(r["follow_ups"], key=lambda f: f["due_date"])
    gw.call(receiver, "POST", f"/referral/referrals/{rid}/follow-ups/{first['follow_up_id']}",
            json={"done_on": today.isoformat(), "findings": "血压控制平稳，继续原方案"})
    tally.count("follow_ups_recorded")


def play_out_of_county(gw: Gateway, accounts: list[Account], ooc: OutOfCounty, tally: ReferralTally) -> None:
    body = _clinical(ooc) | {"reason": "县域内无相应诊疗条件", "destination": ooc.destination,
                             "service_date": ooc.service_date.isoformat(), "fund_amount_fen": ooc.fund_amount_fen}
    gw.call(clerk_of(accounts, ooc.from_org), "POST", "/referral/referrals/out-of-county", json=body)
    tally.count("out_of_county")
    tally.count("out_of_county_fen", n=ooc.fund_amount_fen)
