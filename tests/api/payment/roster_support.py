"""Helpers of the roster tests: valid resident IDs and roster files."""
from __future__ import annotations

from platform_common.identity import check_char

HEADER = "national_id,org_id,team,package,key_groups,start_date,end_date"


def nid(serial: int, birth: str = "19500101", region: str = "500237") -> str:
    """A valid resident ID, distinct per serial (the serial runs through the birth date's day and the sequence)."""
    first17 = f"{region}{birth[:6]}{1 + serial // 1000 % 28:02d}{serial % 1000:03d}"
    return first17 + check_char(first17)


def roster_csv(rows: list[tuple], header: str = HEADER) -> str:
    return "\n".join([header, *(",".join(str(v) for v in row) for row in rows)]) + "\n"


def upload_roster(client, text: str, headers, name="roster.csv"):
    return client.post("/roster/uploads", headers=headers, files={"file": (name, text.encode("utf-8"), "text/csv")})
