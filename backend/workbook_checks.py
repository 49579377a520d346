"""Checking a workbook before anything reads it, so that a zip bomb is refused cheaply.

Plain Python, no Django. An .xlsx is a zip of XML parts, and a 1 MB file can hold a part that
decompresses to gigabytes (one cell with a 1 GB string drove the web process to 3.26 GB before
calamine gave up). `check_workbook` refuses such a file without ever holding more than one
decompressed megabyte:

1. from the zip's directory alone: the number of parts, each part's compression ratio and the
   total uncompressed size that the directory declares;
2. then one streaming pass over every part's compressed bytes, counting what they really
   decompress to (a directory can lie about sizes), the cells of every sheet and the longest
   text between two XML tags (a cell's string, shared or inline).

Only zip workbooks (.xlsx, .xlsm, .ods) need it: an .xls and a .csv are not compressed, so the
upload size limit already bounds what reading them costs.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

ZIP_SUFFIXES = (".xlsx", ".xlsm", ".ods")
CHUNK = 1024 * 1024
# Excel's own limit for the text of one cell.
EXCEL_MAX_CELL_CHARS = 32_767
# A part smaller than this is harmless whatever its ratio (an empty sheet's XML compresses well).
_RATIO_FLOOR = 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


@dataclass(frozen=True)
class WorkbookLimits:
    """What a workbook may hold; `backend.settings` sets them from the environment."""

    # A province's directory (1,000,000 firms, 13 columns) decompresses to about 500 MB.
    max_uncompressed_bytes: int = 1024 * 1024 * 1024
    # Sheets written by Excel, WPS or openpyxl compress 5 to 20 times; a bomb, hundreds of times.
    max_ratio: int = 100
    max_parts: int = 1_000
    # The province's directory has 13 million cells.
    max_cells: int = 30_000_000
    # Excel's own cell limit: no cell that Excel can save is longer.
    max_string_chars: int = EXCEL_MAX_CELL_CHARS

    @property
    def max_string_bytes(self) -> int:
        # As written by any program: a character may be a reference (`&#26816;`, `&#x10FFFF;`).
        return self.max_string_chars * 10


class WorkbookRefused(ValueError):
    """The workbook must not be opened; the message says why, in Chinese."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


_SUSPECT = "可能是恶意构造的文件，已拒绝读取。"
_SAVE_AGAIN = "请在 Excel 中打开后“另存为”新的工作簿再上传。"


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB"


def check_workbook(
    source: str | Path | BinaryIO, *, filename: str, limits: WorkbookLimits | None = None
) -> None:
    """Raise `WorkbookRefused` if the workbook `source` would cost too much to open.

    `source` is a path or a seekable binary file (its position is restored). A file that is not
    a zip at all passes: the reader says better what is wrong with it."""
    if Path(filename).suffix.lower() not in ZIP_SUFFIXES:
        return
    limits = limits or WorkbookLimits()
    with ExitStack() as stack:
        if isinstance(source, str | Path):
            handle = stack.enter_context(open(source, "rb"))
        else:
            handle = source
            position = handle.tell()
            stack.callback(handle.seek, position)
        try:
            archive = stack.enter_context(zipfile.ZipFile(handle))
            parts = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return
        _check_directory(parts, limits)
        _Scan(limits).run(handle, parts)


def _check_directory(parts: list[zipfile.ZipInfo], limits: WorkbookLimits) -> None:
    if len(parts) > limits.max_parts:
        raise WorkbookRefused(
            f"工作簿包含 {len(parts):,} 个部件（上限 {limits.max_parts:,} 个），"
            f"{_SUSPECT}{_SAVE_AGAIN}",
            code="workbook_parts",
        )
    total = 0
    for part in parts:
        if part.flag_bits & 0x1 or part.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            raise WorkbookRefused(
                f"工作簿中的“{part.filename}”使用了 Excel 不会使用的加密或压缩方式，无法安全读取。"
                f"{_SAVE_AGAIN}",
                code="workbook_format",
            )
        _check_ratio(part.filename, part.file_size, part.compress_size, limits)
        total += part.file_size
        _check_total(total, limits)


def _check_ratio(name: str, size: int, compressed: int, limits: WorkbookLimits) -> None:
    if size > _RATIO_FLOOR and size > limits.max_ratio * max(compressed, 1):
        ratio = size / max(compressed, 1)
        raise WorkbookRefused(
            f"工作簿中的“{name}”压缩比异常（解压后是压缩时的 {ratio:,.0f} 倍，"
            f"上限 {limits.max_ratio} 倍），{_SUSPECT}{_SAVE_AGAIN}",
            code="workbook_ratio",
        )


def _check_total(total: int, limits: WorkbookLimits) -> None:
    if total > limits.max_uncompressed_bytes:
        raise WorkbookRefused(
            f"工作簿解压后超过 {_megabytes(limits.max_uncompressed_bytes)}，{_SUSPECT}"
            "如确需导入这么多数据，请拆分成多个文件分批导入。",
            code="workbook_too_large",
        )


class _Scan:
    """One pass over every part's real bytes, a megabyte at a time."""

    def __init__(self, limits: WorkbookLimits):
        self.limits = limits
        self.total = 0
        self.cells = 0
        self.long_piece = re.compile(b"<[^<]{%d}" % (limits.max_string_bytes + 1))
        # A piece longer than the limit holds a whole window of this size of the grid below.
        self.window = max((limits.max_string_bytes + 1) // 2, 1)

    def run(self, handle: BinaryIO, parts: list[zipfile.ZipInfo]) -> None:
        for part in parts:
            self.part(handle, part)

    def part(self, handle: BinaryIO, part: zipfile.ZipInfo) -> None:
        name = part.filename
        xml = name.endswith((".xml", ".rels"))
        ods = name == "content.xml"
        sheet = name.startswith("xl/worksheets/") or ods
        size = 0
        run = 0  # the length of the text since the last "<", carried across chunks
        for chunk in self._decompressed(handle, part):
            size += len(chunk)
            self.total += len(chunk)
            _check_ratio(name, size, part.compress_size, self.limits)
            _check_total(self.total, self.limits)
            if not xml:
                continue
            # Text never contains "<" (XML escapes it), so the longest piece between two "<"
            # bounds every string in the part, whatever the tags around it.
            first = chunk.find(b"<")
            if first < 0:
                run += len(chunk)
                longest = run
            else:
                longest = run + first
                if self._may_hold_long_piece(chunk, first) and self.long_piece.search(chunk, first):
                    longest = self.limits.max_string_bytes + 1
                run = len(chunk) - chunk.rfind(b"<") - 1
            if longest > self.limits.max_string_bytes:
                raise WorkbookRefused(
                    f"工作簿中的“{name}”有一段超过 {self.limits.max_string_chars:,} 个字符的"
                    f"文本，超出单元格的上限，{_SUSPECT}{_SAVE_AGAIN}",
                    code="workbook_string",
                )
            if sheet:
                # Every <c …> of a worksheet, or <table:table-cell …> of an .ods, one pass over
                # the megabyte. (<col> and <cfRule> count too: a few more, only ever stricter.)
                self.cells += chunk.count(b"<table:table-cell" if ods else b"<c")
                if self.cells > self.limits.max_cells:
                    raise WorkbookRefused(
                        f"工作簿的单元格超过 {self.limits.max_cells:,} 个，{_SUSPECT}"
                        "如确需导入这么多数据，请拆分成多个文件分批导入。",
                        code="workbook_cells",
                    )

    def _may_hold_long_piece(self, chunk: bytes, start: int) -> bool:
        """False when every window of a grid over chunk[start:] holds a "<": then no piece
        between two "<" is longer than the limit (one that long would contain a whole window).
        A few finds, each stopping at the first "<", instead of the exact search's pass over
        every byte, which is left for the rare chunk with a long piece of text."""
        step = self.window
        return any(chunk.find(b"<", at, at + step) < 0 for at in range(start, len(chunk), step))

    @staticmethod
    def _decompressed(handle: BinaryIO, part: zipfile.ZipInfo):
        """The part's bytes as they really decompress, read from its compressed bytes directly:
        Python's zipfile stops at the size the directory declares, a reader may not."""
        handle.seek(part.header_offset)
        header = handle.read(_LOCAL_HEADER.size)
        if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
            raise WorkbookRefused(
                f"工作簿中的“{part.filename}”已损坏。{_SAVE_AGAIN}", code="workbook_format"
            )
        fields = _LOCAL_HEADER.unpack(header)
        handle.seek(part.header_offset + _LOCAL_HEADER.size + fields[-2] + fields[-1])
        left = part.compress_size
        inflate = zlib.decompressobj(-15) if part.compress_type == zipfile.ZIP_DEFLATED else None
        while left > 0:
            data = handle.read(min(CHUNK, left))
            if not data:
                return
            left -= len(data)
            if inflate is None:
                yield data
                continue
            while not inflate.eof:
                try:
                    out = inflate.decompress(data, CHUNK)
                except zlib.error:
                    raise WorkbookRefused(
                        f"工作簿中的“{part.filename}”已损坏。{_SAVE_AGAIN}", code="workbook_format"
                    ) from None
                data = inflate.unconsumed_tail
                if out:
                    yield out
                # A full megabyte out may leave more inside zlib: ask again, with no new input.
                if not data and len(out) < CHUNK:
                    break
            if inflate.eof:
                return
