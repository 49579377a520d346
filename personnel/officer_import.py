"""Importing a department's officers and their certificates from .xlsx or .csv.

One kind, "officers": a row is one officer, with optional columns for one certificate. Not two
kinds (officers, certificates): a department keeps its roster as one sheet, a row per person with
the certificate they hold, and a certificate needs its holder, whom the same row names. Two files
would make the certificate file depend on the officer file being imported first, with two
templates and two uploads for the common case (new staff and their certificates). The price: a
citizen ID appears once per file, so an officer's second certificate goes in a second file or
is issued on the officer's page.

What a row does, in the importing administrator's department (the command's --department):

- 公民身份号码 identifies the officer. Not registered: a new officer. Registered in this
  department: updated where the row differs. Registered in another department: the row is
  refused; an import never moves an officer (a transfer is the system administrator's).
- An empty optional cell keeps the current value; a new officer gets the defaults (the gender the
  ID number encodes, 在岗). As in the firm import, a file with fewer columns wipes nothing.
- 所属受委托组织 names one of the department's own entrusted organisations by its 委托书编号 or
  name; “无” takes the officer out of any (an empty cell keeps the link as it is).
- 证件号码 identifies the certificate. New: issued to the row's officer (a 发证 history row, as on
  the page). Already the same officer's: a later 有效期止 renews it (延续); a different type,
  issuing authority, field list or start date corrects the register (更正); one row may do both,
  each with its history row. An earlier 有效期止 is refused (an old file must not undo a
  renewal), and so is a number registered to someone else. Suspending, restoring and revoking
  are sanctions with reasons: never done by an import.
- A row counts as inserted when the officer is new, updated when the officer or the certificate
  changed, unchanged otherwise; an unchanged row writes nothing, so a re-import changes nothing.

The rules are the personnel services' own: the models' validators through full_clean,
backend.codes for the ID number, `personnel.checks` for certificates (`check_may_issue`,
`check_may_renew`) and expertise, `ensure_manages` for who writes. Each row is checked against
the database while the file is read (so that the error report is complete), then planned again
under row locks when written, in the runner's single transaction. The audit trail gets the
runner's one event with the counts; the certificate history gets one row per step. No ID number
or phone is logged or audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from backend.accounts.roles import Role
from backend.codes import check_citizen_id, gender_from_citizen_id, make_citizen_id
from backend.imports.base import Counts, Importer, RowInvalid
from backend.imports.registry import register
from backend.organisation.models import EntrustedOrganisation
from backend.tabular import (
    CellError,
    Column,
    checked_code,
    choice,
    code_text,
    date_value,
    list_value,
    text,
)
from personnel.access import ensure_manages
from personnel.actions import PersonnelAction
from personnel.checks import check_may_issue, check_may_renew, normalised_expertise
from personnel.models import (
    Certificate,
    CertificateAction,
    CertificateKind,
    CertificateStatus,
    EnforcementField,
    Gender,
    Officer,
    OfficerCategory,
    OfficerStatus,
)
from personnel.services.certificates import append_certificate_event


def _labels(choices) -> dict[str, str]:
    return {str(label): value for value, label in choices}


CATEGORIES = _labels(OfficerCategory.choices)
STATUSES = _labels(OfficerStatus.choices)
GENDERS = _labels(Gender.choices)
KINDS = _labels(CertificateKind.choices)

# A made-up number with a correct check character, for the template's example row.
EXAMPLE_CITIZEN_ID = make_citizen_id(region="220102", birth=date(1985, 3, 14), seq="013")

COLUMNS = [
    Column("name", "姓名", example="林执法"),
    Column("citizen_id", "公民身份号码", text=True, width=22, aliases=("身份证号码", "身份证号"),
           example=EXAMPLE_CITIZEN_ID,
           note="18 位，末位可为 X；按此号码识别人员：本部门已有的更新，没有的新增"),
    Column("category", "人员类别", width=28, example="行政执法类公务员", choices=tuple(CATEGORIES),
           note=" / ".join(CATEGORIES)),
    Column("gender", "性别", required=False, example="男", choices=tuple(GENDERS),
           note="男 / 女；留空按公民身份号码第 17 位判断"),
    Column("phone", "联系电话", required=False, text=True, example="13943100001",
           note="11 位手机号码，或带区号的固定电话，如 0431-88886666"),
    Column("position", "职务", required=False, example="科员"),
    Column("expertise", "业务专长", required=False, width=24, example="外国人管理、劳动保障",
           note="多个专长用顿号“、”分隔"),
    Column("jurisdiction_area", "管辖片区", required=False, text=True, example="220102",
           note="6 位行政区划代码，如 220102；交叉检查时不检查本片区的企业"),
    Column("status", "状态", required=False, example="在岗", choices=tuple(STATUSES),
           note=" / ".join(STATUSES) + "；新人员留空为在岗"),
    Column("cert_number", "证件号码", required=False, text=True, width=20,
           aliases=("证件编号", "执法证号", "执法证编号"), example="22010021000001",
           note="执法证编号，按此编号识别执法证；只登记人员时，本列及以下各列都留空"),
    Column("cert_kind", "证件类型", required=False, width=24, example="全国统一行政执法证",
           choices=tuple(KINDS),
           note=" / ".join(KINDS)),
    Column("cert_authority", "发证机关", required=False, example="长春市人民政府"),
    Column("cert_fields", "执法领域", required=False, width=24, example="外国人来华工作许可",
           note="领域名称或代码，多个用顿号“、”分隔；须为系统中已有的执法领域"),
    Column("cert_valid_from", "有效期起", required=False, aliases=("有效期自",),
           example=date(2021, 1, 1)),
    Column("cert_valid_to", "有效期止", required=False, aliases=("有效期至",),
           example=date(2025, 12, 31),
           note="晚于系统中登记的日期时记为延续；不能早于系统中登记的日期"),
    Column("entrusted_organisation", "所属受委托组织", required=False, width=24,
           aliases=("受委托组织",), example="",
           note="本部门受委托组织的委托书编号或名称；留空不修改；填写“无”表示不属于受委托组织"),
]  # fmt: skip

CERTIFICATE_KEYS = (
    "cert_kind", "cert_authority", "cert_fields", "cert_valid_from", "cert_valid_to",
)  # fmt: skip
# The model's field -> the column whose cell it came from, for the models' validation messages.
OFFICER_COLUMNS = {key: key for key in (
    "name", "citizen_id", "category", "gender", "phone", "position", "expertise",
    "jurisdiction_area", "status", "entrusted_organisation",
)}  # fmt: skip
CERTIFICATE_COLUMNS = {
    "number": "cert_number",
    "kind": "cert_kind",
    "issuing_authority": "cert_authority",
    "enforcement_fields": "cert_fields",
    "valid_from": "cert_valid_from",
    "valid_to": "cert_valid_to",
}
# What a correction may change, with the words the history row uses.
AMENDABLE = (("kind", "证件类型"), ("issuing_authority", "发证机关"), ("valid_from", "有效期起"))
STEP_ATTRS = ("kind", "issuing_authority", "valid_from", "valid_to")

OTHER_DEPARTMENT = (
    "该公民身份号码已登记为其他部门的执法人员，不能由本部门导入或修改；"
    "如属人员调动，请由系统管理员办理"
)
# The cell that takes an officer out of every entrusted organisation.
NO_ORGANISATION = "无"
_CLEAR = object()  # the parsed 无: set the link to nothing (None would mean "keep")
REASON_ISSUE = "批量导入登记"
REASON_RENEW = "批量导入延续"


@dataclass(frozen=True)
class CertificateRow:
    number: str
    kind: str
    issuing_authority: str
    fields: frozenset[int]  # EnforcementField pks
    valid_from: date
    valid_to: date


@dataclass(frozen=True)
class OfficerRow:
    citizen_id: str
    # Officer field -> value; None means the cell was empty: keep the current value.
    values: dict[str, Any]
    certificate: CertificateRow | None


@dataclass
class _Plan:
    """What writing one row would do, worked out against the database."""

    officer: Officer  # with the row's values set, not saved
    new_officer: bool
    officer_changes: list[str]
    certificate: Certificate | None = None  # with the row's values set, not saved
    new_certificate: bool = False
    amended: list[str] = field(default_factory=list)
    fields: list[EnforcementField] | None = None  # set when the field list changes
    renewed: bool = False
    # The stored certificate's values before the row, for the history rows' periods.
    before: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(
            self.new_officer
            or self.officer_changes
            or self.new_certificate
            or self.amended
            or self.renewed
        )


def _problems(error: ValidationError, columns: dict[str, str]) -> dict[str, str]:
    """A model's ValidationError as {column key: message}; what no column holds goes to ""."""
    problems: dict[str, str] = {}
    for name, messages in getattr(error, "message_dict", {"": error.messages}).items():
        key = columns.get(name, "")
        problems[key] = "；".join(filter(None, [problems.get(key), *messages]))
    return problems


# Certificate numbers begin with the issuing region's code, so never with 0: a whole number of
# 8 to 15 digits lost nothing (a spreadsheet keeps 15 digits exactly).
CERTIFICATE_DIGITS = range(8, 16)


def _certificate_number(value: Any) -> str:
    if value is None or isinstance(value, str):
        return text(value, required=False)
    # A date or a rounded number: Excel changed what was typed; code_text explains how.
    return code_text(value, what="证件号码", digits=CERTIFICATE_DIGITS)


@register
class OfficerImporter(Importer):
    kind = "officers"
    label = "执法人员和执法证"
    audit_action = PersonnelAction.OFFICER_IMPORT
    columns = COLUMNS
    allowed_roles = frozenset({Role.DEPARTMENT_ADMIN})
    template_notes = (
        "每行一名人员。按公民身份号码识别：本部门已登记的更新，未登记的新增；"
        "同一文件中同一号码只能出现一次。",
        "已登记为其他部门执法人员的号码不能导入；人员调动由系统管理员办理。",
        "选填列留空表示不修改已有的值；新人员的性别按公民身份号码判断，状态为在岗。",
        "执法证各列可整体留空（只登记人员）；填写证件号码时，证件类型、发证机关、执法领域、"
        "有效期起、有效期止都须填写。每行只能填写一张执法证，持有多张的，其余证件另用一个文件"
        "导入或在人员页面登记。",
        "证件号码已登记的：有效期止晚于系统中的日期，记为“延续”；证件类型、发证机关、执法领域或"
        "有效期起不同，记为“更正”；都记入执法证变更记录。有效期止早于系统中的日期、证件号码已登记"
        "在其他人员名下的行不予导入。暂扣、恢复、撤销不通过导入办理。",
        "再次导入同一文件不会重复登记，未修改的行计为“未变化”。",
    )

    def __init__(self, context):
        super().__init__(context)
        self.department = context.department
        # A department has a handful of fields; accept each by its code or its name.
        self.enforcement_fields: dict[str, EnforcementField] = {}
        for item in EnforcementField.objects.all():
            self.enforcement_fields[item.code] = item
            self.enforcement_fields[item.name] = item
        # The department's own entrusted organisations, by 委托书编号 and by name (a name shared
        # by several 委托书s, such as a renewed one, must be given by number).
        self.entrusted: dict[str, list[EntrustedOrganisation]] = {}
        for organisation in EntrustedOrganisation.objects.filter(department=self.department):
            for key in {organisation.entrustment_number, organisation.name}:
                self.entrusted.setdefault(key, []).append(organisation)
        # Certificate number -> holder's name, for the rows read so far.
        self.certificate_holders: dict[str, str] = {}

    # --- reading ---------------------------------------------------------------------------

    def parse_row(self, values: dict[str, Any]) -> OfficerRow:
        problems: dict[str, str] = {}

        def cell(key: str, parse) -> Any:
            try:
                return parse(values.get(key))
            except CellError as exc:
                problems[key] = exc.message
                return None

        citizen_id = cell(
            "citizen_id", lambda v: checked_code(v, check_citizen_id, what="公民身份号码")
        )
        officer_values = {
            "name": cell("name", text),
            "category": cell("category", lambda v: choice(v, CATEGORIES)),
            "gender": cell("gender", lambda v: choice(v, GENDERS, required=False)),
            # Phones and region codes lose nothing as numbers: accept them (3.0 -> "3").
            "phone": cell("phone", lambda v: text(v, required=False) or None),
            "position": cell("position", lambda v: text(v, required=False) or None),
            "expertise": cell(
                "expertise", lambda v: normalised_expertise(text(v, required=False)) or None
            ),
            "jurisdiction_area": cell(
                "jurisdiction_area", lambda v: text(v, required=False) or None
            ),
            "status": cell("status", lambda v: choice(v, STATUSES, required=False)),
            "entrusted_organisation": cell("entrusted_organisation", self._organisation),
        }
        certificate = self._parse_certificate(values, problems, cell)
        if problems:
            raise RowInvalid(problems)
        record = OfficerRow(citizen_id=citizen_id, values=officer_values, certificate=certificate)
        if certificate is not None and certificate.number in self.certificate_holders:
            holder = self.certificate_holders[certificate.number]
            raise RowInvalid(
                {"cert_number": f"本文件中已有该证件号码（{holder}的一行），每张执法证只能填写一次"}
            )
        self._plan(record, lock=False)
        if certificate is not None:
            self.certificate_holders[certificate.number] = officer_values["name"]
        return record

    def _parse_certificate(self, values, problems, cell) -> CertificateRow | None:
        number = cell("cert_number", _certificate_number)
        if not number:
            if "cert_number" not in problems and any(
                not _blank(values.get(key)) for key in CERTIFICATE_KEYS
            ):
                problems["cert_number"] = (
                    "填写了执法证信息，但证件号码为空；只登记人员时，请把执法证各列都留空"
                )
            return None
        parsed = {
            "kind": cell("cert_kind", lambda v: choice(v, KINDS)),
            "issuing_authority": cell("cert_authority", text),
            "fields": cell("cert_fields", self._fields),
            "valid_from": cell("cert_valid_from", date_value),
            "valid_to": cell("cert_valid_to", date_value),
        }
        if any(value is None for value in parsed.values()):
            return None  # the problems say why
        return CertificateRow(number=number, **parsed)

    def _fields(self, value: Any) -> frozenset[int]:
        names = list_value(value)
        if not names:
            raise CellError("不能为空：请至少填写一个执法领域")
        chosen = set()
        for name in names:
            found = self.enforcement_fields.get(name) or self.enforcement_fields.get(name.upper())
            if found is None:
                known = "、".join(sorted({f.name for f in self.enforcement_fields.values()}))
                raise CellError(
                    f"“{name}”不是系统中的执法领域，可填写：{known or '（系统中尚无执法领域）'}"
                )
            chosen.add(found.pk)
        return frozenset(chosen)

    def _organisation(self, value: Any) -> EntrustedOrganisation | object | None:
        name = text(value, required=False)
        if not name:
            return None
        if name == NO_ORGANISATION:
            return _CLEAR
        found = self.entrusted.get(name, [])
        if len(found) == 1:
            return found[0]
        if found:
            raise CellError(f"本部门有多份名为“{name}”的委托书，请填写委托书编号")
        raise CellError(
            f"“{name}”不是本部门登记的受委托组织（请填写委托书编号或名称；"
            f"受委托组织在“执法主体”页面登记）"
        )

    def row_key(self, record: OfficerRow) -> str:
        return record.citizen_id

    # --- planning: the same checks while reading and, under locks, while writing ------------

    def _plan(self, record: OfficerRow, *, lock: bool) -> _Plan:
        officers = Officer.objects.select_related("department", "user")
        if lock:
            officers = officers.select_for_update(of=("self",))
        officer = officers.filter(citizen_id=record.citizen_id).first()
        if officer is not None and officer.department_id != self.department.pk:
            raise RowInvalid({"citizen_id": OTHER_DEPARTMENT})
        given = {
            key: None if value is _CLEAR else value
            for key, value in record.values.items()
            if value is not None
        }
        if officer is None:
            officer = Officer(
                department=self.department,
                citizen_id=record.citizen_id,
                gender=gender_from_citizen_id(record.citizen_id),
                status=OfficerStatus.ON_DUTY,
            )
            for key, value in given.items():
                setattr(officer, key, value)
            plan = _Plan(officer=officer, new_officer=True, officer_changes=[])
        else:
            changes = [key for key, value in given.items() if getattr(officer, key) != value]
            for key in changes:
                setattr(officer, key, given[key])
            plan = _Plan(officer=officer, new_officer=False, officer_changes=changes)
        try:
            # Uniqueness is what the lookup above decided; the write runs the whole check.
            officer.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise RowInvalid(_problems(exc, OFFICER_COLUMNS)) from None
        if record.certificate is not None:
            self._plan_certificate(plan, record.certificate, lock=lock)
        return plan

    def _plan_certificate(self, plan: _Plan, row: CertificateRow, *, lock: bool) -> None:
        certificates = Certificate.objects.all()
        if lock:
            certificates = certificates.select_for_update()
        certificate = certificates.filter(number=row.number).first()
        officer = plan.officer
        if certificate is None:
            try:
                check_may_issue(officer)
            except ValidationError as exc:
                raise RowInvalid({"cert_number": "；".join(exc.messages)}) from None
            certificate = Certificate(
                officer=officer,
                number=row.number,
                kind=row.kind,
                issuing_authority=row.issuing_authority,
                valid_from=row.valid_from,
                valid_to=row.valid_to,
                status=CertificateStatus.VALID,
            )
            plan.new_certificate = True
            plan.fields = self._field_objects(row.fields)
        else:
            if officer.pk is None or certificate.officer_id != officer.pk:
                raise RowInvalid({"cert_number": "该证件号码已登记在其他人员名下，请核对"})
            plan.before = {attr: getattr(certificate, attr) for attr in STEP_ATTRS}
            if row.valid_to < certificate.valid_to:
                stored = f"{certificate.valid_to:%Y-%m-%d}"
                raise RowInvalid(
                    {
                        "cert_valid_to": f"早于系统中登记的有效期止 {stored}；"
                        "导入不缩短有效期（以免旧文件撤销已办理的延续）"
                    }
                )
            if row.valid_to > certificate.valid_to:
                try:
                    check_may_renew(certificate, row.valid_to)
                except ValidationError as exc:
                    raise RowInvalid({"cert_valid_to": "；".join(exc.messages)}) from None
                plan.renewed = True
            for attr, label in AMENDABLE:
                if getattr(certificate, attr) != getattr(row, attr):
                    plan.amended.append(label)
            current = set(certificate.enforcement_fields.values_list("pk", flat=True))
            if current != row.fields:
                plan.amended.append("执法领域")
                plan.fields = self._field_objects(row.fields)
            for attr in STEP_ATTRS:
                setattr(certificate, attr, getattr(row, attr))
        try:
            certificate.full_clean(
                exclude=["officer"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            raise RowInvalid(_problems(exc, CERTIFICATE_COLUMNS)) from None
        plan.certificate = certificate

    def _field_objects(self, pks: frozenset[int]) -> list[EnforcementField]:
        by_pk = {f.pk: f for f in self.enforcement_fields.values()}
        return [by_pk[pk] for pk in sorted(pks)]

    # --- writing ---------------------------------------------------------------------------

    def apply(self) -> Counts:
        actor = self.context.actor
        ensure_manages(actor, self.department)
        counts = Counts()
        for record in self.staged:
            try:
                plan = self._plan(record, lock=True)
            except RowInvalid as exc:
                # The data changed since the file was read (someone else wrote meanwhile).
                name = record.values.get("name") or ""
                raise ValidationError(
                    f"{name}的一行在读取后被他人修改，无法导入："
                    + "；".join(exc.problems.values())
                    + "。请重新导入该文件。"
                ) from None
            if not plan.changed:
                counts.unchanged += 1
                continue
            self._write(plan, actor)
            if plan.new_officer:
                counts.inserted += 1
            else:
                counts.updated += 1
        return counts

    def _write(self, plan: _Plan, actor) -> None:
        officer = plan.officer
        if plan.new_officer:
            officer.full_clean()
            officer.save(force_insert=True)
        elif plan.officer_changes:
            officer.full_clean()
            officer.save(update_fields=[*plan.officer_changes, "updated_at"])
        certificate = plan.certificate
        if certificate is None:
            return
        if plan.new_certificate:
            certificate.officer = officer
            certificate.full_clean()
            certificate.save(force_insert=True)
            certificate.enforcement_fields.set(plan.fields)
            append_certificate_event(
                certificate=certificate,
                action=CertificateAction.ISSUE,
                reason=REASON_ISSUE,
                status_before="",
                actor=actor,
            )
            return
        # Renewal first, then the correction: each history row shows the period after its step,
        # and the renewed period always holds (a later end, the same start).
        after = {attr: getattr(certificate, attr) for attr in STEP_ATTRS}
        if plan.renewed:
            for attr in STEP_ATTRS:
                setattr(certificate, attr, plan.before[attr])
            certificate.valid_to = after["valid_to"]
            certificate.full_clean()
            certificate.save(update_fields=["valid_to"])
            append_certificate_event(
                certificate=certificate,
                action=CertificateAction.RENEW,
                reason=REASON_RENEW,
                status_before=certificate.status,
                actor=actor,
            )
        if plan.amended:
            for attr in STEP_ATTRS:
                setattr(certificate, attr, after[attr])
            certificate.full_clean()
            certificate.save(update_fields=[attr for attr, _label in AMENDABLE])
            if plan.fields is not None:
                certificate.enforcement_fields.set(plan.fields)
            append_certificate_event(
                certificate=certificate,
                action=CertificateAction.AMEND,
                reason=f"批量导入更正：{'、'.join(plan.amended)}",
                status_before=certificate.status,
                actor=actor,
            )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
