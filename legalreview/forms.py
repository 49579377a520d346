"""Forms of the legal review pages. They parse what people type; the services decide what may be
saved, so that a rule answers in the same words wherever it is met."""

from django import forms

from fieldwork.models import Inspection, InspectionRecord, RecordKind
from fieldwork.selectors.records import current_records
from legalreview.models import CIRCUMSTANCES, Decision, DecisionType, ReviewOutcome, ReviewPoint
from legalreview.models import point_answers as answers_of
from legalreview.services.decisions import DecisionContent
from personnel.models import EnforcementField


def describe_record(record: InspectionRecord) -> str:
    """One line saying what a record of the chain holds, for evidence lists."""
    content = record.content or {}
    detail = ""
    if record.kind == RecordKind.FINDINGS:
        detail = content.get("text", "")
        if content.get("problem_found"):
            detail += f"：发现问题，{content.get('description', '')}"
    elif record.kind == RecordKind.RESULT:
        detail = "、".join(content.get("labels", []))
    elif record.kind == RecordKind.EVIDENCE:
        detail = content.get("original_name") or content.get("name") or ""
    elif record.kind == RecordKind.FIRM_OPINION:
        detail = content.get("opinion", "")
    text = f"第{record.sequence}条 {record.get_kind_display()}"
    if detail:
        text += f"（{detail}）"
    if record.is_correction:
        text += f" · 更正第{record.corrects.sequence}条"
    return text


class EvidenceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: InspectionRecord) -> str:
        return describe_record(obj)


class DecisionForm(forms.Form):
    decision_type = forms.ChoiceField(label="决定类型", choices=DecisionType.choices)
    title = forms.CharField(label="决定名称", max_length=200)
    enforcement_field = forms.ModelChoiceField(
        label="执法领域",
        queryset=EnforcementField.objects.order_by("code"),
        required=False,
        empty_label="（不适用）",
    )
    amount = forms.DecimalField(
        label="罚没或涉案金额（元）",
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text="罚款等涉及金额的决定填写；审核目录清单按金额下限判断",
    )
    recipient = forms.CharField(
        label="移送接收机关",
        max_length=100,
        required=False,
        help_text="移送案件线索、涉嫌犯罪案件移送须填写，例如 市公安局出入境管理支队",
    )
    facts = forms.CharField(label="违法事实", widget=forms.Textarea(attrs={"rows": 4}))
    evidence = EvidenceField(
        label="证据（本检查的全过程记录）",
        queryset=InspectionRecord.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    evidence_note = forms.CharField(
        label="其他证据说明", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    legal_basis = forms.CharField(label="法律依据", widget=forms.Textarea(attrs={"rows": 3}))
    discretion = forms.CharField(
        label="裁量基准及适用",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="行政处罚决定须写明适用的裁量基准",
    )
    draft_text = forms.CharField(label="决定书（草稿）", widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, inspection: Inspection, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in CIRCUMSTANCES:
            self.fields[name] = forms.BooleanField(label=label, required=False)
        pks = [r.pk for r in current_records(inspection)]
        self.fields["evidence"].queryset = (
            InspectionRecord.objects.filter(pk__in=pks)
            .select_related("corrects")
            .order_by("sequence")
        )

    @property
    def circumstance_fields(self):
        return [self[name] for name, _ in CIRCUMSTANCES]

    @property
    def main_fields(self):
        return [self[name] for name in self.fields if name not in dict(CIRCUMSTANCES)]

    def decision_content(self) -> DecisionContent:
        data = self.cleaned_data
        return DecisionContent(**{name: data[name] for name in self.fields})

    @staticmethod
    def initial_from(decision: Decision) -> dict:
        initial = {name: getattr(decision, name) for name in _FORM_FIELDS}
        initial["enforcement_field"] = decision.enforcement_field_id
        initial["evidence"] = list(decision.evidence.values_list("pk", flat=True))
        return initial


_FORM_FIELDS = {
    "decision_type",
    "title",
    "amount",
    "recipient",
    "facts",
    "evidence_note",
    "legal_basis",
    "discretion",
    "draft_text",
    *dict(CIRCUMSTANCES),
}


class OpinionForm(forms.Form):
    """The opinion: each check point holds or not (with a note), then 同意 or 存在问题."""

    outcome = forms.ChoiceField(
        label="审核意见",
        choices=[
            (ReviewOutcome.APPROVED.value, "同意"),
            (ReviewOutcome.PROBLEMS.value, "存在问题，退回修改"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    reasons = forms.CharField(
        label="存在的问题及理由",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="审核意见为存在问题的必填，将退回拟稿部门修改后重新送审",
    )
    opinion = forms.CharField(
        label="审核意见说明", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for point in ReviewPoint:
            holds, fails = answers_of(point)
            self.fields[f"point_{point.value}"] = forms.ChoiceField(
                label=point.label,
                choices=[("ok", holds), ("problem", fails)],
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"note_{point.value}"] = forms.CharField(
                label="具体问题", max_length=2000, required=False
            )

    def point_rows(self):
        return [(self[f"point_{p.value}"], self[f"note_{p.value}"]) for p in ReviewPoint]

    def checks(self) -> dict:
        data = self.cleaned_data
        checks = {}
        for point in ReviewPoint:
            answer = data.get(f"point_{point.value}")
            if answer:
                checks[point.value] = {
                    "ok": answer == "ok",
                    "note": data.get(f"note_{point.value}", ""),
                }
        return checks


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="理由", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class IssueForm(forms.Form):
    document_number = forms.CharField(
        label="决定书文号", max_length=100, required=False, help_text="例如 长科罚〔2021〕3号"
    )


class CatalogueEntryForm(forms.Form):
    name = forms.CharField(label="目录事项", max_length=200)
    decision_type = forms.ChoiceField(label="决定类型", choices=DecisionType.choices)
    enforcement_field = forms.ModelChoiceField(
        label="执法领域",
        queryset=EnforcementField.objects.order_by("code"),
        required=False,
        empty_label="所有领域",
    )
    min_amount = forms.DecimalField(
        label="金额下限（元）",
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text="金额达到或超过该数额的决定须审核；留空表示不论金额",
    )
    basis = forms.CharField(label="依据", max_length=200, required=False)

    def entry_fields(self) -> dict:
        return dict(self.cleaned_data)
