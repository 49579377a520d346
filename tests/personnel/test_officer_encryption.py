"""Officers' ID numbers and phones are encrypted at rest, and still found, unique and shown as
before: the blind index, key rotation, and a scan of the database for any plain number."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from backend.codes import make_citizen_id
from backend.crypto.fields import unseal
from personnel.models import Officer, OfficerCategory
from personnel.services.officers import create_officer, update_officer

K1 = "k1:" + "11" * 32
K2 = "k2:" + "22" * 32


def number(seq: int) -> str:
    from datetime import date

    return make_citizen_id(region="220102", birth=date(1980, 1, 2), seq=f"{seq:03d}")


def raw(officer: Officer) -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT citizen_id, phone, citizen_id_index FROM personnel_officer WHERE id = %s",
            [officer.pk],
        )
        return cursor.fetchone()


@pytest.fixture
def officer(department_admin, kj):
    return create_officer(
        actor=department_admin,
        department=kj,
        name="林执法",
        citizen_id=number(11),
        category=OfficerCategory.CIVIL_SERVANT,
        phone="13943100011",
    )


def test_the_database_holds_only_ciphertext_and_the_model_the_plain_values(officer):
    stored_id, stored_phone, index = raw(officer)
    assert stored_id.startswith("SM4GCM1:") and number(11) not in stored_id
    assert stored_phone.startswith("SM4GCM1:") and "13943100011" not in stored_phone
    assert number(11) not in index
    fresh = Officer.objects.get(pk=officer.pk)
    assert (fresh.citizen_id, fresh.phone) == (number(11), "13943100011")


def test_an_officer_is_found_by_the_exact_number_through_the_index(officer):
    assert Officer.objects.get(citizen_id=number(11)) == officer
    assert Officer.objects.get(citizen_id=number(11).lower()) == officer  # the X, normalised
    assert list(Officer.objects.filter(citizen_id__in=[number(11), number(12)])) == [officer]
    assert not Officer.objects.filter(citizen_id=number(12)).exists()


def test_a_search_inside_an_encrypted_number_is_refused_not_answered_wrongly(officer):
    with pytest.raises(FieldError):
        list(Officer.objects.filter(citizen_id__startswith="2201"))
    with pytest.raises(FieldError):
        list(Officer.objects.filter(phone="13943100011"))


def test_the_number_stays_unique_through_its_index(officer, department_admin, kj):
    with pytest.raises(ValidationError) as error:
        create_officer(
            actor=department_admin,
            department=kj,
            name="重复",
            citizen_id=number(11),
            category=OfficerCategory.CIVIL_SERVANT,
        )
    assert error.value.message_dict["citizen_id"] == ["该公民身份号码已登记为执法人员"]
    # The database holds it even when the service's check is skipped.
    with pytest.raises(IntegrityError), transaction.atomic():
        Officer.objects.create(
            department=kj, name="绕过", citizen_id=number(11), gender="M", category="routine"
        )


def test_a_corrected_number_moves_its_index(officer, department_admin):
    update_officer(actor=department_admin, officer=officer, citizen_id=number(13))
    assert Officer.objects.get(citizen_id=number(13)) == officer
    assert not Officer.objects.filter(citizen_id=number(11)).exists()


def test_a_ciphertext_moved_to_another_column_does_not_decrypt(officer):
    stored_id, stored_phone, _index = raw(officer)
    assert unseal(stored_phone, purpose="personnel.officer.phone") == "13943100011"
    with pytest.raises(Exception, match="altered"):
        unseal(stored_id, purpose="personnel.officer.phone")


def test_key_rotation_reencrypts_and_reindexes_and_can_resume(settings, department_admin, kj):
    settings.FIELD_ENCRYPTION_KEYS = K1
    officers = [
        create_officer(
            actor=department_admin,
            department=kj,
            name=f"人员{seq}",
            citizen_id=number(seq),
            category=OfficerCategory.CIVIL_SERVANT,
            phone=f"1394310{seq:04d}",
        )
        for seq in range(20, 25)
    ]
    assert all(raw(o)[0].startswith("SM4GCM1:k1:") for o in officers)

    # The new key first, the old one kept for reading: look-ups work throughout.
    settings.FIELD_ENCRYPTION_KEYS = f"{K2},{K1}"
    assert Officer.objects.get(citizen_id=number(20)) == officers[0]
    with pytest.raises(Exception):  # noqa: B017 - a run that stops after its first batch
        from backend.crypto import rotation

        calls = []
        original = rotation._stale_pks

        def stop_after_one(*args, **kwargs):
            if calls:
                raise RuntimeError("connection lost")
            calls.append(1)
            return original(*args, **kwargs)

        rotation._stale_pks = stop_after_one
        try:
            call_command("rotate_field_keys", "--batch", "2")
        finally:
            rotation._stale_pks = original
    assert sum(raw(o)[0].startswith("SM4GCM1:k2:") for o in officers) == 2
    with pytest.raises(Exception, match="未使用当前密钥"):
        call_command("rotate_field_keys", "--check")

    call_command("rotate_field_keys", "--batch", "2")
    call_command("rotate_field_keys", "--check")
    for o in officers:
        stored_id, stored_phone, index = raw(o)
        assert stored_id.startswith("SM4GCM1:k2:") and stored_phone.startswith("SM4GCM1:k2:")
        assert index.startswith("k2:")

    # The old key can go: everything reads and is found with the new one alone.
    settings.FIELD_ENCRYPTION_KEYS = K2
    assert Officer.objects.get(citizen_id=number(24)).phone == "13943100024"


def test_a_missing_key_with_debug_off_is_a_clear_configuration_error(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    from backend.crypto.keys import field_keyring

    settings.DEBUG = False
    settings.FIELD_ENCRYPTION_KEYS = ""
    settings.FIELD_ENCRYPTION_KEYS_FILE = tmp_path / "none.keys"
    with pytest.raises(ImproperlyConfigured, match="数据加密密钥"):
        field_keyring()


@pytest.mark.slow
def test_after_migrating_a_database_with_plain_numbers_none_is_left_in_its_files(tmp_path):
    """Migrate a SQLite file to before the encryption, put officers in it with plain numbers,
    migrate it to the end, and read every byte of the database files for those numbers."""
    database = tmp_path / "upgrade.sqlite3"
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
        "VAR_DIR": str(tmp_path / "var"),
        "FIELD_ENCRYPTION_KEYS": K1,
    }
    manage = [sys.executable, str(Path(__file__).resolve().parents[2] / "manage.py")]

    def run(*args):
        subprocess.run([*manage, *args], env=env, check=True, capture_output=True)

    run("migrate", "personnel", "0005", "--noinput")
    numbers = [number(seq) for seq in range(30, 40)]
    phones = [f"1394320{seq:04d}" for seq in range(30, 40)]
    with sqlite3.connect(database) as db:
        db.execute(
            "INSERT INTO personnel_department (code, name, region_code, training_min_hours, "
            "training_required) VALUES ('KJ', '市科学技术局', '220100', 0, 0)"
        )
        for citizen_id, phone in zip(numbers, phones, strict=True):
            db.execute(
                "INSERT INTO personnel_officer (name, citizen_id, gender, phone, department_id, "
                "position, category, expertise, jurisdiction_area, status, created_at, "
                "updated_at) VALUES ('某', ?, 'M', ?, 1, '', 'routine', '', '', 'on_duty', "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00')",
                [citizen_id, phone],
            )

    def database_bytes() -> bytes:  # the file and its write-ahead log, if any
        return b"".join(
            p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("upgrade.sqlite3")
        )

    assert all(n.encode() in database_bytes() for n in numbers)  # the scan finds them

    run("migrate", "--noinput")

    data = database_bytes()
    assert [n for n in numbers if n.encode() in data] == []
    assert [p for p in phones if p.encode() in data] == []
    with sqlite3.connect(database) as db:
        stored = db.execute("SELECT citizen_id, citizen_id_index FROM personnel_officer").fetchall()
    assert len(stored) == 10 and all(c.startswith("SM4GCM1:k1:") for c, _ in stored)
    assert len({index for _, index in stored}) == 10
