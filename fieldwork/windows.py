"""The inspection's window (检查时间) as the team meets it: the warning its pages show outside
the window, and the rule its submission for review follows.

The window is the one the 通知书 names and the 检查码 is valid for (docs/rules-2025.md): a firm
may refuse a visit outside it. So a record is never submitted for review before the window
opens. After it closes the team may still submit, saying why it is late: a result returned by
the reviewer, or a record finished on the last day and sent the next, must not be stranded.
Every 检查类型 follows the same rule; an emergency start (紧急先行检查) waives the prior
approval, not the window, and a 个案's window is set when its task is opened.

Dates are Asia/Shanghai local dates (`timezone.localdate()`); no database here.
"""

from datetime import date

from django.core.exceptions import ValidationError


def chinese_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def window_warning(inspection, today: date) -> str:
    """What the team's pages say when `today` is outside the window; "" inside it."""
    if today < inspection.window_start:
        return (
            f"检查时间窗口尚未开始（{chinese_date(inspection.window_start)}起）："
            "窗口开始前不能提交审核"
        )
    if today > inspection.window_end:
        days = (today - inspection.window_end).days
        return (
            f"检查时间窗口已于{chinese_date(inspection.window_end)}结束（已超过{days}天）："
            "逾期提交审核须说明原因"
        )
    return ""


def submission_refusal(inspection, *, day: date, late_reason: str) -> ValidationError | None:
    """Why a submission on `day` (local) is refused, or None: never before the window opens;
    after it closes, only with the reason it is late."""
    if day < inspection.window_start:
        return ValidationError(
            {
                "non_field_errors": ValidationError(
                    f"检查时间窗口尚未开始（{chinese_date(inspection.window_start)}起），"
                    "不能提交审核：记录已保存，请在检查时间内提交",
                    code="window_not_started",
                )
            }
        )
    if day > inspection.window_end and not late_reason:
        return ValidationError(
            {
                "late_reason": ValidationError(
                    f"检查时间窗口已于{chinese_date(inspection.window_end)}结束，"
                    "逾期提交审核须说明原因",
                    code="window_closed",
                )
            }
        )
    return None
