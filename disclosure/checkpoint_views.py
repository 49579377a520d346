"""/public/checkpoints/: the signed checkpoints of every chain, their public key, the inclusion
proofs of draws and published results, and the verifier that checks them (no login).

A checkpoint is published whole, exactly as signed: the sizes and head hashes of the audit
trail and of the inspections' record chains say how much history exists, not what it says.
"""

import json
from pathlib import Path

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render

from backend.checkpoints import registry
from backend.checkpoints.models import Checkpoint
from backend.checkpoints.signing import public_key_document, signer
from disclosure.pages import public_page, url_code

VERIFIER = Path(registry.__file__).with_name("verify_checkpoint.py")
PROVABLE = {"draws": "抽取", "results": "公示结果"}


def _json(data, filename: str) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _checkpoint(sequence: int) -> Checkpoint:
    checkpoint = Checkpoint.objects.filter(sequence=sequence).first()
    if checkpoint is None:
        raise Http404("未找到该检查点")
    return checkpoint


@public_page
def checkpoint_list(request):
    checkpoints = Checkpoint.objects.order_by("-sequence").only(
        "sequence", "made_at", "sha256", "algorithm", "document"
    )
    page = Paginator(checkpoints, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosure/checkpoints.html",
        {"page": page, "key": public_key_document(signer().public_key())},
    )


@public_page
def checkpoint_index(request):
    """Every checkpoint, oldest first, as open data: enough to check the whole chain of them."""
    published = [c.published() for c in Checkpoint.objects.order_by("sequence")]
    return _json(
        {"public_key": public_key_document(signer().public_key()), "checkpoints": published},
        "checkpoints.json",
    )


@public_page
def checkpoint_json(request, sequence: int):
    return _json(_checkpoint(sequence).published(), f"checkpoint-{sequence}.json")


@public_page
def public_key(request):
    return _json(public_key_document(signer().public_key()), "checkpoint-public-key.json")


@public_page
def inclusion_proof(request, sequence: int, chain: str, key: str):
    """The proof that one draw (by its id) or one published result (by its code) is in the
    checkpoint's tree, for verify_checkpoint.py."""
    found = registry.get(chain) if chain in PROVABLE else None
    if found is None or found.prove is None:
        raise Http404("未找到")
    checkpoint = _checkpoint(sequence)
    entry = checkpoint.body["chains"].get(chain)
    proof = found.prove(entry, url_code(key)) if entry else None
    if proof is None:
        raise Http404(f"该{PROVABLE[chain]}不在检查点 #{sequence} 中")
    return _json(
        {
            "spec": "CP-1",
            "checkpoint": sequence,
            "chain": chain,
            "index": proof.index,
            "tree_size": proof.size,
            "leaf": proof.leaf,
            "audit_path": proof.audit_path,
        },
        f"proof-{sequence}-{chain}-{key}.json",
    )


@public_page
def verifier(request):
    response = HttpResponse(VERIFIER.read_bytes(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="verify_checkpoint.py"'
    return response


def chain_rows(checkpoint: Checkpoint) -> list[dict]:
    """The page's summary of one checkpoint: each chain's label and size."""
    rows = []
    for name, entry in json.loads(checkpoint.document)["chains"].items():
        chain = registry.get(name)
        rows.append({"label": chain.label if chain else name, "size": entry.get("size", 0)})
    return rows
