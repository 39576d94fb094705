"""Build one service's FastAPI app on a fresh database, migrated, with the demo organisations.

No broker and no background threads: API tests look at the response and at the outbox rows. Every 2xx
answer is also checked against the response model its route declares (`tests/support/contract.py`), so
every API test is a contract test too.
The database is a fresh SQLite file, or, when TEST_POSTGRES_URL names a PostgreSQL server (the CI
PostgreSQL pass), a fresh database on that server, dropped afterwards. A fresh SQLite file is a copy of one
migrated per service and test process: hundreds of API tests would otherwise run every migration, each step
committed to disk, before their first request (the migrations themselves are tested in tests/unit/platform).
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Iterator

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text

from gateway.demo import ORGANISATIONS
from platform_common.db import is_sqlite
from platform_common.migrate import upgrade
from platform_common.org_directory import OrgDirectory
from tests.support.contract import ContractCheck


@contextmanager
def fresh_database(tmp_path: Path) -> Iterator[str]:
    server = os.environ.get("TEST_POSTGRES_URL")  # e.g. postgresql+psycopg://postgres@127.0.0.1:55432/postgres
    if not server:
        yield f"sqlite:///{tmp_path / 'svc.db'}"
        return
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@contextmanager
def service_client(bootstrap: ModuleType, settings_cls: type, tmp_path: Path, **overrides) -> Iterator[TestClient]:
    with fresh_database(tmp_path) as db_url:
        with _service_client(bootstrap, settings_cls, db_url, **overrides) as client:
            yield client


@contextmanager
def _service_client(bootstrap: ModuleType, settings_cls: type, db_url: str, **overrides) -> Iterator[TestClient]:
    settings = settings_cls(database_url=db_url, **overrides)
    migrate(bootstrap.MIGRATIONS, db_url)
    app = bootstrap.create_app(settings, background=False)
    app.add_middleware(ContractCheck)
    runtime = app.state.runtime
    OrgDirectory(runtime.metadata.tables["organisations"]).register_many(runtime.session_factory, ORGANISATIONS)
    with TestClient(app) as client:
        client.runtime = runtime  # type: ignore[attr-defined]
        yield client


_MIGRATED: dict[Path, Path] = {}


def migrate(migrations: Path, db_url: str) -> None:
    """Bring a fresh database to head: on SQLite by copying this process's migrated file of the service."""
    target = db_url.removeprefix("sqlite:///")
    if not is_sqlite(db_url) or Path(target).exists():
        upgrade(migrations, db_url)
        return
    template = _MIGRATED.get(migrations)
    if template is None:
        folder = tempfile.mkdtemp(prefix="migrated-")
        atexit.register(shutil.rmtree, folder, True)
        template = Path(folder) / "template.db"
        upgrade(migrations, f"sqlite:///{template}")
        _MIGRATED[migrations] = template
    shutil.copyfile(template, target)


def outbox_events(client: TestClient, event_type: str | None = None) -> list[dict]:
    """The envelopes a service recorded in its outbox, oldest first."""
    runtime = client.runtime  # type: ignore[attr-defined]
    query = select(runtime.outbox.c.envelope).order_by(runtime.outbox.c.seq)
    if event_type:
        query = query.where(runtime.outbox.c.event_type == event_type)
    with runtime.engine.connect() as conn:
        return [row.envelope for row in conn.execute(query)]
