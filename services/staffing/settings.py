"""Staffing service settings (env prefix `STAFFING_`); policy numbers with documented defaults.

Defaults are the county's published policy numbers unless marked *illustrative* (no policy text gives one).
Quota numbers here are the county-wide defaults until the health bureau puts a county version
(`PUT /quota-policies/defaults/{date}`); a unit's own effective-dated policy row
(`/units/{org}/quota-policies`) overrides either from its effective date.
"""
from __future__ import annotations

from decimal import Decimal

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from platform_common.settings import ServiceSettings


class StaffingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="STAFFING_", extra="ignore")

    service_name: str = "staffing"
    port: int = 8003

    # The lead hospital's HR office may approve and dispatch, but not override quota rules.
    lead_org_id: str = "county-peoples-hospital"

    # Key of the identity-number hash (duplicates are found without storing the number); falls back
    # to the platform secret.
    id_hash_key: str | None = None

    # 编制: a township centre's quota is this many posts per thousand of its service population (floor).
    township_quota_per_mille: Decimal = Field(default=Decimal("1"), gt=0)
    # Professional-technical posts must be at least this share of the quota (basis points).
    professional_min_bp: int = Field(default=9000, ge=0, le=10000)
    senior_cap_bp: int = Field(default=1800, ge=0, le=10000)
    township_senior_cap_bp: int = Field(default=2000, ge=0, le=10000)
    intermediate_cap_bp: int = Field(default=4200, ge=0, le=10000)

    # 定向岗位: a township centre that practises 定向评价、定向使用 sets this share of its professional-technical
    # posts aside as targeted posts, outside the senior cap (seed 002: 10%); county hospitals have none.
    township_targeted_bp: int = Field(default=1000, ge=0, le=10000)
    # 公共卫生医师: at least this many public-health physicians at each township centre (seeds 001, 002).
    public_health_min: int = Field(default=1, ge=0, le=100)
    # The seniority exemptions to the title caps (seed 002): years of township work, and years to retirement.
    seniority_service_years: int = Field(default=20, ge=1, le=50)
    retirement_window_years: int = Field(default=5, ge=0, le=20)
    # The statutory retirement age, where a person's record gives none of their own (e.g. 55, or the
    # later age of the gradual raise from 2025 for their birth month).
    statutory_retirement_age_years: int = Field(default=60, ge=40, le=75)

    # 乡聘村用: the share of village doctors holding a practising (assistant) physician licence, target 45%
    # by 2025 (seed 002), per township and for the county.
    village_licence_target_bp: int = Field(default=4500, ge=0, le=10000)
    # The village-doctor pension subsidy (乡村医生养老保险补助), fen per person per month: "不得低于100元/人/月"
    # (seed 000), so a value below the minimum is refused at start-up.
    village_pension_subsidy_fen: int = 10000
    village_pension_subsidy_min_fen: int = 10000

    # 编制核定: a unit's quota is reviewed every this many years (seed 002: 5; seed 000: 3); a review is listed
    # as due this many days before (illustrative).
    quota_review_years: int = Field(default=5, ge=1, le=10)
    quota_review_notice_days: int = Field(default=90, ge=0, le=366)

    # A sending unit keeps at least this many staff of the seconded specialty on site.
    min_cover_per_specialty: int = Field(default=1, ge=0)

    # Longest temporary posting (secondment, rotation block, with its extensions), days; illustrative:
    # a secondment is a spell away from the home unit, not a disguised transfer of the establishment.
    max_posting_days: int = Field(default=1096, ge=1, le=3660)

    # Tidal dispatch (潮汐式): upward-referral demand over a sliding window against its own baseline.
    demand_window_days: int = Field(default=28, ge=1, le=366)
    demand_baseline_windows: int = Field(default=3, ge=1, le=12)  # windows before the current one
    demand_min_volume: int = Field(default=8, ge=1)                # illustrative
    demand_surge_bp: int = Field(default=15000, ge=10000)          # 1.5x baseline, illustrative
    season_lead_days: int = Field(default=14, ge=0, le=180)        # recommend this early before a season

    # Allowances, integer fen per person per month. GP allowance 300-500 yuan a month.
    gp_allowance_fen_junior: int = Field(default=30000, ge=0)
    gp_allowance_fen_intermediate: int = Field(default=40000, ge=0)
    gp_allowance_fen_senior: int = Field(default=50000, ge=0)
    gp_allowance_min_fen: int = 30000
    gp_allowance_max_fen: int = 50000
    # Daily allowance of staff seconded down (下沉) to a primary unit; illustrative.
    secondment_allowance_fen_per_day: int = Field(default=5000, ge=0)

    @model_validator(mode="after")
    def _gp_allowance_in_band(self) -> "StaffingSettings":
        if self.township_senior_cap_bp < self.senior_cap_bp:
            raise ValueError("STAFFING_TOWNSHIP_SENIOR_CAP_BP must be at least STAFFING_SENIOR_CAP_BP")
        if self.village_pension_subsidy_fen < self.village_pension_subsidy_min_fen:
            raise ValueError(f"STAFFING_VILLAGE_PENSION_SUBSIDY_FEN ({self.village_pension_subsidy_fen}) is below the "
                             f"seed's minimum of {self.village_pension_subsidy_min_fen} fen per person per month "
                             "(不得低于100元/人/月)")
        for level in ("junior", "intermediate", "senior"):
            amount = getattr(self, f"gp_allowance_fen_{level}")
            if not self.gp_allowance_min_fen <= amount <= self.gp_allowance_max_fen:
                raise ValueError(f"STAFFING_GP_ALLOWANCE_FEN_{level.upper()} must lie within "
                                 f"{self.gp_allowance_min_fen}..{self.gp_allowance_max_fen} fen")
        return self
