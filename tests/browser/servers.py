"""The browser tests' server: `manage.py runserver` on a free loopback port over its own SQLite
file holding the demo data (and whatever a test module prepares on top of it)."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(ROOT / "manage.py")]

# Each running server's environment, by its address: `log_in` asks that server for codes.
_ENVIRONMENTS: dict[str, dict] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def demo_server(prepare: Callable[[dict], None] | None = None):
    """A runserver on a free port over a fresh SQLite file holding the demo data; `prepare(env)`
    runs after the demo is loaded, with the server's environment, to add a module's own data."""
    var_dir = Path(tempfile.mkdtemp(prefix="shuangsui-browser-"))
    env = {
        **os.environ,
        "DEBUG": "1",
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'browser.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
        # Every test of the session reads the public lists from the same loopback address.
        "PUBLIC_API_RATE": "100000/min",
    }
    manage = MANAGE
    subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    subprocess.run([*manage, "seed_demo", "--quiet-accounts"], env=env, check=True)
    if prepare is not None:
        prepare(env)
    port = _free_port()
    log = open(var_dir / "server.log", "w")  # noqa: SIM115 - closed at teardown
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log.close()
                raise RuntimeError(
                    "the server did not start:\n" + (var_dir / "server.log").read_text()
                ) from None
            time.sleep(0.2)
    _ENVIRONMENTS[url] = env
    try:
        yield url
    finally:
        _ENVIRONMENTS.pop(url, None)
        server.terminate()
        server.wait(timeout=10)
        log.close()
        shutil.rmtree(var_dir, ignore_errors=True)


def demo_code(url: str, username: str) -> str:
    """The second-factor code that `username`'s next login on the server at `url` accepts
    (`manage.py demo_totp`, which the demo mode of the browser tests' servers allows)."""
    result = subprocess.run(
        [*MANAGE, "demo_totp", username],
        env=_ENVIRONMENTS[url],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def log_in(page, username: str, password: str) -> None:
    """Log in through the login page, and through the second step when the account has one
    (the demo's administrators), as a person with the demo's phone-free codes would."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if "/accounts/login/verify/" in page.url:
        url = page.url.split("/accounts/", 1)[0]
        page.get_by_label("验证码").fill(demo_code(url, username))
        page.get_by_role("button", name="验证").click()
        page.wait_for_load_state()


def accept_dialog(dialog) -> None:
    """Answer yes to a confirmation (data-confirm, backend/static/js/app.js), as the person who
    clicked an irreversible step would; Playwright would otherwise dismiss it and the form would
    not be sent. A test of the confirmation itself removes this listener."""
    dialog.accept()
