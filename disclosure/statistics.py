"""A year's enforcement statistics (行政执法统计年报), public by 31 January of the next year.

The page for a year exists from 1 January of the next year, computed from what is public: the
tasks, and the results in force (corrections counted once, withdrawn results not at all). The
figures are cached under the newest publication's id, so that a new publication is counted at
once and a million results are not grouped on every visit (tasks and legal reviews held are
recounted within the hour).
"""

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Count, Max, Min
from django.utils import timezone

from disclosure import gates
from disclosure.models import PublishedResult
from disclosure.redaction import public_tasks, results_in_force
from fieldwork.models import FollowUpKind, RecordKind, ResultCode
from inspections.planning.models import TaskStatus


@dataclass(frozen=True)
class YearStatistics:
    year: int
    due_by: date
    tasks: int
    firms: int
    results: int
    by_category: tuple[tuple[str, str, int], ...]  # (code, official wording, results)
    follow_ups: tuple[tuple[str, str, int], ...]  # (kind, label, results with that kind)
    legal_reviews: int
    # 现场 and 非现场 counted apart (非现场优先, 国办发〔2024〕54号): (code, label, results).
    by_method: tuple[tuple[str, str, int], ...] = ()


def due_by(year: int) -> date:
    """Last year's statistics are public by 31 January (domain.md, Disclosure)."""
    return date(year + 1, 1, 31)


def last_year(today: date | None = None) -> int:
    return (today or timezone.localdate()).year - 1


def is_published_year(year: int, today: date | None = None) -> bool:
    """A year's statistics exist once the year is over."""
    return 2000 <= year <= last_year(today)


def available_years(today: date | None = None) -> list[int]:
    """Last year first, back to the earliest year with a task or a result."""
    newest = last_year(today)
    first = [
        PublishedResult.objects.aggregate(y=Min("year"))["y"],
        public_tasks().aggregate(y=Min("window_start__year"))["y"],
    ]
    oldest = min([y for y in first if y is not None], default=newest)
    return list(range(newest, min(oldest, newest) - 1, -1))


def _count_words(rows, labels: dict[str, str]) -> tuple[tuple[str, str, int], ...]:
    counts = dict.fromkeys(labels, 0)
    for words, n in rows:
        for word in set((words or "").split()):
            if word in counts:
                counts[word] += n
    return tuple((code, labels[code], counts[code]) for code in labels)


def compute(year: int) -> YearStatistics:
    results = results_in_force(PublishedResult.objects.filter(year=year))
    categories = {
        c.code: c.name for c in ResultCode.objects.filter(parent__isnull=True).order_by("position")
    }
    kinds = {k.value: str(k.label) for k in FollowUpKind if k != FollowUpKind.NONE}
    by_codes = results.values_list("result_codes").annotate(n=Count("id")).order_by()
    by_kinds = results.values_list("follow_up_kinds").annotate(n=Count("id")).order_by()
    non_site = results.filter(
        inspection__records__kind=RecordKind.NON_SITE,
        inspection__records__corrected_by__isnull=True,
    )
    non_site_count = non_site.values("inspection").distinct().count()
    return YearStatistics(
        year=year,
        due_by=due_by(year),
        tasks=public_tasks()
        .filter(window_start__year=year)
        .exclude(status=TaskStatus.ABANDONED)
        .count(),
        firms=results.values("firm_uscc").distinct().count(),
        results=results.count(),
        by_category=_count_words(by_codes, categories),
        follow_ups=_count_words(by_kinds, kinds),
        legal_reviews=gates.legal_reviews_held(year),
        by_method=(
            ("site", "现场检查", results.count() - non_site_count),
            ("non_site", "非现场检查", non_site_count),
        ),
    )


def year_statistics(year: int) -> YearStatistics:
    newest = PublishedResult.objects.aggregate(n=Max("id"))["n"] or 0
    return cache.get_or_set(f"disclosure:statistics:{year}:{newest}", lambda: compute(year), 3600)
