"""The nightly verification: every chain walked, every checkpoint checked, every performed draw
recomputed; any break alerts the security and audit administrators.

backend.checkpoints knows no chain (see registry.py): the apps that own one register a check
here from their `AppConfig.ready()`. `manage.py verify_nightly` runs them all (cron, once a
night after `make_checkpoint`; docs/checkpoints-and-encryption.md).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.audit.models import Outcome
from backend.audit.services import record_event
from backend.checkpoints.actions import CheckpointAction


@dataclass(frozen=True)
class NightlyCheck:
    """`run()` returns what does not hold, in words for an operator (no personal data); an
    empty list when all is well. It must not raise for a broken chain: it reports it."""

    name: str
    label: str
    run: Callable[[], list[str]]
    order: int = 100


@dataclass(frozen=True)
class CheckResult:
    check: NightlyCheck
    problems: list[str]


_checks: dict[str, NightlyCheck] = {}

# Who is told of a break: the two administrators whose job it is (等保: 三员分立).
ALERTED_ROLES = (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


def register_check(check: NightlyCheck) -> None:
    _checks[check.name] = check


def registered_checks() -> list[NightlyCheck]:
    return sorted(_checks.values(), key=lambda c: (c.order, c.name))


def run_checks() -> list[CheckResult]:
    outcomes = []
    for check in registered_checks():
        try:
            problems = list(check.run())
        except Exception as error:  # a check that cannot run is itself a finding
            problems = [f"无法完成校验：{type(error).__name__}: {error}"]
        outcomes.append(CheckResult(check, problems))
    return outcomes


def alerted_users() -> list[User]:
    return list(
        User.objects.filter(role__in=ALERTED_ROLES, is_active=True)
        .exclude(email="")
        .order_by("username")
    )


def report(outcomes: list[CheckResult]) -> None:
    """Record the night's result in the audit trail; on any break, mail the administrators."""
    broken = [o for o in outcomes if o.problems]
    detail = {
        "checked": [o.check.name for o in outcomes],
        "broken": {o.check.name: o.problems[:20] for o in broken},
    }
    if not broken:
        record_event(action=CheckpointAction.NIGHTLY_PASSED, detail=detail)
        return
    users = alerted_users()
    detail["alerted"] = [u.username for u in users]
    record_event(action=CheckpointAction.NIGHTLY_ALERT, outcome=Outcome.FAILURE, detail=detail)
    lines = [f"{getattr(settings, 'CHECKPOINT_ISSUER', '')}夜间校验发现以下问题：", ""]
    for outcome in broken:
        lines.append(f"【{outcome.check.label}】")
        lines.extend(f"  - {problem}" for problem in outcome.problems[:20])
        if len(outcome.problems) > 20:
            lines.append(f"  - ……另有 {len(outcome.problems) - 20} 处")
    lines += [
        "",
        "请尽快核查：在服务器上运行 manage.py verify_nightly 查看全部结果，"
        "并按 docs/checkpoints-and-encryption.md 的步骤处置。",
    ]
    if users:
        send_mail(
            "【安全告警】夜间哈希链与检查点校验未通过",
            "\n".join(lines),
            None,
            [u.email for u in users],
        )
