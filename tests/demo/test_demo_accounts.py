"""`seed_demo` tells the source document's story and can run any number of times."""

from django.core.management import call_command

from backend.accounts.models import User
from backend.accounts.roles import SEPARATED_ADMINS, Role
from backend.audit.verification import verify_chain
from backend.organisation.models import Department
from demo.accounts import DEMO_ACCOUNTS


def test_seed_demo_is_idempotent(db, capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out
    assert Department.objects.count() == 4
    demo = User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
    assert demo.count() == len(DEMO_ACCOUNTS)
    # Beside them, the fieldwork part may add logins for drawn officers who author records.
    assert not User.objects.exclude(pk__in=demo).exclude(role=Role.INSPECTOR).exists()
    assert f"账号 {len(DEMO_ACCOUNTS)}" in first
    assert "账号 0" in second


def test_the_demo_has_the_three_bureaus_of_the_joint_inspection_and_their_supervisor(db):
    call_command("seed_demo", quiet_accounts=True)
    names = set(Department.objects.values_list("name", flat=True))
    assert names == {"市科学技术局", "市公安局", "市人力资源和社会保障局", "市司法局"}


def test_there_is_one_demo_account_per_role_and_it_is_printed(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert {a.role for a in DEMO_ACCOUNTS} == set(Role.values)
    for account in DEMO_ACCOUNTS:
        assert account.username in out and account.password in out
        user = User.objects.get(username=account.username)
        assert user.check_password(account.password)
        assert not user.is_superuser


def test_the_separated_administrators_are_three_different_accounts(db):
    call_command("seed_demo", quiet_accounts=True)
    holders = User.objects.filter(role__in=SEPARATED_ADMINS)
    assert holders.count() == 3
    assert len(set(holders.values_list("role", flat=True))) == 3


def test_creating_the_demo_accounts_is_audited(db):
    call_command("seed_demo", quiet_accounts=True)
    from backend.audit.models import AuditEvent

    demo = User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
    created = AuditEvent.objects.filter(action="account.create")
    demo_pks = [str(pk) for pk in demo.values_list("pk", flat=True)]
    assert created.filter(object_id__in=demo_pks).count() == len(DEMO_ACCOUNTS)
    assert created.count() == User.objects.count()
    assert verify_chain().ok
