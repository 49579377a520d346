"""Django validators built on backend.codes (same Chinese messages, same stable codes)."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from backend.codes import CodeError, check_citizen_id, check_region_code, check_uscc


def _code_validator(check):
    """A Django validator from one of backend.codes' checks (same Chinese message and code)."""

    def validate(value):
        try:
            check(value)
        except CodeError as error:
            raise ValidationError(error.message, code=error.code) from None

    # A module-level name, so that migrations can refer to the validator.
    validate.__name__ = validate.__qualname__ = f"validate_{check.__name__.removeprefix('check_')}"
    return validate


validate_citizen_id = _code_validator(check_citizen_id)
validate_region_code = _code_validator(check_region_code)
validate_uscc = _code_validator(check_uscc)
validate_phone = RegexValidator(
    r"^(1\d{10}|0\d{2,3}-?\d{7,8})$",
    _("电话应为11位手机号码，或带区号的固定电话（如0431-88886666）"),
)
