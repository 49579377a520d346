"""Form helpers shared by every app's pages."""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError


def apply_service_errors(
    form: forms.Form, error: ValidationError, *, field_map: Mapping[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the form: under the field it names when the form
    has that field (or the form field `field_map` gives for a model field), at the top otherwise."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            field = (field_map or {}).get(field, field)
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
