"""Chinese names of the platform's codes: statuses, urgencies, departments, reasons, roles.

The codes are the API's vocabulary; tests check that every code the services define has a name here
(tests/console/test_vocabulary.py), so a new status cannot reach a clerk's screen in English.
"""
from __future__ import annotations

ROLES = {
    "referral_clerk": "转诊员", "finance_officer": "财务人员", "insurance_officer": "医保经办员",
    "hr_officer": "人事专员", "bureau_analyst": "卫健委分析员", "unit_manager": "单位负责人",
}
ORG_KINDS = {
    "county_hospital": "县级医院", "township_centre": "乡镇卫生院", "village_clinic": "村卫生室",
    "insurance_office": "医疗保障局", "health_bureau": "卫生健康委员会",
}
DIRECTIONS = {"upward": "上转", "downward": "下转", "out_of_county": "转外就医"}
STATUSES = {
    "submitted": "待接收", "redirected": "已改派", "accepted": "已接收", "rejected": "已拒绝",
    "cancelled": "已撤销", "arrived": "已到院", "completed": "已完成", "issued": "待接收",
    "declined": "已拒收", "recorded": "已登记",
}
# The colour of each status tag: waiting (orange), in progress (blue), done (green), refused (red), closed (grey).
STATUS_TONES = {
    "submitted": "waiting", "redirected": "waiting", "issued": "waiting", "accepted": "progress",
    "arrived": "progress", "completed": "done", "recorded": "done", "rejected": "refused",
    "declined": "refused", "cancelled": "closed",
}
URGENCIES = {"routine": "普通", "urgent": "紧急", "emergency": "急危重症"}
EMERGENCY_CATEGORIES = {
    "chest_pain": "胸痛中心", "stroke": "卒中中心", "trauma": "创伤中心",
    "critical_maternal": "危重孕产妇救治中心", "critical_neonatal": "危重新生儿救治中心",
}
REJECT_REASONS = {
    "no_bed": "床位已满", "no_capability": "本院无诊治能力", "incomplete_information": "资料不全",
    "not_indicated": "无转诊指征", "patient_declined": "患者拒绝", "other": "其他原因",
}
SPECIALTIES = {
    "general_practice": "全科", "internal_medicine": "内科", "cardiology": "心血管内科",
    "neurology": "神经内科", "respiratory": "呼吸内科", "endocrinology": "内分泌科",
    "general_surgery": "普外科", "orthopaedics": "骨科", "obstetrics": "产科", "gynaecology": "妇科",
    "paediatrics": "儿科", "emergency": "急诊科", "rehabilitation": "康复医学科", "tcm": "中医科",
    "anaesthesiology": "麻醉科", "radiology": "放射科", "laboratory": "检验科", "nursing": "护理",
    "pharmacy": "药学",
}
SEXES = {"male": "男", "female": "女"}
ACTIONS = {
    "submit": "提交上转", "accept": "接收", "reject": "拒绝", "redirect": "改派", "cancel": "撤销",
    "arrive": "登记到院", "complete": "完成", "issue": "发起下转", "decline": "拒收",
    "follow_up": "登记随访", "record": "登记转外就医",
}
CHRONIC = {"hypertension": "高血压", "diabetes": "糖尿病"}


def label(vocabulary: dict[str, str], code: str | None) -> str:
    """The Chinese name; an unknown code is shown as itself rather than hidden."""
    if code is None:
        return "—"
    return vocabulary.get(code, code)
