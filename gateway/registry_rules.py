"""The shape the organisation registry must keep, as pure rules over plain values (no database here).

The consortium is a tree: a township centre (乡镇卫生院) is paired with a county hospital, a village clinic
(村卫生室) belongs to its township centre; hospitals, the insurance office and the health bureau have no
parent. Every refusal names its rule (`details.rule`), so a client can tell them apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from platform_common.auth import OrgKind
from platform_common.errors import Conflict, InvalidInput

# The kinds an organisation of each kind may have as its parent; an empty set: no parent at all.
PARENT_KINDS: dict[OrgKind, frozenset[OrgKind]] = {
    OrgKind.TOWNSHIP_CENTRE: frozenset({OrgKind.COUNTY_HOSPITAL}),
    OrgKind.VILLAGE_CLINIC: frozenset({OrgKind.TOWNSHIP_CENTRE}),
    OrgKind.COUNTY_HOSPITAL: frozenset(),
    OrgKind.INSURANCE_OFFICE: frozenset(),
    OrgKind.HEALTH_BUREAU: frozenset(),
}
# The kind whose HR office administers the registry (the health bureau's 人事科).
ADMINISTRATOR_KIND = OrgKind.HEALTH_BUREAU


@dataclass(frozen=True)
class Node:
    org_id: str
    kind: OrgKind
    consortium_id: str | None
    parent_org_id: str | None


def check_change(new: Node, old: Node | None, lookup: Callable[[str], Node | None], children: list[Node],
                 other_administrators: int) -> None:
    """Refuse a registration or change that would break the registry's shape.

    `lookup` finds an organisation as it is now; `children` are those whose parent is `new.org_id`;
    `other_administrators` counts the other organisations whose HR office could still administer the registry.
    """
    parent = new.parent_org_id
    if parent == new.org_id:
        raise InvalidInput("an organisation cannot be its own parent", field="parent_org_id", rule="self_parent")
    allowed = PARENT_KINDS[new.kind]
    if parent is None:
        if allowed:
            raise InvalidInput(f"a {new.kind.value} needs its parent (one of: {_names(allowed)})",
                               field="parent_org_id", rule="parent_required")
    else:
        found = lookup(parent)
        if found is None:
            raise InvalidInput(f"unknown parent organisation {parent}", field="parent_org_id", rule="parent_exists")
        _refuse_cycle(new.org_id, found, lookup)
        if found.kind not in allowed:
            expected = f"one of: {_names(allowed)}" if allowed else "none"
            raise InvalidInput(f"a {new.kind.value} cannot have a {found.kind.value} as its parent (expected {expected})",
                               field="parent_org_id", rule="parent_kind", parent_kind=found.kind.value)
        if found.consortium_id != new.consortium_id:
            raise InvalidInput(f"the parent {parent} belongs to consortium {found.consortium_id}, not "
                               f"{new.consortium_id}", field="parent_org_id", rule="parent_consortium")
    for child in children:
        if new.kind not in PARENT_KINDS[child.kind]:
            raise Conflict(f"{child.org_id} ({child.kind.value}) has {new.org_id} as its parent, which could not be "
                           f"a {new.kind.value}; move it first", field="kind", rule="children_kind",
                           child_org_id=child.org_id)
    if old is not None and old.kind is ADMINISTRATOR_KIND and new.kind is not ADMINISTRATOR_KIND \
            and other_administrators == 0:
        raise Conflict(f"{new.org_id} is the last {ADMINISTRATOR_KIND.value} with an HR account: after this change "
                       "no one could administer the registry", field="kind", rule="registry_administrator")


def _refuse_cycle(org_id: str, parent: Node, lookup: Callable[[str], Node | None]) -> None:
    seen = {org_id}
    node: Node | None = parent
    while node is not None:
        if node.org_id in seen:
            raise Conflict(f"{parent.org_id} is below {org_id} in the registry: the change would make a cycle",
                           field="parent_org_id", rule="cycle")
        seen.add(node.org_id)
        node = lookup(node.parent_org_id) if node.parent_org_id else None


def _names(kinds: frozenset[OrgKind]) -> str:
    return ", ".join(sorted(k.value for k in kinds))
