"""The forms of the inspectors' pages: one per stage of the record, and the review.

Each form only parses what the phone sends; the stage services in `fieldwork.services.records`
decide what is allowed and say why not (shown with `backend.forms.apply_service_errors`).
Every form carries the idempotency key the page generated, so a retried post or a replayed
offline draft makes one record, not two.
"""

import uuid
from datetime import timedelta

from django import forms
from django.utils import timezone

from fieldwork.models import ResultCode
from inspections.directory.models import SITE_VISITS, InspectionMethod

# A phone's clock running a little ahead of the server's is not an event in the future.
CLOCK_SKEW = timedelta(minutes=5)

DELIVERY_CHOICES = ["当面送达", "邮寄送达", "电子送达", "留置送达"]


class OpenMultipleChoiceField(forms.MultipleChoiceField):
    """Offers choices but passes any value on: the service names what it refuses, and why."""

    def valid_value(self, value) -> bool:
        return True


class StageForm(forms.Form):
    """What every stage sends: its idempotency key, where it happened, and for a correction the
    record it corrects and why."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    corrects = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # Filled by the page's script when a draft is kept on the phone: when it really happened.
    occurred_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    place = forms.CharField(label="地点", required=False, max_length=200)
    reason = forms.CharField(
        label="更正原因",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, correcting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.correcting = correcting
        if correcting:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = "更正记录须说明原因"
        else:
            del self.fields["reason"]

    def clean_occurred_at(self):
        value = self.cleaned_data.get("occurred_at")
        if value is None:
            return None
        now = timezone.now()
        if value > now + CLOCK_SKEW:
            raise forms.ValidationError("发生时间不能晚于当前时间", code="occurred_in_future")
        return min(value, now)

    def stage_kwargs(self) -> dict:
        """The keyword arguments every stage service takes (the correction's record apart)."""
        data = self.cleaned_data
        kwargs = {
            "idempotency_key": data["idempotency_key"],
            "place": data.get("place", ""),
            "occurred_at": data.get("occurred_at"),
        }
        if self.correcting:
            kwargs["reason"] = data.get("reason", "")
        return kwargs


def new_key() -> str:
    return str(uuid.uuid4())


class NoticeForm(StageForm):
    served_on = forms.DateField(
        label="送达日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    delivery = forms.CharField(
        label="送达方式",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"list": "delivery-choices"}),
    )
    recipient = forms.CharField(label="签收人", required=False, max_length=100)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "served_on": data["served_on"],
            "delivery": data["delivery"],
            "recipient": data.get("recipient", ""),
            **self.stage_kwargs(),
        }


class ArrivalForm(StageForm):
    method = forms.ChoiceField(
        label="检查方式", choices=[c for c in InspectionMethod.choices if c[0] in SITE_VISITS]
    )
    onsite_reason = forms.CharField(
        label="入企现场检查的理由",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="检查事项可以非现场方式实施的，选择入企现场检查须说明理由（非现场优先）",
    )
    officers_present = OpenMultipleChoiceField(
        label="在场执法人员", widget=forms.CheckboxSelectMultiple, required=False
    )
    certificates_shown = forms.BooleanField(label="已向检查对象出示执法证件", required=False)
    code_unverified_reason = forms.CharField(
        label="检查对象未扫码核验检查码的原因",
        required=False,
        max_length=500,
        help_text="检查对象已扫码核验的，无需填写",
    )
    latitude = forms.DecimalField(
        label="纬度", required=False, max_digits=9, decimal_places=6, widget=forms.TextInput
    )
    longitude = forms.DecimalField(
        label="经度", required=False, max_digits=9, decimal_places=6, widget=forms.TextInput
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers_present"].choices = [
            (m.certificate_number, f"{m.officer.name}（{m.certificate_number}）") for m in members
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "method": data["method"],
            "officers_present": data["officers_present"],
            "certificates_shown": data["certificates_shown"],
            "code_unverified_reason": data.get("code_unverified_reason", ""),
            "onsite_reason": data.get("onsite_reason", ""),
            "latitude": data.get("latitude"),
            "longitude": data.get("longitude"),
            **self.stage_kwargs(),
        }


class NonSiteForm(StageForm):
    """非现场检查: by a method every item allows, by at least two officers; no visit."""

    method = forms.ChoiceField(label="非现场检查方式")
    officers_present = OpenMultipleChoiceField(
        label="实施检查的执法人员", widget=forms.CheckboxSelectMultiple, required=False
    )
    note = forms.CharField(
        label="核查情况",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如：核查的书面材料、比对的共享数据、远程视频的时间和参加人员",
    )

    def __init__(self, *args, members=(), methods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [
            (m, InspectionMethod(m).label) for m in methods if m in InspectionMethod.values
        ]
        self.fields["officers_present"].choices = [
            (m.certificate_number, f"{m.officer.name}（{m.certificate_number}）") for m in members
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "method": data["method"],
            "officers_present": data["officers_present"],
            "note": data.get("note", ""),
            **self.stage_kwargs(),
        }


class FindingsForm(StageForm):
    check_point = forms.IntegerField(widget=forms.HiddenInput)
    checked = forms.TypedChoiceField(
        label="是否检查",
        choices=[("1", "已检查"), ("0", "未检查")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    problem_found = forms.BooleanField(label="发现问题", required=False)
    description = forms.CharField(
        label="情况说明（发现的问题，或未检查的原因）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    handling = forms.CharField(
        label="处理情况", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "checked": data["checked"],
            "problem_found": data["problem_found"],
            "description": data.get("description", ""),
            "handling": data.get("handling", ""),
            **self.stage_kwargs(),
        }


def result_choices(inspection) -> list[tuple[ResultCode, list[ResultCode]]]:
    """The active codes that apply to the task's departments, each parent with its children."""
    departments = set(inspection.task.participations.values_list("department_id", flat=True))
    codes = [
        c
        for c in ResultCode.objects.filter(active=True).select_related("parent")
        if c.department_id is None or c.department_id in departments
    ]
    children: dict[int, list[ResultCode]] = {}
    for code in codes:
        if code.parent_id:
            children.setdefault(code.parent_id, []).append(code)
    return [(c, children.get(c.pk, [])) for c in codes if c.parent_id is None]


class ResultForm(StageForm):
    codes = OpenMultipleChoiceField(label="检查结果", required=False)
    note = forms.CharField(
        label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = groups
        self.fields["codes"].choices = [
            (c.code, c.label) for parent, kids in groups for c in (parent, *kids)
        ]

    def selected(self) -> set[str]:
        if self.is_bound:
            return set(self.data.getlist("codes"))
        return set(self.initial.get("codes", []))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"codes": data["codes"], "note": data.get("note", ""), **self.stage_kwargs()}


class FirmOpinionForm(StageForm):
    opinion = forms.CharField(
        label="检查对象意见",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    signed = forms.BooleanField(label="检查对象已签名", required=False)
    signatory = forms.CharField(label="签名人", required=False, max_length=100)
    refusal_note = forms.CharField(
        label="拒绝签名的情况",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "opinion": data.get("opinion", ""),
            "signatory": data.get("signatory", ""),
            "signed": data["signed"],
            "refusal_note": data.get("refusal_note", ""),
            **self.stage_kwargs(),
        }


class SignaturesForm(StageForm):
    signed_by = OpenMultipleChoiceField(
        label="已签名的执法人员", widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_by"].choices = [
            (o["certificate_number"], f"{o['name']}（{o['certificate_number']}）") for o in officers
        ]

    def service_kwargs(self) -> dict:
        return {"signed_by": self.cleaned_data["signed_by"], **self.stage_kwargs()}


class SubmitForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    occurred_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    late_reason = forms.CharField(
        label="逾期提交原因",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="检查时间窗口已结束：请说明逾期提交审核的原因（如审核退回后更正、检查当日未能联网）",
    )

    correcting = False
    clean_occurred_at = StageForm.clean_occurred_at

    def __init__(self, *args, window_closed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Asked for only once the window has closed; a posted form always takes it (the
        # service decides).
        if not window_closed and not self.is_bound:
            del self.fields["late_reason"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "idempotency_key": data["idempotency_key"],
            "occurred_at": data.get("occurred_at"),
            "late_reason": data.get("late_reason", ""),
        }


class RemainingClearForm(forms.Form):
    """其余要点均未发现问题: one tap, its key, and when it was pressed (a draft kept offline)."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    occurred_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    clean_occurred_at = StageForm.clean_occurred_at


class ReviewForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="审核意见",
        choices=[("agree", "同意"), ("disagree", "不同意")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择同意或不同意"},
    )
    opinion = forms.CharField(
        label="审核说明（不同意的须填写）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ApprovalForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    opinion = forms.CharField(
        label="审批意见",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "同意实施"}),
    )
    cap_reason = forms.CharField(
        label="超过检查频次上限的确认理由（个案、专项检查超过上限时填写）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EmergencyStartForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="紧急情况说明",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "紧急先行检查须说明紧急情况"},
    )
