"""The audit trail as a checkpointed chain: its size, last event id and head hash.

Registered from AuditConfig.ready(). Appends are serialised by the chain lock and take their id
under it, so every event up to the largest committed id is final: no lock is needed to read a
consistent head.
"""

from django.db.models import Max

from backend.audit.chain_walk import Broken, walk_links
from backend.audit.models import GENESIS_HASH, AuditEvent
from backend.checkpoints.registry import Chain, ChainBroken, Disagreement, Entry


def snapshot(previous: Entry | None) -> Entry:
    """Check that the events appended since `previous` (all of them for a first checkpoint)
    form one unbroken chain from its head, and sign the new head. Their contents are
    `verify_audit`'s to recompute (chain_walk.walk_links says why that is enough here)."""
    previous = previous or {"size": 0, "last_id": 0, "head": GENESIS_HASH}
    mark = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
    try:
        checked, last_id, head = walk_links(
            prev_hash=previous["head"], after_id=previous["last_id"], upto_id=mark
        )
    except Broken as broken:
        raise ChainBroken(f"审计链断裂：事件 #{broken.event_id}：{broken.reason}") from None
    return {"size": previous["size"] + checked, "last_id": last_id, "head": head}


def compare(entry: Entry) -> Disagreement | None:
    if entry["size"] == 0:
        return None
    stored = AuditEvent.objects.filter(id=entry["last_id"]).values_list("hash", flat=True).first()
    if stored is None:
        now = AuditEvent.objects.filter(id__lte=entry["last_id"]).count()
        return Disagreement(
            "truncated",
            f"检查点签署了 {entry['size']} 条审计事件（末条为 #{entry['last_id']}），"
            f"数据库中该事件已不存在，截至该编号只有 {now} 条：审计链尾部被删除",
        )
    if stored != entry["head"]:
        return Disagreement(
            "rewritten",
            f"检查点签署的事件 #{entry['last_id']} 的哈希为 {entry['head'][:16]}…，"
            f"数据库中为 {stored[:16]}…：此前的审计历史被改写",
        )
    return None


AUDIT_CHAIN = Chain(name="audit", label="审计日志", snapshot=snapshot, compare=compare, order=10)
