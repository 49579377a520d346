#!/usr/bin/env python3
"""独立验证一个签名检查点 / Independently verify a signed checkpoint (CP-1).

    python3 verify_checkpoint.py checkpoint.json --key checkpoint-public-key.json
    python3 verify_checkpoint.py checkpoint.json --key KEY --previous previous-checkpoint.json
    python3 verify_checkpoint.py checkpoint.json --key KEY --proof proof.json \\
        --draw announcement.json reveal.json result.csv        (a performed draw is included)
    python3 verify_checkpoint.py checkpoint.json --key KEY --proof proof.json \\
        --result result.json      (a published result, as /api/v1/public/results/<code>/ gives it)

Needs Python 3.7+, its standard library, and the signature library of the checkpoint's
algorithm: `gmalg` for SM2 (GB/T 32918, signer identity 1234567812345678, over SM3), or
`cryptography` for Ed25519. Written to be read, and it shares no code with the system that
made the checkpoint. Exit status 0: verified; 1: not verified.
"""

import argparse
import hashlib
import json
import sys
from datetime import datetime, timezone

APPEND_ONLY = ("audit", "records", "results")
SM2_ID = b"1234567812345678"


class Failed(Exception):
    pass


def ok(zh, en):
    print(f"[OK] {zh} / {en}")


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def load_json(path):
    try:
        with open(path, "rb") as f:
            return json.loads(f.read().decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise Failed(f"无法读取 / cannot read {path}: {exc}") from None


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise Failed(f"无法读取 / cannot read {path}: {exc}") from None


def key_id(algorithm, raw):
    return hashlib.sha256(algorithm.encode() + b":" + raw).hexdigest()[:16]


def verify_signature(algorithm, public_key, message, signature):
    if algorithm == "SM2":
        from gmalg import SM2

        if len(signature) != 64:
            return False
        try:
            return SM2(pk=public_key, uid=SM2_ID).verify(message, signature[:32], signature[32:])
        except Exception:
            return False
    if algorithm == "Ed25519":
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True
    raise Failed(f"未知的签名算法 / unknown algorithm {algorithm!r}")


def check_checkpoint(published, key, name):
    """The signature, and that the body is a CP-1 checkpoint by this key. Returns the body."""
    try:
        body, signature = published["checkpoint"], bytes.fromhex(published["signature"])
    except (KeyError, TypeError, ValueError):
        raise Failed(f"{name}: 不是检查点文件 / not a checkpoint file") from None
    if body.get("spec") != "CP-1":
        raise Failed(f"{name}: 规范不是 CP-1 / spec is not CP-1")
    if body.get("algorithm") != key["algorithm"] or body.get("key_id") != key["key_id"]:
        raise Failed(f"{name}: 签名密钥与公钥不符 / signed by another key ({body.get('key_id')})")
    if not verify_signature(key["algorithm"], key["raw"], canonical(body), signature):
        raise Failed(f"{name}: 签名无效 / signature does not verify")
    digest = hashlib.sha256(canonical(body)).hexdigest()
    if "sha256" in published and published["sha256"] != digest:
        raise Failed(f"{name}: 摘要不符 / sha256 does not match the body")
    ok(f"{name} #{body['sequence']} 签名有效", f"signature valid ({key['algorithm']})")
    return body


def check_link(body, previous):
    if body["sequence"] != previous["sequence"] + 1:
        raise Failed(
            f"序号不连续 / sequence {body['sequence']} does not follow {previous['sequence']}"
        )
    if body.get("previous") != hashlib.sha256(canonical(previous)).hexdigest():
        raise Failed("与前一检查点的链接不符 / does not link to the previous checkpoint")
    for chain in APPEND_ONLY:
        now, before = body["chains"].get(chain), previous["chains"].get(chain)
        if now is not None and before is not None and now["size"] < before["size"]:
            raise Failed(
                f"{chain} 变短了 / chain {chain} shrank from {before['size']} to {now['size']}"
            )
    ok("链接到前一检查点", f"links to checkpoint #{previous['sequence']}; no chain shrank")


def leaf_hash(leaf):
    return hashlib.sha256(b"\x00" + canonical(leaf)).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(leaf, index, size, path, root_hex):
    """RFC 9162, section 2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, node = index, size - 1, leaf
    for sibling_hex in path:
        sibling = bytes.fromhex(sibling_hex)
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            node = node_hash(node, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and node.hex() == root_hex


def draw_leaf(announcement_path, reveal_path, result_path):
    announcement = load_json(announcement_path)
    reveal = load_json(reveal_path)
    return {
        "draw": announcement["draw"],
        "announcement_sha256": hashlib.sha256(canonical(announcement)).hexdigest(),
        "status": "performed",
        "reveal_sha256": hashlib.sha256(canonical(reveal)).hexdigest(),
        "result_sha256": hashlib.sha256(read(result_path)).hexdigest(),
    }


def result_leaf(record):
    published_at = datetime.fromisoformat(record["published_at"].replace("Z", "+00:00"))
    return {
        "code": record["code"],
        "kind": record["kind"],
        "replaces": record["replaces"],
        "agency": record["agency"],
        "joint_agencies": record["joint_agencies"],
        "task_code": record["task_code"],
        "firm_uscc": record["firm_uscc"],
        "firm_name": record["firm_name"],
        "region_code": record["region_code"],
        "items": [item["code"] for item in record["items"]],
        "inspected_on": record["inspected_on"],
        "result_codes": list(record["result_codes"]),
        # timezone.utc, not datetime.UTC: the verifier runs on Python 3.7.
        "published_at": published_at.astimezone(timezone.utc).isoformat(  # noqa: UP017
            timespec="microseconds"
        ),
    }


def check_proof(body, proof, leaf_from_files):
    if proof.get("checkpoint") != body["sequence"]:
        raise Failed("证明不是针对这个检查点的 / the proof is for another checkpoint")
    chain = proof.get("chain")
    entry = body["chains"].get(chain) if chain in ("draws", "results") else None
    if entry is None:
        raise Failed(f"检查点中没有 {chain} / no chain {chain!r} in the checkpoint")
    if proof["tree_size"] != entry["size"]:
        raise Failed("证明的树大小与检查点不符 / tree size differs from the checkpoint")
    if leaf_from_files is not None and leaf_from_files != proof["leaf"]:
        raise Failed("文件与证明中的条目不符 / the files do not match the proven entry")
    if not verify_inclusion(
        leaf_hash(proof["leaf"]),
        proof["index"],
        proof["tree_size"],
        proof["audit_path"],
        entry["root"],
    ):
        raise Failed("包含证明无效 / the inclusion proof does not verify")
    label = proof["leaf"].get("draw") or proof["leaf"].get("code")
    ok(f"{label} 包含在检查点 #{body['sequence']} 中", f"included in the {chain} tree")


def load_key(path):
    document = load_json(path)
    try:
        raw = bytes.fromhex(document["public_key"])
        algorithm = document["algorithm"]
    except (KeyError, ValueError):
        raise Failed(f"{path}: 不是公钥文件 / not a public key document") from None
    if key_id(algorithm, raw) != document.get("key_id", key_id(algorithm, raw)):
        raise Failed(f"{path}: 密钥标识不符 / key_id does not match the key")
    return {"algorithm": algorithm, "raw": raw, "key_id": key_id(algorithm, raw)}


def main(argv=None):
    parser = argparse.ArgumentParser(description="验证 CP-1 签名检查点 / verify a CP-1 checkpoint")
    parser.add_argument("checkpoint")
    parser.add_argument("--key", required=True, help="checkpoint-public-key.json")
    parser.add_argument("--previous", help="前一检查点 / the previous checkpoint's file")
    parser.add_argument("--proof", help="包含证明 / an inclusion proof")
    parser.add_argument("--draw", nargs=3, metavar=("ANNOUNCEMENT", "REVEAL", "RESULT"))
    parser.add_argument("--result", help="公示结果的开放数据 / a published result's JSON")
    args = parser.parse_args(argv)
    try:
        key = load_key(args.key)
        body = check_checkpoint(load_json(args.checkpoint), key, "检查点")
        if args.previous:
            previous = check_checkpoint(load_json(args.previous), key, "前一检查点")
            check_link(body, previous)
        if args.draw or args.result:
            if not args.proof:
                raise Failed("需要 --proof / --draw and --result need --proof")
        if args.proof:
            leaf = None
            if args.draw:
                leaf = draw_leaf(*args.draw)
            elif args.result:
                leaf = result_leaf(load_json(args.result))
            check_proof(body, load_json(args.proof), leaf)
    except Failed as failure:
        print(f"[FAIL] {failure}")
        return 1
    print("验证通过 / verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
