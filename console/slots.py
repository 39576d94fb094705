"""A department's published places as a choice on a form (the county desk's accept, the township's upward form,
the receiving hospital's exam booking), and the sentence a clerk reads when the place chosen was taken meanwhile
(the API's 409 with rule=capacity)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from . import labels as L
from .access import COUNTY_DESK
from .gateway_client import ApiError, GatewayUnavailable
from .session import User
from .web import Ctx, Form

WEEKDAYS = "一二三四五六日"
VISIT_KINDS = ("outpatient", "bed")
EXAMS_OPEN = ("accepted", "arrived")  # the referral's states in which the receiving hospital books its exams


@dataclass(frozen=True)
class SlotChoice:
    slot_id: str
    day: str
    kind: str
    band_start: str
    band_end: str
    places: int
    free: int
    held: bool  # the place this referral holds already (chosen when referring)
    over: bool  # full, but may be taken over capacity (an emergency)
    exam_type: str | None = None

    @property
    def text(self) -> str:
        exam = f"{L.label(L.EXAM_TYPES, self.exam_type)} · " if self.exam_type else ""
        return f"{exam}{day_text(self.day)} {band_text(self.kind, self.band_start, self.band_end)}"


def day_text(day: str | date) -> str:
    d = date.fromisoformat(day) if isinstance(day, str) else day
    return f"{d.month}月{d.day}日（周{WEEKDAYS[d.weekday()]}）"


def band_text(kind: str, start: str, end: str) -> str:
    if kind == "bed":
        return "预留床位（全天）"
    return f"门诊 {start}–{end}" if kind == "outpatient" else f"{start}–{end}"


async def published(ctx: Ctx, org_id: str, **filters: str) -> list[dict] | None:
    """The hospital's published slots of the console's window (today and CONSOLE_CAPACITY_DAYS on), full ones
    too. None: the platform did not answer (the form still opens, as typed after an outage, without the choice)."""
    today = ctx.today
    try:
        found = await ctx.get("/referral/capacity/slots", org_id=org_id, date_from=today.isoformat(),
                              date_to=(today + timedelta(days=ctx.app.state.settings.capacity_days - 1)).isoformat(),
                              **filters)
    except (ApiError, GatewayUnavailable):
        return None
    return [s for s in found["items"] if s["places"] > 0]


def _choices(slots: list[dict], emergency: bool, held: str | None = None) -> list[SlotChoice]:
    """The slots that may be chosen: free ones, the one held, and (an emergency, which the platform takes over
    capacity) full ones too."""
    return [SlotChoice(s["slot_id"], s["day"], s["kind"], s["band_start"], s["band_end"], s["places"], s["free"],
                       s["slot_id"] == held, s["free"] <= 0 and emergency, s.get("exam_type"))
            for s in slots if s["free"] > 0 or emergency or s["slot_id"] == held]


async def department_slots(ctx: Ctx, org_id: str, specialty: str, *, emergency: bool = False,
                           held: str | None = None) -> list[SlotChoice] | None:
    """The department's outpatient and bed slots of the coming days that may be chosen. None: it publishes
    nothing of the kind in those days (the free-text answer stands), or its capacity could not be read."""
    visits = [s for s in await published(ctx, org_id, specialty=specialty) or [] if s["kind"] in VISIT_KINDS]
    return _choices(visits, emergency, held) if visits else None


def books_exams(user: User | None, referral: dict) -> bool:
    """The receiving county hospital's desk books and cancels the exams of an accepted upward referral (as the
    referral service allows); the sending unit sees them only."""
    return (COUNTY_DESK.admits(user) and user is not None and referral["to_org_id"] == user.org_id
            and referral["direction"] == "upward" and referral["status"] in EXAMS_OPEN)


async def exam_slots(ctx: Ctx, referral: dict) -> list[SlotChoice] | None:
    """The receiving hospital's exam slots of the coming days, of every department and exam type, that may be
    chosen for this referral (full ones too for an emergency). None: they could not be read."""
    exams = await published(ctx, referral["to_org_id"], kind="exam")
    return None if exams is None else _choices(exams, referral["urgency"] == "emergency")


def capacity_conflict(form: Form, field: str = "slot_id", step: str = "接收") -> bool:
    """The place was taken meanwhile (409, rule=capacity): one plain sentence beside the slot choice, naming the
    slot's day and band, and the rest of the form kept as typed. True when that was the refusal."""
    d = form.details
    if d.get("rule") != "capacity":
        return False
    if d.get("day") and d.get("band_start"):
        where = f"{day_text(d['day'])} {d['band_start']} 开始的号源"
    elif d.get("day"):
        where = f"{day_text(d['day'])}的号源"
    else:
        where = "所选号源"
    form.errors.pop(field, None)
    form.errors.pop("appointment_at", None)
    form.add(field, f"{where}刚刚已被约满，本次未{step}。请另选一个有空余的号源后再确认（您填写的其他内容已保留）。")
    form.general = None
    return True
