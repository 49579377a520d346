"""Re-encrypting every sealed value and re-indexing it under the current field key.

Resumable by construction: each batch commits on its own, and a value already under the
current key is left as it is, so a run that stops part-way is simply run again.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction

from backend.audit.services import record_event
from backend.crypto.actions import CryptoAction
from backend.crypto.fields import BlindIndexField, SealedCharField, sealed_key_id
from backend.crypto.keys import field_keyring


@dataclass(frozen=True)
class SealedModel:
    model: type
    sealed: tuple[str, ...]
    indexes: tuple[str, ...]


def sealed_models() -> list[SealedModel]:
    found = []
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        sealed = tuple(f.name for f in fields if isinstance(f, SealedCharField))
        if sealed:
            indexes = tuple(f.name for f in fields if isinstance(f, BlindIndexField))
            found.append(SealedModel(model, sealed, indexes))
    return found


def _stale_pks(entry: SealedModel, *, after: int, batch: int, current: str):
    meta = entry.model._meta
    columns = [meta.get_field(name).column for name in (*entry.sealed, *entry.indexes)]
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {quote(meta.pk.column)}, {', '.join(quote(c) for c in columns)} "
        f"FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} > %s "
        f"ORDER BY {quote(meta.pk.column)} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [after, batch])
        rows = cursor.fetchall()
    split = 1 + len(entry.sealed)
    stale = [
        row[0]
        for row in rows
        if any(sealed_key_id(value) not in (None, current) for value in row[1:split])
        or any(value and value.partition(":")[0] != current for value in row[split:])
    ]
    return (rows[-1][0] if rows else None), stale


def stale_count() -> int:
    """Values not yet under the current key (0: the old keys may be removed)."""
    current = field_keyring().current.key_id
    count = 0
    for entry in sealed_models():
        last = 0
        while last is not None:
            last, stale = _stale_pks(entry, after=last, batch=5000, current=current)
            count += len(stale)
    return count


def rotate(*, batch: int = 500, progress: Callable[[int], None] | None = None) -> int:
    """Re-seal every value not under the current key; returns how many rows were rewritten."""
    current = field_keyring().current.key_id
    rewritten = 0
    for entry in sealed_models():
        last = 0
        while True:
            with transaction.atomic():
                last, stale = _stale_pks(entry, after=last, batch=batch, current=current)
                if last is None:
                    break
                for row in entry.model._base_manager.select_for_update().filter(pk__in=stale):
                    # Loaded through the old key, saved under the current one; the index
                    # fields recompute themselves on save.
                    row.save(update_fields=[*entry.sealed, *entry.indexes])
                rewritten += len(stale)
            if progress:
                progress(len(stale))
    record_event(
        action=CryptoAction.ROTATE_FIELD_KEYS,
        object_type="crypto.fieldkey",
        object_id=current,
        detail={"rows": rewritten},
    )
    return rewritten
