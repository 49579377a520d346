"""商用密码 primitives (SM2, SM3, SM4) and Ed25519, with no Django imports.

Which implementation does what, and why:

- SM3 (GB/T 32905-2016), SM4 (GB/T 32907-2016) and Ed25519 come from `cryptography`, the
  Python Cryptographic Authority's binding to OpenSSL: maintained, released with its own
  OpenSSL build (whose SM3, SM4-GCM and Ed25519 we check at start-up and in the tests), and
  already the library every Python TLS stack depends on.
- SM2 signatures (GB/T 32918) come from `gmalg`: `cryptography` has no SM2. `gmalg` is pure
  Python (it runs wherever Python runs, which matters for the public verifier), MIT-licensed,
  released in 2026, takes its signature nonces from `secrets`, and reproduces both published
  examples of GB/T 32918 (tests/backend/test_gm_vectors.py). Rejected: `gmssl` (last release
  2023; draws SM2 nonces from `random`, which is predictable, and a predictable nonce reveals
  the private key), `tongsuopy` (last release 2023) and `gmssl-python` (needs the native GmSSL
  library, which Debian does not package).
"""

import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# The default signer identity of GB/T 35276-2017 (and GM/T 0009), used by every SM2 signer that
# is not told otherwise; a verifier must use the same one.
SM2_DEFAULT_ID = b"1234567812345678"
# The order n of the recommended SM2 curve (GB/T 32918.5-2017): a private key lies in [1, n-2].
SM2_N = 0xFFFFFFFE_FFFFFFFF_FFFFFFFF_FFFFFFFF_7203DF6B_21C6052B_53BBF409_39D54123


class CryptoError(Exception):
    """A ciphertext, key or signature that is not what it claims to be."""


# --------------------------------------------------------------------------- SM3


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    """HMAC (RFC 2104) over SM3. hashlib's own HMAC is used when this Python's OpenSSL has SM3
    (faster: no object per call); `cryptography`'s otherwise."""
    if _HASHLIB_HAS_SM3:
        return hmac.digest(key, data, "sm3")
    from cryptography.hazmat.primitives import hmac as c_hmac

    mac = c_hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def _hashlib_has_sm3() -> bool:
    try:
        return hashlib.new("sm3", b"abc").hexdigest() == (
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        )
    except ValueError:
        return False


_HASHLIB_HAS_SM3 = _hashlib_has_sm3()


def derive_key(master: bytes, purpose: str, length: int) -> bytes:
    """A subkey of `master` for one purpose: HMAC-SM3(master, purpose), truncated.

    One master secret per key version gives the SM4 key and the blind-index key, which must
    differ (a key used for two things leaks through each).
    """
    if length > 32:
        raise ValueError("SM3 gives at most 32 bytes")
    return hmac_sm3(master, purpose.encode())[:length]


# --------------------------------------------------------------------------- SM4


def sm4_ecb_encrypt_block(key: bytes, block: bytes) -> bytes:
    """One block, no mode: for the standard's test vectors only."""
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    return encryptor.update(block) + encryptor.finalize()


GCM_NONCE_BYTES = 12
GCM_TAG_BYTES = 16


def sm4_gcm_encrypt(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """nonce (12 bytes) + ciphertext + tag (16 bytes); a fresh random nonce every time."""
    nonce = os.urandom(GCM_NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(associated_data)
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    return nonce + ciphertext + encryptor.tag


def sm4_gcm_decrypt(key: bytes, sealed: bytes, associated_data: bytes) -> bytes:
    if len(sealed) < GCM_NONCE_BYTES + GCM_TAG_BYTES:
        raise CryptoError("ciphertext too short")
    nonce, body, tag = sealed[:12], sealed[12:-16], sealed[-16:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(associated_data)
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag:
        raise CryptoError(
            "ciphertext or its associated data was altered, or the key is wrong"
        ) from None


# --------------------------------------------------------------------------- signatures


@dataclass(frozen=True)
class PublicKey:
    """A verification key: `algorithm` is "SM2" or "Ed25519"; `data` the raw public key
    (SM2: 04 || x || y, 65 bytes; Ed25519: 32 bytes)."""

    algorithm: str
    data: bytes

    @property
    def key_id(self) -> str:
        """The key's fingerprint: the first 16 hex digits of SHA-256(algorithm:key)."""
        return hashlib.sha256(self.algorithm.encode() + b":" + self.data).hexdigest()[:16]

    def verify(self, message: bytes, signature: bytes, *, sm2_id: bytes = SM2_DEFAULT_ID) -> bool:
        if self.algorithm == "SM2":
            from gmalg import SM2

            if len(signature) != 64:
                return False
            try:
                return SM2(pk=self.data, uid=sm2_id).verify(message, signature[:32], signature[32:])
            except Exception:  # noqa: BLE001 - a malformed key or point is simply "not valid"
                return False
        if self.algorithm == "Ed25519":
            try:
                ed25519.Ed25519PublicKey.from_public_bytes(self.data).verify(signature, message)
            except (InvalidSignature, ValueError):
                return False
            return True
        raise CryptoError(f"unknown signature algorithm {self.algorithm!r}")


@dataclass(frozen=True)
class PrivateKey:
    """A signing key held in memory: `secret` is the raw private key (SM2: d, 32 bytes;
    Ed25519: the 32-byte seed)."""

    algorithm: str
    secret: bytes

    def __post_init__(self):
        if self.algorithm == "SM2":
            d = int.from_bytes(self.secret, "big")
            if len(self.secret) != 32 or not 1 <= d <= SM2_N - 2:
                raise CryptoError("an SM2 private key is 32 bytes, between 1 and n-2")
        elif self.algorithm == "Ed25519":
            if len(self.secret) != 32:
                raise CryptoError("an Ed25519 private key is a 32-byte seed")
        else:
            raise CryptoError(f"unknown signature algorithm {self.algorithm!r}")

    @classmethod
    def generate(cls, algorithm: str) -> "PrivateKey":
        if algorithm == "SM2":
            while True:
                secret = os.urandom(32)
                if 1 <= int.from_bytes(secret, "big") <= SM2_N - 2:
                    return cls("SM2", secret)
        return cls(algorithm, os.urandom(32))

    def __repr__(self) -> str:  # never print the secret
        return f"PrivateKey({self.algorithm!r}, <secret>)"

    def public_key(self) -> PublicKey:
        if self.algorithm == "SM2":
            from gmalg import SM2

            return PublicKey("SM2", SM2().generate_pk(self.secret))
        key = ed25519.Ed25519PrivateKey.from_private_bytes(self.secret)
        from cryptography.hazmat.primitives import serialization

        raw = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return PublicKey("Ed25519", raw)

    def sign(self, message: bytes, *, sm2_id: bytes = SM2_DEFAULT_ID) -> bytes:
        """SM2: r || s (64 bytes), over SM3(Z || message) as GB/T 32918.2 says; Ed25519: 64."""
        if self.algorithm == "SM2":
            from gmalg import SM2

            signer = SM2(sk=self.secret, uid=sm2_id, pk=self.public_key().data)
            r, s = signer.sign(message)
            return r.rjust(32, b"\0") + s.rjust(32, b"\0")
        return ed25519.Ed25519PrivateKey.from_private_bytes(self.secret).sign(message)


def parse_private_key(text: str) -> PrivateKey:
    """`sm2:<64 hex>` or `ed25519:<64 hex>`, the form of a key file and of the environment."""
    algorithm, _, hex_secret = text.strip().partition(":")
    names = {"sm2": "SM2", "ed25519": "Ed25519"}
    if algorithm.lower() not in names:
        raise CryptoError("a signing key is written sm2:<64 hex digits> or ed25519:<64 hex digits>")
    try:
        secret = bytes.fromhex(hex_secret.strip())
    except ValueError:
        raise CryptoError("the signing key's secret is not hexadecimal") from None
    return PrivateKey(names[algorithm.lower()], secret)


def format_private_key(key: PrivateKey) -> str:
    return f"{key.algorithm.lower()}:{key.secret.hex()}"
