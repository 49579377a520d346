"""Tests of the demo story: each part seeded through the layer it belongs to."""

from builders import *  # noqa: F403  (fixtures: make_item, make_firm, staff, published_plan, ...)
