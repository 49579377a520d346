"""Open-data representations of the public records of `redaction` (never of a model)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class ApiErrorSerializer(serializers.Serializer):
    """The API's one error shape (backend/api/errors.py)."""

    code = serializers.CharField(help_text="稳定的错误代码，例如 not_found、throttled、invalid")
    message = serializers.CharField(help_text="中文错误说明")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="输入有误的查询参数及其原因；其他错误为空对象",
    )


class _Linked(serializers.Serializer):
    """A record with the absolute URL of its own API resource."""

    url_name: str = ""
    lookup: str = ""

    url = serializers.SerializerMethodField(help_text="本条记录的接口地址")

    @extend_schema_field(serializers.URLField())
    def get_url(self, record) -> str:
        path = reverse(f"api:public:{self.url_name}", args=[getattr(record, self.lookup)])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class OpenDepartmentSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="部门代码，例如 KJ")
    name = serializers.CharField(help_text="部门名称")


class OpenFirmSerializer(_Linked):
    url_name = "firm-detail"
    lookup = "uscc"

    uscc = serializers.CharField(help_text="统一社会信用代码")
    name = serializers.CharField(help_text="名称")
    region_code = serializers.CharField(help_text="行政区划代码（GB/T 2260）")
    region_name = serializers.CharField(help_text="行政区划名称")
    industry_code = serializers.CharField(help_text="行业代码（GB/T 4754-2017）")
    industry_name = serializers.CharField(help_text="行业名称")
    status = serializers.CharField(help_text="登记状态代码：active、deregistered、revoked 等")
    status_label = serializers.CharField(help_text="登记状态：存续、注销、吊销、撤销、迁出")


class OpenItemVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="版本号")
    status = serializers.CharField(help_text="published（现行）、superseded（已被替代）或 retired")
    status_label = serializers.CharField()
    name = serializers.CharField(help_text="事项名称")
    category = serializers.CharField(help_text="key（重点检查事项）或 general（一般检查事项）")
    category_label = serializers.CharField()
    legal_basis = serializers.CharField(help_text="检查依据")
    target_type = serializers.CharField(source="target_type_label", help_text="检查对象类型")
    methods = serializers.ListField(child=serializers.CharField(), help_text="检查方式")
    ratio_cap = serializers.CharField(help_text="抽查比例上限，例如 5%；重点检查事项为空")
    frequency = serializers.CharField(help_text="抽查频次")
    checkpoints = serializers.ListField(child=serializers.CharField(), help_text="检查内容")
    published_at = serializers.DateTimeField(help_text="发布时间")
    retired_at = serializers.DateTimeField(allow_null=True, help_text="停用时间")


class OpenItemSerializer(_Linked):
    url_name = "item-detail"
    lookup = "code"

    code = serializers.CharField(help_text="事项编码")
    department = OpenDepartmentSerializer(help_text="责任部门")
    enforcement_field = serializers.CharField(help_text="执法领域")
    in_force = serializers.SerializerMethodField(help_text="是否现行有效（已停用的事项为 false）")
    current = OpenItemVersionSerializer(allow_null=True, help_text="现行版本；已停用时为 null")
    versions = OpenItemVersionSerializer(many=True, help_text="已公布的全部版本，新版本在前")

    def get_in_force(self, item) -> bool:
        return item.current is not None


class OpenCertificateSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="执法证件编号")
    fields = serializers.ListField(child=serializers.CharField(), help_text="执法领域")
    valid_from = serializers.DateField(help_text="有效期自")
    valid_to = serializers.DateField(help_text="有效期至")


class OpenOfficerSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="姓名")
    department = OpenDepartmentSerializer(help_text="所属部门")
    certificates = OpenCertificateSerializer(many=True, help_text="今日有效的执法证件")


class OpenDrawSerializer(serializers.Serializer):
    """A DR-1 draw: the announcement from announcement time; reveal, seed and result once
    performed (the nonce is in the reveal and never shown before it)."""

    id = serializers.CharField(help_text="抽取编号，例如 D-2021-0001")
    task = serializers.CharField(help_text="抽查任务编号")
    task_name = serializers.CharField()
    purpose = serializers.ChoiceField(choices=["firms", "teams"])
    status = serializers.ChoiceField(choices=["announced", "performed", "abandoned"])
    announcement = serializers.JSONField(help_text="公告，即参与哈希计算的对象本身")
    announcement_sha256 = serializers.CharField()
    replaces = serializers.CharField(allow_null=True, help_text="递补抽取所替代的抽取编号")
    reason = serializers.CharField(allow_blank=True)
    abandoned_reason = serializers.CharField(allow_blank=True)
    performed_at = serializers.DateTimeField(allow_null=True)
    reveal = serializers.JSONField(allow_null=True, help_text="揭示（抽取后公布）")
    seed = serializers.CharField(allow_null=True)
    result = serializers.ListField(
        child=serializers.DictField(), help_text="抽取结果，逐行；人员抽取仅含证号和姓名"
    )
