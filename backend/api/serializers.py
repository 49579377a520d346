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
    role_label = serializers.CharField(read_only=True, label="角色名称")
    action_label = serializers.CharField(read_only=True, label="操作名称")

    class Meta:
        model = AuditEvent
        fields = [
            "id", "created_at", "actor_username", "role", "role_label", "department_code", "ip",
            "action", "action_label", "object_type", "object_id", "outcome", "request_id",
            "detail", "prev_hash", "hash",
        ]  # fmt: skip


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label="用户名", max_length=150)
    password = serializers.CharField(
        label="密码", style={"input_type": "password"}, trim_whitespace=False
    )
    otp_code = serializers.CharField(
        label="第二步验证码",
        required=False,
        allow_blank=True,
        max_length=20,
        help_text=(
            "账号绑定了双因素认证（管理员角色必须绑定）时必填：验证器上的 6 位验证码，或一个恢复码"
        ),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(label="令牌", help_text="只在此次应答中出现，平台只保存其摘要")
    expiry = serializers.DateTimeField(label="过期时间")
    username = serializers.CharField(label="用户名")
