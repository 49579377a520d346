"""The audit actions of the whole-process records and what follows them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register


@register
class FieldworkAction(models.TextChoices):
    START = "fieldwork.start", _("开始现场检查")
    APPROVE = "fieldwork.approve", _("行政检查审批")
    APPROVE_AFTER = "fieldwork.approve_after", _("补办行政检查审批")
    EMERGENCY_START = "fieldwork.emergency_start", _("紧急情况先行检查")
    APPROVE_OVER_CAP = "fieldwork.approve_over_cap", _("确认超过检查频次上限")
    CODE_ISSUE = "fieldwork.code.issue", _("赋予检查码")
    CODE_WITHDRAW = "fieldwork.code.withdraw", _("撤回检查码")
    CODE_SCAN = "fieldwork.code.scan", _("检查对象核验检查码")
    TEAM_REPLACED = "fieldwork.team_replaced", _("更换检查组")
    DOCUMENT_EXPORT = "fieldwork.document.export", _("导出行政检查文书")
    # One per stage of the record (`fieldwork.<kind>`, see `FieldworkAction.of_record`), and
    # one for a correction of it (`fieldwork.<kind>.correct`).
    NOTICE = "fieldwork.notice", _("记录：送达随机抽查通知书")
    NOTICE_CORRECT = "fieldwork.notice.correct", _("更正：送达随机抽查通知书")
    ON_SITE = "fieldwork.on_site", _("记录：到达现场、出示执法证件")
    ON_SITE_CORRECT = "fieldwork.on_site.correct", _("更正：到达现场、出示执法证件")
    NON_SITE = "fieldwork.non_site", _("记录：实施非现场检查")
    NON_SITE_CORRECT = "fieldwork.non_site.correct", _("更正：实施非现场检查")
    FINDINGS = "fieldwork.findings", _("记录：检查要点")
    FINDINGS_CORRECT = "fieldwork.findings.correct", _("更正：检查要点")
    FINDINGS_REST_CLEAR = "fieldwork.findings.rest_clear", _("记录：其余检查要点均未发现问题")
    RESULT = "fieldwork.result", _("记录：检查结果")
    RESULT_CORRECT = "fieldwork.result.correct", _("更正：检查结果")
    FIRM_OPINION = "fieldwork.firm_opinion", _("记录：检查对象意见及签名")
    FIRM_OPINION_CORRECT = "fieldwork.firm_opinion.correct", _("更正：检查对象意见及签名")
    OFFICER_SIGNATURES = "fieldwork.officer_signatures", _("记录：执法人员签名")
    OFFICER_SIGNATURES_CORRECT = "fieldwork.officer_signatures.correct", _("更正：执法人员签名")
    SUBMITTED = "fieldwork.submitted", _("提交检查结果审核")
    SUBMITTED_CORRECT = "fieldwork.submitted.correct", _("更正：提交审核")
    REVIEW = "fieldwork.review", _("审核检查结果")
    EVIDENCE = "fieldwork.evidence", _("上传证据材料")
    EVIDENCE_EXPORT = "fieldwork.evidence.export", _("导出证据材料")
    FOLLOW_UP_OPEN = "fieldwork.follow_up.open", _("启动后续处置")
    FOLLOW_UP_RECHECK = "fieldwork.follow_up.recheck", _("登记整改复查")
    FOLLOW_UP_COMPLETE = "fieldwork.follow_up.complete", _("完成后续处置")
    FOLLOW_UP_EXPORT = "fieldwork.follow_up.export", _("导出后续处置台账")
    CLOSE = "fieldwork.close", _("检查办结")
    ARCHIVE = "fieldwork.archive", _("检查归档")
    RESULT_CODE_ADD = "fieldwork.result_code.add", _("新增检查结果代码")
    RESULT_CODE_UPDATE = "fieldwork.result_code.update", _("修改检查结果代码")
    RESULT_CODE_RETIRE = "fieldwork.result_code.retire", _("停用检查结果代码")
    RESULT_CODE_RESTORE = "fieldwork.result_code.restore", _("恢复检查结果代码")

    @classmethod
    def of_record(cls, kind: str, *, correction: bool) -> "FieldworkAction":
        """The action of a record of `kind` (a RecordKind) or of its correction."""
        return cls(f"fieldwork.{kind}" + (".correct" if correction else ""))
