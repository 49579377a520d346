"""The floor plan is checked: `lint-imports` keeps the repository's contracts, and the private
names contract (tools/import_contracts.py) breaks on a real violation."""

import subprocess
import sys
import textwrap
from pathlib import Path

import grimp
import pytest
from django.conf import settings

from tools.import_contracts import PrivateNamesContract, is_private, unit_of

ROOT = Path(settings.BASE_DIR)
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _write(base: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")


# Two apps: `lower` with a step package, `upper` importing from it.
PROJECT = {
    "lower/__init__.py": "",
    "lower/helpers.py": """
        _secret = 1
        public = 2
        _other = 3
        __version__ = "1"
        """,
    "lower/step/__init__.py": "",
    "lower/step/_hidden.py": "value = 1\n",
    "lower/step/tasks.py": """
        from lower.helpers import _secret  # the same app: allowed
        """,
    "upper/__init__.py": "",
    "upper/views.py": """
        from lower.helpers import public, __version__
        from lower.helpers import (
            public as again,
            _other,
        )
        """,
    "upper/pages.py": """
        from lower.step import _hidden
        from lower.helpers import _secret
        """,
}


@pytest.fixture
def project(tmp_path, monkeypatch):
    _write(tmp_path, PROJECT)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m.split(".")[0] in ("lower", "upper")]:
        del sys.modules[name]
    return tmp_path


def _contract(containers):
    return PrivateNamesContract(
        name="private names",
        session_options={"root_packages": ["lower", "upper"]},
        contract_options={"containers": containers},
    )


def test_a_private_name_imported_from_another_app_breaks_the_contract(project):
    graph = grimp.build_graph("lower", "upper", cache_dir=None)
    check = _contract(["lower", "upper"]).check(graph, verbose=False)
    assert not check.kept
    found = sorted((v["importer"], v["line"], v["name"]) for v in check.metadata["violations"])
    assert found == [
        ("upper.pages", 2, "_hidden"),  # a private module
        ("upper.pages", 3, "_secret"),
        ("upper.views", 3, "_other"),  # the import's first line, over several lines
    ]


def test_within_one_unit_a_private_name_may_be_shared(project):
    graph = grimp.build_graph("lower", "upper", cache_dir=None)
    check = _contract(["lower.step", "lower", "upper"]).check(graph, verbose=False)
    # lower.step is a unit of its own now: its import of lower.helpers._secret crosses units.
    assert ("lower.step.tasks", "_secret") in {
        (v["importer"], v["name"]) for v in check.metadata["violations"]
    }
    graph = grimp.build_graph("lower", "upper", cache_dir=None)
    check = _contract(["lower", "upper"]).check(graph, verbose=False)
    assert "lower.step.tasks" not in {v["importer"] for v in check.metadata["violations"]}


def test_names_and_units():
    assert is_private("_locked") and is_private("_ERROR")
    assert not is_private("__version__") and not is_private("lock_task")
    containers = ["inspections.planning", "inspections.draws", "disclosure"]
    assert unit_of("inspections.planning.services.tasks", containers) == "inspections.planning"
    assert unit_of("inspections.apps", containers) == "inspections"
    assert unit_of("disclosure", containers) == "disclosure"


@pytest.mark.slow
def test_lint_imports_reports_a_violation_through_the_registered_contract_type(project):
    (project / ".importlinter").write_text(
        textwrap.dedent(
            """
            [importlinter]
            root_packages =
                lower
                upper
            contract_types =
                private_names: tools.import_contracts.PrivateNamesContract

            [importlinter:contract:private-names]
            name = No private names across apps
            type = private_names
            containers =
                lower
                upper
            """
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [str(LINT_IMPORTS), "--config", ".importlinter", "--no-cache"],
        cwd=project,
        env={"PYTHONPATH": f"{project}:{ROOT}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "upper.pages (l.3) imports _secret from lower.helpers" in result.stdout


@pytest.mark.slow
def test_the_repository_keeps_its_contracts_with_no_ignored_imports():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "ignore_imports" not in pyproject
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout
