"""Realistic synthetic firms for demos and benchmarks (`manage.py generate_firms N --seed S`).

Plain Python, no Django. The same seed always gives the same firms. Codes are valid
(GB 32100 check character and the embedded GB 11714 organisation code's own check digit), region
codes are real Jilin counties and districts from the shipped table, industry codes come from the
shipped GB/T 4754-2017 table; the mix of risk classes is roughly A 40% / B 40% / C 15% / D 5%.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterator
from datetime import date
from itertools import accumulate
from typing import NamedTuple

from backend.codes import USCC_CHARSET, make_uscc
from inspections.directory.classifications import (
    FOREIGN_EMPLOYER_TAG,
    region_level,
    region_names,
    regions,
)


class FirmRow(NamedTuple):
    """One firm, in the column order of the directory's bulk loader."""

    uscc: str
    name: str
    target_type: str
    region_code: str
    industry_code: str
    address: str
    legal_representative: str
    registered_on: date
    status: str
    risk_class: str
    abnormal_operation: bool
    serious_violation: bool
    complaints: bool
    tags: dict[str, dict[str, int]]


# (industry code, word used in the name, weight)
ENTERPRISE_INDUSTRIES = [
    ("C3670", "汽车零部件", 12), ("C3611", "汽车", 1), ("C3660", "汽车车身", 2),
    ("C3711", "轨道客车装备", 1), ("C4040", "光电仪器", 3), ("C3973", "集成电路", 1),
    ("C2761", "生物制药", 3), ("C2740", "药业", 3), ("C1513", "啤酒", 1), ("C1313", "玉米加工", 3),
    ("C1353", "食品", 3), ("I6513", "软件", 6), ("I6531", "信息技术", 5), ("I6560", "数字科技", 2),
    ("M7320", "科技", 6), ("M7340", "医学检验", 1), ("M7530", "科技服务", 2),
    ("F5212", "超市", 4), ("F5261", "汽车销售", 3), ("F51", "商贸", 8), ("H6110", "酒店", 2),
    ("H6210", "餐饮管理", 4), ("P8391", "职业技能培训", 2), ("P8393", "文化艺术培训", 2),
    ("P8399", "教育咨询", 2), ("E4710", "建筑工程", 5), ("G5431", "物流", 4),
    ("L7263", "人力资源", 2), ("L7243", "企业管理咨询", 3), ("K70", "房地产开发", 2),
    ("Q8411", "医院", 1),
]  # fmt: skip
INDIVIDUAL_INDUSTRIES = [
    ("H6210", "饭店", 5), ("F5212", "便利店", 5), ("F5263", "汽车配件商行", 2),
    ("O80", "美发店", 2), ("O81", "汽车修理部", 2),
]  # fmt: skip
COOPERATIVE_INDUSTRIES = [("A0113", "玉米种植专业合作社", 3), ("A03", "养殖专业合作社", 1)]

BRAND_CHARS = "华信通达博远恒泰盛德嘉和瑞祥宏兴鼎新众合天成金源安康永鑫长丰旭晟中科亚泰吉星北方东森"
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋"
    "蔡贾丁魏薛叶阎"
)
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰凤建国志红文斌鹏飞宇浩然"
ROADS = [
    "人民大街", "解放大路", "自由大路", "亚泰大街", "卫星路", "东风大街", "前进大街", "南湖大路",
    "普阳街", "繁荣路", "临河街", "西安大路", "吉林大路", "延安大街", "长江路", "硅谷大街",
]  # fmt: skip

RISK_WEIGHTS = (("A", 40), ("B", 40), ("C", 15), ("D", 5))
STATUS_WEIGHTS = (
    ("active", 90), ("deregistered", 4), ("revoked", 3), ("cancelled", 1), ("moved_out", 2),
)  # fmt: skip
TYPE_WEIGHTS = (("enterprise", "1", 85), ("individual", "2", 12), ("cooperative", "3", 3))

_BODY_SPACE = 31**8
# Steps through the code space without repeating (not a multiple of 31); with a seeded start,
# firm i of one run never shares its organisation code with firm j of the same run.
_STRIDE = 7919 * 104_729 * 1_299_709


def _county_weights() -> tuple[list[str], list[int]]:
    """Counties and districts, weighted toward the capital Changchun as registrations are."""
    codes, weights = [], []
    for entry in regions():
        if region_level(entry.code) != "county":
            continue
        codes.append(entry.code)
        weights.append(12 if entry.code.startswith("2201") else 3)
    return codes, weights


def _body8(number: int) -> str:
    chars = []
    for _ in range(8):
        number, digit = divmod(number, 31)
        chars.append(USCC_CHARSET[digit])
    return "".join(reversed(chars))


def _pick(rng: random.Random, table):
    total = sum(row[-1] for row in table)
    point = rng.random() * total
    for row in table:
        point -= row[-1]
        if point < 0:
            return row
    return table[-1]


def synthetic_firms(n: int, *, seed: int = 0) -> Iterator[FirmRow]:
    """`n` firms; the same `seed` gives the same firms, in the same order."""
    rng = random.Random(seed)
    start = rng.randrange(_BODY_SPACE)
    counties, county_weights = _county_weights()
    names = region_names()
    cumulative_counties = list(accumulate(county_weights))
    first_day = date(1992, 1, 1).toordinal()
    span = date(2024, 12, 31).toordinal() - first_day
    for i in range(n):
        region = counties[bisect_right(cumulative_counties, rng.random() * cumulative_counties[-1])]
        city_name = names[region[:4] + "00"]
        county_name = names[region]
        target_type, type_digit, _weight = _pick(rng, TYPE_WEIGHTS)
        uscc = make_uscc(
            org_type=type_digit,
            region=region,
            org_body8=_body8((start + i * _STRIDE) % _BODY_SPACE),
        )
        brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
        place = city_name.removesuffix("市").removesuffix("朝鲜族自治州")
        if target_type == "enterprise":
            industry, word, _w = _pick(rng, ENTERPRISE_INDUSTRIES)
            form = "股份有限公司" if rng.random() < 0.08 else "有限公司"
            name = f"{place}{brand}{word}{form}"
        elif target_type == "individual":
            industry, word, _w = _pick(rng, INDIVIDUAL_INDUSTRIES)
            name = f"{county_name}{rng.choice(SURNAMES)}记{word}"
        else:
            industry, word, _w = _pick(rng, COOPERATIVE_INDUSTRIES)
            name = f"{county_name}{brand}{word}"
        person = rng.choice(SURNAMES) + "".join(
            rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2)))
        )
        address = f"吉林省{city_name}{county_name}{rng.choice(ROADS)}{rng.randint(1, 9999)}号"
        risk = _pick(rng, RISK_WEIGHTS)[0]
        status = _pick(rng, STATUS_WEIGHTS)[0]
        # Flags lean toward the higher risk classes, as the classification itself does.
        lean = {"A": 0.3, "B": 1.0, "C": 3.0, "D": 6.0}[risk]
        tags = {}
        if target_type == "enterprise" and rng.random() < 0.015:
            tags[FOREIGN_EMPLOYER_TAG] = {"foreign_staff": rng.randint(1, 30)}
        yield FirmRow(
            uscc=uscc,
            name=name,
            target_type=target_type,
            region_code=region,
            industry_code=industry,
            address=address,
            legal_representative=person,
            registered_on=date.fromordinal(first_day + rng.randrange(span)),
            status=status,
            risk_class=risk,
            abnormal_operation=rng.random() < 0.02 * lean,
            serious_violation=rng.random() < 0.002 * lean,
            complaints=rng.random() < 0.01 * lean,
            tags=tags,
        )
