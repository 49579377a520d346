"""The audit actions of the personnel pools, and what an officer's audit entry holds."""

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register

if TYPE_CHECKING:
    from personnel.models import Officer


@register
class PersonnelAction(models.TextChoices):
    OFFICER_CREATE = "personnel.officer.create", _("新增执法人员")
    OFFICER_IMPORT = "import.officers", _("导入执法人员和执法证")
    OFFICER_UPDATE = "personnel.officer.update", _("修改执法人员信息")
    EXPERT_CREATE = "personnel.expert.create", _("新增专家")
    EXAM_RECORD = "personnel.exam.record", _("登记考试成绩")
    TRAINING_RECORD = "personnel.training.record", _("登记培训学时")
    TRAINING_POLICY = "personnel.department.training_policy", _("设置部门培训要求")
    CERTIFICATE_ISSUE = "personnel.certificate.issue", _("发放执法证")
    CERTIFICATE_RENEW = "personnel.certificate.renew", _("延续执法证")
    CERTIFICATE_SUSPEND = "personnel.certificate.suspend", _("暂扣执法证")
    CERTIFICATE_RESTORE = "personnel.certificate.restore", _("恢复执法证")
    CERTIFICATE_REVOKE = "personnel.certificate.revoke", _("撤销执法证")
    CERTIFICATE_EXPORT = "personnel.certificate.export", _("导出执法证台账")
    CONFLICT_DECLARE = "personnel.conflict.declare", _("申报利害关系")
    RECUSAL_FILE = "personnel.recusal.file", _("提出回避申请")
    RECUSAL_DECIDE = "personnel.recusal.decide", _("决定回避申请")
    POOL_EXPORT = "personnel.pool.export", _("导出执法人员库")
    REPORT_EXPORT = "personnel.report.export", _("导出人员统计报表")
    ENTRUSTMENT_FIELDS = "personnel.entrustment.fields", _("设定受委托组织的委托执法领域")

    @classmethod
    def of_certificate(cls, action: str) -> "PersonnelAction":
        """The action of a certificate's step (a CertificateAction: suspend, restore, revoke)."""
        return cls(f"personnel.certificate.{action}")


def officer_audit_detail(officer: "Officer", **extra) -> dict:
    """The detail of an event about an officer: name and department only, never the ID number
    or phone, which the audit trail must not hold."""
    return {
        "officer": officer.pk,
        "name": officer.name,
        "department": officer.department.code,
        **extra,
    }
