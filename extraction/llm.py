"""Optional model-based extractor: an OpenAI-compatible chat-completions endpoint, checked against the text.

The model is asked for JSON in the shape of our items; pydantic validates it,
and an item whose evidence is not found verbatim in the record is dropped (a
model may paraphrase or invent). On a timeout, an HTTP error or bad JSON the
rules' result is returned with a note that says so. The key goes only in the
Authorization header: notes never carry the key or the endpoint address.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import httpx
from pydantic import BaseModel, Field, ValidationError

from extraction.core import ExtractionResult, extract
from extraction.people import Directory
from models.status import Kind
from models.tables import ActionItemCreate, ItemBase

PROMPT = """You extract follow-up items from a meeting record (cable, minutes, readout, press release).
An item is something someone must still do: a request (a counterpart asks for something), a commitment
(someone promises or plans to act), a planned_event (a meeting, visit, review or course with a time), a
decision_followup (a decision someone must carry out) or an action (an explicit action line).
Finished events, background facts and site boilerplate are not items.
Answer with one JSON object: {"items": [{"title": short imperative summary, "kind": one of the five kinds,
"requester": name or null, "owner": name or null, "counterpart": name or null, "due_text": the words giving
the time or null, "due_start": "YYYY-MM-DD" or null, "due_end": "YYYY-MM-DD" or null, "evidence": the exact
sentence or clause copied from the record, "confidence": 0..1}]}. Resolve dates against the record date."""


class LLMItem(ItemBase):
    """An item as the model states it; its evidence span is found in the text, not taken from the model."""

    title: str = Field(min_length=2, max_length=200)
    kind: Kind
    evidence: str = Field(min_length=3)
    confidence: float = Field(default=0.7, ge=0, le=1)


class LLMAnswer(BaseModel):
    items: list[LLMItem]


@dataclass(frozen=True)
class LLMConfig:
    url: str  # the chat-completions endpoint, or the base URL it hangs off ("http://host/v1")
    model: str
    key: str | None = None
    timeout: float = 60.0

    @property
    def endpoint(self) -> str:
        u = self.url.rstrip("/")
        return u if u.endswith("/chat/completions") else u + "/chat/completions"


@dataclass
class LLMResult:
    result: ExtractionResult
    used_model: bool
    note: str | None = None  # why the rules were used instead, or how many items were dropped


def extract_llm(text: str, *, client: httpx.Client, config: LLMConfig, source: str | None = None,
                title: str | None = None, directory: Directory | None = None) -> LLMResult:
    """The model's items for text, each verified against it; the rules' items when the model fails."""
    rules = extract(text, source=source, title=title, directory=directory)
    try:
        answer = _ask(client, config, text, rules.record.record_date)
    except httpx.TimeoutException:
        return LLMResult(rules, False, f"the model did not answer within {config.timeout:g} s; used the rules")
    except httpx.HTTPStatusError as e:
        return LLMResult(rules, False, f"the model endpoint answered HTTP {e.response.status_code}; used the rules")
    except httpx.HTTPError as e:
        return LLMResult(rules, False, f"the model endpoint could not be reached ({type(e).__name__}); used the rules")
    except (ValueError, KeyError, IndexError, TypeError, ValidationError) as e:
        what = "JSON that does not match the item schema" if isinstance(e, ValidationError) else "no usable JSON"
        return LLMResult(rules, False, f"the model gave {what}; used the rules")
    items, dropped = [], 0
    for it in answer.items:
        span = _find(text, it.evidence)
        if span is None or (it.due_start and it.due_end and it.due_start > it.due_end):
            dropped += 1
            continue
        items.append(ActionItemCreate(
            title=it.title, kind=it.kind, requester=it.requester, owner=it.owner, counterpart=it.counterpart,
            due_text=it.due_text, due_start=it.due_start, due_end=it.due_end or it.due_start,
            evidence=text[span[0]:span[1]], evidence_start=span[0], evidence_end=span[1],
            confidence=it.confidence))
    note = f"dropped {dropped} model item(s) whose evidence is not in the record" if dropped else None
    return LLMResult(ExtractionResult(record=rules.record, items=items), True, note)


def _ask(client: httpx.Client, config: LLMConfig, text: str, ref: date | None) -> LLMAnswer:
    headers = {"Authorization": f"Bearer {config.key}"} if config.key else {}
    body = {
        "model": config.model,
        "temperature": 0,
        "response_format": {"type": "json_object"},
        "messages": [{"role": "system", "content": PROMPT},
                     {"role": "user", "content": f"Record date: {ref or 'unknown'}\n\n{text}"}],
    }
    r = client.post(config.endpoint, json=body, headers=headers, timeout=config.timeout)
    r.raise_for_status()
    content = r.json()["choices"][0]["message"]["content"]
    content = re.sub(r"\A\s*```(?:json)?\s*|\s*```\s*\Z", "", content)  # some models fence their JSON
    return LLMAnswer.model_validate(json.loads(content))


def _find(text: str, quote: str) -> tuple[int, int] | None:
    """Where quote is in text, line breaks and runs of spaces matched loosely; None if it is not there."""
    words = quote.split()
    if not words:
        return None
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (m.start(), m.end()) if m else None
