"""POST /records reads a record as `followup ingest FILE` does: one decoding for both ways in."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from extraction import extract, load_text
from models import ActionItem
from tests.api_helpers import T0, app, auth, client, clock, tokens  # noqa: F401  (fixtures)

# A saved web page, as a browser writes one: CRLF line ends, a mark-of-the-web comment
# before the doctype, scripts and styles that are not the record.
PAGE = ("<!-- saved from url=(0014)about:internet -->\r\n<!DOCTYPE html>\r\n<html><head>"
        "<title>Board minutes</title><style>p {color: red}</style></head>\r\n<body>\r\n"
        "<h1>Board minutes</h1>\r\n<p>Date: 6 March 2024</p>\r\n"
        "<script>var a = 'Ann will send it';</script>\r\n<ul>\r\n"
        "<li>ACTION: Ben to send the deposit by&nbsp;the end of the month</li>\r\n"
        "<li>ACTION: Carla to book the hall by 20 March 2024</li>\r\n"
        "<li>The laundry was fixed.</li>\r\n</ul></body></html>\r\n").encode("utf-8")


def _items(engine, ids: list[int]) -> list[tuple]:
    with Session(engine) as s:
        rows = s.exec(select(ActionItem).where(col(ActionItem.id).in_(ids)).order_by(ActionItem.id))
        return [(i.title, i.owner, i.due_end, i.evidence_start, i.evidence_end) for i in rows]


@pytest.mark.usefixtures("prefect_harness")
def test_an_html_upload_is_the_same_record_as_followup_ingest_of_the_file(client, tokens, engine,
                                                                            tmp_path):
    from flows.flows import ingest

    page = tmp_path / "minutes.html"
    page.write_bytes(PAGE)
    h = auth(tokens["editor"])
    up = client.post("/records", files={"file": ("minutes.html", PAGE, "text/html")}, headers=h)
    assert up.status_code == 202, up.text
    body = up.json()
    rec = client.get(f"/records/{body['record_id']}", headers=h).json()

    # What `followup ingest minutes.html` reads and extracts (cli/main.py -> the ingest flow).
    text = load_text(page)
    assert rec["text"] == text and "<" not in text and "\r" not in text and "var a" not in text
    expected = [(c.title, c.owner, c.due_end, c.evidence_start, c.evidence_end)
                for c in extract(text).items]
    assert len(expected) == 2 and _items(engine, body["created"]) == expected
    # And the flow `followup ingest` runs finds the very same record already there.
    [summary] = ingest(paths=[str(page)], now=T0)
    assert not summary["new_record"] and summary["record_id"] == body["record_id"]


@pytest.mark.usefixtures("prefect_harness")
def test_text_and_uploads_have_their_line_ends_normalised(client, tokens):
    h = auth(tokens["editor"])
    posted = client.post("/records", data={"text": "ACTION: Ben to send the deposit.\r\nNext line\r\n"},
                         headers=h)
    assert posted.status_code == 202, posted.text
    rec = client.get(f"/records/{posted.json()['record_id']}", headers=h).json()
    assert rec["text"] == "ACTION: Ben to send the deposit.\nNext line\n"
    again = client.post("/records", files={"file": ("m.txt", b"ACTION: Ben to send the deposit.\nNext line\n")},
                        headers=h)
    assert again.json()["record_id"] == posted.json()["record_id"] and not again.json()["new_record"]


def test_bad_uploads_are_one_line_errors_naming_the_upload(client, tokens):
    h = auth(tokens["editor"])
    empty = client.post("/records", files={"file": ("blank.html", b"<html><body><script>x()</script></body></html>",
                                                    "text/html")}, headers=h)
    assert empty.status_code == 422 and "blank.html: the record is empty" in empty.json()["message"]
    # A raw multipart body: clients that escape file names (httpx does) would hide the tab.
    raw = (b'--B\r\nContent-Disposition: form-data; name="file"; filename="a\tb .txt"\r\n'
           b"Content-Type: text/plain\r\n\r\n\x00\x01\r\n--B--\r\n")
    odd = client.post("/records", content=raw,
                      headers=h | {"Content-Type": "multipart/form-data; boundary=B"})
    assert odd.status_code == 422 and "a b .txt: looks binary" in odd.json()["message"]
