"""/docs and /redoc of the gateway and of each service work on an intranet with no internet: every script,
style and icon they load is served by the platform itself (the fastapi-offline package's assets)."""
from __future__ import annotations

import importlib
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from devstack.components import ALL


class Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        url = found.get("src") if tag == "script" else found.get("href") if tag == "link" else None
        if url:
            self.urls.append(url)


@pytest.fixture(scope="module", params=[c.name for c in ALL])
def app_client(request, tmp_path_factory):
    component = next(c for c in ALL if c.name == request.param)
    settings = component.settings_class()(
        database_url=f"sqlite:///{tmp_path_factory.mktemp(component.name) / 'docs.db'}")
    app = importlib.import_module(component.bootstrap).create_app(settings, background=False)
    return TestClient(app)  # no lifespan: the pages need neither the database nor the broker


@pytest.mark.parametrize("page, expected", [("/docs", {".js": 1, ".css": 1, ".png": 1}),
                                            ("/redoc", {".js": 1, ".png": 1})])
def test_every_asset_of_the_docs_pages_is_local_and_served(app_client, page, expected):
    r = app_client.get(page)
    assert r.status_code == 200
    parser = Assets()
    parser.feed(r.text)
    assert {ext: sum(u.endswith(ext) for u in parser.urls) for ext in expected} == expected, parser.urls
    for url in parser.urls:
        assert url.startswith("/") and not url.startswith("//"), f"{page} loads {url} from elsewhere"
        asset = app_client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 1000, url
    assert "cdn" not in r.text.lower() and "googleapis" not in r.text
    assert "'/openapi.json'" in r.text or '"/openapi.json"' in r.text


def test_swagger_ui_is_told_not_to_fetch_the_public_validator_badge(app_client):
    assert '"validatorUrl": null' in app_client.get("/docs").text
