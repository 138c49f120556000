"""Reading a record file: UTF-8 text or a one-line error that says what to fix."""

from __future__ import annotations

from pathlib import Path

from models.errors import InvalidInput

MAX_BYTES = 20 * 1024 * 1024  # a record bigger than this is almost surely not a meeting record


def load_text(path: str | Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Read a record file as UTF-8 text (BOM dropped, CRLF and CR made LF).

    Raises InvalidInput, naming the path, for a missing file, a directory, an
    empty or whitespace-only file, a binary file, text that is not UTF-8, or a
    file over `max_bytes`.
    """
    p = Path(path)
    if p.is_dir():
        raise InvalidInput(f"{p}: is a directory; give the path of a record file")
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InvalidInput(f"{p}: {size / 1_048_576:.1f} MB is over the {max_bytes / 1_048_576:.0f} MB "
                               "limit for a record; split it or give a smaller file")
        data = p.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{p}: file not found; check the path") from None
    except PermissionError:
        raise InvalidInput(f"{p}: permission denied; make the file readable") from None
    except OSError as e:
        raise InvalidInput(f"{p}: cannot read ({e.strerror or e}); give a readable text file") from None
    if b"\x00" in data:
        raise InvalidInput(f"{p}: looks binary (contains NUL bytes); give a plain-text record")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InvalidInput(f"{p}: not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); "
                           "save it as UTF-8 and try again") from None
    if not text.strip():
        what = "empty" if not data else "empty (only whitespace)"
        raise InvalidInput(f"{p}: the file is {what}; give a record with some text")
    return text.replace("\r\n", "\n").replace("\r", "\n")
