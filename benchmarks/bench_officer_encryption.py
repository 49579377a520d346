"""Benchmark the pages that show officers with their ID numbers and phones encrypted (SM4-GCM,
SM3 blind index) against the same pages without encryption, in the same run.

    python benchmarks/bench_officer_encryption.py [--officers 2000] [--rounds 7]
    DATABASE_URL=postgres://... python benchmarks/bench_officer_encryption.py

The baseline: two departments of the same size and shape in one database, A stored as the
product stores it (ciphertext and keyed index), B stored in plain text with the encryption
functions replaced by the identity while B's pages are measured, so that B's pages are the
same code, queries, templates and masking minus SM4 and SM3. Each page is requested by the
department administrator (who sees full numbers: every value is decrypted), A and B one after
the other, the first of the two alternating by round, after a garbage collection, so that the
machine's load falls on both alike; prints the median of the rounds for each page, A's over
B's. With no DATABASE_URL, a fresh SQLite file (the embedded
default) is made under a temporary directory.
"""

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='bench-officers-')}/b.db"
os.environ.setdefault("CHECKPOINT_EXPORT_DIR", tempfile.mkdtemp(prefix="bench-checkpoints-"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from backend.accounts.models import User  # noqa: E402
from backend.accounts.roles import Role  # noqa: E402
from backend.codes import make_citizen_id  # noqa: E402
from backend.crypto import fields  # noqa: E402
from backend.organisation.models import Department  # noqa: E402
from personnel.models import Officer, OfficerCategory  # noqa: E402

PAGES = [
    ("officer list (30 a page)", "get", "/personnel/"),
    ("officer list, page 20", "get", "/personnel/?page=20"),
    ("officer detail", "get", "/personnel/officers/{pk}/"),
    ("API officer list (50 a page)", "get", "/api/v1/personnel/officers/"),
    ("find by ID number (blind index)", "post", "/personnel/officers/find/"),
    ("pool export, every officer (.xlsx)", "get", "/personnel/pools/export/?pool=civil_servant"),
]


@contextmanager
def without_encryption():
    """Department B's view of the world: the same fields, the identity for SM4 and SM3."""
    saved = fields.seal, fields.unseal, fields.blind_index
    fields.seal = lambda value, *, purpose: value
    fields.unseal = lambda stored, *, purpose: stored
    fields.blind_index = lambda value, *, purpose, key=None: fields.normalise(value)
    try:
        yield
    finally:
        fields.seal, fields.unseal, fields.blind_index = saved


def department(code: str, n: int, offset: int) -> tuple[User, Officer, str]:
    dept = Department.objects.create(code=code, name=f"测试部门{code}", region_code="220100")
    officers = [
        Officer(
            department=dept,
            name=f"人员{i:05d}",
            citizen_id=make_citizen_id(
                region="220102", birth=date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
                seq=f"{(offset + i) % 1000:03d}",
            ),
            gender="M",
            phone=f"139{offset + i:08d}",
            category=OfficerCategory.CIVIL_SERVANT,
        )
        for i in range(n)
    ]  # fmt: skip
    for officer in officers:
        if int(officer.citizen_id[16]) % 2 == 0:
            officer.gender = "F"
    Officer.objects.bulk_create(officers, batch_size=500)
    admin = User.objects.create_user(
        username=f"admin_{code}", password=None, role=Role.DEPARTMENT_ADMIN, department=dept
    )
    some = Officer.objects.filter(department=dept).order_by("pk")[n // 2]
    return admin, some, some.citizen_id


def request(client: Client, method: str, path: str, number: str) -> float:
    gc.collect()  # no request pays for the garbage of the one before
    began = time.perf_counter()
    if method == "post":
        response = client.post(path, {"citizen_id": number})
    else:
        response = client.get(path)
    if response.status_code not in (200, 302):
        raise SystemExit(f"{path}: {response.status_code}")
    if response.streaming:
        for _chunk in response.streaming_content:
            pass
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--officers", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    Officer.objects.all().delete()
    encrypted = department("BA", args.officers, 0)
    with without_encryption():
        plain = department("BB", args.officers, 50_000)
    clients = {}
    for name, (admin, officer, number) in (("A", encrypted), ("B", plain)):
        client = Client()
        client.force_login(admin)
        # A department administrator passes a second factor (docs/security.md): the session
        # holds a confirmed TOTP app, as django_otp.login leaves it.
        device = TOTPDevice.objects.create(user=admin, name="基准测试", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        clients[name] = (client, officer, number)
    times: dict[tuple[str, str], list[float]] = {}
    for _round in range(args.rounds + 1):  # the first round warms caches and is dropped
        for label, method, path in PAGES:
            # A first in one round, B first in the next: neither always follows the other.
            for name in ("A", "B") if _round % 2 else ("B", "A"):
                client, officer, number = clients[name]
                url = path.format(pk=officer.pk)
                if name == "B":
                    with without_encryption():
                        took = request(client, method, url, number)
                else:
                    took = request(client, method, url, number)
                if _round:
                    times.setdefault((label, name), []).append(took)
    print(f"{args.officers:,} officers per department, median of {args.rounds} rounds")
    print(f"{'page':40} {'encrypted':>10} {'plain':>10} {'ratio':>7}")
    for label, _method, _path in PAGES:
        a = statistics.median(times[(label, "A")])
        b = statistics.median(times[(label, "B")])
        print(f"{label:40} {a * 1000:9.1f}ms {b * 1000:9.1f}ms {a / b:6.2f}x")


if __name__ == "__main__":
    main()
