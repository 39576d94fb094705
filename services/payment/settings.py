"""Payment service settings (env prefix `PAYMENT_`); policy numbers with documented defaults.

The policy defaults apply to a fund year that has no policy version of its own yet; the
insurance office then versions them per fund year (see docs/payment.md).
"""
from __future__ import annotations


from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from platform_common.identity import DEMO_RESIDENT_KEY_SECRET, check_key_secret
from platform_common.settings import ServiceSettings

from .domain.appraisal import Catalogue, default_catalogue
from .domain.policy import FundPolicy, ScoreWeights
from .domain.primary_care import PackageFee, PrimaryCarePolicy


class PaymentSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAYMENT_", extra="ignore")

    service_name: str = "payment"
    port: int = 8002

    # -- policy defaults (illustrative; docs/payment.md) ----------------------------------------------
    # (minimum performance score, share of surplus retained in bp), e.g. ≥ 90 keeps it all.
    retention_bands: list[tuple[int, int]] = [(90, 10000), (80, 8000), (70, 6000), (60, 4000)]
    overspend_tolerance_bp: int = 1000            # the band: overspend up to 10% of budget
    fund_share_within_tolerance_bp: int = 5000    # the fund bears half of the overspend inside it
    split_performance_pay_bp: int = 6000
    split_talent_training_bp: int = 2000
    split_specialty_building_bp: int = 2000
    capitation_fen_per_resident_month: int = 1000  # 10 yuan per contracted resident per month
    distribution_basis: str = "claims_amount"      # or enrolled_residents
    score_fund_use_bp: int = 4000
    score_county_domain_bp: int = 4000
    score_acceptance_bp: int = 1000
    score_chronic_downward_bp: int = 1000
    score_county_domain_target_bp: int = 9000      # 县域内就诊率 ≥ 90%
    score_chronic_downward_target_bp: int = 3000
    score_overspend_penalty_points_per_pct: int = 5

    # -- the contract roster (家庭医生签约) and appraisal ------------------------------------
    # Capitation weight of a key group (bp of the rate; a contract takes its groups' highest); none by default.
    capitation_key_group_weights_bp: dict[str, int] = {}
    # Contract fee per package and year and who pays it (fund / basic public-health funds / resident), bp.
    contract_packages: dict[str, dict[str, int]] = {
        "basic": {"fee_fen_per_year": 12000, "fund_bp": 5000, "public_health_bp": 4000, "resident_bp": 1000}}
    coverage_target_bp: int = Field(default=7300, ge=1, le=10000)  # key groups covered by 2027 (seed policy)
    # The appraisal catalogue: code, name, source, direction, target, weight_bp, rule (see domain/appraisal.py).
    appraisal_indicators: list[dict] = default_catalogue().to_dict()["indicators"]
    # HMAC key of the resident key (hash of the national ID). Give it the value of REFERRAL_PATIENT_KEY_SECRET
    # and a roster's residents match the referral service's patients; rotating it breaks matching.
    resident_key_secret: str = DEMO_RESIDENT_KEY_SECRET

    # -- closing ----------------------------------------------------------------------------
    # A period can be closed from this day of the month after it ends (the grace for late claims):
    # 5 = November closes from 5 December, a quarter or a year from the 5th after its last month.
    close_from_day: int = Field(default=5, ge=1, le=28)

    # -- claims and uploads -----------------------------------------------------------------
    claim_max_fen: int = 100_000_000               # one claim above 1,000,000 yuan is a typo
    upload_max_rows: int = 2_000_000
    upload_batch_rows: int = 5_000
    # a roster import checks and inserts this many rows at a time, sorted by resident key (fewer index pages
    # touched per batch), with this much SQLite page cache for the import's duration
    roster_batch_rows: int = Field(default=20_000, ge=100)
    roster_import_cache_mb: int = Field(default=256, ge=0)
    # past this many rows, a roster file's remaining rows are parsed in a second process (0: never)
    roster_parse_process_after_rows: int = Field(default=100_000, ge=0)
    upload_errors_listed: int = 1_000              # bad rows listed in an answer (all are kept: GET …/errors)
    # where an uploaded file waits while it is read (default: <data dir>/payment-uploads)
    upload_spool_dir: Path | None = None
    page_size_default: int = 50
    page_size_max: int = 200

    def default_policy(self) -> FundPolicy:
        return FundPolicy(
            retention_bands=tuple(self.retention_bands),
            overspend_tolerance_bp=self.overspend_tolerance_bp,
            fund_share_within_tolerance_bp=self.fund_share_within_tolerance_bp,
            split_bp={"performance_pay": self.split_performance_pay_bp,
                      "talent_training": self.split_talent_training_bp,
                      "specialty_building": self.split_specialty_building_bp},
            capitation_fen_per_resident_month=self.capitation_fen_per_resident_month,
            distribution_basis=self.distribution_basis,
            score=ScoreWeights(
                fund_use_bp=self.score_fund_use_bp, county_domain_bp=self.score_county_domain_bp,
                acceptance_bp=self.score_acceptance_bp, chronic_downward_bp=self.score_chronic_downward_bp,
                county_domain_target_bp=self.score_county_domain_target_bp,
                chronic_downward_target_bp=self.score_chronic_downward_target_bp,
                overspend_penalty_points_per_pct=self.score_overspend_penalty_points_per_pct,
            ),
            primary_care=PrimaryCarePolicy(dict(self.capitation_key_group_weights_bp),
                                           {c: PackageFee(**p) for c, p in self.contract_packages.items()},
                                           self.coverage_target_bp),
            appraisal=Catalogue.from_dict({"indicators": self.appraisal_indicators}),
        )

    @model_validator(mode="after")
    def _refuse_demo_key_in_production(self) -> "PaymentSettings":
        check_key_secret(self.resident_key_secret, self.common.demo_mode, "PAYMENT_RESIDENT_KEY_SECRET")
        return self
