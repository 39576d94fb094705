"""The organisation directory's bulk registration: one transaction, and the same list twice changes nothing."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from gateway.demo import ORGANISATIONS
from platform_common.auth import OrgKind
from platform_common.contracts import OrganisationRegistered
from platform_common.org_directory import OrgDirectory, organisations_table


@pytest.fixture
def directory(tmp_path):  # noqa: ANN001, ANN201
    engine = create_engine(f"sqlite:///{tmp_path / 'orgs.db'}")
    metadata = MetaData()
    table = organisations_table(metadata)
    metadata.create_all(engine)
    yield OrgDirectory(table), sessionmaker(engine), engine
    engine.dispose()


def test_the_demo_organisations_are_registered_in_one_call_and_a_second_call_changes_nothing(directory):
    orgs, sessions, _ = directory
    assert orgs.register_many(sessions, ORGANISATIONS) == len(ORGANISATIONS)
    with sessions() as s:
        first = orgs.all(s)
    orgs.register_many(sessions, ORGANISATIONS)
    with sessions() as s:
        assert orgs.all(s) == first
    assert sorted(o.org_id for o in first) == sorted(o.org_id for o in ORGANISATIONS)
    dachang = next(o for o in first if o.org_id == "dachang-thc")
    demo = next(o for o in ORGANISATIONS if o.org_id == "dachang-thc")
    assert (dachang.name, dachang.kind, dachang.parent_org_id, dachang.service_population) == \
        (demo.name, demo.kind, demo.parent_org_id, demo.service_population)


def test_registering_again_with_changed_details_updates_them(directory):
    orgs, sessions, _ = directory
    orgs.register_many(sessions, ORGANISATIONS)
    demo = next(o for o in ORGANISATIONS if o.org_id == "dachang-thc")
    orgs.register_many(sessions, [dataclasses.replace(demo, service_population=(demo.service_population or 0) + 500)])
    with sessions() as s:
        assert orgs.get(s, "dachang-thc").service_population == (demo.service_population or 0) + 500
        assert len(orgs.all(s)) == len(ORGANISATIONS)


def test_one_refused_organisation_leaves_none_of_the_list_written(directory):
    orgs, sessions, engine = directory
    with engine.begin() as conn:  # the database refuses one row, after others of the same call were written
        conn.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON organisations WHEN NEW.org_id = 'refused-vc' "
                          "BEGIN SELECT RAISE(ABORT, 'refused'); END"))
    clinic = OrganisationRegistered(org_id="refused-vc", name="某村卫生室", kind=OrgKind.VILLAGE_CLINIC,
                                    consortium_id="wushan", parent_org_id="dachang-thc", service_population=900)
    with pytest.raises(IntegrityError):
        orgs.register_many(sessions, [*ORGANISATIONS, clinic])
    with sessions() as s:
        assert orgs.all(s) == []
