"""The portal's results, plans, tasks and statistics (/public/): no login, no JavaScript.

The firm's page here (the directory's facts and the firm's whole inspection history) answers
/public/firms/<code>/ under both names, disclosure:firm and public:firm. Every page renders the
records of `disclosure.redaction`, never a model instance.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from disclosure import charts, redaction, statistics, yearly
from disclosure.downloads import has_results
from disclosure.filters import PublicPlanFilter, PublicResultFilter
from disclosure.pages import (
    int_param,
    public_list_page,
    public_page,
    query_without,
    url_code,
)

RESULTS_PER_PAGE = 20
PLANS_PER_PAGE = 20
TASK_RESULTS_SHOWN = 50


def newest_first_page(queryset, *, after: int | None, before: int | None, size: int):
    """One page in id-descending order (newest first) by keyset: no COUNT(*), no OFFSET.

    `after` is the last id shown (older rows follow); `before` the first (newer rows precede).
    """
    if before is not None:
        rows = list(queryset.filter(id__gt=before).order_by("id")[: size + 1])
        return list(reversed(rows[:size])), len(rows) > size, True
    if after is not None:
        queryset = queryset.filter(id__lt=after)
    rows = list(queryset.order_by("-id")[: size + 1])
    return rows[:size], after is not None, len(rows) > size


def _histories(records):
    """Publications grouped by inspection, newest inspection first, each oldest first."""
    groups: dict[str, list] = {}
    for record in sorted(records, key=lambda r: r.published_at):
        groups.setdefault(record.inspection, []).append(record)
    return sorted(
        groups.values(), key=lambda chain: (chain[0].inspected_on, chain[0].code), reverse=True
    )


@public_page
def firm_detail(request, uscc: str):
    row = redaction.public_firms().filter(uscc=url_code(uscc).upper()).first()
    if row is None:
        raise Http404("未找到该检查对象")
    records = redaction.public_records(redaction.public_results().filter(firm_uscc=row.uscc))
    return render(
        request,
        "disclosure/firm_detail.html",
        {"firm": redaction.public_firm(row), "histories": _histories(records)},
    )


@public_list_page
def result_list(request):
    result_filter = PublicResultFilter(request.GET, queryset=redaction.public_results())
    rows, has_previous, has_next = [], False, False
    if result_filter.is_valid():
        rows, has_previous, has_next = newest_first_page(
            result_filter.qs,
            after=int_param(request, "after"),
            before=int_param(request, "before"),
            size=RESULTS_PER_PAGE,
        )
    return render(
        request,
        "disclosure/result_list.html",
        {
            "filter": result_filter,
            "results": redaction.public_records(rows),
            "first_id": rows[0]["id"] if rows else None,
            "last_id": rows[-1]["id"] if rows else None,
            "has_previous": has_previous,
            "has_next": has_next,
            "query": query_without(request, "after", "before"),
        },
    )


@public_page
def result_detail(request, code: str):
    row = redaction.public_results().filter(code=url_code(code)).first()
    if row is None:
        raise Http404("未找到该公示")
    (record,) = redaction.public_records([row])
    chain = redaction.public_records(
        redaction.public_results().filter(code__startswith=f"{record.inspection}-G")
    )
    return render(
        request,
        "disclosure/result_detail.html",
        {"result": record, "chain": sorted(chain, key=lambda r: r.published_at)},
    )


@public_page
def task_detail(request, code: str):
    row = redaction.public_task_details().filter(code=url_code(code)).first()
    if row is None:
        raise Http404("未找到该抽查任务")
    task = redaction.public_task(row)
    rows = list(redaction.public_results().filter(task_code=task.code)[: TASK_RESULTS_SHOWN + 1])
    return render(
        request,
        "disclosure/task_detail.html",
        {
            "task": task,
            "results": redaction.public_records(rows[:TASK_RESULTS_SHOWN]),
            "more_results": len(rows) > TASK_RESULTS_SHOWN,
        },
    )


@public_list_page
def plan_list(request):
    plans = redaction.public_plans()
    plan_filter = PublicPlanFilter(request.GET, queryset=plans)
    rows = plan_filter.qs if plan_filter.is_valid() else plans.none()
    page = Paginator(rows, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosure/plan_list.html",
        {
            "filter": plan_filter,
            "page": page,
            "plans": [redaction.public_plan(plan) for plan in page.object_list],
            "query": query_without(request, "page"),
        },
    )


@public_page
def plan_detail(request, code: str):
    row = redaction.find_plan(redaction.public_plans(), url_code(code))
    if row is None:
        raise Http404("未找到该年度计划")
    return render(request, "disclosure/plan_detail.html", {"plan": redaction.public_plan(row)})


@public_page
def statistics_latest(request):
    return redirect("disclosure:statistics", year=statistics.last_year())


@public_page
def statistics_year(request, year: int):
    if not statistics.is_published_year(year):
        raise Http404("该年度尚未结束，统计数据将于次年1月公开")
    figures, by_department = yearly.year_figures(year)
    categories = [(label, n) for _code, label, n in figures.by_category]
    follow_ups = [(label, n) for _kind, label, n in figures.follow_ups]
    return render(
        request,
        "disclosure/statistics.html",
        {
            "stats": figures,
            "years": statistics.available_years(),
            # The SVG is built from escaped labels and integers only (disclosure.charts).
            "category_chart": mark_safe(charts.bar_chart("检查结果分类", categories)),  # noqa: S308
            "follow_up_chart": mark_safe(charts.bar_chart("后续处置方式", follow_ups)),  # noqa: S308
            # 行政执法统计年报's public part: the inspections of firms per department (counts).
            "inspections_by_department": by_department,
        },
    )


@public_page
def downloads(request):
    this_year = statistics.last_year() + 1
    years = [this_year, *statistics.available_years()]
    years = [(year, has_results(year)) for year in years]
    return render(request, "disclosure/downloads.html", {"years": years})
