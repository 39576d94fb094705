"""The diagnosis catalogue clerks pick from: ICD-10 codes with their Chinese names, searched by code or name."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Diagnosis:
    code: str
    name: str


def search(catalogue: Iterable[Diagnosis], query: str, limit: int) -> list[Diagnosis]:
    """Best matches first: the exact code, then codes starting with the query (I2 -> I20, I21...), then names
    starting with it, then names containing it; ties in code order. An empty query lists the catalogue."""
    q = query.strip()
    code_q = q.upper()
    ranked: list[tuple[int, str, Diagnosis]] = []
    for d in catalogue:
        if not q:
            rank = 0
        elif d.code == code_q:
            rank = 0
        elif d.code.startswith(code_q):
            rank = 1
        elif d.name.startswith(q):
            rank = 2
        elif q in d.name:
            rank = 3
        else:
            continue
        ranked.append((rank, d.code, d))
    ranked.sort(key=lambda t: (t[0], t[1]))
    return [d for _, _, d in ranked[:limit]]
