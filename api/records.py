"""Records: upload one (text or file) to run the ingest flow; read one back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from sqlmodel import select

from api.deps import Id, Db, Editor, State, Viewer
from api.items import ERRORS
from api.schemas import Problem, RecordAccepted, RecordDetail
from extraction.loading import decode_record
from models import InvalidInput, ItemMention, RecordPublic
from models import records as record_ops

router = APIRouter(tags=["records"])
CHUNK = 1 << 16


async def _read_limited(upload: UploadFile, limit: int) -> bytes:
    data = bytearray()
    while chunk := await upload.read(CHUNK):
        data += chunk
        if len(data) > limit:
            raise HTTPException(413, f"file is larger than {limit // (1 << 20)} MB "
                                     "(FOLLOWUP_MAX_RECORD_MB)")
    return bytes(data)


def _ingest(data: bytes, name: str, content_type: str | None, title: str | None,
            now) -> tuple[dict, str | None]:
    """Decode the record as `followup ingest FILE` reads a file (so it is the same record
    either way), then run the ingest flow; its run id lets people find it in the Prefect UI."""
    from flows.flows import ingest

    text = decode_record(data, name, content_type)
    state = ingest(text=text, title=title, now=now, return_state=True)
    summaries = state.result()
    return summaries[0], str(state.state_details.flow_run_id)


@router.post("/records", response_model=RecordAccepted, status_code=202,
             responses=ERRORS | {413: {"model": Problem}})
async def post_record(request: Request, st: State, _: Editor, response: Response,
                      text: Annotated[str | None, Form(description="The record's text.")] = None,
                      file: Annotated[UploadFile | None, File(
                          description="A UTF-8 text file, or an HTML page (read as its visible text)."
                      )] = None,
                      title: Annotated[str | None, Form(max_length=500)] = None) -> RecordAccepted:
    """Ingest a meeting record (form field `text` or upload `file`) through the ingest flow."""
    limit = st.settings.max_record_bytes  # the same cap as `followup ingest`
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + CHUNK:  # refuse before reading it all
        raise HTTPException(413, f"upload is larger than {limit // (1 << 20)} MB (FOLLOWUP_MAX_RECORD_MB)")
    if (text is None) == (file is None):
        raise InvalidInput("send exactly one of the form fields `text` or `file`")
    if file is not None:
        data, content_type = await _read_limited(file, limit), file.content_type
        name = " ".join((file.filename or "").split())[:200] or "file"  # one line in errors
    else:
        data, content_type, name = text.encode("utf-8"), None, "text"
        if len(data) > limit:
            raise HTTPException(413, f"text is larger than {limit // (1 << 20)} MB")
    # In the threadpool: reading a large HTML page is work the event loop should not wait on.
    summary, run_id = await run_in_threadpool(_ingest, data, name, content_type, title, st.clock())
    response.headers["Location"] = f"/records/{summary['record_id']}"
    return RecordAccepted(record_id=summary["record_id"], ingest_run_id=run_id,
                          new_record=summary["new_record"], created=summary["created"],
                          linked=summary["linked"])


@router.get("/records/{record_id}", response_model=RecordDetail, responses=ERRORS)
def get_record(record_id: Id, _: Viewer, db: Db) -> RecordDetail:
    """A record's text and the items it mentions."""
    rec = record_ops.get_record(session=db, record_id=record_id)
    ids = db.exec(select(ItemMention.item_id).where(ItemMention.record_id == record_id)
                  .order_by(ItemMention.item_id)).all()
    return RecordDetail(**RecordPublic.model_validate(rec).model_dump(), text=rec.text,
                        item_ids=list(ids))
