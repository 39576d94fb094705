"""Village doctors (乡聘村用): the worked example of a township with village clinics and the licence share,
postings and moves, schedules, the villages with no doctor, the pension subsidy, and the overlap rule."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from pydantic import ValidationError

from platform_common.auth import OrgKind
from platform_common.contracts import OrganisationRegistered
from platform_common.org_directory import OrgDirectory
from services.staffing.settings import StaffingSettings
from tests.api.staffing.conftest import (ANALYST, BUREAU, DACHANG, LUOPING, id_number, person, register,
                                        request_secondment, soon)
from tests.support.clock import county_today
from tests.support.service_app import outbox_events


def add_clinics(client, *clinics: tuple[str, str, str]) -> None:
    """More village clinics under their townships, as the registry would announce them."""
    runtime = client.runtime
    OrgDirectory(runtime.metadata.tables["organisations"]).register_many(runtime.session_factory, [
        OrganisationRegistered(org_id=org_id, name=name, kind=OrgKind.VILLAGE_CLINIC, consortium_id="wushan",
                               parent_org_id=parent, service_population=1200)
        for org_id, name, parent in clinics])


def village_doctor(client, clinic: str, qualification: str = "village_doctor", headers=DACHANG,
                   township: str = "dachang-thc", **extra) -> dict:
    body = {"name": f"村医{id_number()[-6:]}", "id_number": id_number(), "qualification": qualification,
            "township_id": township, "clinic_id": clinic, "start_date": "2025-01-01"} | extra
    r = client.post("/village-doctors", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def share(client, as_of: str | None = None, headers=BUREAU) -> dict:
    r = client.get("/village-doctors/licence-share", params={"as_of": as_of} if as_of else {}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_township_with_village_clinics_village_doctors_and_the_licence_share(client):
    # 大昌镇: 七星村 (from the registry), 双堰村 and 石门村. Five doctors in two villages, two of them licensed.
    add_clinics(client, ("dachang-shuangyan-vc", "大昌镇双堰村卫生室", "dachang-thc"),
                ("dachang-shimen-vc", "大昌镇石门村卫生室", "dachang-thc"))
    village_doctor(client, "dachang-qixing-vc", "assistant_physician")
    exam = village_doctor(client, "dachang-qixing-vc")
    village_doctor(client, "dachang-qixing-vc")
    village_doctor(client, "dachang-shuangyan-vc", "practising_physician")
    village_doctor(client, "dachang-shuangyan-vc")
    dachang = next(t for t in share(client)["townships"] if t["township_id"] == "dachang-thc")
    assert (dachang["doctors"], dachang["licensed"], dachang["share_bp"], dachang["target_bp"]) == (5, 2, 4000, 4500)
    assert (dachang["meets_target"], dachang["licensed_needed"]) == (False, 1)

    # one village doctor passes the assistant physician exam (执业助理医师): 3 of 5 = 60%, from that day on
    r = client.post(f"/village-doctors/{exam['staff_id']}/qualification", headers=DACHANG,
                    json={"qualification": "assistant_physician", "reason": "通过执业助理医师资格考试"})
    assert r.status_code == 200 and r.json()["qualification"] == "assistant_physician"
    now = share(client)
    dachang = next(t for t in now["townships"] if t["township_id"] == "dachang-thc")
    assert (dachang["licensed"], dachang["share_bp"], dachang["meets_target"]) == (3, 6000, True)
    assert (now["county"]["doctors"], now["county"]["licensed"], now["county"]["meets_target"]) == (5, 3, True)
    yesterday = (county_today() - timedelta(days=1)).isoformat()
    assert next(t for t in share(client, yesterday)["townships"] if t["township_id"] == "dachang-thc")["licensed"] == 2
    luoping = next(t for t in now["townships"] if t["township_id"] == "luoping-thc")
    assert (luoping["doctors"], luoping["share_bp"], luoping["meets_target"]) == (0, None, False)
    (event,) = outbox_events(client, "VillageDoctorQualified")
    assert event["payload"]["to_qualification"] == "assistant_physician"
    assert len(outbox_events(client, "VillageDoctorPosted")) == 5

    # 石门村 has no doctor: listed, and a station (派驻) from 七星村 on Tuesdays and Thursdays covers it
    uncovered = client.get("/village-clinics/uncovered", params={"township_id": "dachang-thc"}, headers=DACHANG).json()
    assert [(c["clinic_id"], c["schedules"]) for c in uncovered] == [("dachang-shimen-vc", [])]
    station = {"staff_id": exam["staff_id"], "clinic_id": "dachang-shimen-vc", "kind": "station", "weekdays": [2, 4],
               "start_date": county_today().isoformat(), "end_date": soon(180), "reason": "石门村无常驻村医"}
    r = client.post("/village-schedules", json=station, headers=DACHANG)
    assert r.status_code == 201, r.text
    (listed,) = client.get("/village-clinics/uncovered", params={"township_id": "dachang-thc"},
                           headers=DACHANG).json()
    assert listed["schedules"][0]["weekdays"] == [2, 4] and listed["schedules"][0]["kind"] == "station"
    # the same doctor cannot be at 双堰村 on a Thursday of that period too
    tour = station | {"clinic_id": "dachang-shuangyan-vc", "kind": "tour", "weekdays": [4, 5]}
    r = client.post("/village-schedules", json=tour, headers=DACHANG)
    assert r.status_code == 409 and r.json()["error"]["details"]["rule"] == "overlapping_schedule"
    assert client.post("/village-schedules", json=tour | {"weekdays": [1]}, headers=DACHANG).status_code == 201
    # a station is for a clinic with no resident doctor
    r = client.post("/village-schedules", json=station | {"clinic_id": "dachang-qixing-vc", "weekdays": [6]},
                    headers=DACHANG)
    assert r.status_code == 409 and r.json()["error"]["details"]["rule"] == "clinic_has_resident_doctor"
    # the bureau sees every township's villages: 骡坪镇玉平村 has none either
    assert {c["clinic_id"] for c in client.get("/village-clinics/uncovered", headers=ANALYST).json()} == \
        {"dachang-shimen-vc", "luoping-yuping-vc"}


def test_a_township_posts_only_its_own_people_to_its_own_villages(client):
    add_clinics(client, ("dachang-shuangyan-vc", "大昌镇双堰村卫生室", "dachang-thc"))
    body = {"name": "村医", "id_number": id_number(), "qualification": "village_doctor", "township_id": "dachang-thc",
            "clinic_id": "luoping-yuping-vc"}
    r = client.post("/village-doctors", json=body, headers=DACHANG)
    assert r.status_code == 422 and r.json()["error"]["field"] == "clinic_id"
    r = client.post("/village-doctors", json=body | {"clinic_id": "dachang-qixing-vc"}, headers=LUOPING)
    assert r.status_code == 403
    r = client.post("/village-doctors", json=body | {"clinic_id": "dachang-qixing-vc", "qualification": "nurse"},
                    headers=DACHANG)
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "body.qualification"
    # a village doctor is no county-pool post: not registered through /staff, not in the quota
    r = client.post("/staff", json=person("dachang-thc", qualification="village_doctor"), headers=BUREAU)
    assert r.status_code == 422
    doc = village_doctor(client, "dachang-qixing-vc")
    assert client.get("/units/dachang-thc/quota", headers=BUREAU).json()["filled"] == 0

    # moved to 双堰村 from a later day: the 七星村 posting ends the day before, announced
    r = client.post("/village-postings", headers=DACHANG, json={"staff_id": doc["staff_id"],
                    "clinic_id": "dachang-shuangyan-vc", "start_date": soon(10)})
    assert r.status_code == 201 and r.json()["kind"] == "village" and r.json()["end_date"] is None
    (ended,) = outbox_events(client, "VillagePostingEnded")
    assert (ended["payload"]["reason"], ended["payload"]["ended_on"]) == ("moved", soon(9))
    moved = outbox_events(client, "VillageDoctorPosted")[-1]["payload"]
    assert moved["moved_from_clinic_id"] == "dachang-qixing-vc"
    r = client.post(f"/village-postings/{r.json()['posting_id']}/end", json={"ended_on": soon(5)}, headers=DACHANG)
    assert r.status_code == 422 and r.json()["error"]["field"] == "ended_on"
    listed = client.get("/village-doctors", params={"township_id": "dachang-thc"}, headers=DACHANG).json()
    assert listed["total"] == 1 and listed["items"][0]["current_posting"]["org_id"] == "dachang-qixing-vc"
    assert client.get("/village-doctors", params={"township_id": "dachang-thc"}, headers=LUOPING).status_code == 403


def test_no_person_is_in_a_village_posting_and_a_secondment_at_once(client):
    # three general practitioners: one goes to the village, one on secondment, one keeps the centre's cover
    doc, _stays, _cover = register(client, *[person("dachang-thc", specialty="general_practice") for _ in range(3)])
    r = client.post("/village-postings", headers=DACHANG, json={"staff_id": doc["staff_id"],
                    "clinic_id": "dachang-qixing-vc", "start_date": soon(10), "end_date": soon(100)})
    assert r.status_code == 201, r.text
    rid = request_secondment(client, LUOPING, org_id="luoping-thc", specialty="general_practice",
                             title_level="junior", start_date=soon(50), end_date=soon(150))["request_id"]
    r = client.post(f"/secondments/{rid}/approve", json={"staff_ids": [doc["staff_id"]]}, headers=BUREAU)
    assert r.status_code == 409 and r.json()["error"]["details"]["rule"] == "overlapping_posting"
    # and a schedule while seconded elsewhere is refused too
    r = client.post(f"/secondments/{rid}/approve", json={"staff_ids": [_stays["staff_id"]]}, headers=BUREAU)
    assert r.status_code == 200, r.text
    r = client.post("/village-schedules", headers=DACHANG, json={
        "staff_id": _stays["staff_id"], "clinic_id": "dachang-qixing-vc", "kind": "tour", "weekdays": [3],
        "start_date": soon(60), "end_date": soon(70), "reason": "巡诊"})
    assert r.status_code == 409 and r.json()["error"]["details"]["rule"] == "overlapping_posting"


@pytest.mark.postgres  # also runs on PostgreSQL in the CI pass (TEST_POSTGRES_URL)
def test_a_village_posting_and_a_secondment_racing_for_one_person_never_both_commit(client):
    doc, _cover = register(client, *[person("dachang-thc", specialty="general_practice") for _ in range(2)])
    for attempt in range(4):
        base = 40 * attempt
        rid = request_secondment(client, LUOPING, org_id="luoping-thc", specialty="general_practice",
                                 title_level="junior", start_date=soon(base + 10), end_date=soon(base + 30))["request_id"]
        barrier, results = threading.Barrier(2), {}

        def second() -> None:
            barrier.wait()
            results["secondment"] = client.post(f"/secondments/{rid}/approve", json={"staff_ids": [doc["staff_id"]]},
                                                headers=BUREAU).status_code

        def village() -> None:
            barrier.wait()
            results["village"] = client.post("/village-postings", headers=DACHANG, json={
                "staff_id": doc["staff_id"], "clinic_id": "dachang-qixing-vc", "start_date": soon(base + 20),
                "end_date": soon(base + 35)}).status_code

        threads = [threading.Thread(target=second), threading.Thread(target=village)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results.values()) == [200, 409] or sorted(results.values()) == [201, 409], results
        postings = client.get(f"/staff/{doc['staff_id']}", headers=BUREAU).json()["postings"]
        away = [p for p in postings if p["kind"] != "establishment"]
        assert len(away) == attempt + 1, away


def test_the_pension_subsidy_is_in_the_monthly_allowances_and_never_below_the_seed(client):
    month = county_today().replace(day=1)
    doc = village_doctor(client, "dachang-qixing-vc", start_date="2025-01-01")
    r = client.get("/allowances", params={"month": month.strftime("%Y-%m")}, headers=BUREAU)
    assert r.status_code == 200, r.text
    (line,) = [x for x in r.json()["lines"] if x["kind"] == "village_pension"]
    assert (line["staff_id"], line["amount_fen"], line["org_id"]) == (doc["staff_id"], 10000, "dachang-qixing-vc")
    assert r.json()["village_pension_total_fen"] == 10000
    with pytest.raises(ValidationError, match="不得低于100元"):
        StaffingSettings(village_pension_subsidy_fen=9999)
    assert StaffingSettings(village_pension_subsidy_fen=15000).village_pension_subsidy_fen == 15000
