"""Reading a record file: UTF-8 text or a one-line error that says what to fix."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from models.errors import InvalidInput

LOOKS_HTML = re.compile(r"\A\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b|<meta\b|<div\b|<p\b)", re.IGNORECASE)
BLOCKS = frozenset("p div br li tr h1 h2 h3 h4 h5 h6 ul ol table section article header footer pre blockquote"
                   " title dd dt".split())
SKIP = frozenset("script style noscript template svg head".split())
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


class _Text(HTMLParser):
    """Visible text of an HTML page, blocks on their own lines, scripts and styles left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in SKIP:
            self.skip += 1
        elif tag in BLOCKS:
            self.parts.append("\n\n" if tag in ("p", "div", "li", "tr", "section", "article") else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML record: the record stored is this text, so evidence spans index it."""
    p = _Text()
    p.feed(html)
    p.close()
    text = "".join(p.parts).replace("\xa0", " ")
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"

MAX_BYTES = 20 * 1024 * 1024  # a record bigger than this is almost surely not a meeting record


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.1f} KB"


def _is_html(text: str, name: str, content_type: str | None) -> bool:
    media = (content_type or "").split(";")[0].strip().lower()
    return (media in HTML_TYPES or name.lower().endswith(HTML_SUFFIXES)
            or LOOKS_HTML.match(text) is not None)


def decode_record(data: bytes, name: str, content_type: str | None = None) -> str:
    """A record's bytes as its text, however they came (a file, an upload, a form field).

    UTF-8 (BOM dropped), CRLF and CR made LF; an HTML page (by its content, its name
    or `content_type`) becomes its visible text. One function for every way in, so a
    record is the same text whichever way it arrived. Raises InvalidInput, naming
    `name`, for binary, non-UTF-8 or empty input.
    """
    if b"\x00" in data:
        raise InvalidInput(f"{name}: looks binary (contains NUL bytes); give a plain-text record")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InvalidInput(f"{name}: not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); "
                           "save it as UTF-8 and try again") from None
    if _is_html(text, name, content_type):
        text = html_to_text(text)
    if not text.strip():
        what = "empty" if not data else "empty (only whitespace)"
        raise InvalidInput(f"{name}: the record is {what}; give one with some text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_text(path: str | Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Read a record file as decode_record reads bytes (UTF-8, HTML as its visible text).

    Raises InvalidInput, naming the path, for a missing file, a directory, a file over
    `max_bytes`, and whatever decode_record refuses.
    """
    p = Path(path)
    if p.is_dir():
        raise InvalidInput(f"{p}: is a directory; give the path of a record file")
    try:
        size = p.stat().st_size  # 0 for a pipe ("<(cmd)", /dev/stdin): the read below is bounded too
        data = b""
        if size <= max_bytes:
            with p.open("rb") as f:
                data = f.read(max_bytes + 1)
        if size > max_bytes or len(data) > max_bytes:
            what = f"{_size(size)} is" if size > max_bytes else "the stream is"
            raise InvalidInput(f"{p}: {what} over the {_size(max_bytes)} limit for a record; split it, "
                               "or raise FOLLOWUP_MAX_RECORD_MB")
    except FileNotFoundError:
        raise InvalidInput(f"{p}: file not found; check the path") from None
    except PermissionError:
        raise InvalidInput(f"{p}: permission denied; make the file readable") from None
    except OSError as e:
        raise InvalidInput(f"{p}: cannot read ({e.strerror or e}); give a readable text file") from None
    return decode_record(data, str(p))

