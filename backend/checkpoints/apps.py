from django.apps import AppConfig
from django.core import checks


class CheckpointsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "backend.checkpoints"
    label = "checkpoints"
    verbose_name = "签名检查点"

    def ready(self) -> None:
        checks.register(check_signer, checks.Tags.security)
        # The nightly verification starts with the checkpoints themselves and every chain
        # against the last one; the apps add the walks of their own chains.
        from backend.checkpoints.nightly import NightlyCheck, register_check

        register_check(NightlyCheck("checkpoints", "签名检查点", _checkpoint_problems, order=10))


def _checkpoint_problems() -> list[str]:
    from backend.checkpoints.verification import verify

    return [str(finding) for finding in verify().findings]


def check_signer(app_configs=None, **kwargs):
    """`manage.py check` names a missing or malformed signing key at once."""
    from django.core.exceptions import ImproperlyConfigured

    from backend.checkpoints.signing import signer

    try:
        signer().public_key()
    except (ImproperlyConfigured, ImportError) as error:
        return [checks.Error(f"检查点签名密钥不可用：{error}", id="checkpoints.E001")]
    return []
