from platform_common.migrate import run_env
from services.staffing.adapters.tables import metadata

run_env(metadata)
