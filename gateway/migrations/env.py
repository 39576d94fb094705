from gateway.adapters.tables import metadata
from platform_common.migrate import run_env

run_env(metadata)
