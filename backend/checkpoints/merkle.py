"""Merkle trees as RFC 6962 / RFC 9162 define them (Certificate Transparency), no Django.

A leaf's hash is SHA-256(0x00 || data), an inner node's SHA-256(0x01 || left || right); a tree
of n leaves splits at the largest power of two below n. The public verifier
(verify_checkpoint.py) carries its own copy of the inclusion check; tests hold the two equal.
"""

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

EMPTY_ROOT = hashlib.sha256(b"").hexdigest()


def canonical(obj: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same canonical JSON as DR-1 and the record chains."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root(leaf_hashes: Iterable[bytes]) -> tuple[int, str]:
    """(number of leaves, hex root) in one pass and O(log n) memory: complete subtrees are
    merged as soon as they form, the rest folded from the right at the end."""
    stack: list[tuple[int, bytes]] = []
    size = 0
    sha256 = hashlib.sha256
    for leaf in leaf_hashes:
        size += 1
        height, node = 0, leaf
        while stack and stack[-1][0] == height:
            node = sha256(b"\x01" + stack.pop()[1] + node).digest()
            height += 1
        stack.append((height, node))
    if not stack:
        return 0, EMPTY_ROOT
    node = stack[-1][1]
    for _height, left in reversed(stack[:-1]):
        node = node_hash(left, node)
    return size, node.hex()


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def _subtree_root(leaves: Sequence[bytes]) -> bytes:
    return bytes.fromhex(root(leaves)[1])


def inclusion_path(leaves: Sequence[bytes], index: int) -> list[str]:
    """The audit path of leaf `index` (RFC 6962 section 2.1.1), hex, nearest sibling first."""
    if not 0 <= index < len(leaves):
        raise IndexError("leaf index outside the tree")
    path: list[bytes] = []
    while len(leaves) > 1:
        k = _largest_power_of_two_below(len(leaves))
        if index < k:
            path.append(_subtree_root(leaves[k:]))
            leaves = leaves[:k]
        else:
            path.append(_subtree_root(leaves[:k]))
            leaves, index = leaves[k:], index - k
    return [node.hex() for node in reversed(path)]


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Sequence[str], root_hex: str
) -> bool:
    """RFC 9162 section 2.1.3.2: does `leaf` (a leaf hash) sit at `index` of the tree of `size`
    leaves whose root is `root_hex`?"""
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
