"""Evidence settings come from the environment: the size limit of each kind, and where the
files are stored (the "evidence" storage alias: the file system, or S3-compatible storage)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _settings(env: dict[str, str], expr: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with `env` added and evaluate `expr`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EVIDENCE_")}
    clean.update(env, VAR_DIR=str(ROOT / "var" / "test-settings"))
    code = f"import json, backend.settings as s; print(json.dumps({expr}, default=str))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def _value(env, expr):
    result = _settings(env, expr)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_by_default_evidence_is_on_the_file_system_with_the_documented_limits():
    storage, limits = _value({}, "[s.STORAGES['evidence'], s.EVIDENCE_MAX_BYTES]")
    assert storage == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    megabyte = 1024 * 1024
    assert limits == {
        "photo": 20 * megabyte,
        "document": 50 * megabyte,
        "audio": 200 * megabyte,
        "video": 1024 * megabyte,
    }


def test_each_limit_is_set_from_the_environment():
    limits = _value(
        {"EVIDENCE_MAX_MB_PHOTO": "8", "EVIDENCE_MAX_MB_VIDEO": "2048"}, "s.EVIDENCE_MAX_BYTES"
    )
    assert limits["photo"] == 8 * 1024 * 1024 and limits["video"] == 2048 * 1024 * 1024


def test_s3_storage_is_configured_from_the_environment():
    storage = _value(
        {
            "EVIDENCE_STORAGE": "s3",
            "EVIDENCE_S3_BUCKET": "shuangsui-evidence",
            "EVIDENCE_S3_ENDPOINT_URL": "https://oss.example.gov.cn",
            "EVIDENCE_S3_REGION": "cn-north-1",
        },
        "s.STORAGES['evidence']",
    )
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "shuangsui-evidence"
    assert options["endpoint_url"] == "https://oss.example.gov.cn"
    assert options["region_name"] == "cn-north-1"
    assert options["file_overwrite"] is False and options["default_acl"] is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"EVIDENCE_STORAGE": "s3"}, "EVIDENCE_S3_BUCKET must be set"),
        ({"EVIDENCE_STORAGE": "ftp"}, "EVIDENCE_STORAGE must be 'filesystem' or 's3'"),
        ({"EVIDENCE_MAX_MB_AUDIO": "lots"}, "EVIDENCE_MAX_MB_AUDIO must be an integer"),
    ],
)
def test_a_wrong_setting_stops_the_start(env, message):
    result = _settings(env, "1")
    assert result.returncode != 0
    assert message in result.stderr
