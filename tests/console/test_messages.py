"""Every error the referral service and the gateway can give reaches a clerk in Chinese, beside its field."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from console.gateway_client import ApiError
from console.messages import field_errors, field_label, has_translation, translate_message

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "services" / "referral").rglob("*.py")), *sorted((ROOT / "gateway").rglob("*.py")),
           *sorted((ROOT / "services" / "payment").rglob("*.py")), *sorted((ROOT / "services" / "staffing").rglob("*.py")),
           ROOT / "platform_common" / "web.py", ROOT / "platform_common" / "unit_of_work.py",
           ROOT / "platform_common" / "identity.py"]
ERRORS = {"InvalidInput", "Conflict", "Forbidden", "NotFound", "Unauthorized", "TooManyAttempts", "PayloadTooLarge"}
# a rejected upload row's reason is RowError's second argument; candidates' and recommendations' reasons are
# the strings appended to `reasons`
REASONS = {"RowError": 1}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _messages() -> list[str]:
    """The first argument of every `raise InvalidInput(...)`-like call, f-string holes filled with samples."""
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            name = getattr(node.func, "id", None) if isinstance(node, ast.Call) else None
            index = 0 if name in ERRORS else REASONS.get(name or "")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append" \
                    and getattr(node.func.value, "id", None) == "reasons":
                index = 0
            if index is not None and isinstance(node, ast.Call) and len(node.args) > index:
                arg = node.args[index]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append(arg.value)
                elif isinstance(arg, ast.JoinedStr):
                    found.append("".join(v.value if isinstance(v, ast.Constant) else _sample(ast.unparse(v.value))
                                         for v in arg.values))
    from platform_common.identity import ID_PROBLEMS
    return sorted(set(found) | set(ID_PROBLEMS))  # returned by the bulk check, raised by the parser


SAMPLES = [("why", "a concurrent change to the same records got there first"), ("SORT_KEYS", "created_at"),
           ("max", "5"), ("wait", "30"), ("limit", "5"), ("action", "accept"), ("direction", "upward"),
           ("current", "accepted"), ("party", "sender"), ("method", "GET"), ("field", "date_from"),
           ("specialty", "cardiology"), ("service", "referral"),
           ("CATEGORIES", "matched, amount_mismatch"), ("expected)", "claim_no,kind"), ("required)", "claim_no,amount_fen"),
           ("_KINDS", "member_outpatient, out_of_county_referral, out_of_area"), ("len(CSV_COLUMNS)", "5"),
           ("len(columns)", "5"), ("len(ROSTER_COLUMNS)", "7"), ("len(values)", "3"), ("line_num", "5"), ("lines[", "2"), ("first[", "2"),
           ("max_fen", "100000000"), ("claim_max_fen", "100000000"), ("upload_max_rows", "2000000"),
           ("page_size_max", "200"), ("max_posting_days", "1096"), ("days}", "400"), ("paid", "1000"),
           ("self.limit", "1000"), ("len(staff_ids)", "3"), ("headcount", "2"), ("cover", "0"),
           ("min_cover_per_specialty", "1"), ("retained_fen", "4800000"), ("distribution_basis", "claims_amount"),
           ("closed['period']", "2026-03"), ("closed['last_month']", "2026-03"), ("closed_at", "2026-04-05T00:00:00Z"),
           ("closed_by", "insurance.officer"), ("score_source", "assessed"), ("performance_score", "88"),
           ("close_from_day", "5"), ("earliest", "2026-04-05"), ("today", "2026-04-01"), ("overlap", "2026-03"),
           ("period", "2026-03"), ("fund_year", "2026"), ("text", "2025-12"), ("e}", "bad quote"),
           ("title_level", "senior"), ("qualification", "practising_physician"), ("kind", "rotation_down"),
           ("TARGET_KIND", "township_centre"), ("HOME_KIND", "county_hospital"), ("specialty", "cardiology"),
           ("status", "approved"), ("isoformat", "2026-03-01"), ("days_seconded", "12"), ("volume", "12"),
           ("window_days", "28"), ("baseline", "4.0"), ("threshold", "8.0"), ("rise", ", +200%"), ("s.name", "春节"),
           ("when", "under way"), ("heads - shortfall", "1"), ("senior", "1800"), ("values[", "2000"),
           ("BP", "10000"), ("est.", "8"), ("policy.", "20"), ("q}", "38"), ("prof_min", "35"), ("cap}", "7"),
           ("non_prof", "4"), ("detail", "8 senior titles, cap 20% of quota 38 = 7")]


def _sample(expression: str) -> str:
    """A realistic value for an f-string hole, by what its expression names."""
    return next((value for key, value in SAMPLES if key in expression.lower() or key in expression), "dachang-thc")


MESSAGES = _messages()


def test_the_scan_finds_the_services_messages():
    assert len(MESSAGES) > 40
    assert "national ID check character does not match" in MESSAGES


@pytest.mark.parametrize("message", MESSAGES)
def test_every_service_message_has_a_chinese_sentence(message):
    assert has_translation(message), message
    assert CJK.search(translate_message(message, "invalid", None))


def test_pydantic_errors_are_shown_beside_their_field_in_chinese():
    err = ApiError(422, "invalid", "request validation failed", fields=[
        {"field": "body.patient.national_id", "reason": "String should have at least 18 characters",
         "type": "string_too_short"},
        {"field": "body.urgency", "reason": "Input should be 'routine', 'urgent' or 'emergency'", "type": "enum"},
        {"field": "body.plan.medications.1.dose", "reason": "Field required", "type": "missing"},
        {"field": "body.plan", "reason": "Value error, a treatment plan lists medications or a rehabilitation plan",
         "type": "value_error"},
    ])
    errors, general = field_errors(err)
    assert general is None
    assert errors == {"patient.national_id": "请填写身份证号", "urgency": "请从列表中选择紧急程度",
                      "plan.medications.1.dose": "请填写第2行剂量", "plan": "诊疗方案请填写用药或康复计划（至少一项）"}


def test_a_service_error_names_its_field_and_a_conflict_without_one_goes_to_the_top():
    errors, general = field_errors(ApiError(422, "invalid", "sex does not match the national ID", "patient.sex"))
    assert errors == {"patient.sex": "性别与身份证号不一致"} and general is None
    conflict = ApiError(409, "conflict", "cannot accept this upward referral: it is accepted",
                        details={"current_status": "accepted", "action": "accept"})
    assert field_errors(conflict) == ({}, "这张上转单当前为「已接收」，不能接收")


def test_organisations_and_departments_are_named_in_chinese():
    text = translate_message("dachang-thc cannot currently receive cardiology patients (no specialist posted there)",
                             "conflict", "specialty", lambda org: {"dachang-thc": "大昌镇中心卫生院"}[org])
    assert text.startswith("大昌镇中心卫生院目前没有心血管内科专科医生")


def test_an_unknown_message_still_gets_a_chinese_sentence_naming_the_field():
    assert translate_message("something new", "invalid", "patient.name") == "患者姓名填写有误"
    assert field_label("follow_ups.2.due_date") == "第3行随访日期"
