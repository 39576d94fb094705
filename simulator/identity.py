"""Synthetic residents: valid-looking mainland ID numbers (GB 11643 checksum) and names. No real person."""
from __future__ import annotations

import random
from datetime import date, timedelta

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"
# 重庆市巫山县 administrative division code.
REGION = "500237"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华兰玉梅红建国文斌雪琴云莉"


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def national_id(rng: random.Random, birth: date, male: bool) -> str:
    seq = rng.randrange(0, 100) * 10 + rng.choice([1, 3, 5, 7, 9] if male else [0, 2, 4, 6, 8])
    first17 = f"{REGION}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def person(rng: random.Random, on: date, min_age: int = 0, max_age: int = 90) -> dict:
    male = rng.random() < 0.5
    birth = on - timedelta(days=rng.randint(min_age * 365, max_age * 365))
    name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice([1, 2])))
    return {"name": name, "sex": "male" if male else "female", "date_of_birth": birth.isoformat(),
            "national_id": national_id(rng, birth, male)}
