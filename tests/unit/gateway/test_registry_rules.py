"""The registry's shape as a property: whatever sequence of changes the HR office tries, what is accepted
leaves a forest with valid parent kinds, no cycle, and an administering organisation."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from gateway.registry_rules import ADMINISTRATOR_KIND, PARENT_KINDS, Node, check_change
from platform_common.auth import OrgKind
from platform_common.errors import ServiceError

IDS = ["a", "b", "c", "d", "e", "f"]
START = {"bureau": Node("bureau", OrgKind.HEALTH_BUREAU, None, None),
         "a": Node("a", OrgKind.COUNTY_HOSPITAL, "k", None),
         "b": Node("b", OrgKind.TOWNSHIP_CENTRE, "k", "a"),
         "c": Node("c", OrgKind.VILLAGE_CLINIC, "k", "b")}

changes = st.lists(st.tuples(st.sampled_from(IDS + ["bureau"]), st.sampled_from(list(OrgKind)),
                             st.one_of(st.none(), st.sampled_from(IDS + ["bureau"]))), max_size=25)


def apply(state: dict[str, Node], org_id: str, kind: OrgKind, parent: str | None) -> None:
    consortium = None if kind in (OrgKind.HEALTH_BUREAU, OrgKind.INSURANCE_OFFICE) else "k"
    new = Node(org_id, kind, consortium, parent)
    administrators = sum(1 for n in state.values() if n.kind is ADMINISTRATOR_KIND and n.org_id != org_id)
    try:
        check_change(new, state.get(org_id), state.get, [n for n in state.values() if n.parent_org_id == org_id],
                     administrators)
    except ServiceError:
        return
    state[org_id] = new


@settings(max_examples=300, deadline=None)
@given(changes)
def test_accepted_changes_keep_the_registry_a_valid_forest(steps):
    state = dict(START)
    for org_id, kind, parent in steps:
        apply(state, org_id, kind, parent)
    assert any(n.kind is ADMINISTRATOR_KIND for n in state.values())
    for node in state.values():
        seen, walk = set(), node
        while walk.parent_org_id is not None:
            assert walk.org_id not in seen, f"cycle through {walk.org_id}"
            seen.add(walk.org_id)
            parent = state[walk.parent_org_id]
            assert parent.kind in PARENT_KINDS[walk.kind]
            walk = parent
        assert bool(node.parent_org_id) == bool(PARENT_KINDS[node.kind])
