import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from backend.audit.services import record_event
from backend.excel import XLSX_CONTENT_TYPE
from backend.imports import services
from backend.imports.access import check_may_import
from backend.imports.actions import ImportAction
from backend.imports.models import Mode
from backend.imports.registry import get_importer
from backend.imports.selectors import import_jobs_visible_to
from backend.tabular import write_template


class UploadForm(forms.Form):
    file = forms.FileField(label="选择文件（.xlsx、.xls、.ods、.csv 或 .txt）")
    mode = forms.ChoiceField(
        label="导入方式",
        choices=Mode.choices,
        initial=Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )
    dry_run = forms.BooleanField(label="仅试算，不写入数据", required=False)


def _importer_for(request, kind):
    try:
        importer = get_importer(kind)
    except LookupError:
        raise Http404 from None
    check_may_import(actor=request.user, kind=kind)
    return importer


@login_required
def upload(request, kind):
    importer = _importer_for(request, kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.upload_import(
                actor=request.user,
                kind=kind,
                uploaded_file=form.cleaned_data["file"],
                mode=form.cleaned_data["mode"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            return redirect("imports:job", pk=job.pk)
    recent = import_jobs_visible_to(request.user).filter(kind=kind)[:20]
    return render(
        request, "imports/upload.html", {"importer": importer, "form": form, "recent": recent}
    )


@login_required
def template(request, kind):
    importer = _importer_for(request, kind)
    buffer = io.BytesIO()
    write_template(
        buffer, columns=importer.columns, sheet_title=importer.label, notes=importer.template_notes
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{kind}-template.xlsx"
    return response


def _job_for(request, pk):
    return get_object_or_404(import_jobs_visible_to(request.user), pk=pk)


@login_required
def job(request, pk):
    job = _job_for(request, pk)
    return render(request, "imports/job.html", {"job": job, "importer": get_importer(job.kind)})


def _job_state(job) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "finished": job.finished,
        "interrupted": job.interrupted,
        "percent": job.percent,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "inserted": job.inserted,
        "updated": job.updated,
        "unchanged": job.unchanged,
        "rejected": job.rejected,
        "message": job.message,
        "has_report": bool(job.error_report),
    }


@login_required
def job_status(request, pk):
    return JsonResponse(_job_state(_job_for(request, pk)))


@login_required
def error_report(request, pk):
    job = _job_for(request, pk)
    if not job.error_report:
        raise Http404
    record_event(action=ImportAction.REPORT_DOWNLOAD, actor=request.user, obj=job)
    return FileResponse(
        job.error_report.open("rb"),
        as_attachment=True,
        filename=f"错误报告-{job.filename.rsplit('.', 1)[0]}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


@require_POST
@login_required
def rerun(request, pk):
    job = _job_for(request, pk)
    try:
        again = services.rerun_valid_only(actor=request.user, job=job)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        return redirect("imports:job", pk=job.pk)
    return redirect("imports:job", pk=again.pk)
