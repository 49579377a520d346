"""The two code tables the directory is filed under: regions (GB/T 2260) and industries (GB/T 4754).

Plain Python, no Django, so that the synthetic-firm generator, the import and the tests can use it
alone. The tables ship as data files beside this module (`data/`) and are loaded into the `Region`
and `Industry` models by a data migration; this module reads the same files.

Region codes shipped: Jilin province (吉林省, 22xxxx), its 9 prefecture-level divisions and their
districts and counties. A firm whose region code is not in the table is refused.

Industry codes: every section (门类) and division (大类) of GB/T 4754-2017, plus the groups and
classes the demo and the generator use. A firm's industry code is stored as its section letter
followed by the digits (``C3670``), so that a prefix selects a whole branch (``C36`` = 汽车制造业).
A code is accepted when its division exists; the classes under a division are not all shipped.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from backend.codes import CodeError, check_industry_code, check_region_code

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_FILE = DATA_DIR / "regions_jilin.csv"
INDUSTRIES_FILE = DATA_DIR / "industries_gbt4754_2017.csv"

# The tag the 2021 joint inspection of foreign work permits draws its targets by.
FOREIGN_EMPLOYER_TAG = "外籍员工用人单位"


@dataclass(frozen=True)
class CodeEntry:
    code: str
    name: str
    parent: str  # "" at the top


def _read(path: Path) -> tuple[CodeEntry, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            CodeEntry(row["code"], row["name"], row["parent"]) for row in csv.DictReader(handle)
        )


@cache
def regions() -> tuple[CodeEntry, ...]:
    return _read(REGIONS_FILE)


@cache
def industries() -> tuple[CodeEntry, ...]:
    return _read(INDUSTRIES_FILE)


@cache
def region_names() -> dict[str, str]:
    return {entry.code: entry.name for entry in regions()}


@cache
def industry_names() -> dict[str, str]:
    return {entry.code: entry.name for entry in industries()}


# --- regions -------------------------------------------------------------------------------------


def region_level(code: str) -> str:
    """``province``, ``city`` (prefecture level) or ``county`` (district, county, or city).

    GB/T 2260 reads the 6 digits as 2 + 2 + 2: a province ends in 0000, a prefecture in 00.
    """
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def region_prefix(code: str) -> str:
    """The prefix shared by a region and everything under it: 220000 → 22, 220100 → 2201."""
    level = region_level(code)
    if level == "province":
        return code[:2]
    if level == "city":
        return code[:4]
    return code


def region_full_name(code: str, names: dict[str, str] | None = None) -> str:
    """吉林省长春市南关区 for 220102: the names of the province, the prefecture and the county."""
    names = region_names() if names is None else names
    parts = []
    for candidate in (code[:2] + "0000", code[:4] + "00", code):
        name = names.get(candidate)
        if name and name not in parts:
            parts.append(name)
    return "".join(parts) or code


def check_known_region(value: str, known: set[str] | dict[str, str] | None = None) -> str:
    """A 6-digit region code that exists in the table; raises CodeError ``region_unknown``."""
    code = check_region_code(value)
    known = region_names() if known is None else known
    if code not in known:
        raise CodeError("region_unknown", f"行政区划代码{code}不存在（或不在本系统的区划表中）")
    return code


# --- industries ----------------------------------------------------------------------------------


@cache
def _section_of_division() -> dict[str, str]:
    """'36' -> 'C', read from the division rows (a letter and 2 digits) of the table."""
    return {
        entry.code[1:]: entry.code[0]
        for entry in industries()
        if len(entry.code) == 3 and entry.code[1:].isdigit()
    }


def normalise_industry_code(value: str) -> str:
    """An industry code with its section letter in front: 3670 → C3670, c36 → C36, I → I.

    Raises CodeError ``industry_format`` for a malformed code, ``industry_unknown`` when the
    division does not exist or belongs to another section than the letter given.
    """
    code = check_industry_code(value)
    if code.isalpha():
        if code not in industry_names():
            raise CodeError("industry_unknown", f"行业门类{code}不存在")
        return code
    letter, digits = (code[0], code[1:]) if code[0].isalpha() else ("", code)
    section = _section_of_division().get(digits[:2])
    if section is None:
        raise CodeError("industry_unknown", f"行业大类{digits[:2]}不存在（GB/T 4754-2017）")
    if letter and letter != section:
        raise CodeError(
            "industry_unknown",
            f"行业代码{code}有误：大类{digits[:2]}属于门类{section}，不是{letter}",
        )
    return section + digits


def industry_name(code: str) -> str:
    """The name of the most specific level of ``code`` that the table knows."""
    names = industry_names()
    for length in range(len(code), 0, -1):
        name = names.get(code[:length])
        if name:
            return name
    return ""
