"""Small files with real bytes, built in code, for the evidence and file-type tests.

Each one is a genuine (if tiny) file of its format: the PNG decodes, the WAV plays, the XLSX is
openpyxl's own output, the MP4 has the boxes a phone writes (ftyp, moov with its tracks, mdat).
"""

import io
import struct
import wave
import zipfile
import zlib


def png(width: int = 1, height: int = 1) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\xcc\x22\x22" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    """A baseline JPEG's frame: SOI, the JFIF header, a quantisation table, the frame and
    scan headers of a 1×1 greyscale image, one entropy-coded byte and EOI."""

    def segment(marker: int, payload: bytes) -> bytes:
        return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload

    jfif = segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    dqt = segment(0xDB, b"\x00" + bytes([1] * 64))
    sof = segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")
    dht_dc = segment(0xC4, b"\x00" + bytes([0, 1] + [0] * 14) + b"\x00")
    dht_ac = segment(0xC4, b"\x10" + bytes([0, 1] + [0] * 14) + b"\x00")
    sos = segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    return b"\xff\xd8" + jfif + dqt + sof + dht_dc + dht_ac + sos + b"\x00" + b"\xff\xd9"


def webp() -> bytes:
    body = b"WEBP" + b"VP8L" + struct.pack("<I", 5) + b"\x2f\x00\x00\x00\x00" + b"\x00"
    return b"RIFF" + struct.pack("<I", len(body)) + body


def pdf() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (4, xref))
    return out.getvalue()


def wav(frames: int = 800) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x00\x01" * frames)
    return out.getvalue()


def mp3() -> bytes:
    """An ID3v2 tag followed by MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz: 417 bytes)."""
    tag = b"ID3\x04\x00\x00\x00\x00\x00\x00"
    frame = b"\xff\xfb\x90\x64" + b"\x00" * 413
    return tag + frame * 3


def mp3_without_tag() -> bytes:
    return (b"\xff\xfb\x90\x64" + b"\x00" * 413) * 3


def aac() -> bytes:
    """ADTS frames: AAC-LC, 44.1 kHz, mono."""
    frame_length = 7 + 10
    header = bytes(
        [
            0xFF,
            0xF1,
            0x50,
            0x40 | (frame_length >> 11),
            (frame_length >> 3) & 0xFF,
            ((frame_length & 7) << 5) | 0x1F,
            0xFC,
        ]
    )
    return (header + b"\x00" * 10) * 3


def amr() -> bytes:
    return b"#!AMR\n" + (b"\x3c" + b"\x00" * 31) * 5


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    return box(b"ftyp", major + b"\x00\x00\x02\x00" + b"".join(compatible))


def _track(handler: bytes) -> bytes:
    hdlr = box(b"hdlr", b"\x00" * 8 + handler + b"\x00" * 12 + b"\x00")
    mdhd = box(b"mdhd", b"\x00" * 24)
    return box(b"trak", box(b"tkhd", b"\x00" * 84) + box(b"mdia", mdhd + hdlr))


def movie(major: bytes, *handlers: bytes, compatible=(b"isom",), mdat_size=64, moov_last=True):
    """An ISO media file: ftyp, then the media data and the movie header in either order."""
    moov = box(b"moov", box(b"mvhd", b"\x00" * 100) + b"".join(_track(h) for h in handlers))
    mdat = box(b"mdat", b"\x00" * mdat_size)
    body = mdat + moov if moov_last else moov + mdat
    return ftyp(major, *compatible) + body


def mp4() -> bytes:
    return movie(b"isom", b"vide", b"soun", compatible=(b"isom", b"iso2", b"avc1", b"mp41"))


def m4a_with_generic_brand() -> bytes:
    return movie(b"mp42", b"soun", compatible=(b"isom", b"mp42"))


def m4a() -> bytes:
    return movie(b"M4A ", b"soun", compatible=(b"M4A ", b"mp42", b"isom"))


def mov() -> bytes:
    return movie(b"qt  ", b"vide", b"soun", compatible=(b"qt  ",))


def video_3gp() -> bytes:
    return movie(b"3gp4", b"vide", b"soun", compatible=(b"3gp4", b"isom"))


def heic() -> bytes:
    return ftyp(b"heic", b"mif1", b"heic") + box(b"meta", b"\x00" * 40)


def avi() -> bytes:
    body = b"AVI " + b"LIST" + struct.pack("<I", 4) + b"hdrl"
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _package(parts: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        if stored_first:
            package.writestr(stored_first, parts.pop(stored_first), zipfile.ZIP_STORED)
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)


def docx(main: str = "wordprocessingml.document.main+xml") -> bytes:
    content_type = (
        main
        if main.startswith("application/")
        else f"application/vnd.openxmlformats-officedocument.{main}"
    )
    return _package(
        {
            "[Content_Types].xml": _CT.replace("{main}", content_type).encode(),
            "_rels/.rels": (
                b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                b'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                b'Target="word/document.xml"/></Relationships>'
            ),
            "word/document.xml": (
                '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>现场检查笔录</w:t></w:r>'
                "</w:p></w:body></w:document>"
            ).encode(),
        }
    )


def docm() -> bytes:
    return docx("application/vnd.ms-word.document.macroEnabled.main+xml")


def xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["检查要点", "结果"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def odt() -> bytes:
    return _package(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b"<office:document-content/>",
        },
        stored_first="mimetype",
    )


def ofd() -> bytes:
    return _package(
        {
            "OFD.xml": b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0"/>',
            "Doc_0/Document.xml": b"<ofd:Document/>",
        }
    )


def plain_zip() -> bytes:
    return _package({"photos/1.txt": b"not evidence"})


_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def ole(*names: str) -> bytes:
    """A compound file (the container of .doc and .xls) holding empty streams named `names`.

    The directory takes two sectors that are not adjacent (1 and 3, with 2 between), so that a
    reader must follow the FAT chain rather than read on.
    """
    entries = [_dir_entry("Root Entry", 5)] + [_dir_entry(n, 2) for n in names]
    entries += [b"\x00" * 128] * (8 - len(entries))
    first, second = b"".join(entries[:4]), b"".join(entries[4:8])
    fat = [_FAT, 3, _END, _END] + [_FREE] * 124
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", 0, *([_FREE] * 108))
    )
    assert len(header) == 512
    filler = b"\x00" * 512
    return header + struct.pack("<128I", *fat) + first + filler + second


def _dir_entry(name: str, kind: int) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", _FREE, _FREE, _FREE)
        + b"\x00" * 16
        + b"\x00" * 4
        + b"\x00" * 16
        + struct.pack("<II", _END, 0)
        + b"\x00" * 4
    )


def doc() -> bytes:
    # The directory's second sector holds WordDocument: found only through the FAT chain.
    return ole("1Table", "\x05SummaryInformation", "Data", "WordDocument")


def xls() -> bytes:
    return ole("Workbook", "\x05SummaryInformation")
