"""A workload of referrals (with claims) and secondments driven through the gateway while processes die.

Every step is retried until the platform gives a definite answer, as a clerk would: a 502/503/504 or a
refused connection means "the service is restarting, try again". A transition that was applied but whose
answer was lost comes back as 409 with the current status, which tells the driver it already happened. A
creation whose answer was lost (submit, out-of-county record) cannot be told apart from one that never
happened, so it is counted as *ambiguous*; the checks allow for exactly that many extra records.
"""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

import httpx

from platform_common.auth import Role
from services.referral.domain.identity import check_char
from tests.support.tokens import token_for

# township centre -> its paired county hospital (gateway/demo.py)
PAIRS = {
    "dachang-thc": "county-peoples-hospital", "longmen-chc": "county-tcm-hospital",
    "wuxia-thc": "county-mch-hospital", "guandu-thc": "county-tcm-hospital", "luoping-thc": "county-tcm-hospital",
}
SPECIALTIES = ["cardiology", "neurology", "respiratory", "orthopaedics", "general_surgery", "rehabilitation"]
TRANSIENT = {502, 503, 504}
# The status a referral has once each step has been applied, and the statuses that come later.
AFTER = {"accept": {"accepted", "arrived", "completed"}, "arrive": {"arrived", "completed"}, "complete": {"completed"}}


def national_id(rng: random.Random) -> tuple[str, str, str]:
    birth = date(1940, 1, 1) + timedelta(days=rng.randrange(25_000))
    seq = f"{rng.randrange(1000):03d}"
    first17 = "500237" + birth.strftime("%Y%m%d") + seq
    return first17 + check_char(first17), ("male" if int(seq[-1]) % 2 else "female"), birth.isoformat()


@dataclass
class Tally:
    """What the driver saw the platform accept; the checks compare the databases against it."""

    submitted: set[str] = field(default_factory=set)
    completed: dict[str, int] = field(default_factory=dict)     # referral_id -> fund_amount_fen
    out_of_county: dict[str, int] = field(default_factory=dict)  # referral_id -> fund_amount_fen
    postings: set[str] = field(default_factory=set)
    ambiguous_submits: int = 0
    ambiguous_out_of_county: int = 0
    retries: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    names_and_ids: list[str] = field(default_factory=list)  # patient names and national IDs sent, for the privacy scan


class Unavailable(Exception):
    pass


class Driver:
    def __init__(self, gateway_url: str, seed: int = 8, retry_for: float = 120) -> None:
        self.url = gateway_url
        self.rng = random.Random(seed)
        self.retry_for = retry_for
        self.tally = Tally()
        self._lock = threading.Lock()
        self._local = threading.local()
        self.staff_id_numbers: list[str] = []

    # -- HTTP with retries through restarts ----------------------------------------------------------
    def _client(self) -> httpx.Client:
        c = getattr(self._local, "client", None)
        if c is None:
            c = self._local.client = httpx.Client(base_url=self.url, timeout=30)
        return c

    def call(self, method: str, path: str, org: str, role: Role, *, json: dict | None = None,
             creating: bool = False) -> httpx.Response | None:
        """One request, retried through restarts. A creation that may have happened returns None."""
        headers = {"Authorization": f"Bearer {token_for(org, role)}"}
        deadline = time.monotonic() + self.retry_for
        while True:
            with self._lock:
                self.tally.requests += 1
            try:
                r = self._client().request(method, path, json=json, headers=headers)
                if r.status_code not in TRANSIENT:
                    if r.status_code >= 500:
                        self._error(f"{method} {path}: {r.status_code} {r.text[:300]}")
                    return r
                # 502 upstream_unavailable / 503: never delivered. 504 or a broken connection: maybe applied.
                outcome_unknown = r.status_code == 504 or (
                    r.status_code == 502 and r.json()["error"]["code"] != "upstream_unavailable")
            except httpx.ConnectError:
                outcome_unknown = False  # the gateway is down: nothing was sent
                self._local.client = None
            except httpx.TransportError:
                outcome_unknown = True  # the gateway died with the request: it may have forwarded it
                self._local.client = None
            if creating and outcome_unknown:
                return None
            with self._lock:
                self.tally.retries += 1
            if time.monotonic() > deadline:
                raise Unavailable(f"{method} {path} still failing after {self.retry_for} s")
            time.sleep(0.3)

    def _error(self, text: str) -> None:
        with self._lock:
            self.tally.errors.append(text)

    # -- one referral --------------------------------------------------------------------------------
    def referral(self) -> None:
        rng = self.rng
        township = rng.choice(list(PAIRS))
        hospital = PAIRS[township]
        nid, sex, birth = national_id(rng)
        name = rng.choice("王李张刘陈杨黄赵吴周") + rng.choice(["建国", "秀英", "桂兰", "志强", "玉梅", "德华", "春花"])
        patient = {"name": name, "sex": sex, "date_of_birth": birth, "national_id": nid}
        with self._lock:
            self.tally.names_and_ids += [name, nid]
        fund = rng.choice([0, rng.randrange(10_000, 2_000_000)])
        clinical = {"patient": patient, "icd10": "I63.9", "diagnosis": "脑梗死", "reason": "需上级医院诊治",
                    "specialty": rng.choice(SPECIALTIES)}
        if rng.random() < 0.1:
            body = clinical | {"destination": "重庆医科大学附属第一医院", "fund_amount_fen": fund,
                               "service_date": date.today().isoformat()}
            r = self.call("POST", "/referral/referrals/out-of-county", township, Role.REFERRAL_CLERK, json=body,
                          creating=True)
            with self._lock:
                if r is None:
                    self.tally.ambiguous_out_of_county += 1
                elif r.status_code == 201:
                    self.tally.out_of_county[r.json()["referral_id"]] = fund
                else:
                    self.tally.errors.append(f"out-of-county: {r.status_code} {r.text[:300]}")
            return
        body = clinical | {"urgency": "routine", "to_org_id": hospital}
        r = self.call("POST", "/referral/referrals/upward", township, Role.REFERRAL_CLERK, json=body, creating=True)
        if r is None:
            with self._lock:
                self.tally.ambiguous_submits += 1
            return
        if r.status_code != 201:
            self._error(f"submit: {r.status_code} {r.text[:300]}")
            return
        rid = r.json()["referral_id"]
        with self._lock:
            self.tally.submitted.add(rid)
        steps = [("accept", {"bed_no": "12"}), ("arrive", {}),
                 ("complete", {"discharge_summary": "好转出院", "fund_amount_fen": fund})]
        for action, payload in steps:
            if not self._step(rid, hospital, action, payload):
                return
        with self._lock:
            self.tally.completed[rid] = fund

    def _step(self, rid: str, hospital: str, action: str, payload: dict) -> bool:
        r = self.call("POST", f"/referral/referrals/{rid}/{action}", hospital, Role.REFERRAL_CLERK, json=payload)
        if r.status_code == 200:
            return True
        # Applied before its answer was lost: the referral is already at (or past) the step.
        if r.status_code == 409 and r.json()["error"].get("details", {}).get("current_status") in AFTER[action]:
            return True
        self._error(f"{action} {rid}: {r.status_code} {r.text[:300]}")
        return False

    # -- secondments (their StaffDispatched events become receiving capability in referral) ------------
    def register_staff(self, count: int) -> list[str]:
        rng = self.rng
        people = [{"name": f"心内科医生{i}", "id_number": f"5002371975{rng.randrange(10**7, 10**8)}",
                   "qualification": "practising_physician", "title_level": "intermediate",
                   "specialty": "cardiology", "home_org_id": "county-peoples-hospital",
                   "start_date": "2015-01-01"} for i in range(count + 1)]  # +1 stays on site (minimum cover)
        self.staff_id_numbers += [p["id_number"] for p in people]
        r = self.call("POST", "/staffing/staff/bulk", "health-bureau", Role.HR_OFFICER, json={"staff": people})
        assert r.status_code == 201, r.text
        return [s["staff_id"] for s in r.json()][:count]

    def secondment(self, staff_id: str, to_org: str) -> None:
        start = date.today() + timedelta(days=3)
        body = {"org_id": to_org, "specialty": "cardiology", "title_level": "intermediate", "headcount": 1,
                "start_date": start.isoformat(), "end_date": (start + timedelta(days=90)).isoformat(),
                "reason": "下沉支援"}
        r = self.call("POST", "/staffing/secondments", to_org, Role.UNIT_MANAGER, json=body, creating=True)
        if r is None or r.status_code != 201:
            if r is not None:
                self._error(f"secondment request: {r.status_code} {r.text[:300]}")
            return
        request_id = r.json()["request_id"]
        r = self.call("POST", f"/staffing/secondments/{request_id}/approve", "health-bureau", Role.HR_OFFICER,
                      json={"reason": "同意", "staff_ids": [staff_id]})
        if r.status_code == 409:  # applied before its answer was lost
            r = self.call("GET", f"/staffing/secondments/{request_id}", "health-bureau", Role.HR_OFFICER)
        if r.status_code != 200 or not r.json()["postings"]:
            self._error(f"approve {request_id}: {r.status_code} {r.text[:300]}")
            return
        with self._lock:
            self.tally.postings.add(r.json()["postings"][0]["posting_id"])

    # -- running it ---------------------------------------------------------------------------------
    def run(self, referrals: int, staff: list[str], threads: int = 4) -> None:
        """`referrals` referrals over `threads` threads, the secondments interleaved in one more thread."""
        todo = iter(range(referrals))
        lock = threading.Lock()

        def worker() -> None:
            while True:
                with lock:
                    if next(todo, None) is None:
                        return
                try:
                    self.referral()
                except Exception as e:  # noqa: BLE001 - record and go on: the checks report it
                    self._error(f"referral: {type(e).__name__}: {e}")

        def seconder() -> None:
            townships = ["dachang-thc", "luoping-thc", "guandu-thc", "wuxia-thc", "longmen-chc"]
            for i, staff_id in enumerate(staff):
                try:
                    self.secondment(staff_id, townships[i % len(townships)])
                except Exception as e:  # noqa: BLE001
                    self._error(f"secondment: {type(e).__name__}: {e}")
                time.sleep(0.05)

        pool = [threading.Thread(target=worker) for _ in range(threads)] + [threading.Thread(target=seconder)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
