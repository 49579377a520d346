"""The public side of published results: the firm's history, the results list and its filters,
a task's page with its draws, plans, statistics with their charts, the yearly downloads, and
the same as open data."""

import csv
import io
from datetime import date

import pytest
from disclosure_builders import carry_out, drawn_task
from openpyxl import load_workbook

from disclosure.services import publish_results
from inspections.draws.models import DrawStatus

API = "/api/v1/public"


@pytest.fixture
def published(kj, planner, department_admin):
    """KJ's 2021 task (its first firms draw abandoned and replaced), four results published:
    one 发现问题待后续处理, three 未发现问题."""
    task = drawn_task(
        department=kj,
        planner=planner,
        department_admin=department_admin,
        firms=4,
        firm_names=["长春星河科技有限公司"],
        replace_firms_draw=True,
    )
    inspections = carry_out(
        task, planner=planner, reviewer=department_admin, results={0: ["follow-up-disclosure"]}
    )
    rows = publish_results(actor=planner, inspections=inspections)
    task.refresh_from_db()
    return task, rows


def _codes(client, query: str) -> set[str]:
    response = client.get(f"{API}/results/?{query}")
    assert response.status_code == 200, response.content
    return {r["code"] for r in response.json()["results"]}


def test_a_firms_page_shows_its_whole_inspection_history(client, published):
    task, rows = published
    star = next(r for r in rows if r.firm_name == "长春星河科技有限公司")
    page = client.get(f"/public/firms/{star.firm_uscc}/").content.decode()
    assert 'data-testid="history-entry"' in page
    assert star.code in page and task.code in page
    assert "市科学技术局" in page and "2021年6月8日" in page
    assert "发现问题待后续处理（未按规定公示应当公示的信息）" in page
    assert "本平台尚未公示" not in page
    assert page.count('data-testid="result"') == 1


def test_the_results_filters_narrow_by_department_region_item_period_and_result(
    client, published, ga
):
    task, rows = published
    everything = {r.code for r in rows}
    item = task.items.get().item.code
    assert _codes(client, "") == everything
    assert _codes(client, "department=KJ") == everything
    assert _codes(client, "department=GA") == set()
    assert _codes(client, "region=220100") == everything
    assert _codes(client, "region=220200") == set()
    assert _codes(client, f"item={item}") == everything
    assert _codes(client, "year=2021") == everything
    assert _codes(client, "year=2022") == set()
    assert _codes(client, "date_after=2021-06-01&date_before=2021-06-30") == everything
    assert _codes(client, "date_after=2021-07-01") == set()
    assert _codes(client, "result=follow-up") == {rows[0].code}
    assert _codes(client, "result=follow-up-disclosure") == {rows[0].code}
    assert _codes(client, "result=no-problem") == everything - {rows[0].code}
    assert _codes(client, "q=星河") == {r.code for r in rows if "星河" in r.firm_name}
    assert _codes(client, f"q={rows[1].firm_uscc}") == {rows[1].code}
    assert _codes(client, f"task={task.code}&status=in_force") == everything


def test_a_bad_filter_is_a_400_naming_the_parameter(client, published):
    response = client.get(f"{API}/results/?year=abc&result=nonsense")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"year", "result"}
    page = client.get("/public/results/?year=abc")
    assert page.status_code == 200
    assert "查询条件有误" in page.content.decode()


def test_the_results_come_newest_first_in_stable_cursor_pages(client, published):
    _task, rows = published
    first = client.get(f"{API}/results/?page_size=3").json()
    second = client.get(first["next"]).json()
    codes = [r["code"] for r in first["results"] + second["results"]]
    assert codes == [r.code for r in sorted(rows, key=lambda r: r.pk, reverse=True)]
    assert second["next"] is None


def test_the_results_page_pages_without_javascript(client, published, monkeypatch):
    monkeypatch.setattr("disclosure.views.RESULTS_PER_PAGE", 3)
    page = client.get("/public/results/").content.decode()
    assert page.count('data-testid="result"') == 3 and 'rel="next"' in page
    after = page.split("after=")[1].split('"')[0]
    rest = client.get(f"/public/results/?after={after}").content.decode()
    assert rest.count('data-testid="result"') == 1 and 'rel="prev"' in rest


def test_a_tasks_page_links_every_draw_abandoned_and_replacement_included(client, published):
    task, _rows = published
    draws = list(task.draws.order_by("id"))
    assert [d.status for d in draws][:2] == [DrawStatus.ABANDONED, DrawStatus.PERFORMED]
    page = client.get(f"/public/tasks/{task.code}/").content.decode()
    for draw in draws:
        assert f'href="/public/draws/{draw.public_id}/"' in page
    assert "已作废" in page and "见证人未到场" in page
    assert "递补，替代 <a" in page
    assert "已公示 4 / 共 4 户" in page
    assert page.count('data-testid="result"') == 4

    api = client.get(f"{API}/tasks/{task.code}/").json()
    assert [d["code"] for d in api["draws"]] == [d.public_id for d in draws]
    assert api["draws"][1]["replaces"] == draws[0].public_id
    assert (api["inspections"], api["published"], api["status"]) == (4, 4, "published")


def test_a_draft_task_is_not_public(client, published, planner):
    from inspections.planning.services import open_task

    task, _rows = published
    draft = open_task(
        actor=planner,
        plan=task.plan,
        name="尚未公告的任务",
        items=list(task.items.all()),
        window_start=date(2021, 9, 1),
        window_end=date(2021, 9, 30),
        seats={task.department: 2},
        quotas={},
    )
    assert client.get(f"/public/tasks/{draft.code}/").status_code == 404
    assert client.get(f"{API}/tasks/{draft.code}/").status_code == 404
    listed = {t["code"] for t in client.get(f"{API}/tasks/").json()["results"]}
    assert listed == {task.code}


def test_published_plans_are_public_with_their_tasks(client, published):
    task, _rows = published
    code = f"KJ-{task.plan.year}-{task.plan.version}"
    page = client.get("/public/plans/").content.decode()
    assert f'href="/public/plans/{code}/"' in page
    detail = client.get(f"/public/plans/{code}/").content.decode()
    assert f'href="/public/tasks/{task.code}/"' in detail
    api = client.get(f"{API}/plans/{code}/").json()
    assert api["tasks"][0]["code"] == task.code
    assert api["lines"][0]["planned"] == 4
    assert client.get(f"{API}/plans/KJ-2021-9/").status_code == 404
    assert client.get(f"{API}/plans/?year=2020").json()["results"] == []


def test_last_years_statistics_with_server_drawn_charts(client, published):
    page = client.get("/public/statistics/2021/").content.decode()
    assert "依法应于2022年1月31日前公开" in page
    assert (
        '<svg xmlns="http://www.w3.org/2000/svg"' in page
        and "<script" not in page.split("<main")[1].split("</main>")[0]
    )
    figures = client.get(f"{API}/statistics/2021/").json()
    assert (figures["tasks"], figures["firms"], figures["results"]) == (1, 4, 4)
    categories = {c["code"]: c["count"] for c in figures["by_category"]}
    assert (categories["no-problem"], categories["follow-up"]) == (3, 1)
    methods = {c["code"]: c["count"] for c in figures["by_method"]}
    assert methods == {"site": 4, "non_site": 0}
    assert 'data-testid="stat-methods"' in page
    assert figures["due_by"] == "2022-01-31"
    assert client.get("/public/statistics/").url.endswith(
        f"/public/statistics/{date.today().year - 1}/"
    )
    # This year is not over: its statistics do not exist yet.
    assert client.get(f"/public/statistics/{date.today().year}/").status_code == 404
    assert client.get(f"{API}/statistics/{date.today().year}/").status_code == 404
    years = client.get(f"{API}/statistics/").json()
    assert years[0]["year"] == date.today().year - 1 and years[-1]["year"] == 2021


def test_the_yearly_csv_streams_every_publication(client, published):
    _task, rows = published
    response = client.get(f"{API}/downloads/results-2021.csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "public" in response["Cache-Control"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:3] == ["公示编号", "公示类型", "状态"]
    assert sorted(line[0] for line in table[1:]) == sorted(r.code for r in rows)
    assert client.get(f"{API}/downloads/results-2020.csv").status_code == 404


def test_the_yearly_workbook_is_built_once_by_its_job(client, published, settings, tmp_path):
    from backend.jobs.models import WorkJob
    from backend.jobs.work import run_work

    settings.MEDIA_ROOT = tmp_path
    # Not built yet: the request starts the job (once) and says when to come back.
    for _ in range(2):
        response = client.get(f"{API}/downloads/results-2021.xlsx")
        assert response.status_code == 503
        assert response["Retry-After"] == str(settings.RESULTS_FILE_RETRY_AFTER)
        assert response.json()["code"] == "file_being_built"
        assert "正在生成" in response.json()["message"]
    job = WorkJob.objects.get(kind="disclosure.results_file")
    assert job.subject == "2021" and not list(tmp_path.glob("**/*.xlsx"))
    run_work(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.done == 4, job.message
    response = client.get(f"{API}/downloads/results-2021.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet_rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(sheet_rows) == 5 and sheet_rows[0][0] == "公示编号"
    built = list((tmp_path / "disclosure").glob("*.xlsx"))
    client.get(f"{API}/downloads/results-2021.xlsx")
    assert list((tmp_path / "disclosure").glob("*.xlsx")) == built


def test_open_data_carries_cache_headers_and_open_cors(client, published):
    for path in ("results/", "plans/", "tasks/", "statistics/", "statistics/2021/"):
        response = client.get(f"{API}/{path}", HTTP_ORIGIN="https://example.org")
        assert response.status_code == 200, path
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]


def test_the_search_apis_hand_written_rows_match_the_documented_serializer(published, planner):
    from django.test import RequestFactory

    from disclosure.services import withdraw_result

    withdraw_result(
        actor=planner, result=published[1][0], reason="原决定已撤销", revoked_on=date(2026, 3, 2)
    )
    from disclosure.redaction import public_result, public_results, with_replacements
    from disclosure.serializers import OpenResultSerializer, open_result

    request = RequestFactory().get("/api/v1/public/results/")
    base = request.build_absolute_uri("/api/v1/public/results/")
    rows = with_replacements(public_results())
    assert {row["replaced_by__kind"] for row in rows} >= {None, "withdrawal"}
    for row in rows:
        record = public_result(row)
        documented = OpenResultSerializer(record, context={"request": request}).data
        assert open_result(record, base) == dict(documented)
