"""Workbooks built as the zip-bomb attack was, for the tests and the benchmark.

The attack: a 1 MB .xlsx whose one cell is a shared string of a gigabyte of "A", which deflate
squeezes about a thousand times. `huge_string_workbook` builds it the way an attacker would, by
hand, so that the zip's directory can also lie about the size (`declared_size`).
"""

import io
import struct
import zlib
from pathlib import Path

from openpyxl import Workbook

GIB = 1024 * 1024 * 1024
_BLOCK = b"A" * (1024 * 1024)


def normal_workbook(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _deflated(chunks) -> tuple[bytes, int, int]:
    """Raw deflate of the chunks, streamed: (compressed, crc32, size)."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    out, crc, size = [], 0, 0
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
        out.append(deflate.compress(chunk))
    out.append(deflate.flush())
    return b"".join(out), crc, size


def _zip(parts: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of (name, deflated, crc32, declared size) parts, written field by field."""
    out, central = io.BytesIO(), []
    for name, data, crc, size in parts:
        offset, encoded = out.tell(), name.encode()
        fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields) + encoded + data)
        central.append(
            struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, offset) + encoded
        )
    directory, start = b"".join(central), out.tell()
    out.write(directory)
    out.write(
        struct.pack(
            "<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(directory), start, 0
        )
    )
    return out.getvalue()


def huge_string_workbook(
    path: Path, *, string_bytes: int = GIB, declared_size: int | None = None
) -> Path:
    """A real workbook (built by openpyxl) whose one cell's shared string is `string_bytes` of
    "A"; the zip directory declares the sharedStrings part's true size, or `declared_size`."""
    import zipfile

    template = zipfile.ZipFile(io.BytesIO(normal_workbook([["统一社会信用代码"], ["x"]])))
    parts = []
    for name in template.namelist():
        if name == "xl/sharedStrings.xml":
            continue
        data = template.read(name)
        deflated, crc, size = _deflated([data])
        parts.append((name, deflated, crc, size))

    def shared_strings():
        yield b'<?xml version="1.0" encoding="UTF-8"?>\n'
        yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        yield (
            b' count="2" uniqueCount="2"><si><t>'
            + "统一社会信用代码".encode()
            + b"</t></si><si><t>"
        )
        for _ in range(string_bytes // len(_BLOCK)):
            yield _BLOCK
        yield b"</t></si></sst>"

    deflated, crc, size = _deflated(shared_strings())
    parts.append(("xl/sharedStrings.xml", deflated, crc, declared_size or size))
    path.write_bytes(_zip(parts))
    return path


# Run in a fresh interpreter, which forks once more for the work itself: Linux carries a
# process's peak RSS across exec, so a child started by a large process (pytest) would report the
# parent's size. The grandchild's own peak, read with os.wait4 (getrusage of that one child),
# starts from the small interpreter alone.
_MEASURED = """
import json, os, resource, sys, time

def work(kind, path):
    if kind == "refuse":
        from backend.tabular import Column, TableError, read_table
        try:
            read_table(path, filename=path, columns=[Column("uscc", "统一社会信用代码")])
            return "not refused"
        except TableError as exc:
            return exc.code
    if kind == "open":
        import python_calamine
        sheet = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0)
        return f"{sum(1 for _ in sheet.iter_rows()):,} rows"
    from backend.workbook_checks import check_workbook
    check_workbook(path, filename=path)
    return "passed"

read_end, write_end = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(read_end)
    import python_calamine, backend.tabular, backend.workbook_checks  # not timed
    started = time.perf_counter()
    outcome = work(sys.argv[1], sys.argv[2])
    seconds = time.perf_counter() - started
    os.write(write_end, json.dumps({"outcome": outcome, "seconds": seconds}).encode())
    os._exit(0)
os.close(write_end)
_, status, usage = os.wait4(pid, 0)
result = json.loads(os.read(read_end, 1 << 16) or b"{}")
result["peak"] = usage.ru_maxrss * 1024  # Linux: kilobytes
result["status"] = status
print(json.dumps(result))
"""


def run_measured(kind: str, path: Path) -> dict:
    """Handle `path` in a child process ("refuse": read_table as every import does; "open":
    calamine reads every row; "check": the check alone). Returns its outcome, seconds and peak
    memory in bytes."""
    import json
    import subprocess
    import sys

    # No timeout: subprocess waits for one in time.sleep, which libfaketime (the CI pass at
    # 23:30 UTC) makes fail with EINVAL, as tests/backend/test_upgrade.py notes.
    output = subprocess.run(
        [sys.executable, "-c", _MEASURED, kind, str(path)],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)
