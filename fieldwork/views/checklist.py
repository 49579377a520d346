"""One inspection's page, as data: the stages as a checklist (each with its form, and a
correction form once recorded), the timeline of every record, and what is still missing.

Presentation only: who may write what, and when, stays with the stage services.
"""

from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from fieldwork import forms as stage_forms
from fieldwork.access import officer_of
from fieldwork.models import (
    RECORDING,
    Inspection,
    InspectionRecord,
    InspectionState,
    RecordKind,
    ResultCode,
)
from fieldwork.selectors.records import (
    checkpoints_of,
    current_records,
    non_site_methods_for,
    start_record,
)
from inspections.directory.models import CheckPoint

S = InspectionState
K = RecordKind

# Stage slug (in the URL) -> record kind and title. Findings are one stage per check point.
STAGES: dict[str, tuple[str, str]] = {
    "notice": (K.NOTICE, "送达随机抽查通知书"),
    "arrival": (K.ON_SITE, "到达现场、出示执法证件"),
    "non-site": (K.NON_SITE, "实施非现场检查"),
    "findings": (K.FINDINGS, "检查要点"),
    "result": (K.RESULT, "检查结果"),
    "firm-opinion": (K.FIRM_OPINION, "检查对象意见及签名"),
    "signatures": (K.OFFICER_SIGNATURES, "执法人员签名"),
    "submit": (K.SUBMITTED, "提交审核"),
}

# Where each stage may be written new (the services refuse the rest; the page only hides it).
_OPEN_IN = {
    "notice": (S.PLANNED,),
    "arrival": (S.NOTIFIED,),
    "non-site": (S.NOTIFIED,),
    "findings": RECORDING,
    "result": RECORDING,
    "firm-opinion": RECORDING,
    "signatures": RECORDING,
    "submit": (S.PLANNED, S.NOTIFIED, *RECORDING),
}
_CORRECTABLE_IN = {"notice": (S.NOTIFIED, *RECORDING)}


@dataclass
class Stage:
    slug: str
    title: str
    record: InspectionRecord | None = None
    form: Any = None
    correction_form: Any = None
    check_point: CheckPoint | None = None
    open: bool = False
    anchor: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.record is not None

    @property
    def lines(self) -> list[str]:
        return describe(self.record) if self.record else []


def _auto_id(slug: str, check_point: CheckPoint | None, correcting: bool) -> str:
    suffix = f"-{check_point.pk}" if check_point else ""
    return f"{slug}{suffix}{'-fix' if correcting else ''}-%s"


def form_for(
    slug: str,
    inspection: Inspection,
    *,
    data=None,
    record: InspectionRecord | None = None,
    check_point: CheckPoint | None = None,
    correcting: bool = False,
    user=None,
    context: dict | None = None,
):
    """The form of one stage: new, a correction of `record`, or bound to posted `data`."""
    context = context if context is not None else _form_context(inspection)
    initial: dict[str, Any] = {"idempotency_key": stage_forms.new_key()}
    kwargs: dict[str, Any] = {"auto_id": _auto_id(slug, check_point, correcting)}
    if slug == "submit":
        closed = timezone.localdate() > inspection.window_end
        return stage_forms.SubmitForm(data, initial=initial, window_closed=closed, **kwargs)
    kwargs["correcting"] = correcting
    if record is not None:
        initial.update(_initial_from(record))
        initial["corrects"] = record.sequence
        initial["place"] = record.place
    elif context["place"]:
        initial["place"] = context["place"]
    if slug == "notice":
        form_class = stage_forms.NoticeForm
        if record is None:
            initial.update(served_on=timezone.localdate(), delivery="当面送达")
    elif slug == "arrival":
        form_class = stage_forms.ArrivalForm
        kwargs["members"] = context["members"]
        if record is None:
            mine = officer_of(user)
            initial["method"] = "onsite"
            initial["officers_present"] = [
                m.certificate_number for m in context["members"] if mine and m.officer_id == mine.pk
            ]
    elif slug == "non-site":
        form_class = stage_forms.NonSiteForm
        kwargs["members"] = context["members"]
        kwargs["methods"] = context["non_site_methods"]
        if record is None:
            mine = officer_of(user)
            initial["officers_present"] = [
                m.certificate_number for m in context["members"] if mine and m.officer_id == mine.pk
            ]
    elif slug == "findings":
        form_class = stage_forms.FindingsForm
        if check_point is not None:
            initial["check_point"] = check_point.pk
    elif slug == "result":
        form_class = stage_forms.ResultForm
        kwargs["groups"] = context["result_groups"]
    elif slug == "firm-opinion":
        form_class = stage_forms.FirmOpinionForm
    elif slug == "signatures":
        form_class = stage_forms.SignaturesForm
        kwargs["officers"] = context["present"]
    else:  # pragma: no cover - the URL only routes known stages
        raise ValueError(slug)
    return form_class(data, initial=initial, **kwargs)


def _initial_from(record: InspectionRecord) -> dict[str, Any]:
    """A correction starts from what the record says."""
    c = record.content
    if record.kind == K.NOTICE:
        return {
            "served_on": c.get("served_on"),
            "delivery": c.get("delivery"),
            "recipient": c.get("recipient"),
        }
    if record.kind == K.ON_SITE:
        return {
            "method": c.get("method"),
            "officers_present": [o["certificate_number"] for o in c.get("officers", [])],
            "certificates_shown": c.get("certificates_shown"),
            "code_unverified_reason": c.get("code_unverified_reason", ""),
            "onsite_reason": c.get("onsite_reason", ""),
            "latitude": record.latitude,
            "longitude": record.longitude,
        }
    if record.kind == K.NON_SITE:
        return {
            "method": c.get("method"),
            "officers_present": [o["certificate_number"] for o in c.get("officers", [])],
            "note": c.get("note", ""),
        }
    if record.kind == K.FINDINGS:
        return {
            "check_point": c.get("check_point"),
            "checked": "1" if c.get("checked") else "0",
            "problem_found": c.get("problem_found"),
            "description": c.get("description"),
            "handling": c.get("handling"),
        }
    if record.kind == K.RESULT:
        return {"codes": c.get("codes", []), "note": c.get("note")}
    if record.kind == K.FIRM_OPINION:
        return {
            "opinion": c.get("opinion"),
            "signed": c.get("signed"),
            "signatory": c.get("signatory"),
            "refusal_note": c.get("refusal_note"),
        }
    if record.kind == K.OFFICER_SIGNATURES:
        return {"signed_by": [o["certificate_number"] for o in c.get("officers", [])]}
    return {}


def _code_lines(content: dict) -> list[str]:
    """Whether the firm verified the 检查码 before the arrival (records before issue 16 say
    nothing of it, and say nothing here)."""
    if "code_verified" not in content:
        return []
    if content["code_verified"]:
        return [f"检查对象已扫码核验检查码（第{content.get('code_scan')}条记录）"]
    return [f"检查对象未扫码核验检查码，原因：{content.get('code_unverified_reason', '')}"]


def _scan_note(scans: list[InspectionRecord]) -> str:
    if not scans:
        return "检查对象尚未扫码核验检查码：请检查对象扫描检查码；无法核验的，到达时须说明原因"
    last = scans[-1]
    return (
        f"检查对象已于{timezone.localtime(last.occurred_at):%Y-%m-%d %H:%M}"
        f"扫码核验检查码（{last.content.get('method_label', '')}）"
    )


def _form_context(inspection: Inspection) -> dict[str, Any]:
    arrival = start_record(inspection)
    return {
        "members": list(
            inspection.members.select_related("officer", "department").order_by(
                "department__code", "seat"
            )
        ),
        "present": arrival.content.get("officers", []) if arrival else [],
        "place": arrival.place if arrival else "",
        "result_groups": stage_forms.result_choices(inspection),
        "non_site_methods": non_site_methods_for(inspection),
    }


def checklist(inspection: Inspection, *, user, bound: tuple | None = None) -> list[Stage]:
    """The stages in order, each with its current record and the forms the state allows.

    `bound` = (slug, check point pk or None, correcting, form) puts a posted form that failed
    back in its place, with its errors and what the officer typed.
    """
    context = _form_context(inspection)
    state = inspection.state
    current = current_records(inspection)
    by_kind: dict[str, list[InspectionRecord]] = {}
    for record in current:
        by_kind.setdefault(record.kind, []).append(record)
    findings = {r.content.get("check_point"): r for r in by_kind.get(K.FINDINGS, [])}

    # The inspection is carried out either on site or not (非现场): once one is recorded the
    # other is gone; the non-site stage exists only where every item allows such a method.
    skipped = set()
    if by_kind.get(K.ON_SITE) or not (by_kind.get(K.NON_SITE) or context["non_site_methods"]):
        skipped.add("non-site")
    if by_kind.get(K.NON_SITE):
        skipped.add("arrival")
    stages: list[Stage] = []
    for slug, (kind, title) in STAGES.items():
        if slug in skipped:
            continue
        if slug == "findings":
            for number, point in enumerate(checkpoints_of(inspection), start=1):
                stages.append(
                    Stage(
                        slug=slug,
                        title=f"检查要点{number}：{point.text}",
                        record=findings.get(point.pk),
                        check_point=point,
                        notes=[f"{point.version.item.code} {point.version.name}"],
                    )
                )
            continue
        found = by_kind.get(kind, [])
        if slug == "notice":
            title = inspection.notice_stage_label
        stage = Stage(slug=slug, title=title, record=found[-1] if found else None)
        if slug == "arrival":
            stage.notes = [_scan_note(by_kind.get(K.CODE_SCAN, []))]
        stages.append(stage)

    for stage in stages:
        cp = stage.check_point
        stage.anchor = f"stage-{stage.slug}" + (f"-{cp.pk}" if cp else "")
        if stage.slug == "submit":
            if state in _OPEN_IN["submit"]:
                stage.form = form_for("submit", inspection, context=context)
            continue
        if stage.record is None and state in _OPEN_IN[stage.slug]:
            stage.form = form_for(
                stage.slug, inspection, check_point=cp, user=user, context=context
            )
        if stage.record is not None and state in _CORRECTABLE_IN.get(stage.slug, RECORDING):
            stage.correction_form = form_for(
                stage.slug,
                inspection,
                record=stage.record,
                check_point=cp,
                correcting=True,
                user=user,
                context=context,
            )

    if bound is not None:
        slug, cp_pk, correcting, form = bound
        for stage in stages:
            if (
                stage.slug == slug
                and (stage.check_point.pk if stage.check_point else None) == cp_pk
            ):
                if correcting:
                    stage.correction_form = form
                else:
                    stage.form = form
                stage.open = True
                break

    # The first stage still to do opens by itself: the officer sees where they are.
    if not any(s.open for s in stages):
        for stage in stages:
            if stage.form is not None and (stage.record is None):
                stage.open = True
                break
    return stages


# --- the timeline ------------------------------------------------------------------------------


def record_title(record: InspectionRecord) -> str:
    """A record as lists name it: its kind, and for a 检查要点记录 the check point."""
    title = record.kind_label
    if record.kind == K.FINDINGS and (record.content or {}).get("text"):
        return f"{title}：{record.content['text']}"
    return title


@dataclass
class Entry:
    record: InspectionRecord
    lines: list[str]
    corrected_by: InspectionRecord | None
    link: tuple[str, str] | None = None  # (label, url)

    @property
    def title(self) -> str:
        return record_title(self.record)

    @property
    def late(self) -> bool:
        """Recorded well after it happened (a draft kept on the phone, a later upload)."""
        return (self.record.recorded_at - self.record.occurred_at).total_seconds() > 60


def _yes(value: bool, yes: str, no: str) -> str:
    return yes if value else no


def _approval_lines(c: dict[str, Any], *, emergency: bool) -> list[str]:
    """The 审批表 (or the emergency start) as the timeline shows it."""
    basis = c.get("basis", {})
    detail = {
        "campaign": f"{basis.get('authority', '')}批准，{basis.get('document', '')}",
        "case": f"{basis.get('trigger_label', '')}，编号{basis.get('reference', '')}",
    }.get(c.get("type", ""), basis.get("plan", ""))
    officers = "、".join(
        f"{o.get('name')}（{o.get('certificate_number')}）" for o in c.get("officers", [])
    )
    lines = [
        f"检查类型：{c.get('type_label', '')}（{detail}）",
        f"检查事项：{'、'.join(i.get('name', '') for i in c.get('items', []))}",
        f"检查方式：{'、'.join(c.get('methods', []))}；执法人员：{officers}",
        f"检查时间：{' 至 '.join(c.get('window', []))}",
    ]
    if emergency:
        lines.append(f"紧急情况：{c.get('reason', '')}；补办审批期限：{c.get('approval_due', '')}")
    else:
        lines.append(f"审批意见：{c.get('decision_label', '')} {c.get('opinion', '')}".strip())
        lines.append(f"审批人：{c.get('approver', '')}")
    return lines


def describe(record: InspectionRecord) -> list[str]:
    """What a record says, in Chinese lines (a kind this page does not know: key and value)."""
    c = record.content or {}
    kind = record.kind
    if kind in (K.APPROVAL, K.EMERGENCY_START):
        return _approval_lines(c, emergency=kind == K.EMERGENCY_START)
    if kind == K.CODE_SCAN:
        return [
            f"检查码：{c.get('code', '')}（{c.get('method_label', '')}）",
            "由检查对象在公开核验页面核验",
        ]
    if kind == K.NOTICE:
        lines = [
            f"通知书编号：{c.get('notice_number', '')}",
            f"送达日期：{c.get('served_on', '')}；送达方式：{c.get('delivery', '')}",
        ]
        if c.get("recipient"):
            lines.append(f"签收人：{c['recipient']}")
        items = "、".join(i.get("name", "") for i in c.get("items", []))
        if items:
            lines.append(f"检查事项：{items}")
        return lines
    if kind == K.ON_SITE:
        officers = "、".join(
            f"{o.get('name')}（{o.get('certificate_number')}）" for o in c.get("officers", [])
        )
        return [
            f"检查方式：{c.get('method_label', c.get('method', ''))}",
            f"在场执法人员：{officers}",
            _yes(c.get("certificates_shown"), "已出示执法证件", "未出示执法证件"),
            *_code_lines(c),
            *([f"入企现场检查的理由：{c['onsite_reason']}"] if c.get("onsite_reason") else []),
        ]
    if kind == K.NON_SITE:
        officers = "、".join(
            f"{o.get('name')}（{o.get('certificate_number')}）" for o in c.get("officers", [])
        )
        return [
            f"非现场检查方式：{c.get('method_label', c.get('method', ''))}",
            f"实施检查的执法人员：{officers}",
            *([f"核查情况：{c['note']}"] if c.get("note") else []),
        ]
    if kind == K.FINDINGS:
        lines = [
            f"检查要点：{c.get('text', '')}",
            _yes(c.get("checked"), "已检查", "未检查")
            + "，"
            + _yes(c.get("problem_found"), "发现问题", "未发现问题"),
        ]
        if c.get("description"):
            lines.append(f"情况说明：{c['description']}")
        if c.get("handling"):
            lines.append(f"处理情况：{c['handling']}")
        return lines
    if kind == K.RESULT:
        lines = [f"检查结果：{'；'.join(c.get('labels', c.get('codes', [])))}"]
        if c.get("note"):
            lines.append(f"说明：{c['note']}")
        return lines
    if kind == K.FIRM_OPINION:
        lines = [f"检查对象意见：{c.get('opinion') or '（无）'}"]
        if c.get("signed"):
            lines.append(f"签名人：{c.get('signatory', '')}")
        else:
            lines.append(f"未签名：{c.get('refusal_note', '')}")
        return lines
    if kind == K.OFFICER_SIGNATURES:
        names = "、".join(
            f"{o.get('name')}（{o.get('certificate_number')}）" for o in c.get("officers", [])
        )
        return [f"签名：{names}"]
    if kind == K.SUBMITTED:
        lines = [f"提交审核（检查结果见第{c.get('result_sequence')}条记录）"]
        if c.get("late_reason"):
            lines.append(f"逾期提交原因：{c['late_reason']}")
        return lines
    if kind == K.EVIDENCE:
        name = c.get("original_name") or "（未命名文件）"
        label = c.get("kind_label", c.get("kind", ""))
        lines = [f"{label}：{name}（{c.get('format', '')}，{c.get('size', 0)} 字节）"]
        if c.get("documents"):
            lines.append(f"证明第{c['documents']}条记录")
        if c.get("note"):
            lines.append(f"说明：{c['note']}")
        if c.get("late"):
            lines.append(f"逾期上传（上传期限 {c.get('upload_deadline')}）")
        lines.append(f"SHA-256：{c.get('sha256', '')}")
        return lines
    if kind == K.REVIEW:
        lines = [f"审核意见：{c.get('decision_label', c.get('decision', ''))}"]
        if c.get("opinion"):
            lines.append(f"说明：{c['opinion']}")
        return lines
    if kind == K.FOLLOW_UP:
        return _follow_up_lines(c)
    if kind == K.LEGAL_REVIEW:
        lines = [
            f"法制审核意见：{c.get('outcome_label', c.get('outcome', ''))}"
            f"（第{c.get('round')}轮，执法决定 {c.get('decision', '')} {c.get('title', '')}）"
        ]
        if c.get("reasons"):
            lines.append(f"存在的问题：{c['reasons']}")
        if c.get("opinion"):
            lines.append(f"审核意见：{c['opinion']}")
        return lines
    if kind == K.CLOSED:
        done = "、".join(
            f"{f.get('kind_label')}（{f.get('completed_on')}完成）" for f in c.get("follow_ups", [])
        )
        return ["办结" + (f"：{done}" if done else "")]
    if kind == K.ARCHIVED:
        return [f"归档：全过程记录 {c.get('records')} 条，证据材料 {c.get('evidence_files')} 份"]
    return [f"{key}：{value}" for key, value in c.items()]


def _follow_up_lines(c: dict) -> list[str]:
    step = c.get("step")
    label = c.get("kind_label", c.get("kind", ""))
    if step == "opened":
        lines = [f"后续处置{c.get('number', '')}：{label}"]
        if c.get("authority"):
            lines.append(f"移送/抄告机关：{c['authority']}")
        if c.get("details"):
            lines.append(f"处置内容：{c['details']}")
        if c.get("due_on"):
            lines.append(f"完成期限：{c['due_on']}")
        return lines
    if step == "recheck":
        late = "（超过期限）" if c.get("after_deadline") else ""
        lines = [f"复查{label}：{c.get('checked_on')} {c.get('rectified_label', '')}{late}"]
    elif step == "completed":
        lines = [f"{label}已完成：{c.get('completed_on')}"]
    else:
        return [f"{key}：{value}" for key, value in c.items()]
    if c.get("outcome"):
        lines.append(f"处置结果：{c['outcome']}")
    return lines


def _decision_link(record: InspectionRecord, decisions: dict[str, int]) -> tuple[str, str] | None:
    """A legal-review record links to its decision (by number) once the legal review pages
    exist and the reader may see it."""
    number = (record.content or {}).get("decision")
    if record.kind != K.LEGAL_REVIEW or number not in decisions:
        return None
    try:
        return ("查看执法决定及法制审核", reverse("legalreview:decision", args=[decisions[number]]))
    except NoReverseMatch:
        return None


def timeline(inspection: Inspection, decisions: dict[str, int] | None = None) -> list[Entry]:
    """Every record, corrections included and shown as such, oldest first. `decisions` maps
    the legal-review decisions' numbers the reader may open to their ids."""
    rows = list(inspection.records.select_related("recorded_by", "corrects").order_by("sequence"))
    corrected_by = {r.corrects_id: r for r in rows if r.corrects_id}
    return [
        Entry(
            record=r,
            lines=describe(r),
            corrected_by=corrected_by.get(r.pk),
            link=_decision_link(r, decisions or {}),
        )
        for r in rows
    ]


def result_labels(codes: list[str]) -> list[str]:
    found = {c.code: c for c in ResultCode.objects.filter(code__in=codes).select_related("parent")}
    return [found[c].label if c in found else c for c in codes]
