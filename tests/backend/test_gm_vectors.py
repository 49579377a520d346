"""SM2, SM3 and SM4 against the examples the standards publish, and our keys' round trips."""

import pytest
from gmalg import ellipticcurve
from gmalg.sm2 import SM2Core
from gmalg.sm3 import SM3

from backend.crypto import gm


def h(text: str) -> int:
    return int(text.replace(" ", ""), 16)


# --- SM3, GB/T 32905-2016 appendix A ----------------------------------------------------------


def test_sm3_of_abc_is_the_standards_example_1():
    assert gm.sm3(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


def test_sm3_of_the_512_bit_message_is_the_standards_example_2():
    assert gm.sm3(b"abcd" * 16).hex() == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


def test_hmac_sm3_is_rfc_2104_over_sm3():
    key, message = b"k" * 20, b"shuangsui"
    inner = gm.sm3(bytes(b ^ 0x36 for b in key.ljust(64, b"\0")) + message)
    outer = gm.sm3(bytes(b ^ 0x5C for b in key.ljust(64, b"\0")) + inner)
    assert gm.hmac_sm3(key, message) == outer


# --- SM4, GB/T 32907-2016 appendix A ----------------------------------------------------------

SM4_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")


def test_sm4_encrypts_the_standards_single_block():
    assert gm.sm4_ecb_encrypt_block(SM4_KEY, SM4_KEY).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_encrypting_a_block_a_million_times_gives_the_standards_example_2():
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    # One ECB context, one block per call: the same as a million separate encryptions.
    encryptor = Cipher(algorithms.SM4(SM4_KEY), modes.ECB()).encryptor()
    block = SM4_KEY
    for _ in range(1_000_000):
        block = encryptor.update(block)
    assert block.hex() == "595298c7c6fd271f0402f804c33d3f66"


def test_sm4_gcm_round_trip_and_every_alteration_is_refused():
    sealed = gm.sm4_gcm_encrypt(SM4_KEY, b"220102198503140013", b"purpose")
    assert gm.sm4_gcm_decrypt(SM4_KEY, sealed, b"purpose") == b"220102198503140013"
    assert b"220102198503140013" not in sealed
    flipped = sealed[:15] + bytes([sealed[15] ^ 1]) + sealed[16:]
    for bad_sealed, associated in ((flipped, b"purpose"), (sealed, b"other purpose")):
        with pytest.raises(gm.CryptoError):
            gm.sm4_gcm_decrypt(SM4_KEY, bad_sealed, associated)
    # A fresh nonce each time: the same number never gives the same ciphertext twice.
    assert gm.sm4_gcm_encrypt(SM4_KEY, b"x", b"p") != gm.sm4_gcm_encrypt(SM4_KEY, b"x", b"p")


# --- SM2, GB/T 32918 --------------------------------------------------------------------------

# GB/T 32918.2-2016 appendix A: the example curve over a 256-bit prime field.
EXAMPLE_CURVE = ellipticcurve.ECDLP(
    h("8542D69E 4C044F18 E8B92435 BF6FF7DE 45728391 5C45517D 722EDB8B 08F1DFC3"),
    h("787968B4 FA32C3FD 2417842E 73BBFEFF 2F3C848B 6831D7E0 EC65228B 3937E498"),
    h("63E4C6D3 B23B0C84 9CF84241 484BFE48 F61D59A5 B16BA06E 6E12D1DA 27C5249A"),
    (
        h("421DEBD6 1B62EAB6 746434EB C3CC315E 32220B3B ADD50BDC 4C4E6C14 7FEDD43D"),
        h("0680512B CBB42C07 D47349D2 153B70C4 E5D7FDFC BFA36EA1 A85841B9 E46E09A2"),
    ),
    h("8542D69E 4C044F18 E8B92435 BF6FF7DD 29772063 0485628D 5AE74EE7 C32E79B7"),
)
EXAMPLE_PUBLIC = (
    h("0AE4C779 8AA0F119 471BEE11 825BE462 02BB79E2 A5844495 E97C04FF 4DF2548A"),
    h("7C0240F8 8F1CD4E1 6352A73C 17B7F16F 07353E53 A176D684 A9FE0C6B B798E857"),
)
EXAMPLE_R = h("40F1EC59 F793D9F4 9E09DCEF 49130D41 94F79FB1 EED2CAA5 5BACDB49 C4E755D1")
EXAMPLE_S = h("6FC6DAC3 2C5D5CF1 0C77DFB2 0F7C2EB6 67A45787 2FB09EC5 6327A67E C7DEEBE7")


def test_sm2_verifies_the_published_example_signature_of_gbt_32918_2():
    core = SM2Core(EXAMPLE_CURVE, SM3())
    uid, message = b"ALICE123@YAHOO.COM", b"message digest"
    assert core.entity_info(uid, EXAMPLE_PUBLIC).hex() == (
        "f4a38489e32b45b6f876e3ac2168ca392362dc8f23459c1d1146fc3dbfb7bc9a"
    )
    assert core.verify(message, EXAMPLE_R, EXAMPLE_S, uid, EXAMPLE_PUBLIC)
    assert not core.verify(b"message digesT", EXAMPLE_R, EXAMPLE_S, uid, EXAMPLE_PUBLIC)
    assert not core.verify(message, EXAMPLE_R, EXAMPLE_S + 1, uid, EXAMPLE_PUBLIC)


def test_sm2_signing_with_the_examples_k_gives_the_published_signature():
    k = h("6CB28D99 385C175C 94F94E93 4817663F C176D925 DD72B727 260DBAAE 1FB2F96F")
    core = SM2Core(EXAMPLE_CURVE, SM3(), lambda bits: k)
    d = h("128B2FA8 BD433C6C 068C8D80 3DFF7979 2A519A55 171B1B65 0C23661D 15897263")
    assert core.generate_pk(d) == EXAMPLE_PUBLIC
    assert core.sign(b"message digest", d, b"ALICE123@YAHOO.COM", EXAMPLE_PUBLIC) == (
        EXAMPLE_R,
        EXAMPLE_S,
    )


# GB/T 32918.5-2017 appendix A: the recommended curve, with the default signer identity.
RECOMMENDED_SECRET = bytes.fromhex(
    "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8"
)
RECOMMENDED_SIGNATURE = bytes.fromhex(
    "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
    "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
)


def test_sm2_on_the_recommended_curve_verifies_the_published_example():
    key = gm.PrivateKey("SM2", RECOMMENDED_SECRET).public_key()
    assert key.data.hex().upper() == (
        "04"
        "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
        "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
    )
    assert key.verify(b"message digest", RECOMMENDED_SIGNATURE)
    assert not key.verify(b"message digest", RECOMMENDED_SIGNATURE[:-1] + b"\0")


def test_sm2_sign_and_verify_round_trip_on_the_recommended_curve():
    key = gm.PrivateKey.generate("SM2")
    signature = key.sign("检查点".encode())
    assert len(signature) == 64
    assert key.public_key().verify("检查点".encode(), signature)
    assert not key.public_key().verify("检查点!".encode(), signature)
    assert not gm.PrivateKey.generate("SM2").public_key().verify("检查点".encode(), signature)


def test_ed25519_is_the_alternative_algorithm():
    key = gm.PrivateKey.generate("Ed25519")
    signature = key.sign(b"checkpoint")
    assert key.public_key().verify(b"checkpoint", signature)
    assert not key.public_key().verify(b"checkpoinT", signature)


def test_a_private_key_is_written_and_read_back_and_never_printed():
    key = gm.PrivateKey.generate("SM2")
    assert gm.parse_private_key(gm.format_private_key(key)) == key
    assert key.secret.hex() not in repr(key)
    with pytest.raises(gm.CryptoError):
        gm.parse_private_key("rsa:00")
    with pytest.raises(gm.CryptoError):
        gm.parse_private_key("sm2:" + "ff" * 32)  # above the curve's order
