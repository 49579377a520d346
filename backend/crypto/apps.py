from django.apps import AppConfig
from django.core import checks


class CryptoConfig(AppConfig):
    name = "backend.crypto"
    label = "crypto"
    verbose_name = "商用密码"

    def ready(self) -> None:
        checks.register(check_keys, checks.Tags.security)


def check_keys(app_configs=None, **kwargs):
    """`manage.py check` says at once when a key is missing or malformed, not the first page
    that needs it. With DEBUG on a missing key is generated instead (backend.crypto.keys)."""
    from django.core.exceptions import ImproperlyConfigured

    from backend.crypto.keys import field_keyring

    errors = []
    try:
        field_keyring()
    except ImproperlyConfigured as error:
        errors.append(checks.Error(str(error), id="crypto.E101"))
    return errors
