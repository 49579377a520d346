"""What an uploaded file is, judged by its content (magic bytes), never by its name or by the
content type the client claims.

Plain Python, no Django. `detect(file)` reads a few headers of a seekable binary file (never
the whole file: a video may be a gigabyte) and names its format; `check(file, kind)` refuses, in
Chinese, a file whose content is not of the declared kind. Formats we recognise but do not
accept as evidence (archives, programs, macro-enabled Office files) are named too, so the
refusal says what the file really is.
"""

from __future__ import annotations

import lzma
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

PHOTO, DOCUMENT, AUDIO, VIDEO = "photo", "document", "audio", "video"
KIND_LABELS = {PHOTO: "照片", DOCUMENT: "文书", AUDIO: "录音", VIDEO: "录像"}


@dataclass(frozen=True)
class FileType:
    name: str  # the short name users know: "JPEG", "PDF", "MP4"
    kind: str | None  # None: recognised, but never accepted as evidence
    content_type: str
    extension: str
    label: str  # what a refusal calls it

    def __str__(self) -> str:
        return self.label


def _t(name, kind, content_type, extension, label) -> FileType:
    return FileType(name, kind, content_type, extension, label)


JPEG = _t("JPEG", PHOTO, "image/jpeg", "jpg", "JPEG图片")
PNG = _t("PNG", PHOTO, "image/png", "png", "PNG图片")
WEBP = _t("WebP", PHOTO, "image/webp", "webp", "WebP图片")
HEIC = _t("HEIC", PHOTO, "image/heic", "heic", "HEIC图片")
HEIF = _t("HEIF", PHOTO, "image/heif", "heif", "HEIF图片")
AVIF = _t("AVIF", PHOTO, "image/avif", "avif", "AVIF图片")

PDF = _t("PDF", DOCUMENT, "application/pdf", "pdf", "PDF文档")
OFD = _t("OFD", DOCUMENT, "application/ofd", "ofd", "OFD版式文档")
DOCX = _t(
    "DOCX",
    DOCUMENT,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    "Word文档（DOCX）",
)
XLSX = _t(
    "XLSX",
    DOCUMENT,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
    "Excel表格（XLSX）",
)
DOC = _t("DOC", DOCUMENT, "application/msword", "doc", "Word文档（DOC）")
XLS = _t("XLS", DOCUMENT, "application/vnd.ms-excel", "xls", "Excel表格（XLS）")
ODT = _t("ODT", DOCUMENT, "application/vnd.oasis.opendocument.text", "odt", "ODF文本文档（ODT）")
ODS = _t(
    "ODS", DOCUMENT, "application/vnd.oasis.opendocument.spreadsheet", "ods", "ODF电子表格（ODS）"
)

MP3 = _t("MP3", AUDIO, "audio/mpeg", "mp3", "MP3音频")
M4A = _t("M4A", AUDIO, "audio/mp4", "m4a", "M4A音频")
AAC = _t("AAC", AUDIO, "audio/aac", "aac", "AAC音频")
AMR = _t("AMR", AUDIO, "audio/amr", "amr", "AMR音频")
WAV = _t("WAV", AUDIO, "audio/wav", "wav", "WAV音频")
AUDIO_3GP = _t("3GP", AUDIO, "audio/3gpp", "3gp", "3GP音频")
MOV_AUDIO = _t("MOV", AUDIO, "video/quicktime", "mov", "QuickTime音频（MOV）")

MP4 = _t("MP4", VIDEO, "video/mp4", "mp4", "MP4视频")
MOV = _t("MOV", VIDEO, "video/quicktime", "mov", "MOV视频")
VIDEO_3GP = _t("3GP", VIDEO, "video/3gpp", "3gp", "3GP视频")
AVI = _t("AVI", VIDEO, "video/x-msvideo", "avi", "AVI视频")

# Recognised so that a refusal can name them; never accepted.
GIF = _t("GIF", None, "image/gif", "gif", "GIF动图")
TIFF = _t("TIFF", None, "image/tiff", "tif", "TIFF图片")
PPTX = _t("PPTX", None, "application/octet-stream", "pptx", "PowerPoint演示文稿（PPTX）")
PPT = _t("PPT", None, "application/octet-stream", "ppt", "PowerPoint演示文稿（PPT）")
OFFICE_MACRO = _t("MACRO", None, "application/octet-stream", "bin", "启用宏的Office文档")
OFFICE_ENCRYPTED = _t("ENCRYPTED", None, "application/octet-stream", "bin", "加密的Office文档")
OLE = _t("OLE", None, "application/octet-stream", "bin", "无法识别的Office复合文档")
ZIP = _t("ZIP", None, "application/zip", "zip", "ZIP压缩包")
RAR = _t("RAR", None, "application/octet-stream", "rar", "RAR压缩包")
SEVEN_ZIP = _t("7Z", None, "application/octet-stream", "7z", "7z压缩包")
GZIP = _t("GZIP", None, "application/gzip", "gz", "gzip压缩包")
EXE = _t("EXE", None, "application/octet-stream", "exe", "Windows可执行程序")
ELF = _t("ELF", None, "application/octet-stream", "bin", "可执行程序")

# What each kind accepts, in the order a refusal lists them.
ACCEPTED: dict[str, tuple[FileType, ...]] = {
    PHOTO: (JPEG, PNG, WEBP, HEIC, HEIF, AVIF),
    DOCUMENT: (PDF, OFD, DOCX, XLSX, DOC, XLS, ODT, ODS),
    AUDIO: (MP3, M4A, AAC, AMR, WAV, AUDIO_3GP, MOV_AUDIO),
    VIDEO: (MP4, MOV, VIDEO_3GP, AVI),
}


class Mismatch(ValueError):
    """The content is not of the declared kind; `message` says so in Chinese."""

    def __init__(self, message: str, code: str, detected: FileType | None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.detected = detected


def accepted_names(kind: str) -> str:
    return "、".join(dict.fromkeys(t.name for t in ACCEPTED[kind]))


def check(file: BinaryIO, kind: str) -> FileType:
    """The file's format if its content is of `kind`; `Mismatch` otherwise."""
    if kind not in ACCEPTED:
        raise ValueError(f"unknown evidence kind {kind!r}")
    detected = detect(file)
    wanted = KIND_LABELS[kind]
    if detected is None:
        raise Mismatch(
            f"文件内容不是{wanted}（无法识别文件格式）；{wanted}支持 {accepted_names(kind)}",
            "unknown_format",
            None,
        )
    if detected.kind != kind:
        raise Mismatch(
            f"文件内容不是{wanted}（检测为{detected.label}）；{wanted}支持 {accepted_names(kind)}",
            "type_mismatch",
            detected,
        )
    return detected


def detect(file: BinaryIO) -> FileType | None:
    """The format of a seekable binary file, from its content; None if unrecognised.

    Leaves the file positioned at its start.
    """
    try:
        file.seek(0)
        head = file.read(1024)
        return _detect(file, head)
    finally:
        file.seek(0)


def detect_bytes(data: bytes) -> FileType | None:
    import io

    return detect(io.BytesIO(data))


def _detect(file: BinaryIO, head: bytes) -> FileType | None:
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    if head[:4] == b"RIFF" and len(head) >= 12:
        return {b"WEBP": WEBP, b"WAVE": WAV, b"AVI ": AVI}.get(head[8:12])
    if head[4:8] == b"ftyp":
        return _iso_media(file, head)
    if head[4:8] in (b"moov", b"mdat", b"wide"):  # an old QuickTime movie, without ftyp
        return _movie_by_tracks(file, MOV, MOV_AUDIO)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_package(file)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole_document(file)
    if head.startswith((b"#!AMR\n", b"#!AMR-WB\n", b"#!AMR_MC1.0\n", b"#!AMR-WB_MC1.0\n")):
        return AMR
    for magic, found in _OTHER_MAGIC:
        if head.startswith(magic):
            return found
    # PDF readers accept the header anywhere in the first kilobyte.
    if b"%PDF-" in head:
        return PDF
    if head.startswith(b"ID3") or _mpeg_audio_frame(head):
        return MP3
    if _adts_frame(head):
        return AAC
    return None


_OTHER_MAGIC = (
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"Rar!\x1a\x07", RAR),
    (b"7z\xbc\xaf\x27\x1c", SEVEN_ZIP),
    (b"\x1f\x8b", GZIP),
    (b"\x7fELF", ELF),
    (b"MZ", EXE),
)


# --- MPEG audio ----------------------------------------------------------------------------------


def _mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG-1/2/2.5 Layer III frame header (an MP3 without an ID3 tag)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    sample_rate = (head[2] >> 2) & 0b11
    return version != 0b01 and layer == 0b01 and bitrate not in (0, 15) and sample_rate != 0b11


def _adts_frame(head: bytes) -> bool:
    """An AAC ADTS frame header (the layer bits an MP3 frame never has: 00)."""
    if len(head) < 7 or head[0] != 0xFF or head[1] & 0xF6 != 0xF0:
        return False
    return (head[2] >> 2) & 0x0F < 13


# --- ISO base media (MP4, MOV, 3GP, M4A, HEIC) ---------------------------------------------------

_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
_AVIF_BRANDS = {b"avif", b"avis"}
_HEIF_BRANDS = {b"mif1", b"msf1"}
_M4A_BRANDS = {b"M4A ", b"M4B ", b"M4P "}
# A movie's header is small (track tables); refuse to read one larger than this.
_MOOV_LIMIT = 64 * 1024 * 1024


def _iso_media(file: BinaryIO, head: bytes) -> FileType | None:
    size = struct.unpack(">I", head[:4])[0]
    if size < 16:
        return None
    major = head[8:12]
    brands = {major} | {head[i : i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
    if major in _HEIC_BRANDS:
        return HEIC
    if major in _AVIF_BRANDS:
        return AVIF
    if major in _HEIF_BRANDS:
        return HEIC if brands & _HEIC_BRANDS else AVIF if brands & _AVIF_BRANDS else HEIF
    if major in _M4A_BRANDS:
        return M4A
    if major == b"qt  ":
        video, audio = MOV, MOV_AUDIO
    elif major[:3] in (b"3gp", b"3g2", b"3ge", b"3gg", b"3gs"):
        video, audio = VIDEO_3GP, AUDIO_3GP
    else:
        video, audio = MP4, M4A
    return _movie_by_tracks(file, video, audio)


def _movie_by_tracks(file: BinaryIO, video: FileType, audio: FileType) -> FileType:
    """The tracks decide: a recorder's .m4a often carries a generic brand such as "isom".
    Without a readable movie header (a truncated upload), the brand's video type."""
    handlers = _track_handlers(file)
    if b"vide" not in handlers and b"soun" in handlers:
        return audio
    return video


def _boxes(data: bytes):
    """(type, payload) of the boxes in `data`, which holds whole boxes."""
    offset = 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        header = 8
        if size == 1 and offset + 16 <= len(data):
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
            header = 16
        elif size == 0:
            size = len(data) - offset
        if size < header:
            return
        yield kind, data[offset + header : offset + size]
        offset += size


def _track_handlers(file: BinaryIO) -> set[bytes]:
    """The handler types (b"vide", b"soun", ...) of the movie's tracks; empty if the movie
    header cannot be found (a truncated upload, say)."""
    moov = _find_top_level(file, b"moov")
    handlers: set[bytes] = set()
    if moov is None:
        return handlers
    for kind, trak in _boxes(moov):
        if kind != b"trak":
            continue
        for kind, mdia in _boxes(trak):
            if kind != b"mdia":
                continue
            for kind, hdlr in _boxes(mdia):
                if kind == b"hdlr" and len(hdlr) >= 12:
                    handlers.add(hdlr[8:12])
    return handlers


def _find_top_level(file: BinaryIO, wanted: bytes) -> bytes | None:
    """The payload of the first top-level box of type `wanted`, found by seeking from box to
    box (the media data between is never read); None if absent or larger than the limit."""
    offset = 0
    for _ in range(10_000):
        file.seek(offset)
        header = file.read(16)
        if len(header) < 8:
            return None
        size, kind = struct.unpack(">I4s", header[:8])
        length = 8
        if size == 1:
            if len(header) < 16:
                return None
            size = struct.unpack(">Q", header[8:16])[0]
            length = 16
        if size != 0 and size < length:
            return None
        if kind == wanted:
            # Size 0: the box runs to the end of the file.
            body = _MOOV_LIMIT + 1 if size == 0 else size - length
            file.seek(offset + length)
            payload = file.read(min(body, _MOOV_LIMIT + 1))
            return None if len(payload) > _MOOV_LIMIT else payload
        if size == 0:  # the last box, running to the end of the file
            return None
        offset += size
    return None


# --- zip packages (OOXML, ODF, OFD) -------------------------------------------------------------

_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
}
_CONTENT_TYPE = re.compile(r'ContentType="([^"]+)"')
# Read at most this much of a package's small parts: a zip bomb must not fill memory.
_PART_LIMIT = 1024 * 1024


def _zip_package(file: BinaryIO) -> FileType:
    try:
        with zipfile.ZipFile(file) as package:
            names = set(package.namelist())
            if "[Content_Types].xml" in names:
                return _ooxml(package)
            if "mimetype" in names:
                with package.open("mimetype") as part:
                    return _ODF_MIMETYPES.get(part.read(200).strip(), ZIP)
            if "OFD.xml" in names:
                return OFD
    # A damaged member fails in its decompressor, with that module's own error.
    except (
        zipfile.BadZipFile,
        zlib.error,
        lzma.LZMAError,
        OSError,
        EOFError,
        KeyError,
        NotImplementedError,
        ValueError,
    ):
        return ZIP
    return ZIP


def _ooxml(package: zipfile.ZipFile) -> FileType:
    with package.open("[Content_Types].xml") as part:
        text = part.read(_PART_LIMIT).decode("utf-8", "replace")
    types = set(_CONTENT_TYPE.findall(text))
    for content_type, found in _OOXML_MAIN.items():
        if content_type in types:
            return found
    # Macro-enabled (docm, xlsm) and template parts: never accepted.
    if any("macroEnabled" in t or "vbaProject" in t for t in types):
        return OFFICE_MACRO
    return ZIP


# --- OLE compound files (DOC, XLS) --------------------------------------------------------------

_MAXREGSECT = 0xFFFFFFFA


def _ole_document(file: BinaryIO) -> FileType:
    names = _ole_names(file)
    if names is None:
        return OLE
    if "EncryptedPackage" in names:
        return OFFICE_ENCRYPTED
    if "WordDocument" in names:
        return OFFICE_MACRO if "Macros" in names else DOC
    if "Workbook" in names or "Book" in names:
        return OFFICE_MACRO if "_VBA_PROJECT_CUR" in names else XLS
    if "PowerPoint Document" in names:
        return PPT
    return OLE


def _ole_names(file: BinaryIO) -> set[str] | None:
    """The names in a compound file's directory (following its sector chain through the FAT),
    or None if the header is not one."""
    file.seek(0)
    header = file.read(512)
    if len(header) < 512:
        return None
    shift = struct.unpack("<H", header[0x1E:0x20])[0]
    if shift not in (9, 12):
        return None
    sector_size = 1 << shift
    per_sector = sector_size // 4
    difat = list(struct.unpack("<109I", header[0x4C:0x200]))
    next_difat = struct.unpack("<I", header[0x44:0x48])[0]

    def read_sector(sector: int) -> bytes:
        file.seek((sector + 1) * sector_size)
        return file.read(sector_size)

    def next_in_chain(sector: int) -> int | None:
        nonlocal next_difat
        index = sector // per_sector
        for _ in range(1000):
            if index < len(difat) or next_difat > _MAXREGSECT:
                break
            entries = struct.unpack(f"<{per_sector}I", read_sector(next_difat).ljust(sector_size))
            difat.extend(entries[:-1])
            next_difat = entries[-1]
        if index >= len(difat) or difat[index] > _MAXREGSECT:
            return None
        file.seek((difat[index] + 1) * sector_size + (sector % per_sector) * 4)
        entry = file.read(4)
        return struct.unpack("<I", entry)[0] if len(entry) == 4 else None

    names: set[str] = set()
    sector: int | None = struct.unpack("<I", header[0x30:0x34])[0]
    seen: set[int] = set()
    while sector is not None and sector <= _MAXREGSECT and sector not in seen and len(seen) < 256:
        seen.add(sector)
        data = read_sector(sector)
        if len(data) < sector_size:
            break
        for start in range(0, sector_size, 128):
            entry = data[start : start + 128]
            length = struct.unpack("<H", entry[64:66])[0]
            if entry[66] in (1, 2, 5) and 2 <= length <= 64:
                names.add(entry[: length - 2].decode("utf-16-le", "replace"))
        sector = next_in_chain(sector)
    return names
