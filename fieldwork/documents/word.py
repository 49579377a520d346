"""A document as a Word file (python-docx): A4, 仿宋 body, the title centred in 黑体, tables
with ruled boxes, the QR code as a PNG drawn from its URL."""

import io

from docx import Document as new_word_document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from fieldwork.documents.blocks import Document, Form, Heading, Para, Qr, Table
from fieldwork.qr import qr_png

BODY_FONT = "仿宋"
TITLE_FONT = "黑体"
BODY_SIZE = 12
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _font(run, name: str = BODY_FONT, size: float = BODY_SIZE, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # Word takes Chinese characters' font from eastAsia, not from the font's name.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(doc, text: str, *, bold=False, indent=True, align=None, size=BODY_SIZE):
    paragraph = doc.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), size=size, bold=bold)
    return paragraph


def _cell(cell, text: str, *, bold=False) -> None:
    cell.text = ""
    lines = (text or "").split("\n")
    paragraph = cell.paragraphs[0]
    for n, line in enumerate(lines):
        run = paragraph.add_run(line)
        _font(run, size=10.5, bold=bold)
        if n < len(lines) - 1:
            run.add_break()


def _table(doc, headers, rows) -> None:
    table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, header, bold=True)
    for row, values in zip(table.rows[1:], rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            _cell(cell, value)


def _form(doc, rows) -> None:
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].width = Mm(35)
        row.cells[1].width = Mm(135)
        _cell(row.cells[0], label, bold=True)
        # An empty box is left tall enough to write in by hand.
        _cell(row.cells[1], value if value else "\n\n")


def render(document: Document) -> bytes:
    doc = new_word_document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(22)
    doc.core_properties.title = f"{document.title} {document.number}"
    doc.core_properties.author = document.issuer

    title = _paragraph(doc, document.title, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _font(title.runs[0], TITLE_FONT, 18, bold=True)
    _paragraph(doc, f"编号：{document.number}", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if document.addressee:
        _paragraph(doc, f"{document.addressee}：", indent=False, bold=True)
    for block in document.blocks:
        if isinstance(block, Heading):
            _paragraph(doc, block.text, bold=True, indent=False)
        elif isinstance(block, Para):
            _paragraph(doc, block.text, bold=block.strong)
        elif isinstance(block, Table):
            _table(doc, block.headers, block.rows)
        elif isinstance(block, Form):
            _form(doc, block.rows)
        elif isinstance(block, Qr):
            doc.add_picture(io.BytesIO(qr_png(block.url)), width=Mm(30))
            _paragraph(doc, block.caption, indent=False, size=10.5)
    _paragraph(doc, "", indent=False)
    _paragraph(doc, document.issuer + "（印章）", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(
        doc, document.issued_on or "年　　月　　日", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT
    )
    if document.receipt:
        _paragraph(doc, "送达回证", bold=True, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        _form(doc, document.receipt)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
