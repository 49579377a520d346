"""Forms of the task pages; the services decide what may be saved."""

import re

from django import forms

from backend.organisation.models import Department
from inspections.directory.filters import RegionChoiceField
from inspections.directory.models import FIRM_FLAGS, Firm, FirmStatus, Region
from inspections.planning import rules
from inspections.planning.models import CaseTrigger, InspectionType, ScopeMode
from inspections.planning.plan_forms import QuotaFieldsMixin, item_field
from personnel.forms import DateInput

_SEPARATORS = re.compile(r"[、,，;；\s]+")


def split_labels(text: str) -> list[str]:
    return [part for part in _SEPARATORS.split(text or "") if part]


class TaskForm(QuotaFieldsMixin, forms.Form):
    code = forms.CharField(
        label="任务编号", max_length=30, required=False, help_text="不填则自动编号，如 T-2021-001"
    )
    name = forms.CharField(label="任务名称", max_length=200)
    scope_mode = forms.ChoiceField(
        label="抽查方式",
        choices=ScopeMode.choices,
        widget=forms.RadioSelect,
        initial=ScopeMode.UNTARGETED,
        help_text="不定向：事项适用的全部检查对象；定向：再按下列条件筛选",
    )
    region = RegionChoiceField(
        label="行政区划", queryset=Region.objects.all(), required=False, empty_label="不限"
    )
    industry_prefix = forms.CharField(label="行业代码（前缀）", max_length=5, required=False)
    tags = forms.CharField(label="标签", required=False, help_text="多个标签用顿号分隔，须同时具备")
    flags = forms.MultipleChoiceField(
        label="标记", choices=FIRM_FLAGS, required=False, widget=forms.CheckboxSelectMultiple
    )
    statuses = forms.MultipleChoiceField(
        label="登记状态",
        choices=FirmStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选则不限；非存续的对象列入范围但不参与抽取",
    )
    window_start = forms.DateField(label="检查开始日期", widget=DateInput())
    window_end = forms.DateField(label="检查结束日期", widget=DateInput())
    lead_seats = forms.IntegerField(label="本部门每组人数", min_value=0, initial=2)
    officer_cap = forms.IntegerField(label="每名人员最多检查户数", min_value=0, initial=5)
    exclusion_months = forms.IntegerField(
        label="排除近期已检查月数", min_value=0, max_value=60, initial=12
    )
    cross_assignment = forms.BooleanField(label="所所交叉（不检查本人管辖片区）", required=False)
    witnesses = forms.CharField(
        label="抽取见证人",
        required=False,
        initial="纪检监督员、企业代表",
        help_text="按顺序，用顿号分隔",
    )

    # The type and its basis (opening only: a task keeps its type).
    inspection_type = forms.ChoiceField(
        label="检查类型",
        choices=InspectionType.choices,
        widget=forms.RadioSelect,
        initial=InspectionType.ROUTINE,
        required=False,
        help_text="日常检查：按年度计划随机抽取；专项检查：经批准的专项行动；个案检查：因投诉举报、"
        "转办交办、线索或申请对指定对象检查",
    )
    campaign_authority = forms.CharField(label="批准机关", max_length=100, required=False)
    campaign_document = forms.CharField(label="批准文件文号", max_length=100, required=False)
    campaign_approved_on = forms.DateField(label="批准日期", required=False, widget=DateInput())
    campaign_published_on = forms.DateField(
        label="备案公布日期", required=False, widget=DateInput()
    )
    case_trigger = forms.ChoiceField(
        label="检查启动事由",
        choices=[("", "请选择"), *CaseTrigger.choices],
        required=False,
    )
    case_reference = forms.CharField(label="事由编号", max_length=100, required=False)
    case_firm_uscc = forms.CharField(
        label="检查对象（统一社会信用代码）", max_length=18, required=False
    )
    case_officers = forms.CharField(
        label="指定执法人员（执法证号）",
        required=False,
        help_text="至少两名，用顿号分隔；个案检查不抽取检查人员",
    )

    def __init__(self, *args, lead: Department, invite: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"] = item_field()
        self.add_quota_fields()
        self.invite_fields = []
        if invite:
            for department in Department.objects.exclude(pk=lead.pk).order_by("code"):
                name = f"seats_{department.code}"
                self.fields[name] = forms.IntegerField(
                    label=f"{department.name}每组人数", min_value=0, required=False
                )
                self.invite_fields.append((department, name))

    def invite_rows(self):
        return [self[name] for _department, name in self.invite_fields]

    def scope_fields(self) -> dict:
        data = self.cleaned_data
        region = data.get("region")
        return {
            "name": data["name"],
            "scope_mode": data["scope_mode"],
            "region_code": region.code if region else "",
            "industry_prefix": data["industry_prefix"],
            "tags": split_labels(data["tags"]),
            "flags": list(data["flags"]),
            "statuses": list(data["statuses"]),
            "window_start": data["window_start"],
            "window_end": data["window_end"],
            "officer_cap": data["officer_cap"],
            "exclusion_months": data["exclusion_months"],
            "cross_assignment": data["cross_assignment"],
            "witnesses": split_labels(data["witnesses"]),
        }

    def clean_case_firm_uscc(self):
        uscc = (self.cleaned_data.get("case_firm_uscc") or "").strip().upper()
        if uscc and not Firm.objects.filter(uscc=uscc).exists():
            raise forms.ValidationError(f"检查对象名录中没有统一社会信用代码为{uscc}的对象")
        return uscc

    def basis_fields(self) -> dict:
        """The type and its basis as `open_task` takes them."""
        data = self.cleaned_data
        uscc = data.get("case_firm_uscc")
        return {
            "inspection_type": data.get("inspection_type") or InspectionType.ROUTINE,
            "campaign": {
                "authority": data.get("campaign_authority", ""),
                "document": data.get("campaign_document", ""),
                "approved_on": data.get("campaign_approved_on"),
                "published_on": data.get("campaign_published_on"),
            },
            "case": {
                "trigger": data.get("case_trigger", ""),
                "reference": data.get("case_reference", ""),
                "firm": Firm.objects.filter(uscc=uscc).first() if uscc else None,
                "officers": split_labels(data.get("case_officers", "")),
            },
        }

    def seats(self, lead: Department) -> dict[Department, int]:
        seats = {lead: self.cleaned_data["lead_seats"]}
        for department, name in self.invite_fields:
            if self.cleaned_data.get(name):
                seats[department] = self.cleaned_data[name]
        return seats

    @classmethod
    def initial_from_line(cls, saved, year: int) -> dict:
        start, end = rules.quarter_window(year, saved.line.start_quarter, saved.line.end_quarter)
        team = saved.view.team
        lead = saved.view.departments[0]
        return {
            "name": saved.line.name,
            "items": [v.pk for v in saved.versions],
            "window_start": start,
            "window_end": end,
            "lead_seats": team.get(lead, 2),
            **{f"seats_{code}": n for code, n in team.items() if code != lead},
            **cls.quota_initial(saved.view.quotas),
        }

    @classmethod
    def initial_from_task(cls, task) -> dict:
        lead = task.participations.get(is_lead=True)
        quotas = {
            q.risk_class: rules.Quota(ratio=q.ratio, count=q.count) for q in task.quotas.all()
        }
        return {
            "code": task.code,
            "name": task.name,
            "items": [v.pk for v in task.items.all()],
            "scope_mode": task.scope_mode,
            "region": Region.objects.filter(code=task.region_code).first(),
            "industry_prefix": task.industry_prefix,
            "tags": "、".join(task.tags),
            "flags": task.flags,
            "statuses": task.statuses,
            "window_start": task.window_start,
            "window_end": task.window_end,
            "lead_seats": lead.seats,
            "officer_cap": task.officer_cap,
            "exclusion_months": task.exclusion_months,
            "cross_assignment": task.cross_assignment,
            "witnesses": "、".join(task.witnesses),
            **cls.quota_initial(quotas),
        }


class InviteForm(forms.Form):
    department = forms.ModelChoiceField(
        label="邀请部门", queryset=Department.objects.order_by("code"), empty_label="请选择"
    )
    seats = forms.IntegerField(label="每组人数", min_value=0, initial=1)


class ConfirmForm(forms.Form):
    seats = forms.IntegerField(label="本部门每组人数", min_value=0)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="撤回原因",
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "例如：该部门本年度无法派员"}),
    )


class StepForm(forms.Form):
    reason = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
