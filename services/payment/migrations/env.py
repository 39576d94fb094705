from platform_common.migrate import run_env
from services.payment.adapters.tables import metadata

run_env(metadata)
