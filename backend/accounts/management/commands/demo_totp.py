import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.accounts.services import DEMO_DEVICE_NAME


def next_code(device: TOTPDevice, now: float) -> tuple[str, float]:
    """The code the login will accept next, and how many seconds to wait before it does.

    A code is accepted once (django-otp remembers the last time step used) and one step early
    (its tolerance); so after a login in this step, the next step's code works at once, and
    after two, the one after that works when its step comes.
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = now
    current = totp.t()
    step = max(current, device.last_t + 1)
    wait = 0.0
    if step > current + device.tolerance:
        wait = (step - device.tolerance - device.drift) * device.step + device.t0 - now
    totp.time = (step - device.drift) * device.step + device.t0
    return f"{totp.token():0{device.digits}d}", max(wait, 0.0)


class Command(BaseCommand):
    help = (
        "打印演示账号手机验证器当前的验证码（仅限演示模式，即 DEBUG 开启时；"
        "只适用于 seed_demo 绑定的演示验证器）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="演示账号的用户名，如 sys_admin")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("只有演示模式（DEBUG=1）下才能获取演示验证码。")
        device = TOTPDevice.objects.filter(
            user__username=username, confirmed=True, name=DEMO_DEVICE_NAME
        ).first()
        if device is None:
            raise CommandError(
                f"账号 {username} 没有演示验证器（只有 seed_demo 绑定的演示账号有）。"
            )
        code, wait = next_code(device, time.time())
        if wait:
            self.stderr.write(f"该验证码刚用过，等待 {wait:.0f} 秒后的下一个验证码……")
            time.sleep(wait)
        self.stdout.write(code)
