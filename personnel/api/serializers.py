"""Shapes of the personnel API. Serializers parse and present; the services validate.

Officer ID numbers and phones are presented through the selectors' masking rule only.
"""

from datetime import date

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from personnel.models import (
    Certificate,
    CertificateEvent,
    CertificateKind,
    EnforcementField,
    Officer,
)
from personnel.selectors import shown_citizen_id, shown_phone


class OfficerSerializer(serializers.ModelSerializer):
    citizen_id = serializers.SerializerMethodField(
        help_text="本部门管理员可见完整号码，其他人为脱敏号码"
    )
    phone = serializers.SerializerMethodField(
        help_text="本部门管理员可见完整号码，其他人为脱敏号码"
    )
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    gender_label = serializers.CharField(source="get_gender_display", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    expertise = serializers.ListField(
        source="expertise_tags", child=serializers.CharField(), read_only=True
    )
    username = serializers.CharField(source="user.username", read_only=True, default=None)

    class Meta:
        model = Officer
        fields = [
            "id", "name", "gender", "gender_label", "citizen_id", "phone", "department",
            "position", "category", "category_label", "expertise", "jurisdiction_area",
            "status", "status_label", "username",
        ]  # fmt: skip

    def _viewer(self):
        return self.context["request"].user

    @extend_schema_field(serializers.CharField())
    def get_citizen_id(self, officer) -> str:
        return shown_citizen_id(self._viewer(), officer)

    @extend_schema_field(serializers.CharField())
    def get_phone(self, officer) -> str:
        return shown_phone(self._viewer(), officer)


class CertificateEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)

    class Meta:
        model = CertificateEvent
        fields = [
            "action", "reason", "valid_from", "valid_to", "status_before", "status_after",
            "actor", "at",
        ]  # fmt: skip


class CertificateSerializer(serializers.ModelSerializer):
    officer_name = serializers.CharField(source="officer.name", read_only=True)
    department = serializers.CharField(source="officer.department.code", read_only=True)
    enforcement_fields = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    status_today = serializers.SerializerMethodField(
        help_text="今天的状态：过期与未生效由有效期推算"
    )
    events = CertificateEventSerializer(many=True, read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id", "number", "officer", "officer_name", "department", "kind",
            "issuing_authority", "enforcement_fields", "valid_from", "valid_to", "status",
            "status_today", "events",
        ]  # fmt: skip

    def get_status_today(self, certificate) -> str:
        return certificate.status_on(date.today())


class CertificateIssueSerializer(serializers.Serializer):
    officer = serializers.PrimaryKeyRelatedField(queryset=Officer.objects.none())
    number = serializers.CharField(max_length=40)
    kind = serializers.ChoiceField(choices=CertificateKind.choices)
    issuing_authority = serializers.CharField(max_length=100)
    enforcement_fields = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=EnforcementField.objects.all()
    )
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    reason = serializers.CharField()

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if officers is not None:
            self.fields["officer"].queryset = officers


class CertificateRenewSerializer(serializers.Serializer):
    valid_to = serializers.DateField()
    reason = serializers.CharField()


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class CitizenIdLookupSerializer(serializers.Serializer):
    citizen_id = serializers.CharField(max_length=30)


class PoolCountsSerializer(serializers.Serializer):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    civil_servant = serializers.IntegerField(help_text="行政执法类公务员库")
    certified = serializers.IntegerField(help_text="具备行政执法资格人员库")
    routine = serializers.IntegerField(help_text="从事日常监管工作的人员")
    on_roster = serializers.IntegerField(help_text="在册（在岗、离岗）人员")


class EligibilityQuerySerializer(serializers.Serializer):
    officer = serializers.PrimaryKeyRelatedField(queryset=Officer.objects.none())
    firm_uscc = serializers.CharField(max_length=30)
    firm_region_code = serializers.CharField(max_length=6, required=False, default="")
    enforcement_field = serializers.SlugRelatedField(
        slug_field="code", queryset=EnforcementField.objects.all()
    )
    start = serializers.DateField()
    end = serializers.DateField()
    cross_assignment = serializers.BooleanField(required=False, default=False)
    require_training = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="留空按部门设置"
    )

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if officers is not None:
            self.fields["officer"].queryset = officers

    def validate(self, data):
        if data["end"] < data["start"]:
            raise serializers.ValidationError({"end": "结束日期不能早于开始日期"})
        return data


class ReasonResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class EligibilityResultSerializer(serializers.Serializer):
    officer = serializers.IntegerField()
    eligible = serializers.BooleanField()
    reasons = ReasonResultSerializer(many=True)
    certificate = serializers.CharField(allow_null=True, help_text="据以检查的执法证编号")
