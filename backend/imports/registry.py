from django.core.exceptions import ImproperlyConfigured

from backend.audit.actions import is_registered
from backend.imports.base import Importer

_IMPORTERS: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    """Class decorator: make an importer available to the upload page and the commands."""
    if not is_registered(getattr(importer, "audit_action", "")):
        raise ImproperlyConfigured(
            f"导入类型 {importer.kind} 的 audit_action 须是所属应用审计操作枚举中的成员"
        )
    _IMPORTERS[importer.kind] = importer
    return importer


def get_importer(kind: str) -> type[Importer]:
    try:
        return _IMPORTERS[kind]
    except KeyError:
        raise LookupError(f"unknown import kind {kind!r}") from None


def all_importers() -> dict[str, type[Importer]]:
    return dict(_IMPORTERS)
