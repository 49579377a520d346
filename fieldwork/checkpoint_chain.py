"""The inspections' record chains as one checkpointed chain: a Merkle tree over their heads.

Each inspection's chain is a leaf, `{"inspection": code, "size": records, "head": hash}` in
canonical JSON, ordered by inspection code; the checkpoint signs the tree's root with the
number of inspections and records and the largest record id it covers. Record ids only grow,
so the state "as of" that id can be rebuilt later and compared.
"""

from collections.abc import Iterator

from django.db import connection, transaction
from django.db.models import Max

from backend.checkpoints import merkle
from backend.checkpoints.registry import Chain, ChainBroken, Disagreement, Entry
from fieldwork import chain
from fieldwork.models import InspectionRecord
from fieldwork.selectors.records import payload_of


def _mark() -> int:
    """The largest record id below which nothing can still appear.

    On PostgreSQL a SHARE lock waits for the transactions inserting records to end (and holds
    new ones off for the instant of one query): an id handed to an insert that is still
    running would otherwise appear later below the mark.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE fieldwork_inspectionrecord IN SHARE MODE")
        return InspectionRecord.objects.aggregate(last=Max("id"))["last"] or 0


def heads(upto_id: int) -> Iterator[tuple[str, int, str]]:
    """(inspection code, records, head hash) of every chain as it stood at record `upto_id`."""
    rows = (
        InspectionRecord.objects.filter(id__lte=upto_id)
        .order_by("inspection__code", "sequence")
        .values_list("inspection__code", "sequence", "content_hash")
        .iterator(chunk_size=5000)
    )
    current = None
    for code, sequence, content_hash in rows:
        if current is not None and current[0] != code:
            yield current
        current = (code, sequence, content_hash)
    if current is not None:
        yield current


def _leaf(code: str, size: int, head: str) -> bytes:
    return merkle.leaf_hash(merkle.canonical({"inspection": code, "size": size, "head": head}))


def state(upto_id: int) -> Entry:
    inspections = records = 0

    def leaves():
        nonlocal inspections, records
        for code, size, head in heads(upto_id):
            inspections += 1
            records += size
            yield _leaf(code, size, head)

    _count, root = merkle.root(leaves())
    return {"inspections": inspections, "size": records, "last_id": upto_id, "root": root}


def snapshot(previous: Entry | None) -> Entry:
    """Check every chain that grew since `previous` (each is short), then sign all heads."""
    mark = _mark()
    since = previous["last_id"] if previous else 0
    grown = (
        InspectionRecord.objects.filter(id__gt=since, id__lte=mark)
        .values_list("inspection_id", flat=True)
        .distinct()
    )
    for inspection_id in list(grown):
        rows = (
            InspectionRecord.objects.filter(inspection_id=inspection_id, id__lte=mark)
            .select_related("inspection", "corrects")
            .order_by("sequence")
        )
        found = chain.verify((r.sequence, payload_of(r), r.prev_hash, r.content_hash) for r in rows)
        if found is not None:
            code = rows[0].inspection.code if rows else inspection_id
            raise ChainBroken(f"检查 {code}：{found.problem}")
    return state(mark)


def compare(entry: Entry) -> Disagreement | None:
    now = state(entry["last_id"])
    if now["size"] < entry["size"] or now["inspections"] < entry["inspections"]:
        return Disagreement(
            "truncated",
            f"检查点签署了 {entry['inspections']} 个检查的 {entry['size']} 条记录，"
            f"数据库中截至同一记录编号只有 {now['inspections']} 个检查的 {now['size']} 条："
            "记录被删除",
        )
    if now["root"] != entry["root"]:
        return Disagreement(
            "rewritten",
            f"检查点签署的记录链根哈希为 {entry['root'][:16]}…，数据库中为 {now['root'][:16]}…："
            "某个检查的记录被改写（用 verify_records 查看各检查的记录链）",
        )
    return None


RECORDS_CHAIN = Chain(
    name="records", label="全过程记录", snapshot=snapshot, compare=compare, order=20
)
