"""The county's organisations, populations and accounts (pure: no I/O).

The five township centres, two village clinics and three county hospitals of the demo consortium
(gateway/demo.py) are kept as they are; the simulator adds township centres named after real
巫山县 towns and village clinics under them, up to the scale asked for. Populations are synthetic.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from gateway.demo import CONSORTIUM_ID, ORGANISATIONS
from platform_common.auth import OrgKind

HOSPITALS = ["county-peoples-hospital", "county-tcm-hospital", "county-mch-hospital"]
# Pairing weights of new townships: the lead hospital takes the most.
HOSPITAL_WEIGHTS = [5, 3, 2]
EXTRA_TOWNS = [
    ("futian", "福田镇"), ("guanyang", "官阳镇"), ("baolong", "抱龙镇"), ("miaoyu", "庙宇镇"), ("tonggu", "铜鼓镇"),
    ("shuanglong", "双龙镇"), ("liangping", "两坪乡"), ("duping", "笃坪乡"), ("jianping", "建平乡"),
    ("hongchun", "红椿乡"), ("dengjia", "邓家乡"), ("dangyang", "当阳乡"), ("zhuxian", "竹贤乡"), ("sanxi", "三溪乡"),
    ("pinghe", "平河乡"), ("daxi", "大溪乡"), ("quchi", "曲尺乡"), ("peishi", "培石乡"), ("jinping", "金坪乡"),
]
_VILLAGE_SYLLABLES = "青松柏杨桃李梨枣竹梅兰石龙凤云龙泉溪河坪岭湾坝沟桥庄田园丰和平安宁新光明红星胜利团结"


@dataclass(frozen=True)
class Org:
    org_id: str
    name: str
    kind: str  # OrgKind value
    parent_org_id: str | None
    service_population: int | None
    demo: bool = False  # already registered by the gateway's demo seed

    def registration(self) -> dict:
        return {"name": self.name, "kind": self.kind, "consortium_id": CONSORTIUM_ID,
                "parent_org_id": self.parent_org_id, "service_population": self.service_population}


@dataclass(frozen=True)
class Account:
    username: str
    org_id: str
    role: str
    display_name: str
    demo: bool = False


def demo_orgs() -> list[Org]:
    return [Org(o.org_id, o.name, o.kind.value, o.parent_org_id, o.service_population, demo=True)
            for o in ORGANISATIONS if o.consortium_id == CONSORTIUM_ID]


def build_county(rng: random.Random, new_townships: int, villages: int, residents: int) -> list[Org]:
    """Demo orgs plus `new_townships` centres sharing the residents the demo townships leave, and
    village clinics (demo ones included) up to `villages`, each inside its township's population."""
    orgs = demo_orgs()
    if new_townships > len(EXTRA_TOWNS):
        raise ValueError(f"at most {len(EXTRA_TOWNS)} extra townships")
    demo_population = sum(o.service_population or 0 for o in orgs if o.kind == OrgKind.TOWNSHIP_CENTRE.value)
    left = residents - demo_population
    if new_townships and left < 3000 * new_townships:
        raise ValueError("too few residents for the townships asked for")
    weights = [rng.randint(60, 140) for _ in range(new_townships)]
    pops = [left * w // sum(weights) for w in weights]
    if pops:
        pops[0] += left - sum(pops)  # the total is exact
    for (slug, name), pop in zip(EXTRA_TOWNS, pops):
        hospital = rng.choices(HOSPITALS, HOSPITAL_WEIGHTS)[0]
        orgs.append(Org(f"{slug}-thc", f"{name}中心卫生院", OrgKind.TOWNSHIP_CENTRE.value, hospital, pop))
    townships = [o for o in orgs if o.kind == OrgKind.TOWNSHIP_CENTRE.value]
    demo_villages = [o for o in orgs if o.kind == OrgKind.VILLAGE_CLINIC.value]
    counters: dict[str, int] = {}
    used_names: set[str] = {o.name for o in demo_villages}
    for i in range(max(0, villages - len(demo_villages))):
        town = townships[i % len(townships)]
        counters[town.org_id] = counters.get(town.org_id, 0) + 1
        slug = town.org_id.rsplit("-", 1)[0]
        town_name = town.name.replace("中心卫生院", "").replace("社区卫生服务中心", "")
        while True:
            village = rng.choice(_VILLAGE_SYLLABLES) + rng.choice(_VILLAGE_SYLLABLES)
            name = f"{town_name}{village}村卫生室"
            if name not in used_names:
                used_names.add(name)
                break
        orgs.append(Org(f"{slug}-v{counters[town.org_id]:02d}-vc", name, OrgKind.VILLAGE_CLINIC.value,
                        town.org_id, rng.randint(600, 2500)))
    return orgs


def accounts(orgs: list[Org]) -> list[Account]:
    """A referral clerk for every unit and a manager for every township centre (demo ones kept)."""
    from gateway.demo import USERS

    out = [Account(u.username, u.org_id, u.role.value, u.display_name, demo=True) for u in USERS]
    have = {(a.org_id, a.role) for a in out}
    for o in orgs:
        short = o.org_id.rsplit("-", 1)[0] if o.kind != OrgKind.VILLAGE_CLINIC.value else o.org_id[:-3]
        if o.kind in (OrgKind.TOWNSHIP_CENTRE.value, OrgKind.VILLAGE_CLINIC.value) and \
                (o.org_id, "referral_clerk") not in have:
            out.append(Account(f"{short}.referral", o.org_id, "referral_clerk", f"{o.name}转诊员"))
        if o.kind == OrgKind.TOWNSHIP_CENTRE.value and (o.org_id, "unit_manager") not in have:
            out.append(Account(f"{short}.manager", o.org_id, "unit_manager", f"{o.name}院长"))
    return out


def clerk_of(accounts_: list[Account], org_id: str) -> str:
    return next(a.username for a in accounts_ if a.org_id == org_id and a.role == "referral_clerk")


def manager_of(accounts_: list[Account], org_id: str) -> str:
    return next(a.username for a in accounts_ if a.org_id == org_id and a.role == "unit_manager")
