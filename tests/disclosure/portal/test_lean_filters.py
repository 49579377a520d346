"""The public lists' cheaper FilterSet, and the name statistics the name search relies on."""

import pytest
from django.db import connection

from disclosure import redaction
from disclosure.filters import PublicFirmFilter, PublicResultFilter
from disclosure.redaction import public_results
from inspections.directory.models import Firm


def test_each_filterset_has_its_own_filters_bound_to_itself(db):
    first = PublicFirmFilter({"q": "星际"}, queryset=redaction.public_firms())
    second = PublicFirmFilter({"q": "银河"}, queryset=redaction.public_firms())
    for name, filter_ in first.filters.items():
        assert filter_ is not PublicFirmFilter.base_filters[name]
        assert filter_ is not second.filters[name]
        assert filter_.parent is first and second.filters[name].parent is second
    # A method filter calls the method of its own FilterSet, not of the class's base filter.
    assert first.filters["q"].filter.f is first.filters["q"]
    assert second.filters["q"].filter.f is second.filters["q"]


def test_filtersets_of_one_class_share_a_form_class_but_not_forms(db):
    first = PublicFirmFilter({"q": "星际"}, queryset=redaction.public_firms())
    second = PublicFirmFilter({"q": "银河"}, queryset=redaction.public_firms())
    assert first.get_form_class() is second.get_form_class()
    assert first.form is not second.form
    assert first.form.fields["q"] is not second.form.fields["q"]
    assert first.is_valid() and second.is_valid()
    assert first.form.cleaned_data["q"] == "星际" and second.form.cleaned_data["q"] == "银河"
    # Another FilterSet class has its own form class.
    results = PublicResultFilter({}, queryset=public_results())
    assert results.get_form_class() is not first.get_form_class()
    assert "result" in results.form.fields and "result" not in first.form.fields


def test_the_filters_still_filter_and_refuse_bad_values(make_firm):
    wanted = make_firm(name="长春星际飞船有限公司")
    make_firm(name="吉林银河科技有限公司")
    found = PublicFirmFilter({"q": "星际"}, queryset=redaction.public_firms())
    assert [firm.uscc for firm in found.qs] == [wanted.uscc]
    # Between two searches nothing of the first stays in the second.
    everyone = PublicFirmFilter({}, queryset=redaction.public_firms())
    assert everyone.qs.count() == 2
    bad = PublicFirmFilter({"region": "999999"}, queryset=redaction.public_firms())
    assert not bad.is_valid() and "region" in bad.errors


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statistics targets are PostgreSQL's")
def test_the_searched_names_keep_finer_statistics(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attrelid::regclass::text, attstattarget FROM pg_attribute "
            "WHERE (attrelid = 'disclosure_publishedresult'::regclass AND attname = 'firm_name')"
            " OR (attrelid = %s::regclass AND attname = 'name')",
            [Firm._meta.db_table],
        )
        targets = dict(cursor.fetchall())
    assert targets == {"disclosure_publishedresult": 1000, Firm._meta.db_table: 1000}
