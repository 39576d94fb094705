from platform_common.migrate import run_env
from services.referral.adapters.tables import metadata

run_env(metadata)
