"""Forms of the personnel pages. They parse input; the services validate the business rules."""

from datetime import date

from django import forms
from django.forms.models import fields_for_model, model_to_dict

from backend.accounts.models import User
from backend.codes import CodeError, check_region_code, check_uscc
from backend.organisation.models import EntrustedOrganisation, InspectionBody
from personnel.models import (
    CertificateKind,
    ConflictRelation,
    ConflictSource,
    EnforcementField,
    Expert,
    Gender,
    Officer,
    RecusalDecision,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ModelFieldsForm(forms.Form):
    """A plain form with a model's field definitions (labels, choices, format validators).

    Not a ModelForm: that would run the model's constraints before the service, with Django's
    generic messages; here the service validates and explains.
    """

    model: type
    field_names: tuple[str, ...] = ()
    widgets: dict = {}

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", model_to_dict(instance, fields=self.field_names))
        super().__init__(*args, **kwargs)
        generated = fields_for_model(self.model, fields=self.field_names, widgets=self.widgets)
        declared = dict(self.fields)
        self.fields = {name: declared.get(name) or generated[name] for name in self.field_names}


class OfficerForm(ModelFieldsForm):
    model = Officer
    field_names = (
        "name",
        "citizen_id",
        "gender",
        "phone",
        "position",
        "category",
        "expertise",
        "jurisdiction_area",
        "status",
        "user",
        "entrusted_organisation",
    )
    widgets = {"citizen_id": forms.TextInput(attrs={"autocomplete": "off"})}
    gender = forms.ChoiceField(
        label="性别",
        choices=[("", "按公民身份号码自动判断"), *Gender.choices],
        required=False,
    )

    def __init__(self, *args, department, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        # Link only an account of the same department that no other officer holds.
        others = Officer.objects.exclude(user=None)
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        self.fields["user"].queryset = User.objects.filter(department=department).exclude(
            pk__in=others.values("user")
        )
        self.fields["user"].required = False
        # Only the department's own 受委托组织; the service and the model check it again.
        organisation = self.fields["entrusted_organisation"]
        organisation.queryset = EntrustedOrganisation.objects.filter(
            department=department
        ).order_by("name", "pk")
        organisation.required = False
        organisation.empty_label = "（不属于受委托组织）"


class CertificateIssueForm(forms.Form):
    number = forms.CharField(label="证件编号", max_length=40)
    kind = forms.ChoiceField(label="证件类型", choices=CertificateKind.choices)
    issuing_authority = forms.CharField(label="发证机关", max_length=100)
    enforcement_fields = forms.ModelMultipleChoiceField(
        label="执法领域",
        queryset=EnforcementField.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    valid_from = forms.DateField(label="有效期自", widget=DateInput)
    valid_to = forms.DateField(label="有效期至", widget=DateInput)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class CertificateRenewForm(forms.Form):
    valid_to = forms.DateField(label="延续至", widget=DateInput)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class CertificateReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}))


class ExamForm(forms.Form):
    exam_date = forms.DateField(label="考试日期", widget=DateInput)
    subjects = forms.CharField(
        label="考试科目", max_length=200, initial="通用法律知识、专门法律知识"
    )
    score = forms.DecimalField(label="成绩", max_digits=5, decimal_places=1)
    passed = forms.BooleanField(label="考试通过", required=False)


class TrainingForm(forms.Form):
    training_date = forms.DateField(label="培训日期", widget=DateInput)
    hours = forms.DecimalField(label="学时", max_digits=5, decimal_places=1)
    topic = forms.CharField(label="培训内容", max_length=200)
    organiser = forms.CharField(label="主办单位", max_length=100, required=False)


class ConflictForm(forms.Form):
    firm_uscc = forms.CharField(label="统一社会信用代码", max_length=30)
    firm_name = forms.CharField(label="单位名称", max_length=200, required=False)
    relation = forms.ChoiceField(label="利害关系", choices=ConflictRelation.choices)
    source = forms.ChoiceField(
        label="来源",
        choices=[c for c in ConflictSource.choices if c[0] != ConflictSource.PARTY_REQUEST],
    )
    valid_from = forms.DateField(label="有效期自", widget=DateInput, initial=date.today)
    valid_to = forms.DateField(label="有效期至（留空表示长期）", widget=DateInput, required=False)
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RecusalRequestForm(forms.Form):
    """A party's request, and the department head's decision if it is already taken."""

    firm_uscc = forms.CharField(label="申请单位统一社会信用代码", max_length=30)
    firm_name = forms.CharField(label="申请单位名称", max_length=200)
    requested_on = forms.DateField(label="申请日期", widget=DateInput, initial=date.today)
    grounds = forms.CharField(label="申请理由", widget=forms.Textarea(attrs={"rows": 2}))
    decision = forms.ChoiceField(
        label="部门负责人的决定", choices=RecusalDecision.choices, initial=RecusalDecision.PENDING
    )
    decided_by = forms.CharField(label="决定人（部门负责人）", max_length=50, required=False)
    decided_on = forms.DateField(label="决定日期", widget=DateInput, required=False)
    decision_reason = forms.CharField(
        label="决定理由", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    relation = forms.ChoiceField(
        label="利害关系（同意回避时）",
        choices=ConflictRelation.choices,
        initial=ConflictRelation.OTHER,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") and data["decision"] != RecusalDecision.PENDING:
            for name in ("decided_by", "decided_on", "decision_reason"):
                if not data.get(name):
                    self.add_error(name, "作出决定时必须填写")
        return data


class RecusalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="决定",
        choices=[c for c in RecusalDecision.choices if c[0] != RecusalDecision.PENDING],
    )
    decided_by = forms.CharField(label="决定人（部门负责人）", max_length=50)
    decided_on = forms.DateField(label="决定日期", widget=DateInput, initial=date.today)
    decision_reason = forms.CharField(label="决定理由", widget=forms.Textarea(attrs={"rows": 2}))
    relation = forms.ChoiceField(
        label="利害关系（同意回避时）",
        choices=ConflictRelation.choices,
        initial=ConflictRelation.OTHER,
    )


class ExpertForm(ModelFieldsForm):
    model = Expert
    field_names = ("name", "field", "organisation", "title")


class TrainingPolicyForm(forms.Form):
    min_hours = forms.DecimalField(
        label="年度培训最低学时", max_digits=5, decimal_places=1, min_value=0
    )
    required = forms.BooleanField(label="培训学时不足的人员不参加随机抽取", required=False)


class FindByCitizenIdForm(forms.Form):
    citizen_id = forms.CharField(
        label="公民身份号码",
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class OnDateForm(forms.Form):
    on = forms.DateField(label="日期", widget=DateInput, required=False)

    def day(self) -> date:
        if self.is_valid() and self.cleaned_data.get("on"):
            return self.cleaned_data["on"]
        return date.today()


TRAINING_CHOICES = [("", "按部门设置"), ("yes", "要求"), ("no", "不要求")]


class EligibilityForm(forms.Form):
    officer = forms.ModelChoiceField(label="执法人员", queryset=Officer.objects.none())
    firm_uscc = forms.CharField(label="检查对象统一社会信用代码", max_length=30)
    firm_region_code = forms.CharField(
        label="检查对象所在行政区划代码", max_length=6, required=False
    )
    enforcement_field = forms.ModelChoiceField(
        label="事项的执法领域", queryset=EnforcementField.objects.all()
    )
    start = forms.DateField(label="检查开始日期", widget=DateInput)
    end = forms.DateField(label="检查结束日期", widget=DateInput)
    cross_assignment = forms.BooleanField(label="交叉检查（不查本人管辖片区）", required=False)
    require_training = forms.ChoiceField(
        label="培训学时要求", choices=TRAINING_CHOICES, required=False
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "结束日期不能早于开始日期")
        if data.get("firm_uscc"):
            try:
                data["firm_uscc"] = check_uscc(data["firm_uscc"])
            except CodeError as error:
                self.add_error("firm_uscc", error.message)
        if data.get("firm_region_code"):
            try:
                data["firm_region_code"] = check_region_code(data["firm_region_code"])
            except CodeError as error:
                self.add_error("firm_region_code", error.message)
        return data

    def require_training_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("require_training") or "")


class InspectionBodyForm(ModelFieldsForm):
    """执法主体登记: legal status, basis and the confirmation announced."""

    model = InspectionBody
    field_names = ("legal_status", "legal_basis", "confirmed_on", "announcement_number")
    widgets = {"confirmed_on": DateInput, "legal_basis": forms.Textarea(attrs={"rows": 3})}


class EntrustedOrganisationForm(ModelFieldsForm):
    model = EntrustedOrganisation
    field_names = (
        "name",
        "uscc",
        "entrustment_number",
        "scope",
        "valid_from",
        "enforcement_fields",
        "valid_from",
        "valid_until",
        "published",
    )
    widgets = {
        "valid_from": DateInput,
        "valid_until": DateInput,
        "scope": forms.Textarea(attrs={"rows": 3}),
    }
    # The structured scope: what the draws and the named officers are checked against. The
    # free-text 委托范围 above stays the 委托书's words, which the portal publishes.
    enforcement_fields = forms.ModelMultipleChoiceField(
        label="委托范围涵盖的执法领域",
        queryset=EnforcementField.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text="受委托组织的人员只能就所选执法领域的检查事项参加检查",
    )

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None and not self.is_bound:
            self.initial["enforcement_fields"] = list(instance.enforcement_fields.all())
