from decimal import Decimal

from django import forms

from inspections.directory.models import InspectionMethod, ItemCategory, TargetType
from personnel.models import EnforcementField


class ItemVersionForm(forms.Form):
    """What a planner writes for a version; the services decide what may be saved."""

    name = forms.CharField(label="事项名称", max_length=200)
    category = forms.ChoiceField(label="事项类别", choices=ItemCategory.choices)
    legal_basis = forms.CharField(label="检查依据", widget=forms.Textarea(attrs={"rows": 3}))
    target_type = forms.ChoiceField(label="检查对象类型", choices=TargetType.choices)
    checkpoints = forms.CharField(
        label="检查内容（每行一项，按顺序）", widget=forms.Textarea(attrs={"rows": 6})
    )
    methods = forms.MultipleChoiceField(
        label="检查方式", choices=InspectionMethod.choices, widget=forms.CheckboxSelectMultiple
    )
    ratio_cap_percent = forms.DecimalField(
        label="抽查比例上限（%）",
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        decimal_places=2,
        help_text="仅一般检查事项填写，例如 5 表示 5%",
    )
    frequency = forms.CharField(label="抽查频次", max_length=100, initial="每年不少于1次")

    def version_fields(self) -> dict:
        data = self.cleaned_data
        percent = data.get("ratio_cap_percent")
        return {
            "name": data["name"],
            "category": data["category"],
            "legal_basis": data["legal_basis"],
            "target_type": data["target_type"],
            "methods": list(data["methods"]),
            "ratio_cap": (percent / 100).quantize(Decimal("0.0001")) if percent else None,
            "frequency": data["frequency"],
        }

    def checkpoint_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["checkpoints"].splitlines()]

    @classmethod
    def initial_from(cls, version) -> dict:
        return {
            "name": version.name,
            "category": version.category,
            "legal_basis": version.legal_basis,
            "target_type": version.target_type,
            "checkpoints": "\n".join(p.text for p in version.checkpoints.all()),
            "methods": version.methods,
            "ratio_cap_percent": (version.ratio_cap * 100).normalize()
            if version.ratio_cap is not None
            else None,
            "frequency": version.frequency,
        }


class ItemCreateForm(ItemVersionForm):
    code = forms.CharField(label="事项编码", max_length=40, help_text="例如 KJ-2021-001")
    enforcement_field = forms.ModelChoiceField(
        label="执法领域", queryset=EnforcementField.objects.all(), empty_label="请选择"
    )

    field_order = ["code", "enforcement_field"]


class ItemReviseForm(ItemVersionForm):
    change_reason = forms.CharField(label="修订说明", widget=forms.Textarea(attrs={"rows": 2}))


class RetireForm(forms.Form):
    reason = forms.CharField(label="停用原因", widget=forms.Textarea(attrs={"rows": 2}))
