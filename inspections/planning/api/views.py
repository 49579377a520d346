"""API of the annual plans and the sampling tasks: scoped reads, and every workflow step as a
POST action that calls its service."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from backend.api.permissions import HasRole
from inspections.directory.models import InspectionItemVersion
from inspections.planning import services
from inspections.planning.api import serializers as s
from inspections.planning.plan_proposal import plan_warnings, saved_lines
from inspections.planning.selectors import (
    PLANNING_ROLES,
    get_invitation_for_user,
    invitations_for,
    plans_visible_to,
    scope_counts,
    tasks_visible_to,
)

Planning = HasRole.of(*PLANNING_ROLES)
_VERSIONS = InspectionItemVersion.objects.select_related("item__department")


def _input(serializer_class, request, **kwargs):
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return data


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Annual plans (年度抽查计划) of the user's department, with their lines."""

    serializer_class = s.PlanSerializer
    permission_classes = [IsAuthenticated, Planning]
    filterset_fields = ["year", "status"]

    def get_queryset(self):
        lines = Prefetch("lines__items", queryset=_VERSIONS)
        return (
            plans_visible_to(self.request.user)
            .prefetch_related(lines, "lines__quotas")
            .order_by("-year", "-version")
        )

    def _plan_response(self, plan, code=status.HTTP_200_OK):
        return Response(s.PlanSerializer(self.get_queryset().get(pk=plan.pk)).data, status=code)

    @extend_schema(request=s.GenerateSerializer, responses=s.PlanSerializer, summary="生成计划草稿")
    @action(detail=False, methods=["post"])
    def generate(self, request):
        data = _input(s.GenerateSerializer, request).validated_data
        plan = services.generate_annual_plan(
            actor=request.user,
            department=request.user.department,
            year=data["year"],
            title=data.get("title", ""),
        )
        return self._plan_response(plan, status.HTTP_201_CREATED)

    @extend_schema(responses=s.StaffingWarningSerializer(many=True), summary="人员配备核对")
    @action(detail=True)
    def staffing(self, request, pk=None):
        plan = self.get_object()
        warnings = plan_warnings(plan, saved_lines(plan))
        return Response(s.StaffingWarningSerializer(warnings, many=True).data)

    @extend_schema(request=s.PlanTitleSerializer, responses=s.PlanSerializer, summary="修改名称")
    @action(detail=True, methods=["post"])
    def title(self, request, pk=None):
        plan = self.get_object()
        data = _input(s.PlanTitleSerializer, request).validated_data
        services.update_plan(actor=request.user, plan=plan, title=data["title"])
        return self._plan_response(plan)

    @extend_schema(
        request=s.LineInputSerializer, responses=s.PlanSerializer, summary="新增计划任务"
    )
    @action(detail=True, methods=["post"], url_path="add-line")
    def add_line(self, request, pk=None):
        plan = self.get_object()
        fields = _input(s.LineInputSerializer, request).service_fields()
        services.add_plan_line(actor=request.user, plan=plan, **fields)
        return self._plan_response(plan)

    @extend_schema(request=s.LineEditSerializer, responses=s.PlanSerializer, summary="修改计划任务")
    @action(detail=True, methods=["post"], url_path="edit-line")
    def edit_line(self, request, pk=None):
        plan = self.get_object()
        data = _input(s.LineEditSerializer, request)
        line = get_object_or_404(plan.lines, pk=data.validated_data["line"])
        services.update_plan_line(actor=request.user, line=line, **data.service_fields())
        return self._plan_response(plan)

    @extend_schema(request=s.LineRefSerializer, responses=s.PlanSerializer, summary="删除计划任务")
    @action(detail=True, methods=["post"], url_path="remove-line")
    def remove_line(self, request, pk=None):
        plan = self.get_object()
        data = _input(s.LineRefSerializer, request).validated_data
        services.remove_plan_line(
            actor=request.user, line=get_object_or_404(plan.lines, pk=data["line"])
        )
        return self._plan_response(plan)

    @extend_schema(request=None, responses=s.PlanSerializer, summary="提交审批")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._plan_response(services.submit_plan(actor=request.user, plan=self.get_object()))

    @extend_schema(request=None, responses=s.PlanSerializer, summary="批准（部门管理员）")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._plan_response(
            services.approve_plan(actor=request.user, plan=self.get_object())
        )

    @extend_schema(request=s.StepReasonSerializer, responses=s.PlanSerializer, summary="退回修改")
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        reason = _input(s.StepReasonSerializer, request).validated_data["reason"]
        plan = services.return_plan(actor=request.user, plan=self.get_object(), reason=reason)
        return self._plan_response(plan)

    @extend_schema(request=None, responses=s.PlanSerializer, summary="发布")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._plan_response(
            services.publish_plan(actor=request.user, plan=self.get_object())
        )

    @extend_schema(request=s.StepReasonSerializer, responses=s.PlanSerializer, summary="修订")
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        reason = _input(s.StepReasonSerializer, request).validated_data["reason"]
        revision = services.revise_plan(actor=request.user, plan=self.get_object(), reason=reason)
        return self._plan_response(revision, status.HTTP_201_CREATED)

    @extend_schema(request=s.FilingInputSerializer, responses=s.PlanSerializer, summary="登记备案")
    @action(detail=True, methods=["post"])
    def file(self, request, pk=None):
        plan = self.get_object()
        data = _input(s.FilingInputSerializer, request).validated_data
        services.file_plan(actor=request.user, plan=plan, **data)
        return self._plan_response(plan)


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    """Sampling tasks (抽查任务) the user's department leads or has confirmed."""

    serializer_class = s.TaskSerializer
    permission_classes = [IsAuthenticated, Planning]
    filterset_fields = ["status", "scope_mode"]

    def get_queryset(self):
        tasks = tasks_visible_to(self.request.user).prefetch_related(
            Prefetch("items", queryset=_VERSIONS),
            "participations__department",
            "quotas",
            "transitions__actor",
        )
        department = self.request.query_params.get("department")
        if department:
            tasks = tasks.filter(participations__department__code=department)
        return tasks.order_by("-window_start", "code")

    def _task_response(self, task, code=status.HTTP_200_OK):
        return Response(s.TaskSerializer(self.get_queryset().get(pk=task.pk)).data, status=code)

    @extend_schema(request=s.TaskOpenSerializer, responses=s.TaskSerializer, summary="发起抽查任务")
    def create(self, request, *args, **kwargs):
        data = dict(_input(s.TaskOpenSerializer, request).validated_data)
        data["quotas"] = s.quotas_from(data["quotas"])
        task = services.open_task(actor=request.user, **data)
        return self._task_response(task, status.HTTP_201_CREATED)

    @extend_schema(request=s.TaskEditSerializer, responses=s.TaskSerializer, summary="修改草稿")
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        task = self.get_object()
        data = dict(_input(s.TaskEditSerializer, request).validated_data)
        if "quotas" in data:
            data["quotas"] = s.quotas_from(data["quotas"])
        services.update_task(actor=request.user, task=task, **data)
        return self._task_response(task)

    @extend_schema(responses=s.ScopeCountsSerializer, summary="抽查范围的实时数量")
    @action(detail=True)
    def scope(self, request, pk=None):
        return Response(s.ScopeCountsSerializer(scope_counts(self.get_object())).data)

    @extend_schema(request=s.InviteSerializer, responses=s.TaskSerializer, summary="邀请参与部门")
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        task = self.get_object()
        services.invite_department(
            actor=request.user, task=task, **_input(s.InviteSerializer, request).validated_data
        )
        return self._task_response(task)

    @extend_schema(responses=s.InvitationSerializer(many=True), summary="本部门待确认的邀请")
    @action(detail=False)
    def invitations(self, request):
        return Response(s.InvitationSerializer(invitations_for(request.user), many=True).data)

    @extend_schema(request=s.ConfirmSerializer, responses=s.TaskSerializer, summary="确认参与")
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        # Not get_object(): the task becomes visible to the department by this confirmation.
        invitation = get_invitation_for_user(request.user, pk)
        seats = _input(s.ConfirmSerializer, request).validated_data.get("seats")
        services.confirm_participation(actor=request.user, task=invitation.task, seats=seats)
        return self._task_response(invitation.task)

    @extend_schema(request=s.StepReasonSerializer, responses=s.TaskSerializer, summary="终止任务")
    @action(detail=True, methods=["post"])
    def abandon(self, request, pk=None):
        reason = _input(s.StepReasonSerializer, request).validated_data["reason"]
        task = services.abandon_task(actor=request.user, task=self.get_object(), reason=reason)
        return self._task_response(task)

    @extend_schema(request=None, responses=s.TaskSerializer, summary="开始检查")
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._task_response(services.start_task(actor=request.user, task=self.get_object()))

    @extend_schema(
        request=s.OptionalStepReasonSerializer, responses=s.TaskSerializer, summary="结果已审核"
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        reason = _input(s.OptionalStepReasonSerializer, request).validated_data["reason"]
        task = services.review_task(actor=request.user, task=self.get_object(), reason=reason)
        return self._task_response(task)

    @extend_schema(request=None, responses=s.TaskSerializer, summary="结果已公示")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._task_response(
            services.publish_task(actor=request.user, task=self.get_object())
        )

    @extend_schema(request=None, responses=s.TaskSerializer, summary="归档")
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self._task_response(
            services.archive_task(actor=request.user, task=self.get_object())
        )
