"""QR images of a URL (segno): SVG for pages, PNG for print and documents.

No personal data ever goes in: callers pass the public verification URL, which carries only
the code's random token.
"""

import io

import segno


def qr_svg(url: str) -> str:
    """An inline SVG that scales with the page (no width or height of its own)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=1, border=2, xmldecl=False, svgns=True, omitsize=True
    )
    return buffer.getvalue().decode()


def qr_png(url: str, *, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
