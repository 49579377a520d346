"""Checking checkpoints, and the database against them.

Checkpoints are read from the database and from their files outside it
(CHECKPOINT_EXPORT_DIR). The newest must carry a valid signature by a trusted key and each
must link to its predecessor; a checkpoint whose file exists but whose row does not means the
database was restored from before it (or its rows were deleted). Then each chain is compared
with the newest checkpoint; only if that disagrees are the older ones searched (a
disagreement with one checkpoint is a disagreement with every later one, since each signs its
predecessor's state as a prefix), so the first checkpoint that disagrees is found in a few
comparisons.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from backend.checkpoints import registry
from backend.checkpoints.merkle import canonical
from backend.checkpoints.models import Checkpoint
from backend.checkpoints.signing import signer
from backend.crypto import gm

DATABASE = "数据库"
FILE = "数据库外的副本"


@dataclass(frozen=True)
class Known:
    """A checkpoint as found: its body, signature and where it was found."""

    sequence: int
    sha256: str
    body: dict
    signature: str
    in_database: bool
    in_files: bool


@dataclass(frozen=True)
class Finding:
    """Something that does not hold, tied to the checkpoint it was found against."""

    sequence: int | None
    chain: str | None
    kind: str
    message: str

    def __str__(self) -> str:
        where = f"检查点 #{self.sequence}" if self.sequence else "检查点"
        label = ""
        if self.chain:
            chain = registry.get(self.chain)
            label = f"（{chain.label if chain else self.chain}）"
        return f"{where}{label}：{self.message}"


@dataclass(frozen=True)
class Report:
    checkpoints: int
    latest: int | None
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not self.findings


def trusted_keys() -> dict[str, gm.PublicKey]:
    """The signer's own public key, and the retired keys kept as public-key documents in
    KEYS_DIR/checkpoint-retired/ (checkpoints signed before a key rotation stay verifiable)."""
    current = signer().public_key()
    keys = {current.key_id: current}
    retired = Path(settings.KEYS_DIR) / "checkpoint-retired"
    if retired.is_dir():
        for path in sorted(retired.glob("*.json")):
            document = json.loads(path.read_text(encoding="utf-8"))
            key = gm.PublicKey(document["algorithm"], bytes.fromhex(document["public_key"]))
            keys[key.key_id] = key
    return keys


def _signature_problem(body: dict, signature: str, keys: dict[str, gm.PublicKey]) -> str | None:
    key = keys.get(body.get("key_id", ""))
    if key is None:
        return f"签名密钥 {body.get('key_id')} 不是本系统信任的密钥"
    if key.algorithm != body.get("algorithm"):
        return "签名算法与密钥不符"
    try:
        raw = bytes.fromhex(signature)
    except ValueError:
        return "签名不是十六进制"
    if not key.verify(canonical(body), raw):
        return "签名无效：检查点内容被改动，或不是本系统的密钥签署的"
    return None


def read_files() -> dict[int, dict]:
    """The checkpoint files of CHECKPOINT_EXPORT_DIR, by sequence."""
    directory = Path(settings.CHECKPOINT_EXPORT_DIR)
    found = {}
    if directory.is_dir():
        for path in sorted(directory.glob("checkpoint-*.json")):
            try:
                published = json.loads(path.read_text(encoding="utf-8"))
                found[int(published["checkpoint"]["sequence"])] = published
            except (ValueError, KeyError, TypeError):
                found[-len(found) - 1] = {"unreadable": str(path)}
    return found


def load() -> tuple[list[Known], list[Finding]]:
    """Every checkpoint, database and files merged, checked for signature and link."""
    keys = trusted_keys()
    findings: list[Finding] = []
    rows = {
        row.sequence: row
        for row in Checkpoint.objects.only("sequence", "document", "sha256", "signature")
    }
    files = read_files()
    for sequence in sorted(s for s in files if s < 0):
        unreadable = files[sequence]["unreadable"]
        findings.append(Finding(None, None, "unreadable", f"无法读取 {unreadable}"))
    known: list[Known] = []
    for sequence in sorted({*rows, *(s for s in files if s > 0)}):
        row, published = rows.get(sequence), files.get(sequence)
        if row is not None:
            body = json.loads(row.document)
            signature = row.signature
            if hashlib.sha256(row.document.encode()).hexdigest() != row.sha256 or (
                canonical(body).decode() != row.document
            ):
                message = "数据库中的检查点内容与其摘要不符"
                findings.append(Finding(sequence, None, "tampered", message))
                continue
        else:
            body, signature = published["checkpoint"], published["signature"]
        # Each checkpoint signs its predecessor's hash: the newest signature (of the database's
        # and of the files') and unbroken links authenticate every earlier body, so only those
        # two are verified (an SM2 verification in pure Python takes tens of milliseconds, and
        # ten years of nightly checkpoints are thousands).
        if sequence in (max(rows, default=None), max(files, default=None)):
            problem = _signature_problem(body, signature, keys)
            if problem:
                findings.append(Finding(sequence, None, "bad_signature", problem))
                continue
        digest = hashlib.sha256(canonical(body)).hexdigest()
        if row is not None and published is not None:
            if canonical(published["checkpoint"]) != canonical(body):
                findings.append(
                    Finding(sequence, None, "forked", f"{DATABASE}与{FILE}中的检查点内容不同")
                )
                continue
        known.append(
            Known(
                sequence=sequence,
                sha256=digest,
                body=body,
                signature=signature,
                in_database=row is not None,
                in_files=published is not None,
            )
        )
    previous = None
    for checkpoint in known:
        expected_previous = previous.sha256 if previous else None
        if checkpoint.sequence == 1 and checkpoint.body.get("previous") is not None:
            findings.append(Finding(1, None, "broken_link", "第一个检查点不应指向前一检查点"))
        elif previous is not None and checkpoint.sequence != previous.sequence + 1:
            findings.append(
                Finding(
                    checkpoint.sequence, None, "missing", f"缺少检查点 #{previous.sequence + 1}"
                )
            )
        elif checkpoint.sequence > 1 and checkpoint.body.get("previous") != expected_previous:
            findings.append(
                Finding(checkpoint.sequence, None, "broken_link", "与前一检查点的链接不符")
            )
        previous = checkpoint
    if known and not known[-1].in_database:
        missing = [c.sequence for c in known if not c.in_database]
        findings.append(
            Finding(
                missing[0],
                None,
                "rolled_back",
                f"检查点 #{missing[0]} 起（共 {len(missing)} 个）只在{FILE}中，数据库中没有："
                "数据库被回滚到这些检查点之前（如恢复了较早的备份），或检查点记录被删除",
            )
        )
    return known, findings


def _disagreement(chain: registry.Chain, checkpoint: Known) -> registry.Disagreement | None:
    entry = checkpoint.body.get("chains", {}).get(chain.name)
    if entry is None:
        return None  # the chain was registered after this checkpoint
    return chain.compare(entry)


def compare_chains(known: list[Known], names: list[str] | None = None) -> list[Finding]:
    """For each chain, the first checkpoint the database disagrees with (binary search)."""
    findings = []
    for chain in registry.chains():
        if names is not None and chain.name not in names:
            continue
        if not known or _disagreement(chain, known[-1]) is None:
            continue
        low, high = 0, len(known) - 1  # known[high] disagrees
        while low < high:
            middle = (low + high) // 2
            if _disagreement(chain, known[middle]) is None:
                low = middle + 1
            else:
                high = middle
        first = known[high]
        found = _disagreement(chain, first)
        kind, message = found.kind, found.message
        if kind == "truncated" and not first.in_database:
            kind = "rolled_back"
            message = f"数据库被回滚：{message}（该检查点只在{FILE}中）"
        findings.append(Finding(first.sequence, chain.name, kind, message))
    return findings


def verify(names: list[str] | None = None) -> Report:
    """The checkpoints themselves, then the chains `names` (all if None) against them."""
    known, findings = load()
    findings = findings + compare_chains(known, names)
    return Report(
        checkpoints=len(known), latest=known[-1].sequence if known else None, findings=findings
    )
