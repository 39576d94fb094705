"""Clinical vocabulary of the simulated referrals: conditions, seasonality, urgency mix (illustrative)."""
from __future__ import annotations

# Relative volume of upward referrals by month: respiratory and cardiovascular winter peaks,
# a trough in early summer (illustrative, after the usual shape of county hospital admissions).
MONTH_WEIGHTS = [125, 118, 104, 92, 86, 84, 90, 93, 90, 96, 108, 124]

URGENCY_MIX = {"routine": 78, "urgent": 16, "emergency": 6}
# The five emergency centres (五大中心) and the department each goes to.
EMERGENCY_MIX = {"chest_pain": 30, "stroke": 35, "trauma": 25, "critical_maternal": 6, "critical_neonatal": 4}
EMERGENCY = {
    "chest_pain": ("I21.9", "急性心肌梗死", "cardiology"),
    "stroke": ("I63.9", "脑梗死", "neurology"),
    "trauma": ("S06.9", "颅脑外伤", "general_surgery"),
    "critical_maternal": ("O72.1", "产后出血", "obstetrics"),
    "critical_neonatal": ("P22.0", "新生儿呼吸窘迫综合征", "paediatrics"),
}
# (icd10, diagnosis, specialty, chronic condition, winter weight, summer weight)
CONDITIONS = [
    ("I10", "原发性高血压", "cardiology", "hypertension", 14, 9),
    ("E11.9", "2型糖尿病", "endocrinology", "diabetes", 11, 10),
    ("J44.1", "慢性阻塞性肺病急性加重", "respiratory", None, 16, 4),
    ("J18.9", "肺炎", "respiratory", None, 14, 5),
    ("I25.1", "冠状动脉粥样硬化性心脏病", "cardiology", None, 10, 7),
    ("I63.9", "脑梗死", "neurology", None, 9, 7),
    ("S72.0", "股骨颈骨折", "orthopaedics", None, 6, 9),
    ("K35.8", "急性阑尾炎", "general_surgery", None, 4, 6),
    ("K80.2", "胆囊结石", "general_surgery", None, 5, 6),
    ("O34.2", "瘢痕子宫妊娠", "obstetrics", None, 4, 4),
    ("J21.9", "毛细支气管炎", "paediatrics", None, 6, 3),
    ("M17.9", "膝关节骨关节炎", "rehabilitation", None, 4, 5),
]
WINTER = {1, 2, 3, 10, 11, 12}
# Specialties obstetrics/paediatrics go to the maternal and child hospital.
MCH_SPECIALTIES = {"obstetrics", "paediatrics"}
REJECT_CODES = ["no_bed", "no_capability", "incomplete_information", "not_indicated"]
OUT_OF_COUNTY_DESTINATIONS = ["重庆医科大学附属第一医院", "重庆医科大学附属儿童医院", "陆军军医大学第一附属医院（西南医院）",
                              "重庆大学附属肿瘤医院"]
# Specialties of seconded experts townships ask for, and the seasons they ask in.
SECONDMENT_SPECIALTIES = ["cardiology", "paediatrics", "rehabilitation", "respiratory", "obstetrics", "orthopaedics",
                          "endocrinology"]
HOSPITAL_SPECIALTIES = ["internal_medicine", "cardiology", "neurology", "respiratory", "endocrinology",
                        "general_surgery", "orthopaedics", "obstetrics", "gynaecology", "paediatrics", "emergency",
                        "rehabilitation", "tcm", "anaesthesiology", "radiology", "laboratory", "nursing", "pharmacy"]
TOWNSHIP_SPECIALTIES = ["general_practice", "general_practice", "internal_medicine", "tcm", "nursing", "nursing",
                        "pharmacy", "laboratory", "radiology", "general_surgery", "rehabilitation"]
