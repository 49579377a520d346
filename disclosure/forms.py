"""Forms of the department's publication pages."""

from django import forms

from disclosure.models import DEFAULT_WORKING_DAYS, DecisionKind
from personnel.forms import DateInput

PUBLIC_REASON_HINT = (
    "原因将与公示一并向社会公开，请勿填写身份证号、电话、住址或当事人以外的自然人姓名"
)


class PublishForm(forms.Form):
    inspections = forms.ModelMultipleChoiceField(
        queryset=None, label="公示的检查结果", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspections"].queryset = queryset
        self.fields["inspections"].error_messages["required"] = "请选择要公示的检查结果"


class CorrectForm(forms.Form):
    reason = forms.CharField(
        label="更正原因", widget=forms.Textarea(attrs={"rows": 3}), help_text=PUBLIC_REASON_HINT
    )


class WithdrawForm(forms.Form):
    revoked_on = forms.DateField(
        label="撤销日期", widget=DateInput(), help_text="原决定被撤销的日期；自该日起计算撤回期限"
    )
    reason = forms.CharField(
        label="撤回原因", widget=forms.Textarea(attrs={"rows": 3}), help_text=PUBLIC_REASON_HINT
    )


class DeadlinesForm(forms.Form):
    """One working-day figure per kind of decision, the law's default shown as the hint."""

    def __init__(self, *args, current: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in DecisionKind:
            self.fields[kind.value] = forms.IntegerField(
                label=f"{kind.label}（工作日）",
                min_value=1,
                max_value=60,
                initial=current[kind.value],
                help_text=f"法定默认 {DEFAULT_WORKING_DAYS[kind.value]} 个工作日",
            )
