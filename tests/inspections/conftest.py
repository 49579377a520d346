"""The item list, directory, plans, tasks and draws tests: the shared builders, and a fresh
cache of the risk-class counts."""

import pytest
from builders import *  # noqa: F403  (fixtures: make_item, make_firm, staff, published_plan, ...)
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_counts_cache():
    # The risk-class counts are cached per filter; each test starts with none.
    cache.clear()
    yield
    cache.clear()
