"""The demo consortium: 巫山县 pairings from the county's published referral agreements, loaded only in demo mode.

Service populations of the township units are illustrative round figures; village clinics
are placeholders under their township centres.
"""
from __future__ import annotations

from dataclasses import dataclass

from platform_common.auth import OrgKind, Role

DEMO_PASSWORD = "demo-password"
CONSORTIUM_ID = "wushan"


@dataclass(frozen=True)
class DemoOrg:
    org_id: str
    name: str
    kind: OrgKind
    parent_org_id: str | None = None
    service_population: int | None = None
    consortium_id: str | None = CONSORTIUM_ID


@dataclass(frozen=True)
class DemoUser:
    username: str
    org_id: str
    role: Role
    display_name: str


H, T, V = OrgKind.COUNTY_HOSPITAL, OrgKind.TOWNSHIP_CENTRE, OrgKind.VILLAGE_CLINIC

ORGANISATIONS: list[DemoOrg] = [
    # 牵头医院 first: the lead hospital of the consortium hosts its finance office.
    DemoOrg("county-peoples-hospital", "巫山县人民医院", H, service_population=None),
    DemoOrg("county-tcm-hospital", "巫山县中医院", H),
    DemoOrg("county-mch-hospital", "巫山县妇幼保健院", H),
    DemoOrg("longmen-chc", "龙门街道社区卫生服务中心", T, "county-tcm-hospital", 42_000),
    DemoOrg("wuxia-thc", "巫峡镇中心卫生院", T, "county-mch-hospital", 55_000),
    DemoOrg("dachang-thc", "大昌镇中心卫生院", T, "county-peoples-hospital", 38_000),
    DemoOrg("guandu-thc", "官渡镇中心卫生院", T, "county-tcm-hospital", 31_000),
    DemoOrg("luoping-thc", "骡坪镇中心卫生院", T, "county-tcm-hospital", 27_000),
    DemoOrg("dachang-qixing-vc", "大昌镇七星村卫生室", V, "dachang-thc", 1_800),
    DemoOrg("luoping-yuping-vc", "骡坪镇玉平村卫生室", V, "luoping-thc", 1_500),
    DemoOrg("medical-insurance-office", "巫山县医疗保障局", OrgKind.INSURANCE_OFFICE, consortium_id=None),
    DemoOrg("health-bureau", "巫山县卫生健康委员会", OrgKind.HEALTH_BUREAU, consortium_id=None),
]

LEAD_HOSPITAL_ID = "county-peoples-hospital"

USERS: list[DemoUser] = [
    DemoUser("peoples.referral", "county-peoples-hospital", Role.REFERRAL_CLERK, "人民医院转诊办"),
    DemoUser("tcm.referral", "county-tcm-hospital", Role.REFERRAL_CLERK, "中医院转诊办"),
    DemoUser("mch.referral", "county-mch-hospital", Role.REFERRAL_CLERK, "妇幼保健院转诊办"),
    DemoUser("dachang.referral", "dachang-thc", Role.REFERRAL_CLERK, "大昌镇卫生院转诊员"),
    DemoUser("longmen.referral", "longmen-chc", Role.REFERRAL_CLERK, "龙门街道转诊员"),
    DemoUser("wuxia.referral", "wuxia-thc", Role.REFERRAL_CLERK, "巫峡镇卫生院转诊员"),
    DemoUser("guandu.referral", "guandu-thc", Role.REFERRAL_CLERK, "官渡镇卫生院转诊员"),
    DemoUser("luoping.referral", "luoping-thc", Role.REFERRAL_CLERK, "骡坪镇卫生院转诊员"),
    DemoUser("qixing.referral", "dachang-qixing-vc", Role.REFERRAL_CLERK, "七星村卫生室村医"),
    DemoUser("dachang.manager", "dachang-thc", Role.UNIT_MANAGER, "大昌镇卫生院院长"),
    DemoUser("luoping.manager", "luoping-thc", Role.UNIT_MANAGER, "骡坪镇卫生院院长"),
    DemoUser("peoples.manager", "county-peoples-hospital", Role.UNIT_MANAGER, "人民医院医务科"),
    DemoUser("peoples.finance", "county-peoples-hospital", Role.FINANCE_OFFICER, "医共体财务中心"),
    DemoUser("peoples.hr", "county-peoples-hospital", Role.HR_OFFICER, "牵头医院人事科"),
    DemoUser("insurance.officer", "medical-insurance-office", Role.INSURANCE_OFFICER, "医保局经办员"),
    DemoUser("bureau.hr", "health-bureau", Role.HR_OFFICER, "卫健委人事科"),
    DemoUser("bureau.analyst", "health-bureau", Role.BUREAU_ANALYST, "卫健委医政科"),
]
