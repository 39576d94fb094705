"""The monthly indicators the service publishes by itself (clock job), with no human and no sleeping."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

from sqlalchemy import select

from services.referral.adapters.tables import IndicatorPublicationRow
from services.referral.service_layer import auto_publish
from services.referral.service_layer.auto_publish import MonthlyPublisher, publish_month
from services.referral.service_layer.clock import OverdueClock
from services.referral.service_layer.access import MEMBER_KINDS
from platform_common.contracts import ReferralIndicatorsPublished
from tests.support.service_app import outbox_events
from tests.support.tokens import demo_user_header as h

from .test_indicators import october  # noqa: F401 - the October referrals fixture

EVENT = "ReferralIndicatorsPublished"
# Asia/Shanghai is UTC+8: 2026-11-06 00:30 local is 2026-11-05 16:30 UTC.
BEFORE_GRACE = datetime(2026, 11, 5, 15, 59, tzinfo=timezone.utc)  # 23:59 on 5 November, local
AFTER_GRACE = datetime(2026, 11, 5, 16, 30, tzinfo=timezone.utc)  # 00:30 on 6 November, local


def _members(client) -> list[str]:
    with client.runtime.uow() as uow:
        return sorted(o.org_id for o in uow.orgs.all(uow.session, "wushan") if o.kind in MEMBER_KINDS)


def _publisher(client, **settings) -> MonthlyPublisher:
    return MonthlyPublisher(client.runtime.uow, client.runtime.settings.model_copy(update=settings))


def test_previous_month_is_published_after_the_grace_period_in_local_time_not_before(october):
    publisher = _publisher(october)
    assert publisher(BEFORE_GRACE) == [] and outbox_events(october, EVENT) == []
    assert publisher(AFTER_GRACE) == [("wushan", "2026-10")]  # September had no referral data: not published
    events = outbox_events(october, EVENT)
    assert [e["payload"]["org_id"] for e in events] == [None, *_members(october)]
    assert {e["payload"]["period"] for e in events} == {"2026-10"}
    with october.runtime.engine.connect() as conn:
        row = conn.execute(select(IndicatorPublicationRow.__table__)).one()
    assert (row.consortium_id, row.period, row.unit_count, row.event_id) == (
        "wushan", "2026-10", len(_members(october)), events[0]["event_id"])


def test_the_grace_period_is_a_setting(october):
    assert _publisher(october, indicators_publish_after_days=0)(datetime(2026, 10, 31, 16, 0, tzinfo=timezone.utc))
    assert _publisher(october, indicators_publish_after_days=10)(AFTER_GRACE) == []


def test_payloads_equal_what_the_manual_endpoint_computes(october):
    _publisher(october)(AFTER_GRACE)
    auto = {e["payload"]["org_id"]: e for e in outbox_events(october, EVENT)}
    manual = october.post("/indicators/publish", json={"period": "2026-10"}, headers=h("bureau.analyst"))
    assert manual.status_code == 200
    assert auto[None]["payload"] == outbox_events(october, EVENT)[-1]["payload"]
    assert auto[None]["payload"]["acceptance_rate_bp"] == 6000  # the October worked example, not zeros
    for org in _members(october):
        r = october.get("/indicators", params={"period": "2026-10", "org_id": org}, headers=h("bureau.analyst"))
        figures = r.json()
        shown = {k: figures[k] for k in ReferralIndicatorsPublished.model_fields if k != "in_county_visits"}
        assert auto[org]["payload"] == shown | {
            "in_county_visits": figures["in_county_episodes"] + figures["reported_visits"]}
        assert auto[org]["org_id"] == org  # envelope too, exactly as a manual per-unit publication
    assert auto["dachang-thc"]["payload"]["upward_count"] == 4


def test_not_twice_not_after_a_restart_and_not_by_a_second_replica(october, monkeypatch):
    first = _publisher(october)
    assert first(AFTER_GRACE)
    count = len(outbox_events(october, EVENT))

    def no_database():
        raise AssertionError("the settled due month must not touch the database")
    first.uow_factory = no_database
    assert first(AFTER_GRACE) == []  # cheap: nothing due, no query
    assert _publisher(october)(AFTER_GRACE) == []  # a restart: the table says it is done
    # A second replica that checked before the first committed: its insert loses on the primary key and
    # its events roll back with it.
    monkeypatch.setattr("services.referral.adapters.repository_indicators.PublicationRepository.published",
                        lambda self, consortium, periods: set())
    with october.runtime.uow() as uow:
        assert publish_month(uow, october.runtime.settings, "wushan", "2026-10", AFTER_GRACE) is False
    assert len(outbox_events(october, EVENT)) == count


def test_missed_months_are_caught_up_within_the_bound(october):
    january = datetime(2027, 1, 10, tzinfo=timezone.utc)
    assert _publisher(october, indicators_catch_up_months=2)(january) == [("wushan", "2026-11"), ("wushan", "2026-12")]
    assert _publisher(october)(january) == [("wushan", "2026-10")]  # a wider bound finds the older gap
    assert _publisher(october)(january) == []
    periods = [e["payload"]["period"] for e in outbox_events(october, EVENT) if e["payload"]["org_id"] is None]
    assert periods == ["2026-11", "2026-12", "2026-10"]


def test_it_can_be_turned_off(october):
    assert _publisher(october, indicators_auto_publish=False)(AFTER_GRACE) == []
    assert outbox_events(october, EVENT) == []
    assert october.runtime.publisher in october.runtime.clock.jobs  # wired into the clock by default


def test_a_failing_month_is_retried_on_the_next_tick(october, monkeypatch):
    real, calls = auto_publish.publish_month, []

    def flaky(*args):
        calls.append(args[3])
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return real(*args)
    monkeypatch.setattr(auto_publish, "publish_month", flaky)
    publisher = _publisher(october)
    assert publisher(AFTER_GRACE) == []
    assert publisher(AFTER_GRACE) == [("wushan", "2026-10")]  # not settled after the failure


def test_a_failure_in_one_tick_does_not_stop_the_clock(october):
    calls, twice = [], threading.Event()

    def job(now):
        calls.append(now)
        if len(calls) >= 2:
            twice.set()
        raise RuntimeError("boom")
    clock = OverdueClock(october.runtime.uow, 0.01, [job, _publisher(october)])
    clock.tick(AFTER_GRACE)  # the failing job neither raises nor stops the job after it
    assert len(outbox_events(october, EVENT)) == 1 + len(_members(october))
    clock.start()
    try:
        assert twice.wait(10), "the thread stopped after the failing tick"
    finally:
        clock.stop()
