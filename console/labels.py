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
    "pharmacy": "药学", "public_health": "公共卫生",
}
SEXES = {"male": "男", "female": "女"}
ACTIONS = {
    "submit": "提交上转", "accept": "接收", "reject": "拒绝", "redirect": "改派", "cancel": "撤销",
    "arrive": "登记到院", "complete": "完成", "issue": "发起下转", "decline": "拒收",
    "follow_up": "登记随访", "record": "登记转外就医",
}
CHRONIC = {"hypertension": "高血压", "diabetes": "糖尿病"}
CAPACITY_KINDS = {"outpatient": "门诊号源", "bed": "预留床位", "exam": "检查号源"}
EXAM_TYPES = {"ct": "CT", "mri": "磁共振", "ultrasound": "超声", "endoscopy": "内镜", "ecg": "心电图"}
BOOKING_STATUSES = {"booked": "已预约", "released": "已释放", "no_show": "爽约"}
BOOKING_TONES = {"booked": "progress", "released": "closed", "no_show": "refused"}
RELEASE_REASONS = {"cancelled": "转诊撤销", "rejected": "转诊被拒", "redirected": "转诊改派", "no_show": "患者未按时到院",
                   "expired": "号源过期未答复", "rebooked": "改约其他号源", "exam_cancelled": "已取消检查"}
CONSULTATION_STATUSES = {"requested": "待答复", "answered": "已答复", "cancelled": "已撤销"}
CONSULTATION_TONES = {"requested": "waiting", "answered": "done", "cancelled": "closed"}
OUTCOMES = {"local_advice": "基层处理（给出诊疗意见）", "refer_up": "建议上转", "remote_appointment": "预约远程会诊"}

# -- the payment service (医保打包付费) ---------------------------------------------------------------------------
CLAIM_KINDS = {"member_outpatient": "成员单位门诊", "out_of_county_referral": "转外就医", "out_of_area": "异地就医"}
CLAIM_SOURCES = {"api": "逐笔录入", "upload": "批量上传", "referral_event": "转诊完成自动生成"}
PURPOSES = {"performance_pay": "绩效奖励", "talent_training": "人才培养", "specialty_building": "专科建设"}
BASES = {"claims_amount": "按成员单位门诊理赔额", "enrolled_residents": "按签约居民人数", "appraisal_score": "按成员单位绩效考核得分"}
SCORE_SOURCES = {"computed": "按指标计算", "assessed": "考核认定"}
UPLOAD_STATUSES = {"running": "处理中", "done": "已完成", "failed": "失败"}
UPLOAD_PHASES = {"queued": "排队等待", "reading": "正在读取工作簿", "importing": "正在逐行校验并入账", "done": "已完成",
                 "failed": "失败", "running": "处理中"}
RECON_CATEGORIES = {"matched": "一致", "amount_mismatch": "金额不一致", "missing_on_platform": "平台缺少",
                    "missing_in_file": "医保文件缺少"}
ACCOUNT_KINDS = {"fund": "医保基金", "consortium": "医共体", "unit": "成员单位", "external": "外部医疗机构"}
SOURCE_TYPES = {"claim": "理赔", "claim_upload": "批量理赔", "advance": "月度预拨", "capitation": "按人头付费",
                "settlement": "期间结算", "distribution": "结余分配"}
# the columns of an uploaded file, named as a clerk knows them (the errors name the column)
UPLOAD_FIELDS = {"claim_no": "理赔编号", "kind": "理赔类别", "org_id": "单位编码", "amount_fen": "金额（分）",
                 "service_date": "就诊日期", "row": "整行", "file": "文件"}

# -- the family-doctor contract roster (家庭医生签约), its reports and the appraisal (绩效考核)
KEY_GROUPS = {"elderly": "65岁及以上老年人", "hypertension": "高血压患者", "diabetes": "2型糖尿病患者", "pregnant": "孕产妇",
              "children": "0–6岁儿童", "disabled": "残疾人", "severe_mental": "严重精神障碍患者", "tuberculosis": "肺结核患者",
              "poverty_relief": "脱贫人口", "family_planning": "计划生育特殊家庭"}
COVERAGE_GROUPS = {"all_residents": "全部常住居民", "any_key_group": "重点人群（合计）", **KEY_GROUPS}
CONTRACT_SOURCES = {"upload": "名册导入", "api": "单份登记", "transfer": "转签"}
POPULATION_SOURCES = {"census": "本单位人口底数", "registry": "机构登记的服务人口"}
ROSTER_FIELDS = {"national_id": "身份证号", "org_id": "单位编码", "team": "家庭医生团队", "package": "服务包",
                 "key_groups": "重点人群", "start_date": "开始日期", "end_date": "结束日期", "row": "整行", "file": "文件"}
INDICATOR_SOURCES = {"referral": "双向转诊", "claims": "医保理赔", "roster": "签约名册", "settlement": "期间结算"}

# -- the staffing service (县管乡用) ------------------------------------------------------------------------------
QUALIFICATIONS = {"practising_physician": "执业医师", "assistant_physician": "执业助理医师", "nurse": "护士",
                  "pharmacist": "药师", "technician": "医技人员", "administrative": "管理岗", "support": "工勤岗",
                  "village_doctor": "乡村医生"}
TITLE_LEVELS = {"junior": "初级", "intermediate": "中级", "senior": "高级"}
POSTING_KINDS = {"establishment": "在编", "secondment": "派驻支援", "rotation_down": "下沉轮岗",
                 "rotation_up": "上挂培养", "village": "村卫生室"}
POSTING_STATUSES = {"active": "在岗", "dispatched": "已派出", "arrived": "已到岗", "ended": "已结束"}
END_REASONS = {"completed": "期满结束", "early_end": "提前结束", "transferred": "调出", "moved": "调往他村",
               "left": "离开村卫生室"}
REQUEST_STATUSES = {"requested": "待审批", "approved": "已批准", "rejected": "已驳回", "cancelled": "已撤销",
                    "fulfilled": "已派齐"}
REQUEST_TONES = {"requested": "waiting", "approved": "progress", "fulfilled": "done", "rejected": "refused",
                 "cancelled": "closed"}
REQUEST_SOURCES = {"request": "乡镇申请", "tidal": "潮汐调度"}
QUOTA_RULES = {"quota_exceeded": "编制总数", "professional_share": "专业技术人员占比下限",
               "senior_cap": "高级职称比例上限", "intermediate_cap": "中级职称比例上限",
               "targeted_cap": "定向岗位比例上限", "targeted_post_senior": "定向岗位须高级职称",
               "public_health_physician": "公共卫生医师配备"}
EXEMPTIONS = {"township_service_promotion": "乡镇工作满20年晋升，不受岗位结构比例限制",
              "near_retirement": "乡镇卫生院满20年且距退休不满5年，不占岗位职数"}
RECOMMENDATION_STATUSES = {"open": "待处理", "accepted": "已采纳", "dismissed": "已忽略", "superseded": "已被新建议取代"}
ALLOWANCE_KINDS = {"gp": "全科医生津贴", "secondment": "下沉派驻津贴", "village_pension": "乡村医生养老保险补助"}


def label(vocabulary: dict[str, str], code: str | None) -> str:
    """The Chinese name; an unknown code is shown as itself rather than hidden."""
    if code is None:
        return "—"
    return vocabulary.get(code, code)
