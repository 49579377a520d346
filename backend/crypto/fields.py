"""Personal numbers encrypted at rest (SM4-GCM), found by a keyed SM3 blind index.

`SealedCharField` holds the plain value in Python and stores
`SM4GCM1:<key id>:<base64 of nonce + ciphertext + tag>` in the database: a fresh nonce each
time, the field's purpose and the key id authenticated with it (a value copied into another
column does not decrypt). Nothing can be searched in such a column, so exact look-ups go
through a `BlindIndexField` beside it: HMAC-SM3 of the normalised value under a key derived
from the same master secret, which the unique constraint holds. `Model.objects.filter(
citizen_id=number)` still works: the `exact` and `in` look-ups of a sealed field with an index
are rewritten to the index (with every key of the keyring, so a look-up works during a
rotation); any other look-up (contains, startswith, ordering by it) is refused.
"""

import base64
import binascii

from django.core import checks
from django.core.exceptions import FieldError
from django.db import models
from django.db.models import Lookup

from backend.crypto import gm
from backend.crypto.keys import field_keyring

PREFIX = "SM4GCM1"


def normalise(value: str) -> str:
    """What the index is computed on: no surrounding spaces, letters in upper case (the ID's
    check character X)."""
    return value.strip().upper()


def seal(value: str, *, purpose: str) -> str:
    key = field_keyring().current
    sealed = gm.sm4_gcm_encrypt(key.sm4, value.encode(), _associated(purpose, key.key_id))
    return f"{PREFIX}:{key.key_id}:{base64.b64encode(sealed).decode()}"


def unseal(stored: str, *, purpose: str) -> str:
    try:
        prefix, key_id, body = stored.split(":", 2)
    except ValueError:
        raise gm.CryptoError("not an encrypted value") from None
    if prefix != PREFIX:
        raise gm.CryptoError(f"unknown ciphertext format {prefix!r}")
    key = field_keyring().get(key_id)
    try:
        sealed = base64.b64decode(body, validate=True)
    except binascii.Error:
        raise gm.CryptoError("ciphertext is not base64") from None
    return gm.sm4_gcm_decrypt(key.sm4, sealed, _associated(purpose, key_id)).decode()


def sealed_key_id(stored: str) -> str | None:
    """The key version a stored value was sealed with (None for an empty value)."""
    if not stored:
        return None
    return stored.split(":", 2)[1]


def _associated(purpose: str, key_id: str) -> bytes:
    return f"shuangsui|{purpose}|{key_id}".encode()


def blind_index(value: str, *, purpose: str, key=None) -> str:
    key = key or field_keyring().current
    mac = gm.hmac_sm3(key.index, f"{purpose}\0{normalise(value)}".encode())
    return f"{key.key_id}:{mac.hex()}"


def blind_indexes(value: str, *, purpose: str) -> list[str]:
    """The index of `value` under every key of the keyring: a look-up matches rows indexed
    before a rotation reached them as well as after."""
    return [blind_index(value, purpose=purpose, key=key) for key in field_keyring().keys]


class SealedCharField(models.CharField):
    """A short personal value, encrypted in the database. `max_length` limits the plain value;
    the column is text. `blind_index` names the field that indexes it (for look-ups)."""

    description = "SM4-GCM encrypted text"

    def __init__(self, *args, purpose: str, blind_index: str = "", **kwargs):
        self.purpose = purpose
        self.blind_index = blind_index
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        if self.blind_index:
            kwargs["blind_index"] = self.blind_index
        return name, path, args, kwargs

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.db_index or self.unique:
            errors.append(
                checks.Error(
                    "an encrypted field cannot be indexed or unique: use its blind index",
                    obj=self,
                    id="crypto.E001",
                )
            )
        return errors

    def db_type(self, connection):
        return models.TextField().db_type(connection)

    def get_internal_type(self):
        return "TextField"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return unseal(value, purpose=self.purpose)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return seal(str(value), purpose=self.purpose)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name in ("exact", "in") and self.blind_index:
            return {"exact": BlindIndexExact, "in": BlindIndexIn}[lookup_name]
        return None

    def get_transform(self, lookup_name):
        return None


class BlindIndexField(models.CharField):
    """The keyed SM3 index of the sealed field `source`, kept up to date on every save."""

    def __init__(self, *args, source: str, purpose: str, **kwargs):
        self.source = source
        self.purpose = purpose
        kwargs.setdefault("max_length", 96)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["purpose"] = self.purpose
        if kwargs.get("max_length") == 96:
            del kwargs["max_length"]
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.source)
        index = blind_index(value, purpose=self.purpose) if value else None
        setattr(model_instance, self.attname, index)
        return index


class _BlindIndexLookup(Lookup):
    prepare_rhs = False
    can_use_none_as_rhs = False

    def _index_column(self, compiler):
        field = self.lhs.target
        index_field = field.model._meta.get_field(field.blind_index)
        return compiler.compile(index_field.get_col(self.lhs.alias))

    def _values(self) -> list[str]:
        raise NotImplementedError

    def as_sql(self, compiler, connection):
        column, params = self._index_column(compiler)
        values = self._values()
        if not values:
            raise FieldError("an empty look-up of an encrypted field matches nothing")
        placeholders = ", ".join(["%s"] * len(values))
        return f"{column} IN ({placeholders})", [*params, *values]


class BlindIndexExact(_BlindIndexLookup):
    lookup_name = "exact"

    def _values(self):
        if not isinstance(self.rhs, str):
            raise FieldError("an encrypted field is looked up by a plain string value only")
        return blind_indexes(self.rhs, purpose=self.lhs.target.purpose)

    def as_sql(self, compiler, connection):
        if self.rhs == "":
            # Nothing is indexed for an empty value: match the rows without an index.
            column, params = self._index_column(compiler)
            return f"{column} IS NULL", params
        return super().as_sql(compiler, connection)


class BlindIndexIn(_BlindIndexLookup):
    lookup_name = "in"

    def _values(self):
        purpose = self.lhs.target.purpose
        values = []
        for value in self.rhs:
            if not isinstance(value, str):
                raise FieldError("an encrypted field is looked up by plain string values only")
            values.extend(blind_indexes(value, purpose=purpose))
        return values
