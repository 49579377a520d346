"""Who signs checkpoints. `CHECKPOINT_SIGNER` names the class; the default holds the key from a
file or the environment (backend.crypto.keys).

A hardware key later (a 密码机 over SDF / GM/T 0018, a UKey over SKF / GM/T 0016, or PKCS#11)
is a class with the same three members that calls the device instead: the private key then
never exists in this process. Nothing else changes; the public key it reports is what the
public page publishes and what verification trusts.
"""

from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from backend.crypto import gm
from backend.crypto.keys import checkpoint_private_key


class Signer(Protocol):
    algorithm: str

    def public_key(self) -> gm.PublicKey: ...

    def sign(self, message: bytes) -> bytes: ...


class KeySigner:
    """SM2 (with the signer identity CHECKPOINT_SM2_ID's default) or Ed25519, as the key says."""

    def __init__(self):
        self._key = checkpoint_private_key()
        self.algorithm = self._key.algorithm
        self._public = self._key.public_key()

    def public_key(self) -> gm.PublicKey:
        return self._public

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)


@lru_cache(maxsize=1)
def signer() -> Signer:
    return import_string(settings.CHECKPOINT_SIGNER)()


def _forget(*, setting, **kwargs):
    if setting.startswith("CHECKPOINT_") or setting == "DEBUG":
        signer.cache_clear()


setting_changed.connect(_forget)


def public_key_document(key: gm.PublicKey) -> dict:
    """The public key as published: algorithm, raw key in hex, its id, and the SM2 identity."""
    document = {"algorithm": key.algorithm, "public_key": key.data.hex(), "key_id": key.key_id}
    if key.algorithm == "SM2":
        document["sm2_id"] = gm.SM2_DEFAULT_ID.decode()
    return document
