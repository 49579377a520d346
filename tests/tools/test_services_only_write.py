"""Services only write (docs/architecture.md, style rule 17): every public function of a
`services` module writes — it saves or deletes a row, records an audit event, or calls another
service (of its own module or of a `services` module it imports). A read, a predicate or an
access check belongs in the app's `selectors` or `access` module; the few exceptions are listed
below with their reason."""

import ast
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "backend",
    "personnel",
    "inspections",
    "fieldwork",
    "legalreview",
    "ratings",
    "supervision",
    "disclosure",
    "reminders",
]
# The ORM's writes, and the audit trail's. A call of one of these is a write.
WRITE_METHODS = {
    "save",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "update",
    "delete",
}
WRITE_FUNCTIONS = {"record_event"}
# module:function -> why it stays in the services module although the check sees no write.
ALLOWED = {
    "inspections/planning/services/task_transitions.py:register_start_handler": (
        "names the writer that start_task calls (fieldwork's start_fieldwork): the wiring of a "
        "write, kept beside it"
    ),
    "inspections/planning/services/task_transitions.py:start_task": (
        "writes through the registered start handler, a service of fieldwork that planning may "
        "not import"
    ),
}


def services_modules() -> list[Path]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            if path.name == "services.py" or path.parent.name == "services":
                found.append(path)
    return found


def _called(call: ast.Call) -> tuple[str | None, str]:
    """(what it is called on: a name, "." for any other expression, None for a plain function
    call; the function's name)."""
    func = call.func
    if isinstance(func, ast.Name):
        return None, func.id
    if isinstance(func, ast.Attribute):
        return (func.value.id if isinstance(func.value, ast.Name) else "."), func.attr
    return None, ""


def non_writing_functions(source: str) -> list[str]:
    """The public top-level functions of a services module's `source` that never write."""
    tree = ast.parse(source)
    service_names: set[str] = set()  # functions imported from a services module
    service_modules: set[str] = set()  # names bound to a services module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            for alias in node.names:
                if "services" in parts:
                    service_names.add(alias.asname or alias.name)
                elif alias.name == "services":
                    service_modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if "services" in alias.name.split("."):
                    service_modules.add(alias.asname or alias.name.split(".")[0])
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    calls = {
        name: [_called(c) for c in ast.walk(node) if isinstance(c, ast.Call)]
        for name, node in functions.items()
    }

    def writes_directly(name: str) -> bool:
        for owner, called in calls[name]:
            if called in WRITE_FUNCTIONS or called in service_names:
                return True
            if owner is not None and (owner in service_modules or called in WRITE_METHODS):
                return True
        return False

    writers = {name for name in functions if writes_directly(name)}
    # A function that calls a writer of the same module writes too.
    changed = True
    while changed:
        changed = False
        for name in functions:
            if name not in writers and any(
                owner is None and called in writers for owner, called in calls[name]
            ):
                writers.add(name)
                changed = True
    return [name for name in functions if not name.startswith("_") and name not in writers]


def test_the_check_finds_a_read_only_function_and_accepts_the_writes():
    source = textwrap.dedent(
        """
        from backend.audit.services import record_event
        from fieldwork.services.records import append_record
        from fieldwork import services as fieldwork_services

        def _append(inspection):
            inspection.save(update_fields=["state"])

        def current_records(inspection):
            return list(inspection.records.filter(kind="result").order_by("sequence"))

        def require_member(user, inspection):
            if not inspection.members.filter(officer=user.officer).exists():
                raise PermissionError("not a member")

        def saves(inspection):
            _append(inspection)

        def audits(actor, task):
            record_event(action="x", actor=actor, obj=task)

        def appends(actor, inspection):
            return append_record(actor=actor, inspection=inspection, kind="notice", content={})

        def through_a_module(actor, inspection):
            fieldwork_services.start(actor=actor, inspection=inspection)

        def deletes(rows):
            rows.delete()

        def marks_read(user):
            user.notifications.filter(read_at=None).update(read_at=1)
        """
    )
    assert non_writing_functions(source) == ["current_records", "require_member"]


def test_every_public_function_of_a_services_module_writes():
    modules = services_modules()
    assert len(modules) > 20
    found = [
        f"{path.relative_to(ROOT)}:{name}"
        for path in modules
        for name in non_writing_functions(path.read_text(encoding="utf-8"))
    ]
    unexplained = [where for where in found if where not in ALLOWED]
    assert unexplained == [], (
        "Public functions of services modules that do not write: move each to the app's "
        "selectors or access module (or, with a reason, to ALLOWED)"
    )


def test_every_allowed_exception_is_still_there_and_still_needed():
    found = {
        f"{path.relative_to(ROOT)}:{name}"
        for path in services_modules()
        for name in non_writing_functions(path.read_text(encoding="utf-8"))
    }
    assert sorted(set(ALLOWED) - found) == []
