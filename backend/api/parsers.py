"""The API's parsers: DRF's, refusing a NUL character anywhere in the submitted data.

No text of this product contains NUL, and PostgreSQL cannot compare or store one: a NUL that
reached a query (a department code, a dictionary key, a slug) was a DataError, a 500. It is
refused here, for every operation at once, before any serializer or service sees the data.
Uploaded files are bytes and are not looked at.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

NUL_MESSAGE = "提交的内容不能包含空字符（NUL）。"


def _refuse_nul(value) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ParseError(NUL_MESSAGE)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key)
            _refuse_nul(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_nul(item)


def _refuse_nul_in_form(data) -> None:
    for key, values in data.lists():
        _refuse_nul(key)
        _refuse_nul(values)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _refuse_nul(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _refuse_nul_in_form(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        _refuse_nul_in_form(parsed.data)
        # The files' names are text the services keep.
        for name, upload in parsed.files.items():
            _refuse_nul(name)
            _refuse_nul(upload.name or "")
        return parsed
