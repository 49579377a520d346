"""Benchmark storing and checking a large evidence file (a phone's video).

    python benchmarks/bench_evidence_store.py --mb 512

Writes a file of N MB that begins like an MP4 (ftyp, moov with a video track, then mdat), then
runs what an upload and a download run: the type check by content (`filetypes.check`), the copy
to the "evidence" storage with the SHA-256 computed on the way (`services.evidence._store`), and
the download's check of the stored copy (hashing it again). Baseline in the same run: a plain
`shutil.copyfileobj` of the same file. The ratio is store / plain copy: what hashing while
copying costs. Peak Python memory (tracemalloc) shows the file is never held in memory.
"""

import argparse
import os
import shutil
import struct
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
WORK = Path(tempfile.mkdtemp(prefix="bench-evidence-"))
os.environ["MEDIA_ROOT"] = str(WORK / "media")

import django  # noqa: E402

django.setup()

from fieldwork import filetypes  # noqa: E402
from fieldwork.selectors.evidence import evidence_storage  # noqa: E402
from fieldwork.services import evidence as services  # noqa: E402


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def make_video(path: Path, megabytes: int) -> None:
    hdlr = box(b"hdlr", b"\x00" * 8 + b"vide" + b"\x00" * 13)
    moov = box(b"moov", box(b"trak", box(b"mdia", hdlr)))
    head = box(b"ftyp", b"isom\x00\x00\x02\x00isomavc1") + moov
    size = megabytes * 1024 * 1024
    block = os.urandom(1024 * 1024)
    with path.open("wb") as out:
        out.write(head + struct.pack(">I", size - len(head)) + b"mdat")
        written = len(head) + 8
        while written < size:
            chunk = block[: size - written]
            out.write(chunk)
            written += len(chunk)


def timed(label: str, action):
    tracemalloc.start()
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{label:<42} {seconds:7.2f} s   peak Python memory {peak / 1024 / 1024:6.1f} MB")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=512)
    args = parser.parse_args()
    source = WORK / "video.mp4"
    make_video(source, args.mb)
    size = source.stat().st_size
    print(f"file: {size / 1024 / 1024:.0f} MB in {WORK}")
    try:
        with source.open("rb") as file:
            detected, _ = timed(
                "type by content (filetypes.check)", lambda: filetypes.check(file, "video")
            )
            assert detected == filetypes.MP4
            (name, digest), store = timed(
                "store + SHA-256 while copying (_store)",
                lambda: services._store(file, detected, size),
            )

        def plain_copy():
            with source.open("rb") as src, (WORK / "copy.bin").open("wb") as dst:
                shutil.copyfileobj(src, dst, 1024 * 1024)

        _, baseline = timed("baseline: plain copy (shutil.copyfileobj)", plain_copy)

        def check_stored():
            with evidence_storage().open(name, "rb") as stored:
                return services._sha256_of(stored)

        checked, _ = timed("download check: SHA-256 of the stored copy", check_stored)
        with source.open("rb") as again:
            assert checked == digest == services._sha256_of(again)
        print(f"ratio store / plain copy: {store / baseline:.2f}")
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
