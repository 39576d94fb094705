"""Browser tests: Playwright's Python package driving the machine's Chromium (Debian's /usr/bin/chromium).

Never `playwright install`: it downloads a browser build, which fails on these machines and on a hospital
intranet alike. Without Chromium the tests are skipped with the reason shown; under CI=true a missing
browser is an error. Screenshots of each main page are kept in var/test-artefacts/console/ (printed at the end).
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CONSOLE_TEST_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--lang=zh-CN"]
SHOTS = Path(__file__).resolve().parents[3] / "var" / "test-artefacts" / "console"
_taken: list[Path] = []


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = (f"Chromium is not installed at {CHROMIUM}: the browser tests of the console did not run "
                   "(apt-get install -y chromium fonts-noto-cjk)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " — under CI=true this is an error, not a skip", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Chromium takes its interface language from LANGUAGE (with Debian's chromium-l10n installed): a date
        # input then reads 年/月/日 as a clerk's browser shows it, not mm/dd/yyyy. LANG stays a UTF-8 locale the
        # machine has (C.UTF-8), or a file with a Chinese name could not be read for an upload.
        env = {k: v for k, v in os.environ.items() if k != "LC_ALL"} | {"LANG": "C.UTF-8", "LANGUAGE": "zh_CN:zh"}
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS, env=env)
        yield b
        b.close()


@pytest.fixture
def open_desk(browser, console):
    """open_desk(username) -> a page in its own browser context (its own cookies), logged in by the form."""
    contexts = []

    def open_(username: str):
        ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{console.console_url}/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill("demo-password")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{console.console_url}/")
        return page

    yield open_
    for ctx in contexts:
        ctx.close()


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    _taken.append(path)
    return path


def fill_week(page, first, count: int) -> None:
    """科室号源/床位's weekly template over the week from `first`: `count` places in the first band each day."""
    page.get_by_label("从").fill(first.isoformat())
    page.get_by_label("至").fill((first + timedelta(days=6)).isoformat())
    for wd in "一二三四五六日":
        page.get_by_label(f"第1时段周{wd}号源数").fill(str(count))


def pytest_terminal_summary(terminalreporter):  # noqa: ANN001
    if _taken:
        terminalreporter.write_line(f"console screenshots ({len(_taken)}): {SHOTS}")
