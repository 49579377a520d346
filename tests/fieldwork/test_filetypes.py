"""File types are judged by content: the sniffer names each real format, refuses a file whose
content is not of the declared kind (saying what it is), and never trusts a name."""

import io

import evidence_samples as samples
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldwork import filetypes as ft

KNOWN = [
    (samples.jpeg, ft.JPEG),
    (samples.png, ft.PNG),
    (samples.webp, ft.WEBP),
    (samples.heic, ft.HEIC),
    (samples.pdf, ft.PDF),
    (samples.docx, ft.DOCX),
    (samples.xlsx, ft.XLSX),
    (samples.odt, ft.ODT),
    (samples.ofd, ft.OFD),
    (samples.doc, ft.DOC),
    (samples.xls, ft.XLS),
    (samples.mp3, ft.MP3),
    (samples.mp3_without_tag, ft.MP3),
    (samples.aac, ft.AAC),
    (samples.amr, ft.AMR),
    (samples.wav, ft.WAV),
    (samples.m4a, ft.M4A),
    (samples.m4a_with_generic_brand, ft.M4A),
    (samples.mp4, ft.MP4),
    (samples.mov, ft.MOV),
    (samples.video_3gp, ft.VIDEO_3GP),
    (samples.avi, ft.AVI),
]


@pytest.mark.parametrize(("make", "expected"), KNOWN, ids=[e.label for _, e in KNOWN])
def test_each_accepted_format_is_recognised_by_its_content(make, expected):
    assert ft.detect_bytes(make()) == expected
    assert ft.check(io.BytesIO(make()), expected.kind) == expected


def test_detection_leaves_the_file_at_its_start():
    file = io.BytesIO(samples.mp4())
    file.seek(7)
    ft.detect(file)
    assert file.tell() == 0


def test_a_pdf_declared_as_a_photo_is_refused_and_named():
    with pytest.raises(ft.Mismatch) as refused:
        ft.check(io.BytesIO(samples.pdf()), ft.PHOTO)
    assert refused.value.code == "type_mismatch"
    assert refused.value.message.startswith("文件内容不是照片（检测为PDF文档）")
    assert "JPEG、PNG、WebP、HEIC" in refused.value.message


def test_a_photo_declared_as_a_recording_is_refused():
    with pytest.raises(ft.Mismatch, match="文件内容不是录音（检测为JPEG图片）"):
        ft.check(io.BytesIO(samples.jpeg()), ft.AUDIO)


def test_a_video_is_not_a_recording_and_a_recording_is_not_a_video():
    with pytest.raises(ft.Mismatch, match="检测为MP4视频"):
        ft.check(io.BytesIO(samples.mp4()), ft.AUDIO)
    with pytest.raises(ft.Mismatch, match="检测为M4A音频"):
        ft.check(io.BytesIO(samples.m4a_with_generic_brand()), ft.VIDEO)


def test_the_movie_header_after_the_media_data_is_found_without_reading_the_media():
    class CountingFile(io.BytesIO):
        read_bytes = 0

        def read(self, size=-1):
            data = super().read(size)
            CountingFile.read_bytes += len(data)
            return data

    data = samples.movie(b"mp42", b"soun", mdat_size=4_000_000, moov_last=True)
    assert ft.detect(CountingFile(data)) == ft.M4A
    assert CountingFile.read_bytes < 10_000


def test_a_truncated_movie_is_taken_for_what_its_brand_says():
    whole = samples.mp4()
    assert ft.detect_bytes(whole[:200]) == ft.MP4


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (samples.docm(), "启用宏的Office文档"),
        (samples.ole("WordDocument", "Macros"), "启用宏的Office文档"),
        (samples.ole("EncryptedPackage", "EncryptionInfo"), "加密的Office文档"),
        (samples.ole("PowerPoint Document"), "PowerPoint演示文稿（PPT）"),
        (samples.plain_zip(), "ZIP压缩包"),
        (b"GIF89a\x01\x00\x01\x00" + b"\x00" * 20, "GIF动图"),
        (b"MZ\x90\x00" + b"\x00" * 60, "Windows可执行程序"),
        (b"Rar!\x1a\x07\x01\x00" + b"\x00" * 10, "RAR压缩包"),
    ],
)
def test_files_that_are_never_evidence_are_refused_for_every_kind_and_named(data, label):
    for kind in ft.ACCEPTED:
        with pytest.raises(ft.Mismatch) as refused:
            ft.check(io.BytesIO(data), kind)
        assert f"检测为{label}" in refused.value.message


def test_an_unrecognised_file_is_refused_with_the_list_of_accepted_formats():
    html = "<html><body>照片.jpg</body></html>".encode()
    with pytest.raises(ft.Mismatch) as refused:
        ft.check(io.BytesIO(html), ft.PHOTO)
    assert refused.value.code == "unknown_format"
    assert refused.value.detected is None
    assert "无法识别文件格式" in refused.value.message
    assert ft.detect_bytes(b"") is None


def test_a_pdf_header_after_some_leading_bytes_is_still_a_pdf():
    assert ft.detect_bytes(b"\r\n\r\n" + samples.pdf()) == ft.PDF


def test_a_zip_bomb_in_the_content_types_part_is_read_only_so_far():
    big = samples._package(
        {"[Content_Types].xml": b" " * 50_000_000 + b'ContentType="x"', "a.xml": b""}
    )
    assert ft.detect_bytes(big) == ft.ZIP


def test_every_kind_accepts_only_formats_of_that_kind():
    for kind, types in ft.ACCEPTED.items():
        assert types and all(t.kind == kind for t in types)
        assert all(t.content_type and t.extension for t in types)


SAMPLES = [make() for make, _ in KNOWN] + [samples.docm(), samples.plain_zip()]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_detection_never_fails_on_arbitrary_bytes(data):
    found = ft.detect_bytes(data)
    assert found is None or isinstance(found, ft.FileType)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SAMPLES), st.data())
def test_detection_never_fails_on_a_truncated_or_damaged_upload(sample, data):
    cut = data.draw(st.integers(min_value=0, max_value=len(sample)))
    damaged = bytearray(sample[:cut])
    if damaged:
        at = data.draw(st.integers(min_value=0, max_value=len(damaged) - 1))
        damaged[at] = data.draw(st.integers(min_value=0, max_value=255))
    found = ft.detect_bytes(bytes(damaged))
    assert found is None or isinstance(found, ft.FileType)


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_single_byte_damage_is_detected_without_an_error(sample):
    """Each byte in turn set to 0 and to 255: a damaged compressed member (zlib's own error
    once, in the property test above) is a ZIP like any other damaged package."""
    for at in range(len(sample)):
        for value in (0, 255):
            damaged = bytearray(sample)
            damaged[at] = value
            found = ft.detect_bytes(bytes(damaged))
            assert found is None or isinstance(found, ft.FileType)
