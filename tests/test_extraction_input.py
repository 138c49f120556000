"""load_text: record files in, UTF-8 text or a one-line InvalidInput naming the path."""

from __future__ import annotations

import pytest

from extraction import load_text
from models import InvalidInput


def test_reads_utf8_drops_bom_and_normalises_line_ends(tmp_path) -> None:
    path = tmp_path / "rec.txt"
    path.write_bytes("\ufeffLine one\r\nLine two é\rLine three\n".encode("utf-8"))
    assert load_text(path) == "Line one\nLine two é\nLine three\n"
    assert load_text(str(path)) == load_text(path)


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("missing.txt", None, "not found"),
        ("folder", "dir", "is a directory"),
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\t\r\n", "empty (only whitespace)"),
        ("binary.bin", b"PK\x03\x04\x00\x00binary", "binary"),
        ("latin1.txt", "Caf\u00e9 minutes".encode("cp1252"), "not UTF-8"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, name: str, content: bytes | str | None, fragment: str) -> None:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(InvalidInput) as err:
        load_text(path)
    message = str(err.value)
    assert fragment in message and str(path) in message and "\n" not in message


def test_size_limit(tmp_path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("x" * 2048, encoding="utf-8")
    with pytest.raises(InvalidInput, match="limit"):
        load_text(path, max_bytes=1024)
    assert len(load_text(path)) == 2048
