"""load_text: record files in, UTF-8 text or a one-line InvalidInput naming the path."""

from __future__ import annotations

import os

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


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_other_encodings_are_refused_with_what_to_do(tmp_path, encoding: str) -> None:
    path = tmp_path / "minutes.txt"
    path.write_bytes("ACTION: Zoë to send the café bill – by Friday".encode(encoding, errors="replace"))
    with pytest.raises(InvalidInput, match=r"not UTF-8 text \(byte 0x[0-9a-f]{2} at offset \d+\); save it as UTF-8"):
        load_text(path)


def test_an_html_capture_is_read_as_its_visible_text(tmp_path) -> None:
    from extraction import extract

    path = tmp_path / "page.html"
    path.write_text("<!DOCTYPE html><html><head><title>x</title><style>p {color: red}</style></head><body>"
                    "<h1>Board minutes</h1><p>Date: 6 March 2024</p><script>var a = 'will send';</script>"
                    "<ul><li>ACTION: Ben to send the deposit by&nbsp;the end of the month</li>"
                    "<li>The laundry was fixed.</li></ul></body></html>", encoding="utf-8")
    text = load_text(path)
    assert "<" not in text and "color" not in text and "var a" not in text
    [item] = extract(text).items
    assert item.owner == "Ben" and str(item.due_end) == "2024-03-31"
    assert text[item.evidence_start:item.evidence_end] == item.evidence


def test_an_html_page_with_no_text_is_empty(tmp_path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><body><script>x()</script></body></html>", encoding="utf-8")
    with pytest.raises(InvalidInput, match="empty"):
        load_text(path)


def test_the_size_limit_is_a_setting(tmp_path) -> None:
    import os
    import subprocess
    from pathlib import Path

    followup = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "followup"
    path = tmp_path / "rec.txt"
    path.write_text("ACTION: Bob to send the notes\n" * 100, encoding="utf-8")

    def run(limit: str) -> subprocess.CompletedProcess:
        env = os.environ | {"FOLLOWUP_MAX_RECORD_MB": limit, "FOLLOWUP_DATA_DIR": str(tmp_path)}
        return subprocess.run([str(followup), "extract", str(path), "--format", "json"], env=env,
                              capture_output=True, text=True, timeout=120)

    refused = run("0.001")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.strip().count("\n") == 0 and "2.9 KB is over the 1.0 KB limit" in refused.stderr
    assert run("1").returncode == 0


def test_html_is_known_by_its_content_its_name_or_its_declared_type() -> None:
    from extraction.loading import decode_record

    fragment = b"<table><tr><td>ACTION: Ben to pay</td></tr></table>\r\n"
    assert decode_record(fragment, "notes.txt") == fragment.decode().replace("\r\n", "\n")
    for name, declared in (("page.htm", None), ("upload", "text/html; charset=utf-8")):
        assert decode_record(fragment, name, declared) == "ACTION: Ben to pay\n"
    assert decode_record(b"<html><p>x</p></html>", "notes.txt") == "x\n"


def test_a_pipe_over_the_limit_is_refused_without_reading_it_all() -> None:
    """A pipe's size is 0 to stat(): the limit holds by reading at most one byte past it."""
    r, w = os.pipe()
    try:
        os.write(w, b"ACTION: Bob to send the report.\n" * 100)  # 3.2 KB, within the pipe's buffer
        os.close(w)
        with pytest.raises(InvalidInput, match="the stream is over the 1.0 KB limit"):
            load_text(f"/dev/fd/{r}", max_bytes=1024)
    finally:
        os.close(r)
