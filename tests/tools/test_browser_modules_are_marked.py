"""Every module under tests/browser is marked `browser`: `make test` (-m "not browser") must never
start Playwright, whose event loop left in the main thread fails every later database test with
SynchronousOnlyOperation (CI found 133 of them once)."""

from pathlib import Path

BROWSER = Path(__file__).resolve().parents[1] / "browser"


def test_every_browser_test_module_is_marked_browser():
    modules = sorted(BROWSER.glob("test_*.py"))
    assert modules
    unmarked = [m.name for m in modules if "pytestmark = pytest.mark.browser" not in m.read_text()]
    assert unmarked == []
