"""What each document says, built from the inspection and its current records (reads only).

The wording follows the Ministry of Justice's 2025 basic formats: the 审批表 is a form of
boxes, the notices are letters to the firm with the issuing body and date at the foot. A box
the records cannot fill yet (a pending approval's opinion, an unserved notice's date) is left
blank, to be completed by hand on the printed copy.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from fieldwork.code_display import ShownCode
from fieldwork.documents.blocks import Block, Document, Form, Heading, Para, Qr, Table
from fieldwork.models import Inspection, InspectionState, ResultCode
from fieldwork.models import RecordKind as K
from fieldwork.selectors.records import approval_form, latest, start_record
from inspections.directory.models import CheckPoint, InspectionMethod
from inspections.planning.models import InspectionType

# The kinds of document, in the order an inspection produces them: slug -> title.
APPROVAL = "approval"
NOTICE = "notice"
RESULT = "result"
TITLES = {APPROVAL: "行政检查审批表", NOTICE: "检查通知书", RESULT: "检查结果告知书"}

MATERIALS = (
    "营业执照（副本）或其他主体资格证明",
    "法定代表人（负责人）身份证明；委托他人配合检查的，授权委托书及受托人身份证明",
    "与上述检查内容有关的证照、合同、台账、登记及备案材料的原件和复印件",
)

# The states in which the result is final enough to tell the firm (after the review).
RESULT_TOLD = (InspectionState.REVIEWED, InspectionState.CLOSED, InspectionState.ARCHIVED)


class NotReady(Exception):
    """The document cannot be issued yet; the message says why, in words for the user."""


def day(value: date | datetime | str | None) -> str:
    """2027年3月5日; a datetime is taken on its local (Asia/Shanghai) date."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return f"{value.year}年{value.month}月{value.day}日"


def _versions(inspection: Inspection) -> list:
    return list(
        inspection.task.items.select_related("item", "item__department").order_by("item__code")
    )


def _methods(versions) -> list[str]:
    found = dict.fromkeys(m for v in versions for m in v.methods if m in InspectionMethod.values)
    return [str(InspectionMethod(m).label) for m in found]


def _team(inspection: Inspection) -> tuple[tuple[str, ...], ...]:
    members = inspection.members.select_related("officer", "department")
    return tuple(
        (m.officer.name, m.certificate_number, m.department.name)
        for m in members.order_by("department__code", "seat")
    )


def _departments(inspection: Inspection) -> list[str]:
    task = inspection.task
    others = task.participations.select_related("department").order_by("department__code")
    return [task.department.name] + [
        p.department.name for p in others if p.department_id != task.department_id
    ]


def _basis_text(basis: dict) -> str:
    """The type's basis in one line, as the 审批表 and the notice state it."""
    kind = basis.get("type")
    if kind == InspectionType.CAMPAIGN:
        return (
            f"专项检查：{basis.get('authority', '')}批准（{basis.get('document', '')}，"
            f"{day(basis.get('approved_on'))}批准，{day(basis.get('published_on'))}备案公布）"
        )
    if kind == InspectionType.CASE:
        return f"个案检查：{basis.get('trigger_label', '')}（{basis.get('reference', '')}）"
    return f"日常检查：{basis.get('plan', '年度抽查计划')}，随机抽取"


def _firm(inspection: Inspection) -> str:
    return f"{inspection.firm_name}（统一社会信用代码：{inspection.firm_uscc}）"


# --- 行政检查审批表 -------------------------------------------------------------------------


def approval_document(inspection: Inspection) -> Document:
    """The 审批表: as approved (the approval record), or blank for the head to sign."""
    approval = latest(inspection, K.APPROVAL)
    form = approval.content if approval else approval_form(inspection)
    emergency = latest(inspection, K.EMERGENCY_START)
    officers = "；".join(
        f"{o['name']}（执法证号{o['certificate_number']}）" for o in form.get("officers", [])
    )
    window = form.get("window") or ["", ""]
    rows = [
        ("检查类型", form.get("type_label", "")),
        ("检查依据", _basis_text(form.get("basis", {}))),
        ("抽查任务", f"{inspection.task.code} {inspection.task.name}"),
        ("检查对象", f"{form['firm']['name']}（统一社会信用代码：{form['firm']['uscc']}）"),
        ("检查事项", "；".join(f"{i['code']} {i['name']}" for i in form.get("items", []))),
        ("检查方式", "、".join(form.get("methods", []))),
        ("执法人员", officers),
        ("检查时间", f"{day(window[0])}至{day(window[1])}"),
    ]
    if emergency:
        rows.append(
            (
                "紧急情况先行检查",
                f"{day(emergency.occurred_at)}先行检查，"
                f"理由：{emergency.content.get('reason', '')}；"
                f"补办审批期限{day(emergency.content.get('approval_due'))}",
            )
        )
    cap = form.get("frequency_cap") if approval else None
    if cap:
        rows.append(("超过频次上限的确认", f"{'；'.join(cap['caps'])}。确认理由：{cap['reason']}"))
    if approval:
        opinion = form.get("opinion") or ""
        rows += [
            ("审批意见", f"{form.get('decision_label', '')}{'。' + opinion if opinion else ''}"),
            ("审批人", form.get("approver", "")),
            ("审批日期", day(approval.occurred_at)),
        ]
    else:
        rows += [("审批意见", ""), ("审批人（签字）", ""), ("审批日期", "")]
    state = "" if approval else f"（本表未经审批：{inspection.get_approval_state_display()}）"
    return Document(
        kind=APPROVAL,
        title=TITLES[APPROVAL],
        number=f"{inspection.code}-SP",
        blocks=(Form(tuple(rows), testid="approval-form"),)
        + ((Para(state, testid="approval-pending"),) if state else ()),
        issuer=inspection.task.department.name,
    )


# --- 检查通知书 ---------------------------------------------------------------------------


def notice_document(
    inspection: Inspection, *, code: ShownCode | None, image_url: str, verify_page: str
) -> Document:
    """The notice served on the firm before the inspection: what, when, who, how, and the
    inspection code it can verify. A 日常 inspection's is the 随机抽查通知书."""
    task = inspection.task
    versions = _versions(inspection)
    points: dict[int, list[str]] = {}
    for point in CheckPoint.objects.filter(version__in=versions).order_by("position"):
        points.setdefault(point.version_id, []).append(point.text)
    served = latest(inspection, K.NOTICE)
    random = task.inspection_type == InspectionType.ROUTINE
    departments = "、".join(_departments(inspection))
    window = f"{day(inspection.window_start)}至{day(inspection.window_end)}"
    if random:
        opening = (
            "根据《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》"
            f"（国发〔2019〕5号）及下列检查事项的检查依据，经随机抽取，{departments}决定于{window}"
            f"对你单位开展随机抽查（抽查任务 {task.code} {task.name}）。现将有关事项通知如下："
        )
    else:
        opening = (
            f"根据下列检查事项的检查依据（{_basis_text(task.basis)}），{departments}决定于{window}"
            f"对你单位开展{inspection.get_inspection_type_display()}"
            f"（任务 {task.code} {task.name}）。现将有关事项通知如下："
        )
    blocks: list[Block] = [
        Para(opening, testid="notice-opening"),
        Heading("一、检查事项及依据"),
        Table(
            ("序号", "检查事项", "检查依据", "检查内容"),
            tuple(
                (
                    str(n),
                    f"{v.name}（{v.item.code} · {v.item.department.name}）",
                    v.legal_basis,
                    "\n".join(f"{i}. {p}" for i, p in enumerate(points.get(v.pk, []), 1)),
                )
                for n, v in enumerate(versions, 1)
            ),
            testid="notice-items",
        ),
        Heading("二、检查方式"),
        Para("、".join(_methods(versions)), testid="notice-methods"),
        Heading("三、请准备以下材料"),
        *(
            Para(f"{n}. {m}；", testid="notice-materials" if n == 1 else "")
            for n, m in enumerate(MATERIALS, 1)
        ),
        Heading("四、检查人员"),
        Table(("姓名", "执法证号", "所在部门"), _team(inspection), testid="notice-team"),
        Para(
            "检查人员不少于两人，检查时将向你单位出示执法证件。你单位认为检查人员与你单位有直接"
            "利害关系、可能影响公正检查的，有权申请回避。"
        ),
    ]
    if code is not None:
        blocks.append(
            Qr(
                url=code.url,
                image_url=image_url,
                caption=(
                    f"检查码：{code.code.code}。请用手机扫描二维码，或在 {verify_page} 输入检查码，"
                    "核验本次检查是否经审批、由谁实施、依据什么；检查人员到达时亦将出示检查码。"
                    "检查码无效的，你单位可以拒绝检查，并可向监督部门反映。"
                ),
                testid="notice-code",
            )
        )
    blocks += [
        Heading("五、告知事项"),
        Para(
            "依法接受检查是你单位的义务，请予以配合。无正当理由拒绝、阻挠或者逃避检查的，将记为"
            "“不配合检查情节严重”，并通过国家企业信用信息公示系统等向社会公示。",
            testid="notice-warning",
            strong=True,
        ),
    ]
    content = served.content if served else {}
    return Document(
        kind=NOTICE,
        title="随机抽查通知书" if random else "行政检查通知书",
        number=content.get("notice_number") or f"{inspection.code}-TZ",
        addressee=_firm(inspection),
        blocks=tuple(blocks),
        issuer=task.department.name,
        issued_on=day(content.get("served_on")),
        receipt=(
            ("送达方式", content.get("delivery", "")),
            ("签收人", content.get("recipient", "")),
            ("签收日期", day(content.get("served_on"))),
        ),
    )


# --- 检查结果告知书 -----------------------------------------------------------------------

# Blocks that later layers add to the result notice (e.g. the firm's rating link), without
# this module importing them: each takes the request (for public addresses) and the
# inspection, and returns blocks, or nothing.
ResultAddition = Callable[[Any, Inspection], list[Block]]
_result_additions: list[ResultAddition] = []


def register_result_notice_addition(addition: ResultAddition) -> None:
    if addition not in _result_additions:
        _result_additions.append(addition)


def result_document(inspection: Inspection, *, request=None) -> Document:
    """The result told to the firm once the department has reviewed it."""
    if inspection.state not in RESULT_TOLD:
        raise NotReady(
            f"检查{inspection.code}{inspection.get_state_display()}：结果审核通过后才能出具检查结果告知书"
        )
    on_site = start_record(inspection)
    result = latest(inspection, K.RESULT)
    labels = dict(
        (c.code, c.label)
        for c in ResultCode.objects.select_related("parent").filter(
            code__in=inspection.result_codes
        )
    )
    versions = _versions(inspection)
    when = day(on_site.occurred_at) if on_site else window_text(inspection)
    blocks: list[Block] = [
        Para(
            f"{'、'.join(_departments(inspection))}于{when}对你单位开展了"
            f"{inspection.get_inspection_type_display()}（检查编号 {inspection.code}），检查事项："
            + "；".join(v.name for v in versions)
            + "。现将检查结果告知如下：",
            testid="result-opening",
        ),
        Heading("一、检查结果"),
        Table(
            ("序号", "检查结果"),
            tuple((str(n), labels.get(c, c)) for n, c in enumerate(inspection.result_codes, 1)),
            testid="result-codes",
        ),
    ]
    note = (result.content.get("note") or "").strip() if result else ""
    if note:
        blocks.append(Para(f"说明：{note}", testid="result-note"))
    follow_ups = list(inspection.follow_ups.order_by("pk"))
    if follow_ups:
        blocks += [
            Heading("二、后续处置"),
            Table(
                ("处置方式", "处置内容", "完成期限"),
                tuple((f.get_kind_display(), f.details, day(f.due_on)) for f in follow_ups),
                testid="result-follow-ups",
            ),
        ]
    blocks += [
        Heading(f"{'三' if follow_ups else '二'}、告知事项"),
        Para(
            "你单位对检查结果有异议的，可以自收到本告知书之日起五个工作日内向本机关提出陈述、"
            "申辩意见并提供相关材料。检查结果将依法通过国家企业信用信息公示系统等向社会公示。",
            testid="result-rights",
        ),
    ]
    for addition in _result_additions:
        blocks += addition(request, inspection)
    return Document(
        kind=RESULT,
        title=TITLES[RESULT],
        number=f"{inspection.code}-JG",
        addressee=_firm(inspection),
        blocks=tuple(blocks),
        issuer=inspection.task.department.name,
        issued_on=day(inspection.reviewed_at),
    )


def window_text(inspection: Inspection) -> str:
    return f"{day(inspection.window_start)}至{day(inspection.window_end)}期间"
