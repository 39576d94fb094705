"""Scan a run's logs and every event it produced for patient names and national ID numbers in full."""
from __future__ import annotations

import json

from sqlalchemy import create_engine, text


def events(database_urls: dict[str, str]) -> list[str]:
    """Every envelope the processes recorded (the outbox keeps published events for the retention period)."""
    out = []
    for url in database_urls.values():
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                out += [e if isinstance(e, str) else json.dumps(e, ensure_ascii=False)
                        for e in conn.execute(text("SELECT envelope FROM outbox")).scalars()]
        finally:
            engine.dispose()
    return out


def leaks(stack, secrets: list[str]) -> dict[str, list[str]]:  # noqa: ANN001
    """{where: [leaked values]} for the logs and the events; empty when nothing leaked."""
    haystacks = {"logs": stack.logs(), "events": "\n".join(events(stack.database_urls()))}
    assert len(haystacks["events"]) > 0 and len(haystacks["logs"]) > 0
    found = {}
    for where, text_ in haystacks.items():
        hit = sorted({s for s in secrets if s and s in text_})
        if hit:
            found[where] = hit[:10]
    return found
