"""Forms of the plan and task pages. They parse what a planner types; the services decide what
may be saved (so that every rule answers in the same words on a page and through the API)."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from inspections.directory.models import InspectionItemVersion, RiskClass
from inspections.directory.selectors import published_items
from inspections.planning import rules
from personnel.forms import DateInput

QUARTERS = [(q, name) for q, name in rules.QUARTER_NAMES.items()]


class VersionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: InspectionItemVersion) -> str:
        return f"{obj.item.code} {obj.name}（{obj.item.department.name}，第{obj.number}版）"


def item_field(**kwargs) -> VersionChoiceField:
    return VersionChoiceField(
        label="检查事项",
        queryset=published_items(),
        widget=forms.CheckboxSelectMultiple,
        help_text="只列出已发布的事项版本；同一户检查多项事项（进一次门、查多项事）",
        **kwargs,
    )


class QuotaFieldsMixin:
    """Four risk classes, each with a ratio (in %) or a fixed count, or neither (not sampled)."""

    def add_quota_fields(self) -> None:
        for risk in RiskClass.values:
            self.fields[f"ratio_{risk}"] = forms.DecimalField(
                label=f"{risk}类抽查比例（%）", required=False, decimal_places=2, max_digits=6
            )
            self.fields[f"count_{risk}"] = forms.IntegerField(
                label=f"{risk}类固定数量（户）", required=False, min_value=0
            )

    def quota_rows(self):
        return [
            (str(RiskClass(risk).label), self[f"ratio_{risk}"], self[f"count_{risk}"])
            for risk in RiskClass.values
        ]

    def quotas(self) -> dict[str, rules.Quota]:
        data = self.cleaned_data
        quotas = {}
        for risk in RiskClass.values:
            percent, count = data.get(f"ratio_{risk}"), data.get(f"count_{risk}")
            if percent is None and count is None:
                continue
            ratio = (percent / 100).quantize(Decimal("0.0001")) if percent is not None else None
            quotas[risk] = rules.Quota(ratio=ratio, count=count)
        return quotas

    @staticmethod
    def quota_initial(quotas) -> dict:
        initial = {}
        for risk, quota in quotas.items():
            if quota.ratio is not None:
                initial[f"ratio_{risk}"] = (quota.ratio * 100).normalize()
            else:
                initial[f"count_{risk}"] = quota.count
        return initial


class GenerateForm(forms.Form):
    year = forms.IntegerField(label="计划年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="计划名称", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)


class PlanTitleForm(forms.Form):
    title = forms.CharField(label="计划名称", max_length=200)


class PlanLineForm(QuotaFieldsMixin, forms.Form):
    name = forms.CharField(label="计划名称", max_length=200, required=False)
    start_quarter = forms.TypedChoiceField(label="开始季度", choices=QUARTERS, coerce=int)
    end_quarter = forms.TypedChoiceField(label="结束季度", choices=QUARTERS, coerce=int)
    frequency = forms.CharField(label="频次", max_length=100, required=False)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"] = item_field()
        self.add_quota_fields()

    def line_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "items": list(data["items"]),
            "quotas": self.quotas(),
            "start_quarter": data["start_quarter"],
            "end_quarter": data["end_quarter"],
            "frequency": data["frequency"],
            "note": data["note"],
        }

    @classmethod
    def initial_from(cls, saved) -> dict:
        line = saved.line
        return {
            "name": line.name,
            "items": [v.pk for v in saved.versions],
            "start_quarter": line.start_quarter,
            "end_quarter": line.end_quarter,
            "frequency": line.frequency,
            "note": line.note,
            **cls.quota_initial(saved.view.quotas),
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 2}))


class FilingForm(forms.Form):
    filed_on = forms.DateField(label="备案日期", widget=DateInput())
    authority = forms.CharField(label="备案机关", max_length=100)
    document_number = forms.CharField(label="备案文号", max_length=100, required=False)


class SettingsForm(forms.Form):
    ratio_a = forms.DecimalField(label="A类默认抽查比例（%）", decimal_places=2, max_digits=6)
    ratio_b = forms.DecimalField(label="B类默认抽查比例（%）", decimal_places=2, max_digits=6)
    ratio_c = forms.DecimalField(label="C类默认抽查比例（%）", decimal_places=2, max_digits=6)
    ratio_d = forms.DecimalField(label="D类默认抽查比例（%）", decimal_places=2, max_digits=6)
    team_seats = forms.IntegerField(label="单部门检查每户人数", min_value=1)
    days_per_visit = forms.DecimalField(label="每户检查人日", decimal_places=1, max_digits=4)
    officer_days_per_quarter = forms.DecimalField(
        label="每人每季度可安排检查日数", decimal_places=1, max_digits=5
    )

    RATIOS = ("ratio_a", "ratio_b", "ratio_c", "ratio_d")

    def settings_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for name in self.RATIOS:
            data[name] = (data[name] / 100).quantize(Decimal("0.0001"))
        return data

    @classmethod
    def initial_from(cls, settings) -> dict:
        initial = {
            name: getattr(settings, name)
            for name in ("team_seats", "days_per_visit", "officer_days_per_quarter")
        }
        for name in cls.RATIOS:
            initial[name] = (getattr(settings, name) * 100).normalize()
        return initial
