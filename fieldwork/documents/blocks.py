"""The parts a document is made of. Plain data: the page and the Word file render them."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    kind = "heading"  # what the page's template switches on
    text: str


@dataclass(frozen=True)
class Para:
    kind = "para"
    text: str
    testid: str = ""
    strong: bool = False


@dataclass(frozen=True)
class Table:
    kind = "table"
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    testid: str = ""


@dataclass(frozen=True)
class Form:
    """A form of labelled boxes (the 审批表): one row per label, its value beside it; an empty
    value is a box left to fill in by hand."""

    kind = "form"

    rows: tuple[tuple[str, str], ...]
    testid: str = ""


@dataclass(frozen=True)
class Qr:
    """A QR code of `url` (public; no personal data) with its caption. `image_url` is where the
    page loads the image from; the Word file draws it from `url` itself."""

    kind = "qr"

    url: str
    image_url: str
    caption: str
    testid: str = ""


Block = Heading | Para | Table | Form | Qr


@dataclass(frozen=True)
class Document:
    kind: str
    title: str
    number: str
    addressee: str = ""
    blocks: tuple[Block, ...] = ()
    # The issuing body and the date, bottom right; an empty date is left to write by hand.
    issuer: str = ""
    issued_on: str = ""
    # 送达回证 (the notice's receipt): (label, value) pairs, empty values to fill in.
    receipt: tuple[tuple[str, str], ...] = field(default=())

    @property
    def filename(self) -> str:
        return f"{self.title}-{self.number}.docx"
