"""The public chains of the checkpoints: every draw, and every published result.

Both are Merkle trees (RFC 6962) in id order, so that anyone holding a checkpoint can check
that one draw or one published result is in it (verify_checkpoint.py, with the proof from
/public/checkpoints/<n>/draws/<id>.json or /results/<code>.json).

- A draw's leaf: {"draw", "announcement_sha256", "status", "reveal_sha256", "result_sha256"},
  the two last null until it is performed. A draw still announced when the checkpoint is made
  is listed in the entry's `pending`: its leaf there is its announced form, whatever happens
  to it later, so the tree "as of" a checkpoint can always be rebuilt.
- A published result's leaf: its public columns as the open-data API gives them (items by
  code, result codes as a list, the publication time in UTC). Publications are never changed:
  a correction or a withdrawal is a new leaf.

Registered from DisclosureConfig.ready(): disclosure owns everything public, draws included,
and may import the draws below it.
"""

import hashlib
import json
from datetime import UTC

from django.db import connection, transaction
from django.db.models import Max

from backend.checkpoints import merkle
from backend.checkpoints.registry import Chain, Disagreement, Entry, Proof
from disclosure.models import PublishedResult
from inspections.draws.models import DrawStatus


def _share_lock(table: str) -> None:
    # Waits for the transactions writing `table` to end and holds new writes off until the
    # caller's transaction ends: the rows read under it are a state no later commit changes.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


# --------------------------------------------------------------------------- draws


def draw_leaf(
    public_id: str, announcement_sha256: str, status: str, reveal, result_sha256: str | None
) -> dict:
    performed = status == DrawStatus.PERFORMED
    return {
        "draw": public_id,
        "announcement_sha256": announcement_sha256,
        "status": status,
        "reveal_sha256": hashlib.sha256(merkle.canonical(reveal)).hexdigest()
        if performed
        else None,
        "result_sha256": result_sha256 if performed else None,
    }


def _draw_rows(upto_id: int | None) -> list[tuple]:
    """(id, public id, status, announcement digest, reveal, result digest), by id."""
    digest = "encode(sha256(result), 'hex')" if connection.vendor == "postgresql" else "result"
    sql = (
        f"SELECT id, public_id, status, announcement_sha256, reveal, {digest} FROM inspections_draw"
    )
    params = []
    if upto_id is not None:
        sql += " WHERE id <= %s"
        params.append(upto_id)
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY id", params)
        rows = cursor.fetchall()
    if connection.vendor != "postgresql":
        rows = [
            (*row[:5], hashlib.sha256(bytes(row[5])).hexdigest() if row[5] is not None else None)
            for row in rows
        ]
    return [(*row[:4], _json(row[4]), row[5]) for row in rows]


def _draw_leaves(rows, pending: set[str]) -> list[dict]:
    leaves = []
    for _id, public_id, status, announcement_sha256, reveal, result_sha256 in rows:
        if public_id in pending:
            status, reveal, result_sha256 = DrawStatus.ANNOUNCED, None, None
        leaves.append(draw_leaf(public_id, announcement_sha256, status, reveal, result_sha256))
    return leaves


def _hashes(leaves: list[dict]) -> list[bytes]:
    return [merkle.leaf_hash(merkle.canonical(leaf)) for leaf in leaves]


def draws_snapshot(previous: Entry | None) -> Entry:
    with transaction.atomic():
        _share_lock("inspections_draw")
        rows = _draw_rows(None)
    pending = sorted(row[1] for row in rows if row[2] == DrawStatus.ANNOUNCED)
    size, root = merkle.root(_hashes(_draw_leaves(rows, set())))
    return {
        "size": size,
        "last_id": rows[-1][0] if rows else 0,
        "root": root,
        "pending": pending,
    }


def _draws_as_of(entry: Entry) -> tuple[list[tuple], list[dict]]:
    rows = _draw_rows(entry["last_id"])
    return rows, _draw_leaves(rows, set(entry["pending"]))


def draws_compare(entry: Entry) -> Disagreement | None:
    rows, leaves = _draws_as_of(entry)
    if len(leaves) < entry["size"]:
        return Disagreement(
            "truncated",
            f"检查点签署了 {entry['size']} 次抽取，"
            f"数据库中截至同一编号只有 {len(leaves)} 次：抽取被删除",
        )
    _size, root = merkle.root(_hashes(leaves))
    if root != entry["root"]:
        return Disagreement(
            "rewritten",
            f"检查点签署的抽取根哈希为 {entry['root'][:16]}…，数据库中为 {root[:16]}…："
            "某次抽取的公告、揭示或结果被改动",
        )
    return None


def draws_prove(entry: Entry, public_id: str) -> Proof | None:
    rows, leaves = _draws_as_of(entry)
    index = next((i for i, row in enumerate(rows) if row[1] == public_id), None)
    if index is None:
        return None
    return Proof(index, len(leaves), leaves[index], merkle.inclusion_path(_hashes(leaves), index))


# --------------------------------------------------------------------------- published results


def _utc(value) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _result_leaves(upto_id: int) -> tuple[list[str], list[dict]]:
    codes: dict[int, str] = {}
    order, leaves = [], []
    rows = (
        PublishedResult.objects.filter(id__lte=upto_id)
        .order_by("id")
        .values_list(
            "id",
            "code",
            "kind",
            "replaces_id",
            "agency",
            "joint_agencies",
            "task_code",
            "firm_uscc",
            "firm_name",
            "region_code",
            "items",
            "inspected_on",
            "result_codes",
            "published_at",
        )  # fmt: skip
        .iterator(chunk_size=5000)
    )
    for (pk, code, kind, replaces_id, agency, joint, task_code, uscc, firm_name, region, items,
         inspected_on, result_codes, published_at) in rows:  # fmt: skip
        codes[pk] = code
        order.append(code)
        leaves.append(
            {
                "code": code,
                "kind": kind,
                "replaces": codes.get(replaces_id) if replaces_id else None,
                "agency": agency,
                "joint_agencies": joint,
                "task_code": task_code,
                "firm_uscc": uscc,
                "firm_name": firm_name,
                "region_code": region,
                "items": [item["code"] for item in items],
                "inspected_on": inspected_on.isoformat(),
                "result_codes": result_codes.split(),
                "published_at": _utc(published_at),
            }
        )
    return order, leaves


def results_snapshot(previous: Entry | None) -> Entry:
    with transaction.atomic():
        _share_lock("disclosure_publishedresult")
        mark = PublishedResult.objects.aggregate(last=Max("id"))["last"] or 0
    _order, leaves = _result_leaves(mark)
    size, root = merkle.root(_hashes(leaves))
    return {"size": size, "last_id": mark, "root": root}


def results_compare(entry: Entry) -> Disagreement | None:
    _order, leaves = _result_leaves(entry["last_id"])
    if len(leaves) < entry["size"]:
        return Disagreement(
            "truncated",
            f"检查点签署了 {entry['size']} 条公示，"
            f"数据库中截至同一编号只有 {len(leaves)} 条：公示被删除",
        )
    _size, root = merkle.root(_hashes(leaves))
    if root != entry["root"]:
        return Disagreement(
            "rewritten",
            f"检查点签署的公示根哈希为 {entry['root'][:16]}…，"
            f"数据库中为 {root[:16]}…：公示内容被改动",
        )
    return None


def results_prove(entry: Entry, code: str) -> Proof | None:
    order, leaves = _result_leaves(entry["last_id"])
    try:
        index = order.index(code)
    except ValueError:
        return None
    return Proof(index, len(leaves), leaves[index], merkle.inclusion_path(_hashes(leaves), index))


DRAWS_CHAIN = Chain(
    name="draws",
    label="抽取",
    snapshot=draws_snapshot,
    compare=draws_compare,
    prove=draws_prove,
    order=30,
)
RESULTS_CHAIN = Chain(
    name="results",
    label="公示结果",
    snapshot=results_snapshot,
    compare=results_compare,
    prove=results_prove,
    order=40,
)
