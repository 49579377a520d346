"""Open-data representations of the public records of `disclosure.redaction` (never of a
model): the directory's open data (departments, firms, items, officers, draws), then results,
plans, tasks and statistics."""

from urllib.parse import quote

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


# --- results, plans, tasks and statistics ---------------------------------------------------------


def _absolute(serializer, name: str, *args) -> str:
    path = reverse(f"api:disclosure:{name}", args=args)
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class OpenItemRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="事项编码")
    name = serializers.CharField(help_text="事项名称（检查时的版本）")


class OpenFollowUpSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="none、rectify、refer、notify 或 criminal")
    label = serializers.CharField(
        help_text="无需后续处置、责令改正、移送案件线索、抄告其他部门、刑事移送"
    )
    completed = serializers.BooleanField(help_text="是否已完成")
    completed_on = serializers.DateField(allow_null=True, help_text="完成日期")


class OpenResultSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="公示编号，例如 T-2021-007-001-G1")
    url = serializers.SerializerMethodField(help_text="本条公示的接口地址")
    inspection = serializers.CharField(help_text="检查编号：同一检查的公示、更正和撤回共用")
    kind = serializers.ChoiceField(choices=["original", "correction", "withdrawal"])
    kind_label = serializers.CharField(help_text="公示、更正或撤回")
    status = serializers.ChoiceField(
        choices=["in_force", "corrected", "withdrawn", "withdrawal"],
        help_text="in_force 现行有效；corrected、withdrawn 已被更正、撤回；withdrawal 撤回公告",
    )
    status_label = serializers.CharField()
    replaces = serializers.CharField(allow_null=True, help_text="本条更正或撤回的公示编号")
    replaced_by = serializers.CharField(allow_null=True, help_text="更正或撤回本条的公示编号")
    replaced_on = serializers.DateField(allow_null=True, help_text="被更正或撤回的日期")
    reason = serializers.CharField(allow_blank=True, help_text="更正或撤回的原因")
    agency = serializers.CharField(help_text="检查机关（公示部门）")
    joint_agencies = serializers.CharField(allow_blank=True, help_text="联合检查部门")
    task_code = serializers.CharField(help_text="抽查任务编号")
    task_name = serializers.CharField()
    firm_uscc = serializers.CharField(help_text="统一社会信用代码")
    firm_name = serializers.CharField(help_text="检查对象名称")
    region_code = serializers.CharField(help_text="行政区划代码")
    region_name = serializers.CharField()
    items = OpenItemRefSerializer(many=True, help_text="检查事项")
    inspected_on = serializers.DateField(help_text="检查日期")
    result = serializers.ListField(child=serializers.CharField(), help_text="检查结果（规范用语）")
    result_codes = serializers.ListField(child=serializers.CharField(), help_text="结果代码")
    follow_ups = OpenFollowUpSerializer(many=True, help_text="后续处置")
    follow_up_status = serializers.ChoiceField(choices=["none", "open", "completed"])
    follow_up_status_label = serializers.CharField()
    published_at = serializers.DateTimeField(help_text="公示时间")

    @extend_schema_field(serializers.URLField())
    def get_url(self, record) -> str:
        return _absolute(self, "result-detail", record.code)


class OpenTaskRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    url = serializers.SerializerMethodField()
    name = serializers.CharField()
    status_label = serializers.CharField()
    window_start = serializers.DateField()
    window_end = serializers.DateField()

    @extend_schema_field(serializers.URLField())
    def get_url(self, record) -> str:
        return _absolute(self, "task-detail", record.code)


class OpenPlanLineSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="position", help_text="序号")
    name = serializers.CharField(help_text="计划任务名称")
    items = OpenItemRefSerializer(many=True)
    start_quarter = serializers.IntegerField()
    end_quarter = serializers.IntegerField()
    frequency = serializers.CharField(allow_blank=True)
    planned = serializers.IntegerField(help_text="计划抽查户数")


class OpenPlanSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="部门代码-年度-版本号，例如 KJ-2021-1")
    url = serializers.SerializerMethodField()
    department = OpenDepartmentSerializer()
    year = serializers.IntegerField()
    version = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=["published", "superseded"])
    status_label = serializers.CharField()
    published_on = serializers.DateField(help_text="发布日期")
    revision_reason = serializers.CharField(allow_blank=True, help_text="修订原因（修订版）")
    filed_on = serializers.DateField(allow_null=True, help_text="备案日期")
    filed_with = serializers.CharField(allow_blank=True, help_text="备案机关")
    filing_number = serializers.CharField(allow_blank=True, help_text="备案文号")
    lines = OpenPlanLineSerializer(many=True)
    tasks = OpenTaskRefSerializer(many=True, help_text="已公告抽取的抽查任务")

    @extend_schema_field(serializers.URLField())
    def get_url(self, record) -> str:
        return _absolute(self, "plan-detail", record.code)


class OpenTaskDrawSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="抽取编号")
    url = serializers.SerializerMethodField(help_text="抽取的公开数据")
    purpose_label = serializers.CharField()
    status = serializers.ChoiceField(choices=["announced", "performed", "abandoned"])
    status_label = serializers.CharField()
    replaces = serializers.CharField(allow_null=True, help_text="递补抽取所替代的抽取编号")
    reason = serializers.CharField(allow_blank=True)
    abandoned_reason = serializers.CharField(allow_blank=True)
    announced_at = serializers.DateTimeField()
    performed_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.URLField())
    def get_url(self, record) -> str:
        path = reverse("api:public:draw-detail", args=[record.code])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class OpenTaskSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="任务编号")
    url = serializers.SerializerMethodField()
    name = serializers.CharField()
    plan = serializers.CharField(help_text="年度计划编号")
    plan_title = serializers.CharField()
    year = serializers.IntegerField()
    department = OpenDepartmentSerializer(help_text="发起部门")
    joint_departments = OpenDepartmentSerializer(many=True, help_text="参与部门")
    items = OpenItemRefSerializer(many=True)
    scope_label = serializers.CharField(help_text="定向抽查或不定向抽查")
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    draws = OpenTaskDrawSerializer(many=True, help_text="全部抽取，含作废和递补抽取")
    inspections = serializers.IntegerField(help_text="检查对象户数")
    published = serializers.IntegerField(help_text="已公示结果的户数")
    results = serializers.SerializerMethodField(help_text="本任务公示结果的列表接口")

    @extend_schema_field(serializers.URLField())
    def get_url(self, record) -> str:
        return _absolute(self, "task-detail", record.code)

    @extend_schema_field(serializers.URLField())
    def get_results(self, record) -> str:
        return _absolute(self, "result-list") + f"?task={record.code}"


class OpenCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class OpenYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="该年度统计")
    due_by = serializers.DateField(help_text="依法应公开的最迟日期（次年1月31日）")
    csv = serializers.SerializerMethodField(
        help_text="该年度全部公示结果 .csv；该年度无公示时为 null"
    )
    xlsx = serializers.SerializerMethodField(
        help_text="该年度全部公示结果 .xlsx；该年度无公示时为 null"
    )

    @extend_schema_field(serializers.URLField())
    def get_url(self, record) -> str:
        return _absolute(self, "statistics-detail", record.year)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_csv(self, record) -> str | None:
        return _absolute(self, "results-csv", record.year) if record.downloadable else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_xlsx(self, record) -> str | None:
        return _absolute(self, "results-xlsx", record.year) if record.downloadable else None


class OpenStatisticsSerializer(OpenYearSerializer):
    tasks = serializers.IntegerField(help_text="抽查任务数")
    firms = serializers.IntegerField(help_text="检查对象户数")
    results = serializers.IntegerField(help_text="现行有效的检查结果数")
    by_category = OpenCountSerializer(many=True, help_text="检查结果分类")
    by_method = OpenCountSerializer(many=True, help_text="检查方式：现场检查、非现场检查")
    follow_ups = OpenCountSerializer(many=True, help_text="后续处置方式")
    legal_reviews = serializers.IntegerField(help_text="重大执法决定法制审核次数")


_DATETIME = serializers.DateTimeField()


def open_result(record, base_url: str) -> dict:
    """What `OpenResultSerializer` makes of `record`, written out by hand: the search API answers
    this for every row of every page, and DRF's field machinery costs more than the query.
    `base_url` is the absolute URL of the results list. tests/disclosure checks both agree."""
    return {
        "code": record.code,
        "url": f"{base_url}{quote(record.code)}/",
        "inspection": record.inspection,
        "kind": record.kind,
        "kind_label": record.kind_label,
        "status": record.status,
        "status_label": record.status_label,
        "replaces": record.replaces,
        "replaced_by": record.replaced_by,
        "replaced_on": record.replaced_on.isoformat() if record.replaced_on else None,
        "reason": record.reason,
        "agency": record.agency,
        "joint_agencies": record.joint_agencies,
        "task_code": record.task_code,
        "task_name": record.task_name,
        "firm_uscc": record.firm_uscc,
        "firm_name": record.firm_name,
        "region_code": record.region_code,
        "region_name": record.region_name,
        "items": [{"code": i.code, "name": i.name} for i in record.items],
        "inspected_on": record.inspected_on.isoformat(),
        "result": list(record.result),
        "result_codes": list(record.result_codes),
        "follow_ups": [
            {
                "kind": f.kind,
                "label": f.label,
                "completed": f.completed,
                "completed_on": f.completed_on.isoformat() if f.completed_on else None,
            }
            for f in record.follow_ups
        ],
        "follow_up_status": record.follow_up_status,
        "follow_up_status_label": record.follow_up_status_label,
        "published_at": _DATETIME.to_representation(record.published_at),
    }
