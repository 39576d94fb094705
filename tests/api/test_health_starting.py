"""A service whose organisation directory is still empty says "starting", not "ok" (issue 13: /health said ok
about 20 s before any service knew an organisation, so the demo accounts could do nothing yet)."""
from sqlalchemy import delete

from services.payment import bootstrap
from services.payment.settings import PaymentSettings
from tests.support.service_app import service_client


def test_health_says_starting_until_the_directory_has_organisations(tmp_path, monkeypatch):
    monkeypatch.setattr("platform_common.runtime.broker_reachable", lambda _bootstrap: True)
    with service_client(bootstrap, PaymentSettings, tmp_path) as client:
        body = client.get("/health").json()
        assert body["directory"]["organisations"] > 0 and body["status"] == "ok"
        table = client.runtime.metadata.tables["organisations"]
        with client.runtime.engine.begin() as conn:
            conn.execute(delete(table))
        r = client.get("/health")
        assert (r.status_code, r.json()["status"], r.json()["directory"]) == (200, "starting", {"organisations": 0})
