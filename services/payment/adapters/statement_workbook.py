"""The settlement statement as a workbook for the insurance and finance offices: one sheet per section.

A report for people opening it in a spreadsheet program, so its headings and item names are Chinese (the
CSV download keeps the API's keys for programs). Amounts are yuan with two decimals beside the exact fen;
ratios are percentages; the score has two places.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from platform_common.clock import iso_instant

from .spreadsheets import Cell, Column, Sheet, workbook

KINDS = {"member_outpatient": "成员单位门诊", "out_of_county_referral": "转外就医", "out_of_area": "异地就医"}
PURPOSES = {"performance_pay": "绩效奖励", "talent_training": "人才培养", "specialty_building": "专科建设"}
BASES = {"claims_amount": "按成员单位门诊理赔额", "enrolled_residents": "按签约居民人数", "appraisal_score": "按成员单位绩效考核得分"}
SCORE_SOURCES = {"computed": "按指标计算", "assessed": "考核认定"}


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _amount_rows(items: list[tuple[str, str, int]]) -> list[list]:
    return [[label, key, _yuan(fen), fen] for label, key, fen in items]


AMOUNT_COLUMNS = (Column("项目", width=30), Column("字段", width=30), Column("金额（元）", "yuan", 18),
                  Column("金额（分）", "int", 18))


def statement_workbook(view: dict) -> bytes:
    closed_at = view["closed_at"]
    summary = [
        ["结算编号", view["settlement_id"]], ["医共体", view["consortium_id"]], ["结算期间", view["period"]],
        ["政策版本", view["policy_version"] or "默认政策（0）"], ["结算人", view["closed_by"]],
        ["结算时间（UTC）", iso_instant(closed_at) if isinstance(closed_at, datetime) else str(closed_at)],
        ["绩效得分", Cell(Decimal(view["performance_score"]), "score")],
        ["得分来源", SCORE_SOURCES.get(view["score_source"], view["score_source"])],
    ] + [["说明", note] for note in view["notes"]]
    spending = [("预算", "budget_fen", view["budget_fen"]), ("理赔支出", "claims_fen", view["claims_fen"])]
    spending += [(f"　其中：{KINDS.get(kind, kind)}", f"claims_fen.{kind}", amount)
                 for kind, amount in sorted(view["by_kind"].items())]
    spending += [("按人头付费", "capitation_fen", view["capitation_fen"]), ("实际支出", "actual_fen", view["actual_fen"]),
                 ("已预拨", "advanced_fen", view["advanced_fen"]), ("结余（负数为超支）", "balance_fen", view["balance_fen"])]
    surplus = view["balance_fen"] >= 0
    outcome = [["结余留用比例", "retention_ratio_bp", Cell(view["retention_ratio_bp"], "percent"), None]]
    outcome += _amount_rows([("结余留用", "retained_fen", view["retained_fen"]),
                             ("返还医保基金", "returned_to_fund_fen", view["returned_to_fund_fen"]),
                             ("合理超支分担区间", "tolerance_fen", view["tolerance_fen"]),
                             ("医保基金分担", "fund_share_fen", view["fund_share_fen"]),
                             ("医共体承担", "consortium_share_fen", view["consortium_share_fen"])])
    retained = view["retained_fen"]
    split = [[PURPOSES.get(purpose, purpose), purpose, _yuan(amount), amount,
              Cell(amount * 10_000 // retained if retained else 0, "percent")]
             for purpose, amount in view["split"].items()]
    distributions = [[d["org_id"], d["org_name"] or d["org_id"], PURPOSES.get(d["purpose"], d["purpose"]),
                      BASES.get(d["basis"], d["basis"]), d["weight"], _yuan(d["amount_fen"]), d["amount_fen"]]
                     for d in view["distributions"]]
    return workbook([
        Sheet("概要", (Column("项目", width=18), Column("内容", width=44)), summary),
        Sheet("预算与支出", AMOUNT_COLUMNS, _amount_rows(spending)),
        Sheet("结余留用" if surplus else "超支分担", AMOUNT_COLUMNS, outcome),
        Sheet("结余用途", AMOUNT_COLUMNS + (Column("占结余留用", "percent", 14),), split),
        Sheet("成员单位分配", (Column("单位编码", width=24), Column("单位名称", width=28), Column("用途", width=12),
                             Column("分配依据", width=22), Column("权重", "int", 16), Column("金额（元）", "yuan", 16),
                             Column("金额（分）", "int", 16)), distributions),
    ])
