"""The open-data API keeps its contract: the OpenAPI schema of /api/v1/public/ is the one saved
in tests/fixtures/public_api_schema.json (made at commit f2996fa, before the public side moved
into the disclosure app). A deliberate change to the open-data API regenerates that file (the
command is in tests/fixtures/public_api_schema.py) in the same commit."""

import importlib.util
import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _public_schema_module():
    spec = importlib.util.spec_from_file_location(
        "public_api_schema", FIXTURES / "public_api_schema.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_public_api_schema_is_the_saved_one():
    saved = json.loads((FIXTURES / "public_api_schema.json").read_text("utf-8"))
    live = _public_schema_module().public_schema()
    assert sorted(live["paths"]) == sorted(saved["paths"])
    for path, operations in saved["paths"].items():
        assert live["paths"][path] == operations, path
    assert sorted(live["components"]["schemas"]) == sorted(saved["components"]["schemas"])
    for name, component in saved["components"]["schemas"].items():
        assert live["components"]["schemas"][name] == component, name
    assert live == saved


def test_the_saved_schema_covers_the_whole_open_data_api():
    # Not an empty or partial file: every open-data list the portal links to is in it, with the
    # components its responses refer to.
    saved = json.loads((FIXTURES / "public_api_schema.json").read_text("utf-8"))
    for name in ("draws", "firms", "items", "officers", "departments", "results", "plans"):
        assert f"/api/v1/public/{name}/" in saved["paths"]
    assert "PaginatedOpenFirmList" in saved["components"]["schemas"]
