"""The gateway's /docs in headless Chromium with no network beyond the platform: Swagger UI renders every
operation of the merged document, and Authorize (the OAuth2 password flow) then Try it out reach a service."""
from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from .conftest import SHOTS


def test_the_gateways_docs_render_offline_and_try_it_out_reaches_a_service(browser, console):
    gateway = console.gateway_url
    own_host = urlsplit(gateway).netloc
    elsewhere: list[str] = []
    ctx = browser.new_context(viewport={"width": 1366, "height": 900})

    def only_the_platform(route):  # noqa: ANN001, ANN202 - an intranet: anything else is unreachable
        if urlsplit(route.request.url).netloc == own_host:
            return route.continue_()
        elsewhere.append(route.request.url)
        return route.abort()

    ctx.route("**/*", only_the_platform)
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{gateway}/docs")
        document = httpx.get(f"{gateway}/openapi.json", timeout=30).json()
        # an operation is shown under each of its tags
        expected = sum(len(op.get("tags") or [None]) for item in document["paths"].values() for op in item.values())
        operations = page.locator(".opblock-summary-method")
        operations.nth(expected - 1).wait_for()
        assert operations.count() == expected
        assert page.get_by_text("referral: referrals", exact=True).count() >= 1

        page.locator("button.authorize").first.click()
        page.locator("#oauth_username").fill("dachang.referral")
        page.locator("#oauth_password").fill("demo-password")
        page.locator(".auth-btn-wrapper button.authorize").click()
        page.locator(".modal-ux").get_by_text("Authorized", exact=True).wait_for()
        page.locator(".auth-btn-wrapper button.btn-done").click()

        worklist = page.locator(".opblock-get").filter(
            has=page.locator('.opblock-summary-path[data-path="/referral/referrals"]')).first
        worklist.locator(".opblock-summary").click()
        worklist.get_by_role("button", name="Try it out").click()
        worklist.get_by_role("button", name="Execute").click()
        status = worklist.locator(".live-responses-table .response .response-col_status").first
        status.wait_for()
        assert status.inner_text().strip() == "200"
        assert '"items"' in worklist.locator(".live-responses-table .microlight").first.inner_text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        worklist.screenshot(path=str(SHOTS / "gateway-docs-try-it-out.png"))
    finally:
        ctx.close()
    assert elsewhere == [], f"/docs tried to reach beyond the platform: {elsewhere}"
