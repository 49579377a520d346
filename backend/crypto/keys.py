"""Where the keys come from: files or the environment, never the database.

Two kinds of key:

- the **field keys** (SM4 encryption of personal numbers and their SM3 blind index): one
  32-byte master secret per version, `FIELD_ENCRYPTION_KEYS` ("id:hex,id:hex", the first is
  current, the others are kept for reading during a rotation), or the file
  `FIELD_ENCRYPTION_KEYS_FILE` (one "id hex" line per version, current first);
- the **checkpoint signing key** (SM2 by default, Ed25519 as the alternative):
  `CHECKPOINT_SIGNING_KEY` ("sm2:<hex>" / "ed25519:<hex>") or the file
  `CHECKPOINT_SIGNING_KEY_FILE`. A hardware signer (密码机, UKey) replaces the file through
  `CHECKPOINT_SIGNER` (see `backend.checkpoints.signing`).

With DEBUG on (the embedded default of `make run`) a missing key file is generated under
`KEYS_DIR` (var/keys) on first use, so a fresh machine works at once; with DEBUG off a missing
key is an ImproperlyConfigured error, and `manage.py check` reports it.
"""

import os
import re
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

from backend.crypto import gm

_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_lock = threading.Lock()
_cache: dict[str, object] = {}


@dataclass(frozen=True)
class FieldKey:
    key_id: str
    master: bytes

    def __repr__(self) -> str:
        return f"FieldKey({self.key_id!r}, <secret>)"

    @cached_property
    def sm4(self) -> bytes:
        return gm.derive_key(self.master, "shuangsui/field-encryption/sm4-gcm", 16)

    @cached_property
    def index(self) -> bytes:
        return gm.derive_key(self.master, "shuangsui/field-encryption/blind-index", 32)


@dataclass(frozen=True)
class FieldKeyring:
    """The current key first; older ones only decrypt and look up until a rotation ends."""

    keys: tuple[FieldKey, ...]

    @property
    def current(self) -> FieldKey:
        return self.keys[0]

    def get(self, key_id: str) -> FieldKey:
        for key in self.keys:
            if key.key_id == key_id:
                return key
        raise ImproperlyConfigured(
            f"数据加密密钥 {key_id} 不在 FIELD_ENCRYPTION_KEYS 中：无法解密用它加密的数据"
        )


def parse_field_keys(text: str) -> FieldKeyring:
    keys = []
    for part in re.split(r"[,\n]", text):
        part = part.strip()
        if not part or part.startswith("#"):
            continue
        if ":" in part:
            key_id, _, hex_master = part.partition(":")
        else:
            key_id, _, hex_master = part.partition(" ")
        key_id, hex_master = key_id.strip(), hex_master.strip()
        if not _KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                f"数据加密密钥编号 {key_id!r} 不合规：1 至 16 位字母、数字、_ 或 -"
            )
        try:
            master = bytes.fromhex(hex_master)
        except ValueError:
            raise ImproperlyConfigured(f"数据加密密钥 {key_id} 不是十六进制") from None
        if len(master) != 32:
            raise ImproperlyConfigured(f"数据加密密钥 {key_id} 应为 32 字节（64 位十六进制）")
        if any(k.key_id == key_id for k in keys):
            raise ImproperlyConfigured(f"数据加密密钥编号 {key_id} 重复")
        keys.append(FieldKey(key_id, master))
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS 中没有密钥")
    return FieldKeyring(tuple(keys))


def format_field_key(key: FieldKey) -> str:
    return f"{key.key_id} {key.master.hex()}"


def _read_or_generate(path: Path, *, what: str, generate) -> str:
    if path.exists():
        return path.read_text(encoding="utf-8")
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            f"{what}未配置：请设置环境变量，或把密钥文件放在 {path}"
            "（见 docs/checkpoints-and-encryption.md）"
        )
    # The embedded default: a developer's machine gets its own keys on first use. Written to a
    # temporary file and linked into place, so that two processes starting at once agree on
    # one key and neither reads a half-written file.
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(generate())
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_text(encoding="utf-8")


def field_keyring() -> FieldKeyring:
    with _lock:
        if "field" not in _cache:
            text = settings.FIELD_ENCRYPTION_KEYS
            if not text:
                text = _read_or_generate(
                    Path(settings.FIELD_ENCRYPTION_KEYS_FILE),
                    what="数据加密密钥（FIELD_ENCRYPTION_KEYS）",
                    generate=lambda: format_field_key(FieldKey("dev1", os.urandom(32))) + "\n",
                )
            _cache["field"] = parse_field_keys(text)
        return _cache["field"]


def checkpoint_private_key() -> gm.PrivateKey:
    with _lock:
        if "checkpoint" not in _cache:
            text = settings.CHECKPOINT_SIGNING_KEY
            if not text:
                algorithm = settings.CHECKPOINT_ALGORITHM
                text = _read_or_generate(
                    Path(settings.CHECKPOINT_SIGNING_KEY_FILE),
                    what="检查点签名密钥（CHECKPOINT_SIGNING_KEY）",
                    generate=lambda: (
                        gm.format_private_key(gm.PrivateKey.generate(algorithm)) + "\n"
                    ),
                )
            try:
                _cache["checkpoint"] = gm.parse_private_key(text)
            except gm.CryptoError as error:
                raise ImproperlyConfigured(f"检查点签名密钥无效：{error}") from None
        return _cache["checkpoint"]


def forget_keys(**kwargs) -> None:
    """Read the keys again (tests change the settings; a rotation changes the environment)."""
    with _lock:
        _cache.clear()


def _on_setting_changed(*, setting, **kwargs):
    if setting.startswith(("FIELD_ENCRYPTION_", "CHECKPOINT_")) or setting == "DEBUG":
        forget_keys()


setting_changed.connect(_on_setting_changed)
