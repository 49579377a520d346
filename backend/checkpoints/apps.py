from django.apps import AppConfig
from django.core import checks


class CheckpointsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "backend.checkpoints"
    label = "checkpoints"
    verbose_name = "签名检查点"

    def ready(self) -> None:
        checks.register(check_signer, checks.Tags.security)


def check_signer(app_configs=None, **kwargs):
    """`manage.py check` names a missing or malformed signing key at once."""
    from django.core.exceptions import ImproperlyConfigured

    from backend.checkpoints.signing import signer

    try:
        signer().public_key()
    except (ImproperlyConfigured, ImportError) as error:
        return [checks.Error(f"检查点签名密钥不可用：{error}", id="checkpoints.E001")]
    return []
