"""Walking the inspections' record chains (verify_records, and the nightly verification)."""

from collections.abc import Iterable, Iterator

from fieldwork import chain
from fieldwork.models import Inspection
from fieldwork.selectors.records import payload_of


def broken_chains(inspections: Iterable[Inspection]) -> Iterator[tuple[Inspection, str, int]]:
    """Each inspection whose chain does not hold, with its first problem; and, for every
    inspection walked, how many records it holds (the third value; 0 problems yield nothing).

    Yields (inspection, problem, records) for the broken ones and (inspection, "", records)
    for the intact ones, so that the caller counts what it walked.
    """
    for inspection in inspections:
        rows = inspection.records.select_related("inspection", "corrects").order_by("sequence")
        found = chain.verify((r.sequence, payload_of(r), r.prev_hash, r.content_hash) for r in rows)
        yield inspection, "" if found is None else found.problem, rows.count()


def nightly_problems() -> list[str]:
    """Every broken record chain, named by its inspection's code."""
    inspections = Inspection.objects.order_by("code").iterator()
    return [
        f"检查{inspection.code}的全过程记录链断裂：{problem}"
        for inspection, problem, _records in broken_chains(inspections)
        if problem
    ]
