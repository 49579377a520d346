"""Forms of the follow-up pages and the result code table. They parse input; the services
decide what is allowed (their ValidationErrors are shown with `apply_service_errors`)."""

import uuid

from django import forms
from django.utils import timezone

from fieldwork.models import FollowUpKind, FollowUpStatus, ResultCode


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class KeyedForm(forms.Form):
    """Carries the submission's idempotency key: a double click or a resent form records once."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4())
        super().__init__(*args, **kwargs)


class OpenFollowUpForm(KeyedForm):
    kind = forms.ChoiceField(label="处置方式", choices=FollowUpKind.choices)
    authority = forms.CharField(
        label="移送/抄告机关",
        required=False,
        max_length=100,
        help_text="移送案件线索、抄告其他部门、刑事移送时必填，例如 公安机关出入境管理部门",
    )
    details = forms.CharField(
        label="处置内容", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(
        label="完成期限", required=False, widget=DateInput, help_text="责令改正时为改正期限（必填）"
    )
    opened_on = forms.DateField(label="登记日期", widget=DateInput, initial=timezone.localdate)


class RecheckForm(KeyedForm):
    checked_on = forms.DateField(label="复查日期", widget=DateInput, initial=timezone.localdate)
    rectified = forms.TypedChoiceField(
        label="复查结论",
        choices=[("1", "已改正"), ("0", "未改正")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    outcome = forms.CharField(label="复查情况", widget=forms.Textarea(attrs={"rows": 2}))
    place = forms.CharField(label="复查地点", required=False, max_length=200)


class CompleteFollowUpForm(KeyedForm):
    completed_on = forms.DateField(label="完成日期", widget=DateInput, initial=timezone.localdate)
    outcome = forms.CharField(
        label="处置结果",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="例如 改正完毕；公安机关已受理",
    )


class StepForm(KeyedForm):
    """Close or archive: nothing to fill in but the key."""


class FollowUpFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="处置方式", required=False, choices=[("", "全部"), *FollowUpKind.choices]
    )
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *FollowUpStatus.choices]
    )
    overdue = forms.BooleanField(label="仅显示已逾期", required=False)
    q = forms.CharField(label="检查对象或检查编号", required=False, max_length=100)


class ResultCodeForm(forms.Form):
    parent = forms.ModelChoiceField(
        label="上级代码",
        queryset=ResultCode.objects.none(),
        required=False,
        empty_label="（无，作为一级代码）",
    )
    name = forms.CharField(label="名称", max_length=100)
    code = forms.SlugField(
        label="代码",
        max_length=40,
        required=False,
        help_text="英文小写字母、数字和连字符；留空则自动生成",
    )
    needs_follow_up = forms.BooleanField(label="需后续处置", required=False)

    def __init__(self, *args, parents, parent_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        self.fields["parent"].required = parent_required
        if parent_required:
            self.fields["parent"].empty_label = None


class ResultCodeEditForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    position = forms.IntegerField(label="排序", min_value=0, max_value=32767)
    needs_follow_up = forms.BooleanField(label="需后续处置", required=False)
    exclusive = forms.BooleanField(label="不可与其他结果同选", required=False)

    def __init__(self, *args, shared: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not shared:
            del self.fields["exclusive"]
