"""The 递补 form of the task page: which seat, firm or abandoned draw, why, and the department
head's approval, given on the spot with the head's own account and password (the head is present
at the ceremony, as the witnesses are; nobody can approve in another's name)."""

from django import forms
from django.contrib.auth import authenticate

from inspections.directory.models import Firm
from inspections.draws.models import DrawStatus
from inspections.draws.teams import effective_firms, effective_teams
from inspections.planning.models import SamplingTask
from personnel.models import Certificate

OFFICER, FIRM, REDO = "officer", "firm", "redo"
KINDS = {
    OFFICER: "递补回避的执法人员",
    FIRM: "递补不在抽查范围内的检查对象",
    REDO: "重新公告已作废的抽取",
}


def seat_choices(task: SamplingTask) -> list[tuple[str, str]]:
    teams = effective_teams(task)
    names = dict(Firm.objects.filter(uscc__in=teams).values_list("uscc", "name"))
    numbers = {s.certificate_number for seats in teams.values() for s in seats}
    officers = dict(
        Certificate.objects.filter(number__in=numbers).values_list("number", "officer__name")
    )
    return [
        (
            f"{firm}|{s.certificate_number}",
            f"{names.get(firm, firm)}（{firm}）— {s.department_code} 第{s.seat}席 "
            f"{officers.get(s.certificate_number, '')}（{s.certificate_number}）",
        )
        for firm, seats in teams.items()
        for s in seats
    ]


def firm_choices(task: SamplingTask) -> list[tuple[str, str]]:
    firms = effective_firms(task)
    names = dict(Firm.objects.filter(uscc__in=[f.uscc for f in firms]).values_list("uscc", "name"))
    return [(f.uscc, f"{names.get(f.uscc, '')}（{f.uscc}，{f.risk_class}类）") for f in firms]


def abandoned_choices(task: SamplingTask) -> list[tuple[str, str]]:
    """Abandoned whole draws that no draw has replaced yet."""
    draws = task.draws.filter(status=DrawStatus.ABANDONED, replaced_firm="")
    return [
        (d.public_id, f"{d.public_id} {d.get_purpose_display()}（作废原因：{d.abandoned_reason}）")
        for d in draws.exclude(replaced_by__isnull=False).order_by("pk")
    ]


class ReplacementForm(forms.Form):
    kind = forms.CharField(widget=forms.HiddenInput)
    seat = forms.ChoiceField(label="回避的执法人员（所在检查组）")
    firm = forms.ChoiceField(label="不在抽查范围内的检查对象")
    abandoned = forms.ChoiceField(label="已作废的抽取")
    # Left to the service, which refuses an empty reason in the same words everywhere.
    reason = forms.CharField(
        label="递补原因", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    approver_username = forms.CharField(label="批准人（部门负责人）账号", required=False)
    approver_password = forms.CharField(
        label="批准人密码", required=False, strip=False, widget=forms.PasswordInput
    )

    def __init__(self, *args, kind: str, task: SamplingTask, request, **kwargs):
        super().__init__(*args, prefix=kind, initial={"kind": kind}, **kwargs)
        self.kind = kind
        self.title = KINDS[kind]
        self.request = request
        choices = {
            OFFICER: ("seat", seat_choices),
            FIRM: ("firm", firm_choices),
            REDO: ("abandoned", abandoned_choices),
        }
        for other in {"seat", "firm", "abandoned"} - {choices[kind][0]}:
            del self.fields[other]
        name, make = choices[kind]
        self.fields[name].choices = make(task)
        self.available = bool(self.fields[name].choices)

    def clean(self):
        data = super().clean()
        username = (data.get("approver_username") or "").strip()
        password = data.get("approver_password") or ""
        data["approved_by"] = None
        if username or password:
            approver = authenticate(self.request, username=username, password=password)
            if approver is None:
                self.add_error("approver_password", "批准人账号或密码不正确")
            data["approved_by"] = approver
        return data
