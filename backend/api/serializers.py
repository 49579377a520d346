from rest_framework import serializers

from backend.accounts.models import User
from backend.audit.models import AuditEvent
from backend.organisation.models import Department


class DepartmentSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Department
        fields = ["id", "code", "name", "region_code", "parent"]


class MeSerializer(serializers.ModelSerializer):
    department = DepartmentSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "role", "role_label", "department"]


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id", "created_at", "actor_username", "role", "department_code", "ip", "action",
            "object_type", "object_id", "outcome", "request_id", "detail", "prev_hash", "hash",
        ]  # fmt: skip
