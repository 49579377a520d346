"""The notification settings come from the environment; a robot kind we do not speak is refused
at start-up rather than guessed."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _settings_with(env: dict[str, str], expr: str):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NOTIFY_")}
    clean.update(env, VAR_DIR=str(ROOT / "var" / "test-settings"))
    code = f"import json, backend.settings as s; print(json.dumps({expr}, default=str))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_the_robot_is_configured_from_the_environment():
    result = _settings_with(
        {
            "NOTIFY_WEBHOOK_URL": "https://oapi.dingtalk.com/robot/send?access_token=t",
            "NOTIFY_WEBHOOK_KIND": "DingTalk",
            "NOTIFY_WEBHOOK_SECRET": "SECx",
            "NOTIFY_DEFAULT_WEBHOOK": "1",
            "NOTIFY_BASE_URL": "https://jg.example.gov.cn/",
        },
        "[s.NOTIFY_WEBHOOK_URL, s.NOTIFY_WEBHOOK_KIND, s.NOTIFY_WEBHOOK_SECRET,"
        " s.NOTIFY_DEFAULT_WEBHOOK, s.NOTIFY_DEFAULT_EMAIL, s.NOTIFY_BASE_URL]",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "https://oapi.dingtalk.com/robot/send?access_token=t",
        "dingtalk",
        "SECx",
        True,
        True,
        "https://jg.example.gov.cn",
    ]


def test_an_unknown_robot_kind_is_refused():
    result = _settings_with({"NOTIFY_WEBHOOK_KIND": "feishu"}, "1")
    assert result.returncode != 0
    assert "NOTIFY_WEBHOOK_KIND must be 'wecom' or 'dingtalk'" in result.stderr
