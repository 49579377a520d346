"""Serializers of the plans and tasks API. Input serializers check shapes only: the services
check the rules, so that the API and the pages refuse the same things in the same words."""

from rest_framework import serializers

from backend.organisation.models import Department
from inspections.directory.models import Firm, InspectionItemVersion, RiskClass
from inspections.planning import rules
from inspections.planning.models import (
    AnnualPlan,
    PlanFiling,
    PlanLine,
    PlanLineQuota,
    SamplingTask,
    ScopeMode,
    TaskDepartment,
    TaskQuota,
    TaskTransition,
)

# --- output --------------------------------------------------------------------------------------


class VersionRefSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="item.code")
    department = serializers.CharField(source="item.department.code")
    version = serializers.IntegerField(source="number")

    class Meta:
        model = InspectionItemVersion
        fields = ["id", "code", "version", "name", "department", "status"]


class PlanLineQuotaSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanLineQuota
        fields = ["risk_class", "ratio", "count", "population", "planned"]


class PlanLineSerializer(serializers.ModelSerializer):
    items = VersionRefSerializer(many=True, read_only=True)
    quotas = PlanLineQuotaSerializer(many=True, read_only=True)
    planned = serializers.SerializerMethodField()

    class Meta:
        model = PlanLine
        fields = [
            "id", "position", "name", "items", "quotas", "planned", "start_quarter",
            "end_quarter", "frequency", "note",
        ]  # fmt: skip

    def get_planned(self, line) -> int:
        return sum(q.planned for q in line.quotas.all())


class PlanFilingSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanFiling
        fields = ["filed_on", "authority", "document_number", "recorded_at"]


class PlanSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    filing = serializers.SerializerMethodField()
    lines = PlanLineSerializer(many=True, read_only=True)

    class Meta:
        model = AnnualPlan
        fields = [
            "id", "department", "year", "version", "title", "status", "status_label",
            "previous", "revision_reason", "return_reason", "created_at", "submitted_at",
            "approved_at", "published_at", "filing", "lines",
        ]  # fmt: skip

    def get_filing(self, plan) -> dict | None:
        filing = getattr(plan, "filing", None)
        return PlanFilingSerializer(filing).data if filing else None


class StaffingWarningSerializer(serializers.Serializer):
    department = serializers.CharField()
    quarter = serializers.IntegerField()
    position = serializers.IntegerField(allow_null=True)
    message = serializers.CharField()


class TaskDepartmentSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="department.code")
    name = serializers.CharField(source="department.name")

    class Meta:
        model = TaskDepartment
        fields = ["code", "name", "is_lead", "seats", "status", "confirmed_at"]


class TaskQuotaSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskQuota
        fields = ["risk_class", "ratio", "count"]


class TaskTransitionSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = TaskTransition
        fields = ["from_status", "to_status", "actor", "reason", "created_at"]


class TaskSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    items = VersionRefSerializer(many=True, read_only=True)
    departments = TaskDepartmentSerializer(source="participations", many=True, read_only=True)
    quotas = TaskQuotaSerializer(many=True, read_only=True)
    transitions = TaskTransitionSerializer(many=True, read_only=True)
    basis = serializers.DictField(read_only=True)

    class Meta:
        model = SamplingTask
        fields = [
            "id", "code", "name", "plan", "plan_line", "department", "status", "status_label",
            "items", "departments", "quotas", "scope_mode", "region_code", "industry_prefix",
            "tags", "flags", "statuses", "exclusion_months", "officer_cap", "cross_assignment",
            "window_start", "window_end", "witnesses", "transitions", "created_at",
            "inspection_type", "basis",
        ]  # fmt: skip


class StratumCountSerializer(serializers.Serializer):
    risk_class = serializers.CharField()
    eligible = serializers.IntegerField()
    excluded = serializers.DictField(child=serializers.IntegerField())
    quota = serializers.CharField(source="quota.label", default="")
    planned = serializers.IntegerField()


class ScopeCountsSerializer(serializers.Serializer):
    eligible = serializers.IntegerField()
    excluded = serializers.IntegerField()
    planned = serializers.IntegerField()
    strata = StratumCountSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())


class InvitationSerializer(serializers.ModelSerializer):
    task = serializers.IntegerField(source="task_id")
    code = serializers.CharField(source="task.code")
    name = serializers.CharField(source="task.name")
    lead = serializers.CharField(source="task.department.code")
    window_start = serializers.DateField(source="task.window_start")
    window_end = serializers.DateField(source="task.window_end")

    class Meta:
        model = TaskDepartment
        fields = ["task", "code", "name", "lead", "seats", "window_start", "window_end"]


# --- input ---------------------------------------------------------------------------------------


class QuotaInputSerializer(serializers.Serializer):
    risk_class = serializers.ChoiceField(RiskClass.choices)
    ratio = serializers.DecimalField(
        max_digits=6, decimal_places=4, required=False, allow_null=True, help_text="0 到 1"
    )
    count = serializers.IntegerField(required=False, allow_null=True)


def quotas_from(rows) -> dict[str, rules.Quota]:
    return {
        row["risk_class"]: rules.Quota(ratio=row.get("ratio"), count=row.get("count"))
        for row in rows
    }


def _versions():
    return InspectionItemVersion.objects.select_related(
        "item__department", "item__enforcement_field"
    )


class GenerateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)


class PlanTitleSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)


class LineInputSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    # A new line names its items (add_plan_line requires them); an edit may leave them be.
    items = serializers.PrimaryKeyRelatedField(
        queryset=_versions(), many=True, help_text="事项版本 id"
    )
    quotas = QuotaInputSerializer(many=True, required=False)
    start_quarter = serializers.IntegerField(required=False)
    end_quarter = serializers.IntegerField(required=False)
    frequency = serializers.CharField(required=False, allow_blank=True, max_length=100)
    note = serializers.CharField(required=False, allow_blank=True)

    def service_fields(self) -> dict:
        data = dict(self.validated_data)
        data.pop("line", None)
        if "quotas" in data:
            data["quotas"] = quotas_from(data["quotas"])
        return data


class LineEditSerializer(LineInputSerializer):
    line = serializers.IntegerField(help_text="计划任务 id")
    items = serializers.PrimaryKeyRelatedField(
        queryset=_versions(), many=True, required=False, help_text="事项版本 id"
    )


class LineRefSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="计划任务 id")


class StepReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class OptionalStepReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class FilingInputSerializer(serializers.Serializer):
    filed_on = serializers.DateField()
    authority = serializers.CharField(max_length=100)
    document_number = serializers.CharField(required=False, allow_blank=True, max_length=100)


class TaskFieldsSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    items = serializers.PrimaryKeyRelatedField(queryset=_versions(), many=True)
    quotas = QuotaInputSerializer(many=True)
    scope_mode = serializers.ChoiceField(ScopeMode.choices, default=ScopeMode.UNTARGETED)
    region_code = serializers.CharField(required=False, allow_blank=True, max_length=6)
    industry_prefix = serializers.CharField(required=False, allow_blank=True, max_length=5)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    flags = serializers.ListField(child=serializers.CharField(), required=False)
    statuses = serializers.ListField(child=serializers.CharField(), required=False)
    exclusion_months = serializers.IntegerField(required=False)
    officer_cap = serializers.IntegerField(required=False)
    cross_assignment = serializers.BooleanField(required=False)
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    witnesses = serializers.ListField(child=serializers.CharField(), required=False)


class CampaignInputSerializer(serializers.Serializer):
    """专项检查's approval; whether it is complete is the service's to say."""

    authority = serializers.CharField(required=False, allow_blank=True, max_length=100)
    document = serializers.CharField(required=False, allow_blank=True, max_length=100)
    approved_on = serializers.DateField(required=False, allow_null=True)
    published_on = serializers.DateField(required=False, allow_null=True)


class CaseInputSerializer(serializers.Serializer):
    """个案检查's trigger, named firm (by USCC) and officers (certificate numbers)."""

    trigger = serializers.CharField(required=False, allow_blank=True, max_length=20)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
    firm = serializers.SlugRelatedField(
        slug_field="uscc", queryset=Firm.objects.all(), required=False, allow_null=True
    )
    officers = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list
    )


class TaskOpenSerializer(TaskFieldsSerializer):
    inspection_type = serializers.CharField(
        required=False,
        max_length=20,
        help_text="routine 日常检查 / campaign 专项检查 / case 个案检查",
    )
    campaign = CampaignInputSerializer(required=False)
    case = CaseInputSerializer(required=False)
    plan = serializers.PrimaryKeyRelatedField(queryset=AnnualPlan.objects.all())
    plan_line = serializers.PrimaryKeyRelatedField(
        queryset=PlanLine.objects.all(), required=False, allow_null=True
    )
    code = serializers.CharField(required=False, allow_blank=True, max_length=30)
    seats = serializers.DictField(
        child=serializers.IntegerField(), help_text="部门代码 → 每组人数，含发起部门"
    )

    def validate_seats(self, value):
        departments = {d.code: d for d in Department.objects.filter(code__in=value)}
        unknown = sorted(set(value) - set(departments))
        if unknown:
            raise serializers.ValidationError(f"未知的部门代码：{'、'.join(unknown)}")
        return {departments[code]: seats for code, seats in value.items()}


class TaskEditSerializer(TaskFieldsSerializer):
    """Any of the task's fields; those left out stay as they are.

    Not `partial=True`, which DRF passes down to the nested quota rows: a row without its
    risk_class then passed validation and failed in the service (KeyError, a 500).
    """

    lead_seats = serializers.IntegerField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            # A field left out is not changed, not reset to its default.
            field.default = serializers.empty


class InviteSerializer(serializers.Serializer):
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    seats = serializers.IntegerField()


class ConfirmSerializer(serializers.Serializer):
    seats = serializers.IntegerField(required=False)
