from django import forms
from django.conf import settings

from backend.organisation.models import Department
from supervision.models import OpinionState, WarningKind
from supervision.services import MAX_WORKING_DAYS


class WarningFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="预警类型", required=False, choices=[("", "全部"), *WarningKind.choices]
    )
    department = forms.ModelChoiceField(
        label="部门",
        required=False,
        queryset=Department.objects.order_by("code"),
        empty_label="全部部门",
    )
    q = forms.CharField(label="检查对象", required=False, max_length=100)
    since = forms.DateField(label="检查开始日期自", required=False)
    until = forms.DateField(label="至", required=False)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError("开始日期不能晚于结束日期", code="range_order")
        return data


class OpinionFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="答复情况", required=False, choices=[("", "全部"), *OpinionState.choices]
    )
    q = forms.CharField(label="搜索", required=False, max_length=100)


class OpinionForm(forms.Form):
    department = forms.ModelChoiceField(
        label="被监督部门", queryset=Department.objects.order_by("code"), empty_label="请选择"
    )
    text = forms.CharField(label="监督意见", widget=forms.Textarea(attrs={"rows": 5}))
    working_days = forms.IntegerField(
        label="答复期限（工作日）",
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        initial=settings.SUPERVISION_OPINION_WORKING_DAYS,
    )
    inspection = forms.IntegerField(required=False, widget=forms.HiddenInput)
    task = forms.IntegerField(required=False, widget=forms.HiddenInput)
    warning_kind = forms.ChoiceField(
        required=False, choices=[("", ""), *WarningKind.choices], widget=forms.HiddenInput
    )
    warning_text = forms.CharField(required=False, widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    text = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 5}))
