"""A 404 for an object that exists but is not the asker's: a denied access, audited.

Every page and API finds an object through a query scoped to who asks (the selectors'
`get_*_for_user`, `get_object_or_404(scoped_queryset, pk=...)`, DRF's `get_object()`), and
answers 404, never 403, when it is out of scope, so that the answer does not confirm that it
exists. The answer stays that; only the audit trail learns the difference. The one place that
can tell is the failed lookup itself: the 404 was raised while handling its `DoesNotExist`,
whose traceback holds the `QuerySet.get()` call with the queryset and the lookup. The same lookup
without the scope finds the object or not.

Only lookups that name one object wherever it is are checked: by primary key or by a unique
field. A lookup relative to a parent (an item's version by its number) would find other parents'
objects, which are not what was asked for.
"""

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import DatabaseError
from django.db.models import QuerySet

from backend.audit.actions import AuditTrailAction
from backend.audit.models import Outcome

# Public pages answer everyone; a 404 there refuses nothing to anyone.
_PUBLIC_PREFIXES = ("/public/", "/api/v1/public/")


def _failed_get(missing: ObjectDoesNotExist) -> tuple[QuerySet, tuple, dict] | None:
    traceback = missing.__traceback__
    found = None
    while traceback is not None:
        frame = traceback.tb_frame
        if frame.f_code is QuerySet.get.__code__:
            found = frame.f_locals
        traceback = traceback.tb_next
    if found is None:
        return None
    return found.get("self"), found.get("args", ()), found.get("kwargs", {})


def _names_one_object(model, args: tuple, kwargs: dict) -> bool:
    if args or len(kwargs) != 1:
        return False
    (name,) = kwargs
    if name in ("pk", "pk__exact"):
        return True
    field_name = name.removesuffix("__exact")
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return field_name == model._meta.pk.attname
    return field.primary_key or field.unique


def hidden_object(exception: BaseException):
    """The model and primary key of the object a 404 hides, if it exists; otherwise None."""
    missing = exception.__context__
    if not isinstance(missing, ObjectDoesNotExist):
        return None
    failed = _failed_get(missing)
    if failed is None:
        return None
    queryset, args, kwargs = failed
    model = getattr(queryset, "model", None)
    if model is None or not _names_one_object(model, args, kwargs):
        return None
    try:
        pk = model._base_manager.filter(**kwargs).values_list("pk", flat=True).first()
    except (DatabaseError, ValueError, TypeError):
        return None
    return None if pk is None else (model, pk)


def audit_hidden_object(request, exception: BaseException, *, user) -> None:
    """Record a denied access when `exception` (a 404) hides an existing object from `user`."""
    if request.path.startswith(_PUBLIC_PREFIXES) or not isinstance(
        exception.__context__, ObjectDoesNotExist
    ):
        return
    if user is None or not user.is_authenticated:
        return
    hidden = hidden_object(exception)
    if hidden is None:
        return
    from backend.audit.services import record_event

    model, pk = hidden
    record_event(
        action=AuditTrailAction.PERMISSION_DENIED,
        actor=user,
        object_type=model._meta.label_lower,
        object_id=pk,
        outcome=Outcome.DENIED,
        detail={"method": request.method, "path": request.path[:200], "answered": 404},
    )
