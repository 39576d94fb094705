"""两慢病患者基层门诊就诊率 from the claims' main diagnosis: uploaded as an optional column or given to POST /claims,
counted per month and unit, and scored in the appraisal catalogue."""
from tests.api.payment.conftest import FINANCE, create_budget, upload

HEADER = "claim_no,kind,org_id,amount_fen,service_date,diagnosis_code\n"


def test_chronic_claims_at_primary_units_over_all_chronic_claims_per_month(client):
    create_budget(client)
    r = upload(client, HEADER + (
        "D-1,member_outpatient,dachang-thc,1000,2026-03-01,I10\n"          # hypertension at a primary unit
        "D-2,member_outpatient,luoping-thc,1000,2026-03-02,e11.9\n"        # diabetes (lower case) at a primary unit
        "D-3,member_outpatient,county-peoples-hospital,5000,2026-03-03,I11.0\n"  # at the county hospital
        "D-4,member_outpatient,dachang-thc,800,2026-03-04,J18.9\n"         # pneumonia: not counted
        "D-5,member_outpatient,dachang-thc,800,2026-03-05,\n"              # no diagnosis: not counted
        "D-6,member_outpatient,dachang-thc,800,2026-04-01,E14\n"
        "D-7,member_outpatient,dachang-thc,800,2026-04-02,高血压\n"))      # not an ICD-10 code: refused
    body = r.json()
    assert (body["inserted"], body["rejected"]) == (6, 1), body
    assert [(e["line"], e["field"]) for e in body["errors"]] == [(8, "diagnosis_code")]
    single = client.post("/claims", headers=FINANCE, json={
        "claim_no": "D-8", "kind": "member_outpatient", "org_id": "county-peoples-hospital", "amount_fen": 900,
        "service_date": "2026-04-03", "diagnosis_code": "E10.1"})
    assert single.status_code == 201 and single.json()["diagnosis_code"] == "E10.1"

    q = client.get("/chronic-visits", headers=FINANCE, params={"consortium_id": "wushan", "period": "2026-Q2"})
    assert q.status_code == 200, q.text
    assert [(m["month"], m["at_primary"], m["total"], m["rate_bp"]) for m in q.json()["months"]] == [
        ("2026-04", 1, 2, 5000), ("2026-05", 0, 0, None), ("2026-06", 0, 0, None)]
    march = client.get("/chronic-visits", headers=FINANCE, params={"consortium_id": "wushan", "period": "2026-03"})
    assert (march.json()["at_primary"], march.json()["total"], march.json()["rate_bp"]) == (2, 3, 6667)
    assert {u["org_id"]: u["chronic_claims"] for u in march.json()["units"]} == {
        "dachang-thc": 1, "luoping-thc": 1, "county-peoples-hospital": 1}

    appraisal = client.get("/appraisal", headers=FINANCE, params={"consortium_id": "wushan", "period": "2026-03"})
    [ind] = [i for i in appraisal.json()["consortium"]["indicators"] if i["code"] == "chronic_primary_visit_rate"]
    assert (ind["value"], ind["target"], ind["points"]) == (6667, 6500, "100.00")


def test_a_file_without_the_column_is_read_as_before_and_a_wrong_sixth_column_is_422(client):
    plain = upload(client, "claim_no,kind,org_id,amount_fen,service_date\nP-1,member_outpatient,dachang-thc,100,"
                           "2026-03-01\n")
    assert plain.status_code == 201 and plain.json()["inserted"] == 1
    assert client.get("/claims/P-1", headers=FINANCE).json()["diagnosis_code"] is None
    wrong = upload(client, "claim_no,kind,org_id,amount_fen,service_date,icd\n")
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "file"
