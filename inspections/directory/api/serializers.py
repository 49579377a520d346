from rest_framework import serializers

from inspections.directory.classifications import region_full_name
from inspections.directory.models import (
    CheckPoint,
    Firm,
    FirmTag,
    InspectionItem,
    InspectionItemVersion,
    InspectionMethod,
    ItemCategory,
    ItemScopeRule,
    TargetType,
)
from personnel.models import EnforcementField

# --- firms ---------------------------------------------------------------------------------------


class FirmTagSerializer(serializers.ModelSerializer):
    class Meta:
        model = FirmTag
        fields = ["name", "detail", "label"]


class FirmSerializer(serializers.ModelSerializer):
    """A firm as staff see it. Not for the public: the risk class and flags are internal."""

    target_type_label = serializers.CharField(source="get_target_type_display", read_only=True)
    region_name = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    tags = FirmTagSerializer(many=True, read_only=True)

    class Meta:
        model = Firm
        fields = [
            "id", "uscc", "name", "target_type", "target_type_label", "region_code",
            "region_name", "industry_code", "address", "legal_representative", "registered_on",
            "status", "status_label", "risk_class", "abnormal_operation", "serious_violation",
            "complaints", "tags", "updated_at",
        ]  # fmt: skip

    def get_region_name(self, firm) -> str:
        return region_full_name(firm.region_code)


class RiskCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField())


# --- items ---------------------------------------------------------------------------------------


class CheckPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckPoint
        fields = ["position", "text"]


class ScopeRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ItemScopeRule
        fields = ["target_type", "region_code", "industry_prefix", "tag"]


class ItemVersionSerializer(serializers.ModelSerializer):
    checkpoints = CheckPointSerializer(many=True, read_only=True)
    scope_rules = ScopeRuleSerializer(many=True, read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = InspectionItemVersion
        fields = [
            "number", "status", "status_label", "name", "category", "category_label",
            "legal_basis", "target_type", "methods", "ratio_cap", "frequency", "change_reason",
            "checkpoints", "scope_rules", "created_at", "published_at", "retired_at",
        ]  # fmt: skip


class ItemSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    enforcement_field = serializers.SlugRelatedField(slug_field="code", read_only=True)
    current_version = serializers.SerializerMethodField()
    versions = ItemVersionSerializer(many=True, read_only=True)

    class Meta:
        model = InspectionItem
        fields = ["id", "code", "department", "enforcement_field", "current_version", "versions"]

    def get_current_version(self, item) -> int | None:
        return next((v.number for v in item.versions.all() if v.is_published), None)


class PublicItemSerializer(serializers.ModelSerializer):
    """What the public portal may publish of an item (事前公开): a published version only.

    Never the scope rules or explicit firm lists (who may be targeted is not announced), nor
    who wrote or published the version.
    """

    code = serializers.CharField(source="item.code")
    department = serializers.CharField(source="item.department.name")
    enforcement_field = serializers.CharField(source="item.enforcement_field.name")
    version = serializers.IntegerField(source="number")
    category = serializers.CharField(source="get_category_display")
    target_type = serializers.CharField(source="get_target_type_display")
    methods = serializers.ListField(source="method_labels", child=serializers.CharField())
    ratio_cap = serializers.CharField(source="ratio_cap_percent")
    checkpoints = serializers.SerializerMethodField()

    class Meta:
        model = InspectionItemVersion
        fields = [
            "code", "name", "department", "enforcement_field", "version", "category",
            "legal_basis", "target_type", "checkpoints", "methods", "ratio_cap", "frequency",
            "published_at",
        ]  # fmt: skip

    def get_checkpoints(self, version) -> list[str]:
        return [point.text for point in version.checkpoints.all()]


class ScopeRuleInputSerializer(serializers.Serializer):
    target_type = serializers.ChoiceField(TargetType.choices, required=False, allow_blank=True)
    region_code = serializers.CharField(required=False, allow_blank=True, max_length=6)
    industry_prefix = serializers.CharField(required=False, allow_blank=True, max_length=5)
    tag = serializers.CharField(required=False, allow_blank=True, max_length=30)


class VersionInputSerializer(serializers.Serializer):
    """Shapes only: the services check the rules (cap by category, methods, immutability)."""

    name = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(ItemCategory.choices)
    legal_basis = serializers.CharField()
    target_type = serializers.ChoiceField(TargetType.choices, default=TargetType.ENTERPRISE)
    methods = serializers.ListField(child=serializers.ChoiceField(InspectionMethod.choices))
    ratio_cap = serializers.DecimalField(
        max_digits=5, decimal_places=4, required=False, allow_null=True
    )
    frequency = serializers.CharField(max_length=100)
    checkpoints = serializers.ListField(child=serializers.CharField(max_length=500))
    scope_rules = ScopeRuleInputSerializer(many=True, required=False)


class ItemCreateSerializer(VersionInputSerializer):
    code = serializers.CharField(max_length=40)
    enforcement_field = serializers.SlugRelatedField(
        slug_field="code", queryset=EnforcementField.objects.all()
    )


class ItemReviseSerializer(VersionInputSerializer):
    change_reason = serializers.CharField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A revision names only what changes.
        for name, field in self.fields.items():
            if name != "change_reason":
                field.required = False


class DraftEditSerializer(ItemReviseSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_reason"].required = False


class PublishSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, help_text="要发布的版本号；省略时发布当前草稿"
    )


class RetireSerializer(serializers.Serializer):
    reason = serializers.CharField()


class FirmListSerializer(serializers.Serializer):
    usccs = serializers.ListField(child=serializers.CharField(max_length=40), allow_empty=True)
