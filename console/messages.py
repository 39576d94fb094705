"""API errors in Chinese, beside the field they name.

The services answer in English with a machine-readable `field`; the console shows each error in Chinese next
to that field and in the summary at the top of the form. Pydantic's per-field errors are translated by their
`type`; the services' own messages by the patterns of one module per desk (messages_referral: the referral
service and the gateway; messages_desks, messages_roster, messages_capacity). tests/console/test_messages.py checks
that every message the referral service and the gateway can raise has one. An unknown message still lands beside
its field with a general Chinese sentence, never in English.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Callable

from . import labels as L
from .gateway_client import ApiError
from .messages_capacity import CAPACITY_MESSAGES
from .messages_desks import DESK_MESSAGES
from .messages_referral import REFERRAL_MESSAGES
from .messages_roster import ROSTER_MESSAGES

log = logging.getLogger(__name__)

FIELD_LABELS = {
    "username": "用户名", "password": "密码",
    "patient.name": "患者姓名", "patient.sex": "性别", "patient.date_of_birth": "出生日期",
    "patient.national_id": "身份证号", "icd10": "ICD-10 诊断编码", "diagnosis": "诊断名称",
    "reason": "原因", "urgency": "紧急程度", "emergency_category": "急诊中心类别", "to_org_id": "目标医院",
    "specialty": "科室", "appointment_at": "预约就诊时间", "bed_no": "床位号", "note": "备注",
    "reason_code": "拒绝原因", "arrived_at": "到院时间", "discharge_summary": "出院小结",
    "fund_amount_fen": "医保基金支付金额", "service_date": "就诊日期", "recommend_downward": "建议下转",
    "plan": "诊疗方案", "plan.medications": "用药", "plan.medications.*.name": "药品名称",
    "plan.medications.*.dose": "剂量", "plan.medications.*.frequency": "用法频次",
    "plan.medications.*.days": "天数", "plan.rehabilitation_plan": "康复计划", "plan.notes": "注意事项",
    "plan.follow_ups": "随访计划", "follow_ups": "随访计划", "follow_ups.*.due_date": "随访日期",
    "follow_ups.*.focus": "随访重点", "source_referral_id": "来源上转单",
    "capability_override_reason": "超出接收能力仍下转的理由", "destination": "转往医院",
    "done_on": "随访日期", "findings": "随访情况", "period": "统计期间", "org_id": "单位", "month": "月份",
    "date_from": "开始日期", "date_to": "结束日期", "sort": "排序", "page_size": "每页条数",
    "visits": "就诊人次", "from_org_id": "本单位", "version": "版本", "attachments": "附件",
    "slot_id": "号源", "day": "日期", "at": "时间", "count": "号源数", "week": "周模板", "slots": "号源", "exam_type": "检查类型",
    "question": "咨询问题", "advice": "专科意见", "outcome": "答复方式", "remote_at": "远程会诊时间",
    "pairing_override_reason": "向非对口医院咨询的理由",
    # payment
    "as_of": "截至日期", "consortium_id": "医共体", "fund_year": "基金年度", "enrolled_population": "参保人数",
    "per_capita_fen": "人均定额", "out_of_area_reserve_fen": "异地就医预留", "delta_fen": "调整金额",
    "expected_version": "版本", "effective_from": "生效日期", "retention_bands": "结余留用档次",
    "overspend_tolerance_bp": "合理超支区间", "fund_share_within_tolerance_bp": "区间内医保基金分担",
    "split_bp": "结余用途", "capitation_fen_per_resident_month": "按人头付费标准", "distribution_basis": "分配依据",
    "score": "绩效得分权重", "performance_score": "绩效得分", "score_reason": "得分依据", "claim_no": "理赔编号",
    "kind": "类别", "amount_fen": "金额", "file": "文件", "category": "对账类别", "limit": "每页条数",
    "effective_month": "生效月份", "enrolled": "签约人数",
    "national_id": "身份证号", "team": "家庭医生团队", "package": "服务包", "key_groups": "重点人群", "key_group": "重点人群",
    "on": "转签日期", "active_on": "在约日期",
    # staffing
    "name": "姓名", "id_number": "身份证号", "qualification": "资格", "title_level": "职称", "home_org_id": "在编单位",
    "start_date": "开始日期", "end_date": "结束日期", "headcount": "人数", "effective_date": "生效日期",
    "override_reason": "突破编制规则的理由", "staff_ids": "人员", "staff_id": "人员", "block_days": "每轮天数",
    "rounds": "轮数", "arrived_on": "到岗日期", "ended_on": "结束日期", "pool": "人员池",
}


def field_label(path: str | None) -> str:
    if not path:
        return ""
    generic = re.sub(r"\.\d+(?=\.|$)", ".*", path)
    name = FIELD_LABELS.get(generic) or FIELD_LABELS.get(generic.split(".")[-1], path)
    rows = re.findall(r"\.(\d+)(?=\.|$)", path)
    return f"第{int(rows[0]) + 1}行{name}" if rows and generic != path else name


def _n(reason: str) -> str:
    found = re.findall(r"\d+", reason)
    return found[0] if found else ""


# pydantic error type -> sentence; {label} is the field's Chinese name, {n} the number in its reason
_TYPES: dict[str, str] = {
    "missing": "请填写{label}", "string_too_short": "请填写{label}", "string_too_long": "{label}不能超过{n}个字符",
    "enum": "请从列表中选择{label}", "literal_error": "请从列表中选择{label}",
    "date_parsing": "{label}应为日期，如 2026-11-20", "date_from_datetime_parsing": "{label}应为日期，如 2026-11-20",
    "date_from_datetime_inexact": "{label}应为日期，如 2026-11-20", "date_type": "{label}应为日期，如 2026-11-20",
    "datetime_parsing": "{label}应为日期和时间", "datetime_from_date_parsing": "{label}应为日期和时间",
    "timezone_aware": "{label}应为日期和时间", "datetime_type": "{label}应为日期和时间",
    "int_parsing": "{label}应为整数", "int_type": "{label}应为整数", "int_from_float": "{label}应为整数",
    "greater_than_equal": "{label}不能小于 {n}", "greater_than": "{label}必须大于 {n}",
    "less_than_equal": "{label}不能大于 {n}", "less_than": "{label}必须小于 {n}",
    "too_short": "{label}至少要有 {n} 项", "too_long": "{label}最多 {n} 项",
    "bool_parsing": "{label}应为是或否", "string_pattern_mismatch": "{label}格式不正确",
    "extra_forbidden": "不接受的字段：{label}",
}


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern
    template: str


def _p(regex: str, template: str) -> Pattern:
    return Pattern(re.compile(regex), template)


# The services' messages, tried in this order (the first match wins). Named groups are shown through `_format`.
_MESSAGES: list[Pattern] = [_p(regex, template) for regex, template in
                            REFERRAL_MESSAGES + DESK_MESSAGES + ROSTER_MESSAGES + CAPACITY_MESSAGES]

_PARTIES = {"sender": "转出单位", "receiver": "接收单位"}
_WHAT = {"posting": "人员编制变动", "title change": "职称变动"}
# named groups of the payment and staffing messages turned into Chinese names
_VOCABULARIES = {"title": L.TITLE_LEVELS, "title2": L.TITLE_LEVELS, "qualification": L.QUALIFICATIONS,
                 "rule": L.QUOTA_RULES, "pkind": L.POSTING_KINDS, "pstatus": L.POSTING_STATUSES,
                 "rstatus": L.REQUEST_STATUSES, "specialty2": L.SPECIALTIES, "what": _WHAT}
_CODE_FALLBACK = {
    "invalid": "{label}填写有误", "conflict": "操作未完成：与记录的当前状态冲突，请刷新后重试",
    "forbidden": "您无权执行此操作", "not_found": "没有找到该记录，或本单位无权查看",
    "payload_too_large": "提交的内容过大", "too_many_attempts": "尝试次数过多，请稍后再试",
    "unauthenticated": "登录已失效，请重新登录",
}


def has_translation(message: str) -> bool:
    text = message.removeprefix("Value error, ")
    return any(p.regex.search(text) for p in _MESSAGES)


def translate_message(message: str, code: str, field: str | None,
                      org_name: Callable[[str], str] = lambda org: org) -> str:
    text = message.removeprefix("Value error, ")
    for p in _MESSAGES:
        m = p.regex.search(text)
        if m:
            groups = {k: _format(k, v, org_name) for k, v in m.groupdict().items()}
            return p.template.format(**groups)
    log.warning("no Chinese text for an API message", extra={"fields": {"code": code, "api_message": message}})
    return _CODE_FALLBACK.get(code, "操作未完成，请检查后重试").format(label=field_label(field) or "内容")


def _format(key: str, value: str | None, org_name: Callable[[str], str]) -> str:
    if value is None:
        return ""
    if key in _VOCABULARIES:
        return L.label(_VOCABULARIES[key], value)
    if key == "fen" and value.lstrip("-").isdigit():
        from .render import yuan

        return yuan(int(value))
    if key == "when":
        return "进行中" if value == "under way" else value.replace("starts in ", "").replace(" days", " 天后开始")
    if key == "rise":
        return f"较基线 {value}"
    if key == "org2":
        return org_name(value)
    if key == "org":
        return org_name(value)
    if key == "specialty":
        return L.label(L.SPECIALTIES, value)
    if key in ("kind", "parent"):
        return L.label(L.ORG_KINDS, value)
    if key == "status":
        return L.label(L.STATUSES, value)
    if key == "action":
        return L.label(L.ACTIONS, value)
    if key == "direction":
        return L.label(L.DIRECTIONS, value)
    if key == "party":
        return _PARTIES.get(value, value)
    return value


def field_errors(err: ApiError, org_name: Callable[[str], str] = lambda org: org) -> tuple[dict[str, str], str | None]:
    """({field: Chinese message}, a message for the top of the page when the error names no field)."""
    errors: dict[str, str] = {}
    for item in err.fields:
        path = _api_path(item.get("field", ""))
        template = _TYPES.get(item.get("type", ""))
        if item.get("type") == "value_error" or template is None:
            text = translate_message(item.get("reason", ""), "invalid", path, org_name)
        else:
            text = template.format(label=field_label(path) or "内容", n=_n(item.get("reason", "")))
        errors.setdefault(path or "_form", text)
    if err.message and not err.fields:
        text = translate_message(err.message, err.code, err.field, org_name)
        if err.code == "conflict" and err.details.get("current_status") and "不能" not in text \
                and err.details.get("action"):
            text = f"{text}（当前状态：{L.label(L.STATUSES, err.details['current_status'])}）"
        if err.field:
            errors[_api_path(err.field)] = text
        else:
            return errors, text
    general = errors.pop("_form", None)
    return errors, general


def _api_path(raw: str) -> str:
    """`body.patient.national_id` -> `patient.national_id` (pydantic puts the request part first)."""
    for prefix in ("body.", "query.", "path."):
        if raw.startswith(prefix):
            return raw[len(prefix):]
    return "" if raw in ("body", "query") else raw
