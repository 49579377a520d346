"""行政执法监督 through the API (/api/v1/supervision/), read-only:

- GET warnings/?kind=&department=&q=&since=&until=   the supervisor's warnings (as on the page)
- GET opinions/?state=&q=                            opinions: the supervisor's all, a
                                                     部门管理员's those addressed to the department
- GET opinions/<id>/                                 one opinion with its answer
"""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.roles import Role
from backend.api.permissions import HasRole
from supervision import alerts, selectors
from supervision.forms import OpinionFilterForm, WarningFilterForm
from supervision.models import SupervisionOpinion


class InvolvedSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    department = serializers.CharField()
    task = serializers.CharField(source="task_code")
    window_start = serializers.DateField()
    window_end = serializers.DateField()


class WarningSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    firm_uscc = serializers.CharField()
    firm_name = serializers.CharField()
    day = serializers.DateField()
    text = serializers.CharField()
    inspections = InvolvedSerializer(many=True)


class WarningPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    totals = serializers.DictField(child=serializers.IntegerField())
    results = WarningSerializer(many=True)


class WarningList(APIView):
    permission_classes = [HasRole.of(Role.SUPERVISOR)]

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=["multiple", "repeated", "frequent", "overdue"]),
            OpenApiParameter("department", int),
            OpenApiParameter("q", str),
            OpenApiParameter("since", str, description="YYYY-MM-DD"),
            OpenApiParameter("until", str, description="YYYY-MM-DD"),
        ],
        responses=WarningPageSerializer,
    )
    def get(self, request):
        today = timezone.localdate()
        data = request.query_params.copy()
        if not data.get("since") and not data.get("until"):
            data["since"] = alerts.default_since(today).isoformat()
        form = WarningFilterForm(data)
        if not form.is_valid():
            raise serializers.ValidationError(
                {k: [str(m) for m in v] for k, v in form.errors.items()}
            )
        c = form.cleaned_data
        filters = alerts.Filters(
            kind=c["kind"],
            department=c["department"].pk if c["department"] else None,
            q=c["q"],
            since=c["since"],
            until=c["until"],
        )
        found = alerts.find_warnings(filters, today=today)
        return Response(
            {
                "count": found.total,
                "totals": found.totals,
                "results": WarningSerializer(found.rows(), many=True).data,
            }
        )


class AnswerSerializer(serializers.Serializer):
    text = serializers.CharField()
    answered_on = serializers.DateField()
    answered_by = serializers.CharField(source="answered_by.display_name")
    late = serializers.BooleanField()


class OpinionSerializer(serializers.ModelSerializer):
    number = serializers.CharField()
    department = serializers.CharField(source="department.name")
    inspection = serializers.CharField(source="inspection.code", default=None)
    task = serializers.CharField(source="task.code", default=None)
    issued_by = serializers.CharField(source="issued_by.display_name")
    state = serializers.SerializerMethodField()
    state_label = serializers.SerializerMethodField()
    answer = AnswerSerializer(default=None)

    class Meta:
        model = SupervisionOpinion
        fields = [
            "id",
            "number",
            "department",
            "subject",
            "inspection",
            "task",
            "warning_kind",
            "warning_text",
            "text",
            "issued_on",
            "due_on",
            "working_days",
            "issued_by",
            "state",
            "state_label",
            "answer",
        ]

    def get_state(self, opinion) -> str:
        return opinion.state(timezone.localdate())

    def get_state_label(self, opinion) -> str:
        return str(opinion.state_label(timezone.localdate()))


OPINION_READERS = [HasRole.of(Role.SUPERVISOR, Role.DEPARTMENT_ADMIN)]


class OpinionList(ListAPIView):
    permission_classes = OPINION_READERS
    serializer_class = OpinionSerializer

    def get_queryset(self):
        form = OpinionFilterForm(self.request.query_params)
        form.is_valid()
        c = getattr(form, "cleaned_data", {})
        return selectors.filter_opinions(
            selectors.opinions_visible_to(self.request.user),
            today=timezone.localdate(),
            state=c.get("state", ""),
            q=c.get("q", ""),
        )


class OpinionDetail(RetrieveAPIView):
    permission_classes = OPINION_READERS
    serializer_class = OpinionSerializer

    def get_object(self):
        return selectors.get_opinion_for_user(self.request.user, self.kwargs["pk"])
