from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.forms import apply_service_errors
from backend.workdays.checks import parse_days
from backend.workdays.models import CalendarYear, DayKind
from backend.workdays.selectors import workday_calendar
from backend.workdays.services import enter_year

SOURCE_LABELS = {
    "entered": "已录入（以录入为准）",
    "package": "内置日历",
    "fallback": "未录入：按周一至周五推算",
}


class YearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    source_document = forms.CharField(label="依据文件", max_length=200)
    holidays = forms.CharField(
        label="放假日期",
        widget=forms.Textarea(
            attrs={"rows": 8, "placeholder": "2027-01-01 元旦\n2027-02-06 至 2027-02-13 春节"}
        ),
        help_text="每行一天或一段，可写名称。",
    )
    workdays = forms.CharField(
        label="调休上班日期（周末上班）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2027-02-14 春节调休"}),
    )


class DeadlineForm(forms.Form):
    start = forms.DateField(label="起算日期", widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label="工作日数", min_value=0, max_value=400, initial=20)


@role_required(Role.SYSTEM_ADMIN)
def years(request):
    form = YearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enter_year(
                actor=request.user,
                year=data["year"],
                source_document=data["source_document"],
                holidays=parse_days(data["holidays"], year=data["year"], field="holidays"),
                workdays=parse_days(data["workdays"], year=data["year"], field="workdays"),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{data['year']} 年的节假日安排已保存。")
            return redirect("workdays:years")
    calendar = workday_calendar()
    this_year = timezone.localdate().year
    overview = [
        {"year": y, "source": SOURCE_LABELS[calendar.source_for_year(y)]}
        for y in range(this_year - 1, this_year + 3)
    ]
    entered = CalendarYear.objects.prefetch_related("days").select_related("entered_by")
    deadline_form = DeadlineForm(request.GET or None)
    deadline = None
    if deadline_form.is_valid():
        deadline = calendar.add_working_days(
            deadline_form.cleaned_data["start"], deadline_form.cleaned_data["days"]
        )
    return render(
        request,
        "workdays/years.html",
        {
            "form": form,
            "overview": overview,
            "entered": entered,
            "deadline_form": deadline_form,
            "deadline": deadline,
            "holiday": DayKind.HOLIDAY,
            "today": date.today(),
        },
    )
