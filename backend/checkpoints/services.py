"""Making a checkpoint: check, snapshot every chain, sign, keep, publish, audit."""

import hashlib
import json
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backend.audit.models import Outcome
from backend.audit.services import record_event
from backend.checkpoints import registry, verification
from backend.checkpoints.actions import CheckpointAction
from backend.checkpoints.merkle import canonical
from backend.checkpoints.models import Checkpoint, Trigger
from backend.checkpoints.signing import signer

SPEC = "CP-1"


def _refuse(actor, trigger: str, message: str) -> ValidationError:
    record_event(
        action=CheckpointAction.CREATE,
        actor=actor,
        object_type="checkpoints.checkpoint",
        outcome=Outcome.FAILURE,
        detail={"trigger": trigger, "reason": message},
    )
    return ValidationError(message, code="checkpoint_refused")


def make_checkpoint(*, actor=None, trigger: str = Trigger.SCHEDULED) -> Checkpoint:
    """Sign the current state of every registered chain, linked to the last checkpoint.

    Refused (and audited as a failure) when the checkpoints or the database disagree with the
    last checkpoint, or a chain does not hold since it: a signature must never cover a
    tampered history. The actor is None for the scheduled run, or the security or audit
    administrator who asked for it.
    """
    known, problems = verification.load()
    problems += verification.compare_chains(known)
    if problems:
        raise _refuse(actor, trigger, "；".join(str(p) for p in problems))
    previous = known[-1] if known else None
    previous_entries = previous.body["chains"] if previous else {}
    entries = {}
    for chain in registry.chains():
        try:
            entries[chain.name] = chain.snapshot(previous_entries.get(chain.name))
        except registry.ChainBroken as broken:
            raise _refuse(actor, trigger, f"{chain.label}：{broken}") from None
    the_signer = signer()
    public_key = the_signer.public_key()
    made_at = timezone.now()
    sequence = previous.sequence + 1 if previous else 1
    body = {
        "spec": SPEC,
        "issuer": settings.CHECKPOINT_ISSUER,
        "sequence": sequence,
        "made_at": timezone.localtime(made_at).isoformat(timespec="seconds"),
        "previous": previous.sha256 if previous else None,
        "algorithm": public_key.algorithm,
        "key_id": public_key.key_id,
        "chains": entries,
    }
    document = canonical(body)
    signature = the_signer.sign(document).hex()
    with transaction.atomic():
        checkpoint = Checkpoint(
            sequence=sequence,
            made_at=made_at,
            document=document.decode(),
            sha256=hashlib.sha256(document).hexdigest(),
            previous_sha256=previous.sha256 if previous else "",
            algorithm=public_key.algorithm,
            key_id=public_key.key_id,
            signature=signature,
            trigger=trigger,
            made_by=actor,
        )
        checkpoint.full_clean()
        checkpoint.save(force_insert=True)
        record_event(
            action=CheckpointAction.CREATE,
            actor=actor,
            obj=checkpoint,
            detail={"trigger": trigger, "sha256": checkpoint.sha256},
        )
    # After the commit: a file for a checkpoint the database does not hold would look like a
    # database rolled back.
    _export(checkpoint)
    return checkpoint


def _export(checkpoint: Checkpoint) -> Path:
    """Write the checkpoint's file (atomically: written aside, then renamed into place), the
    published copy that `verification.read_files` reads back. A part of `make_checkpoint`: a
    file write, not a read, so it stays beside its one caller."""
    directory = Path(settings.CHECKPOINT_EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"checkpoint-{checkpoint.sequence:08d}.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(
        json.dumps(checkpoint.published(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    os.replace(temporary, path)
    return path
