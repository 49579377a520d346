"""The security and audit administrators' page: the checkpoints, their state, one on demand."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.checkpoints.models import Checkpoint, Trigger
from backend.checkpoints.services import make_checkpoint
from backend.checkpoints.signing import public_key_document, signer

CHECKPOINT_ROLES = (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


@role_required(*CHECKPOINT_ROLES)
def checkpoint_list(request):
    checkpoints = Checkpoint.objects.select_related("made_by").order_by("-sequence")
    q = request.GET.get("q", "").strip()[:64]
    trigger = request.GET.get("trigger", "")
    if q.startswith("#"):  # 检查点 #2: the number alone, never a digest that starts with 2
        number = q[1:].strip()
        checkpoints = (
            checkpoints.filter(sequence=int(number)) if number.isdigit() else checkpoints.none()
        )
    elif q.isdigit():
        checkpoints = checkpoints.filter(Q(sequence=int(q)) | Q(sha256__startswith=q.lower()))
    elif q:
        checkpoints = checkpoints.filter(sha256__startswith=q.lower())
    if trigger in Trigger.values:
        checkpoints = checkpoints.filter(trigger=trigger)
    page = Paginator(checkpoints, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "checkpoints/list.html",
        {
            "page": page,
            "q": q,
            "trigger": trigger,
            "triggers": Trigger.choices,
            "key": public_key_document(signer().public_key()),
        },
    )


@require_POST
@role_required(*CHECKPOINT_ROLES)
def make(request):
    try:
        checkpoint = make_checkpoint(actor=request.user, trigger=Trigger.ON_DEMAND)
    except ValidationError as error:
        messages.error(request, "未生成检查点：" + "；".join(error.messages))
    else:
        messages.success(request, f"已生成并签署检查点 #{checkpoint.sequence}。")
    return redirect("checkpoints:list")
