"""Importing the target directory from Excel, at the scale of a province.

Each row is checked in Python (codes, region table, dates, labels). The valid rows are written
in chunks by inspections.directory.firm_writes, inside the import's one transaction: on PostgreSQL
by a second thread while this one reads on (backend.imports.runner), elsewhere at the end.

What a cell means:
- an empty optional cell leaves the firm's current value as it is (and takes the default for a
  new firm), so a file with fewer columns never wipes what another source filled in;
- 标记 lists the flags the firm has, exactly; "无" clears them;
- 标签 adds or updates the listed tags; tags not listed are kept.
A file exported from the directory imports back as all unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone

from backend.accounts.roles import Role
from backend.codes import check_uscc, make_uscc
from backend.imports.base import Counts, Importer, RowInvalid
from backend.imports.registry import register
from backend.tabular import (
    CellError,
    Column,
    checked_code,
    choice,
    date_value,
    list_value,
    text,
)
from inspections.directory.actions import DirectoryAction
from inspections.directory.classifications import (
    FOREIGN_EMPLOYER_TAG,
    check_known_region,
    normalise_industry_code,
    region_names,
)
from inspections.directory.firm_writes import FirmWriter
from inspections.directory.models import FirmStatus, RiskClass, TargetType
from inspections.directory.models.firms import TAG_DETAIL_LABELS
from inspections.directory.selectors import directory_changed

FLAG_LABELS = {
    "经营异常": "abnormal_operation",
    "严重违法失信": "serious_violation",
    "投诉举报": "complaints",
}
FLAG_ALIASES = {
    "列入经营异常名录": "经营异常",
    "经营异常名录": "经营异常",
    "列入严重违法失信名单": "严重违法失信",
    "严重违法失信名单": "严重违法失信",
    "有投诉举报": "投诉举报",
}
_DETAIL_KEYS = {str(label): key for key, label in TAG_DETAIL_LABELS.items()}
_TAG = re.compile(r"^(?P<name>[^（(]+?)\s*(?:[（(](?P<detail>[^）)]*)[）)])?$")

COLUMNS = [
    Column("uscc", "统一社会信用代码", text=True, width=22,
           aliases=("社会信用代码", "信用代码", "统一代码", "注册号/统一社会信用代码"),
           example=make_uscc(region="220104", org_body8="MA17XKQ6"),
           note="18 位，含校验位；按此代码识别对象，已存在的更新，不存在的新增"),
    Column("name", "名称", width=30, example="长春华信汽车零部件有限公司",
           aliases=("企业名称", "单位名称", "市场主体名称", "对象名称", "主体名称")),
    Column("target_type", "对象类型", required=False, example="企业",
           choices=tuple(str(label) for _, label in TargetType.choices),
           note="企业 / 个体工商户 / 农民专业合作社 / 其他组织；留空按代码第 2 位判断"),
    Column("region_code", "行政区划代码", text=True, example="220104",
           aliases=("区划代码", "所属区划代码"),
           note="6 位 GB/T 2260 代码，须为本系统区划表中存在的代码"),
    Column("industry_code", "行业代码", required=False, text=True, example="C3670",
           note="GB/T 4754-2017，如 C3670 或 3670"),
    Column("address", "住所（经营场所）", required=False, aliases=("住所", "经营场所", "地址"),
           width=30, example="长春市朝阳区人民大街100号"),
    Column("legal_representative", "法定代表人（负责人）", required=False,
           aliases=("法定代表人", "负责人"), example="王伟"),
    Column("registered_on", "成立日期", required=False, example=date(2015, 3, 18)),
    Column("status", "登记状态", required=False, example="存续",
           choices=tuple(str(label) for _, label in FirmStatus.choices),
           note="存续 / 注销 / 吊销 / 撤销 / 迁出；新对象留空为存续"),
    Column("risk_class", "信用风险分类", required=False, example="B",
           choices=tuple(RiskClass.values),
           note="A / B / C / D；内部使用，不对外公开；新对象留空为 B"),
    Column("flags", "标记", required=False, example="投诉举报",
           note="经营异常、严重违法失信、投诉举报，多个用顿号分隔；填“无”表示清除全部标记"),
    Column("tags", "标签", required=False, width=30, example="外籍员工用人单位（外籍员工人数 3）",
           note="多个用分号分隔；外籍员工用人单位可在括号中注明外籍员工人数"),
]  # fmt: skip

_EARLIEST = date(1949, 1, 1)
# Whole numbers accepted for codes that are digits only and never start with 0.
_SIX, _FOUR = range(6, 7), range(4, 5)
TARGET_TYPES = {str(label): value for value, label in TargetType.choices}
STATUSES = {str(label): value for value, label in FirmStatus.choices}
RISKS = {value: value for value in RiskClass.values} | {f"{v}类": v for v in RiskClass.values}
# How many columns are checked once per distinct text (FirmImporter.memos: region, type,
# industry, date, status, risk class, flags), and how many texts each keeps at most.
_REPEATING = 7
_MEMO_LIMIT = 50_000
_UNSEEN = object()


def _learn(memo: dict[str, Any], value: Any, parse: Callable[[Any], Any]) -> Any:
    """`parse(value)`, remembered in `memo` if it passed and `value` is text."""
    result = parse(value)
    # Only text as a key: 1, 1.0 and True are one key in a dict, but not one cell.
    if type(value) is str and len(memo) < _MEMO_LIMIT:
        memo[value] = result
    return result


def _industry(value: Any) -> str | None:
    code = checked_code(
        value,
        normalise_industry_code,
        what="行业代码",
        required=False,
        # Only 4 digits: a division of agriculture (01xx) as a number has 3.
        digits=_FOUR,
    )
    return code or None


def _uscc(value: Any) -> str:
    if type(value) is str and value.isascii():
        # The common case without the layers of checked_code; anything it refuses goes the long
        # way, for the message.
        code = value.strip().upper()
        try:
            return check_uscc(code)
        except ValueError:
            pass
    return checked_code(value, check_uscc, what="统一社会信用代码")


def _target_type(value: Any) -> str | None:
    return choice(value, TARGET_TYPES, required=False)


def _status(value: Any) -> str | None:
    return choice(value, STATUSES, required=False)


def _risk(value: Any) -> str | None:
    return choice(value, RISKS, required=False)


_new_tuple = tuple.__new__


class FirmRecord(NamedTuple):
    values: tuple  # in firm_writes.COLUMNS order; None = "the file says nothing"
    tags: dict[str, dict[str, int]]


def parse_tags(value: Any) -> dict[str, dict[str, int]]:
    """外籍员工用人单位（外籍员工人数 12）；重点企业 -> {name: detail}; the export's own wording."""
    tags: dict[str, dict[str, int]] = {}
    if value is None or not str(value).strip():
        return tags
    for part in re.split(r"[;；\n]+", str(value)):
        part = part.strip()
        if not part:
            continue
        match = _TAG.match(part)
        if not match:
            raise CellError(f"标签“{part}”无法识别")
        name = match.group("name").strip()
        if len(name) > 30:
            raise CellError(f"标签“{name}”超过 30 个字符")
        detail: dict[str, int] = {}
        for item in re.split(r"[,，]", match.group("detail") or ""):
            item = item.strip()
            if not item:
                continue
            found = re.match(r"^(?P<label>\D*?)\s*(?P<number>\d+)\s*人?$", item)
            if not found:
                raise CellError(f"标签“{part}”括号中的“{item}”应为“外籍员工人数 12”的形式")
            label = found.group("label").strip() or str(TAG_DETAIL_LABELS["foreign_staff"])
            key = _DETAIL_KEYS.get(label)
            if key is None:
                raise CellError(f"标签“{part}”中的“{label}”不是可识别的说明项")
            detail[key] = int(found.group("number"))
        if detail and name != FOREIGN_EMPLOYER_TAG:
            raise CellError(f"只有“{FOREIGN_EMPLOYER_TAG}”标签可以注明外籍员工人数")
        tags[name] = detail
    return tags


def parse_flags(value: Any) -> tuple[bool, bool, bool] | tuple[None, None, None]:
    names = list_value(value)
    if not names:
        return (None, None, None)
    if names == ["无"]:
        return (False, False, False)
    chosen = set()
    for name in names:
        name = FLAG_ALIASES.get(name, name)
        if name not in FLAG_LABELS:
            raise CellError(
                f"“{name}”不是可选标记，只能填写：经营异常、严重违法失信、投诉举报，或“无”"
            )
        chosen.add(FLAG_LABELS[name])
    return tuple(field in chosen for field in FLAG_LABELS.values())  # type: ignore[return-value]


@register
class FirmImporter(Importer):
    kind = "firms"
    label = "检查对象名录"
    audit_action = DirectoryAction.FIRM_IMPORT
    columns = COLUMNS
    allowed_roles = frozenset({Role.PLANNER, Role.DEPARTMENT_ADMIN})
    needs_department = False
    template_notes = (
        "按统一社会信用代码识别对象：已存在的更新，不存在的新增；同一文件中同一代码只能出现一次。",
        "选填列留空表示不修改已有的值（新对象取默认值）。",
        "从本系统导出的名录文件可以直接导入，未修改的行计为“未变化”。",
    )

    def __init__(self, context):
        super().__init__(context)
        self.regions = region_names()
        self.today = timezone.localdate()
        # Cell text -> checked value, for the columns whose few values come back row after row
        # (a province has a few dozen regions and industries, four types, six statuses): each
        # distinct text is checked once. Only what passed is kept, so every row with a wrong
        # value is still reported.
        self.memos: tuple[dict[str, Any], ...] = tuple({} for _ in range(_REPEATING))
        self.writer = FirmWriter()

    def parse_row(self, values: dict[str, Any]) -> FirmRecord:
        # Written out column by column, with the memo's lookups inline: this runs a million
        # times for a province's directory, and every call counts.
        problems: dict[str, str] = {}
        absent = None  # a column missing from the file: leave the firm's value as it is
        uscc = name = region = None
        target_type = industry = address = legal_rep = registered_on = status = risk = absent
        flags: tuple = (None, None, None)
        tags: dict = {}
        m_region, m_type, m_industry, m_date, m_status, m_risk, m_flags = self.memos
        try:
            uscc = _uscc(values.get("uscc"))
        except CellError as exc:
            problems["uscc"] = exc.message
        value = values.get("name")
        if type(value) is str and value.isprintable() and 0 < len(value.strip()) <= 200:
            name = value.strip()
        else:
            try:
                name = text(value, max_length=200)
            except CellError as exc:
                problems["name"] = exc.message
        value = values.get("region_code")
        # A cell is a str, number, bool, date or None: all can be looked up among the texts.
        region = m_region.get(value, _UNSEEN)
        if region is _UNSEEN:
            try:
                region = _learn(m_region, value, self._region)
            except CellError as exc:
                problems["region_code"] = exc.message
        if "target_type" in values:
            value = values["target_type"]
            target_type = m_type.get(value, _UNSEEN)
            if target_type is _UNSEEN:
                try:
                    target_type = _learn(m_type, value, _target_type)
                except CellError as exc:
                    problems["target_type"] = exc.message
        if "industry_code" in values:
            value = values["industry_code"]
            industry = m_industry.get(value, _UNSEEN)
            if industry is _UNSEEN:
                try:
                    industry = _learn(m_industry, value, _industry)
                except CellError as exc:
                    problems["industry_code"] = exc.message
        if "address" in values:
            value = values["address"]
            if type(value) is str and value.isprintable() and len(value) <= 300:
                address = value.strip() or None
            else:
                try:
                    address = text(value, required=False, max_length=300) or None
                except CellError as exc:
                    problems["address"] = exc.message
        if "legal_representative" in values:
            value = values["legal_representative"]
            if type(value) is str and value.isprintable() and len(value) <= 100:
                legal_rep = value.strip() or None
            else:
                try:
                    legal_rep = text(value, required=False, max_length=100) or None
                except CellError as exc:
                    problems["legal_representative"] = exc.message
        if "registered_on" in values:
            value = values["registered_on"]
            registered_on = m_date.get(value, _UNSEEN)
            if registered_on is _UNSEEN:
                try:
                    registered_on = _learn(m_date, value, self._date)
                except CellError as exc:
                    problems["registered_on"] = exc.message
        if "status" in values:
            value = values["status"]
            status = m_status.get(value, _UNSEEN)
            if status is _UNSEEN:
                try:
                    status = _learn(m_status, value, _status)
                except CellError as exc:
                    problems["status"] = exc.message
        if "risk_class" in values:
            value = values["risk_class"]
            risk = m_risk.get(value, _UNSEEN)
            if risk is _UNSEEN:
                try:
                    risk = _learn(m_risk, value, _risk)
                except CellError as exc:
                    problems["risk_class"] = exc.message
        if "flags" in values:
            value = values["flags"]
            flags = m_flags.get(value, _UNSEEN)
            if flags is _UNSEEN:
                try:
                    flags = _learn(m_flags, value, parse_flags)
                except CellError as exc:
                    problems["flags"] = exc.message
        # Most rows list no tag: an empty cell is settled here.
        if "tags" in values and (value := values["tags"]) is not None and value != "":
            try:
                tags = parse_tags(value)
            except CellError as exc:
                problems["tags"] = exc.message
        if problems:
            raise RowInvalid(problems)
        # FirmRecord(values, tags), made as the tuple it is: a NamedTuple's own __new__ takes
        # twice as long, once a row.
        return _new_tuple(
            FirmRecord,
            (
                (
                    uscc, name, target_type, region, industry, address, legal_rep,
                    registered_on, status, risk, *flags,
                ),
                tags,
            ),
        )  # fmt: skip

    def _region(self, value: Any) -> str:
        return checked_code(value, self._known_region, what="行政区划代码", digits=_SIX)

    def _known_region(self, code: str) -> str:
        if code in self.regions:  # the table as a dict: no query per row
            return code
        return check_known_region(code, self.regions)

    def _date(self, value: Any) -> date | None:
        registered_on = date_value(value, required=False)
        if registered_on is not None and not (_EARLIEST <= registered_on <= self.today):
            raise CellError(f"成立日期 {registered_on} 不在合理范围内（1949-01-01 至今天）")
        return registered_on

    def row_key(self, record: FirmRecord) -> int:
        # The code read as a base-36 number: exact, and half the memory of the string when a
        # province's million codes are remembered.
        return int(record.values[0], 36)

    # --- writing ---------------------------------------------------------------------------

    writes_in_chunks = True
    prepares = True

    def prepare(self, *, reading_done) -> None:
        self.writer.prefetch(stop=reading_done)

    def write_chunk(self, records: list[FirmRecord]) -> None:
        self.writer.write(records)

    def finish_chunks(self) -> Counts:
        counts = self.writer.finish()
        transaction.on_commit(directory_changed)
        return counts

    def apply(self) -> Counts:
        # The staged path (SQLite, or parallel writes turned off): everything at the end, which
        # lets a re-import compare with one pass over the directory.
        self.writer.write_all(self.staged)
        return self.finish_chunks()

    def discard(self) -> None:
        super().discard()
        self.writer.close()
