"""Re-checking a stored draw against its own files, as the public verifier would
(verify_draw, and the nightly verification)."""

from inspections.draws import dr1
from inspections.draws.models import Draw, DrawPurpose, DrawStatus
from inspections.draws.selectors import firms_result_for


def verify_stored_draw(draw: Draw):
    """DR-1's report on a performed draw: its checks, and its problems if any. (The files are
    deferred on the model: each is read when first used.)"""
    # A teams draw binds the firms result it staffs: the task's firms draw, or the one firm
    # of a replacement.
    firms_result = firms_result_for(draw) if draw.purpose == DrawPurpose.TEAMS else None
    return dr1.verify(
        draw.announcement,
        draw.reveal,
        bytes(draw.pool),
        bytes(draw.result),
        conflicts_bytes=None if draw.conflicts is None else bytes(draw.conflicts),
        firms_result_bytes=firms_result,
    )


def nightly_problems() -> list[str]:
    """Every performed draw recomputed from its files; those that do not verify."""
    problems = []
    performed = Draw.objects.filter(status=DrawStatus.PERFORMED).order_by("pk")
    for pk, public_id in performed.values_list("pk", "public_id"):
        report = verify_stored_draw(Draw.objects.get(pk=pk))
        if not report.ok:
            problems.append(f"抽取{public_id}验证未通过：{'；'.join(map(str, report.problems))}")
    return problems
