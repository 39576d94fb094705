"""The gateway in-process, with no service behind it."""
import pytest
from fastapi.testclient import TestClient

from gateway.api import MIGRATIONS, create_app
from gateway.settings import GatewaySettings
from platform_common.migrate import upgrade


@pytest.fixture()
def gateway(tmp_path):
    url = f"sqlite:///{tmp_path / 'gw.db'}"
    upgrade(MIGRATIONS, url)
    # Nothing listens on port 9: forwarding must fail fast and clearly.
    settings = GatewaySettings(database_url=url, referral_url="http://127.0.0.1:9", payment_url="http://127.0.0.1:9",
                               staffing_url="http://127.0.0.1:9", login_max_failures=3)
    app = create_app(settings, background=False)
    with TestClient(app) as client:
        client.runtime = app.state.runtime
        yield client
