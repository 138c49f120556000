"""extract(): a record's text in, the record and its candidate action items out."""

from __future__ import annotations

import bisect
import gc
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from extraction.candidate import Cand, Ctx
from extraction.caps import mostly_upper, sentence_case
from extraction.clean import Cleaned, clean, sentences
from extraction.recorddate import record_date
from extraction.explicit import explicit, is_heading
from extraction.merge import merge
from extraction.people import Directory, Mention, Roster, home_orgs, load_directory
from extraction.phrases import topic_terms
from extraction.rules import prose
from extraction.title import record_title
from models.status import Kind
from models.tables import ActionItemCreate, RecordCreate

BULLET_LINE = re.compile(r"[ \t]*(?:[-*+•][ \t]|\d{1,2}[.)][ \t]|\(\w{1,3}\)[ \t])")
# The lookahead (every match opens with "a" or "t", case-sensitively): a position without one fails at once.
NOMINAL_REQUEST = re.compile(r"(?=[at])\b(?:an?|the) +(?:request +(?:by|from) +(?P<who>[^,;.]{1,60}?)|"
                             r"(?P<who2>[A-Z][\w-]*(?: +[A-Z][\w-]*){0,3}) +request) +for +(?P<what>[^,;.]{1,120})")
# Every NOMINAL_REQUEST match holds one of these, and a literal opening lets `re` skip to it.
NOMINAL_GATE = re.compile(r"request +(?:by|from|for) ")
SENDER = re.compile(r"^From:[ \t]*(?P<n>[^<@\n]{2,60}?)[ \t]*(?:<[^>\n]*>)?[ \t]*$", re.MULTILINE)
SPEAKER = re.compile(r"<([\w.|-]{1,30})>")


@dataclass
class ExtractionResult:
    record: RecordCreate
    items: list[ActionItemCreate]


def extract(text: str, *, source: str | None = None, title: str | None = None,
            directory: Directory | str | Path | None = None) -> ExtractionResult:
    """Find the follow-ups in a record. Pure: the same text always gives the same result.

    `directory` is a loaded Directory or the path of one (default config/directory.yaml).
    """
    d = directory if isinstance(directory, Directory) else load_directory(directory)
    _no_cycle_collection.pause()  # not a generator-based `with`: its StopIteration was 19k instructions a record
    try:
        return _extract(text, source, title, d)
    finally:
        _no_cycle_collection.resume()


class _CyclePause:
    """Pause the cyclic garbage collector while records are read, then restore it.

    Extraction makes some hundred thousand short-lived match objects and tuples, none of them
    in a cycle (reference counting frees them all), and a full collection traversing the
    process's heap on a 2 MB record cost 4-5% of its time; nothing collectable is left behind.
    Counted, because the collector is process-wide: with two threads extracting at once
    (the API), the first to finish must not turn it back on, nor the last leave it off.
    """

    def __init__(self) -> None:
        self.lock, self.depth, self.was_enabled = threading.Lock(), 0, False

    def __call__(self) -> _CyclePause:
        return self  # `with _no_cycle_collection():` reads as before

    def __enter__(self) -> None:
        self.pause()

    def __exit__(self, *exc: object) -> None:
        self.resume()

    def pause(self) -> None:
        with self.lock:
            if self.depth == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.depth += 1

    def resume(self) -> None:
        with self.lock:
            self.depth -= 1
            if self.depth == 0 and self.was_enabled:
                gc.enable()


_no_cycle_collection = _CyclePause()


def _extract(text: str, source: str | None, title: str | None, d: Directory) -> ExtractionResult:
    c = as_written = clean(text)
    work = text
    if mostly_upper(text, c.start, c.end):  # an old cable in capitals: read a sentence-cased copy
        work = sentence_case(text, c.start, c.end, d)
        c = clean(work)
    ref = record_date(work, c.flat, c.start, c.end)
    mentions = d.mentions(c.flat, c.start, c.end)
    ranked, sides = home_orgs(mentions)
    ctx = Ctx(flat=c.flat, ref=ref, directory=d, mentions=mentions, ranked=ranked, sides=sides,
              speakers=frozenset(SPEAKER.findall(c.flat, c.start, c.end)))
    cands = _candidates(c, ctx)
    cands = _answer_requests(cands)
    cands = merge(cands, d.alias_words)
    _settle_people(cands, ctx, c)
    items = [_to_item(x, text) for x in _dedupe(cands)]
    record = RecordCreate(title=title or record_title(as_written), source=source, record_date=ref, text=text)
    return ExtractionResult(record=record, items=items)


def _candidates(c: Cleaned, ctx: Ctx) -> list[Cand]:
    out: list[Cand] = []
    para, section = -1, False
    mentions, k, n = ctx.mentions, 0, len(ctx.mentions)  # sentences come in text order: walk the mentions once
    for i, (sa, sb, st, pi, at_line_start) in enumerate(sentences(c)):
        if pi != para:
            para, ctx.para_start = pi, sa
        got = None
        if at_line_start:
            if is_heading(st):
                section = True  # "Next steps:": the bullets below are action items
                continue
            if section and not BULLET_LINE.match(c.text, c.text.rfind("\n", 0, sa) + 1):
                section = False
            got = explicit(ctx, sa, sb, section)
        if got is None:
            got = prose(ctx, sa, sb)
        if got:
            for x in got:
                x.para, x.sent, x.para_at = pi, i, ctx.para_start
            out.extend(got)
        while k < n and mentions[k].start < sa:
            k += 1
        while k < n and mentions[k].start < sb:  # what "he" and "they" mean in the next sentence
            m = mentions[k]
            k += 1
            if m.kind == "person":
                ctx.last_person = m
            elif m.kind == "org":
                ctx.last_org = m.name
    return out


def _answer_requests(cands: list[Cand]) -> list[Cand]:
    """'CBP responded positively ...': the responder owns the request before it; no new item."""
    out: list[Cand] = []
    for x in cands:
        if not x.response:
            out.append(x)
            continue
        prior = next((p for p in reversed(out) if p.para == x.para and p.kind == Kind.request), None)
        if prior is not None:
            if x.owner:
                prior.owner = x.owner
            prior.via = x.via or prior.via
    return out


def _settle_people(cands: list[Cand], ctx: Ctx, c: Cleaned) -> None:
    """Normalise names and fill requester, owner and counterpart where the sentence left them open."""
    d = ctx.directory
    nominal = _nominal_requests(ctx, c, d.alias_words)
    head_end = min(c.end, c.start + 2000)
    # SENDER's "^" is tried at every position; most records hold no "From:" at all, found at memchr speed.
    sender = SENDER.search(c.text, c.start, head_end) if c.text.find("From:", c.start, head_end) >= 0 else None
    roster = Roster(ctx.mentions)
    for x in cands:
        x.requester = d.normalise(x.requester)
        x.owner = d.normalise(x.owner)
        if x.owner == "I":  # in a readout, "I promised" and "they asked us" are the writer
            x.owner = d.normalise(sender["n"].strip()) if sender else None
        if x.requester is None and x.kind in (Kind.commitment, Kind.planned_event):
            # "a request by Russian Customs for NII training" earlier on: they asked for this course.
            if nominal.at and nominal.at[0] < x.start:  # in text order: topic_terms only if one came before
                x.requester = nominal.last_before(x.start, topic_terms(x.phrase, d.alias_words)[1])
        para = roster.named(x.para_at, x.end)  # each organisation once: all the defaults below read
        req_org = d.org_of(x.requester) or (x.requester if x.requester in d.orgs else None)
        if x.owner is None and x.kind != Kind.action:
            x.owner = _default_owner(x, ctx, para, {x.requester, req_org})
        if x.owner is None and x.kind == Kind.request and sender:
            x.owner = d.normalise(sender["n"].strip())  # a readout's requests were made to the writer's side
        x.counterpart = _counterpart(x, ctx, para, req_org)
        if x.via and x.counterpart:
            x.counterpart = f"{x.counterpart} (via {x.via})"
        if x.requester == x.owner:
            x.requester = None


def _default_owner(x: Cand, ctx: Ctx, para: list[Mention], not_them: set[str | None]) -> str | None:
    """Who should act when the sentence does not say.

    A request goes to the record's most-named organisation (whose report it is)
    other than the requester's; anything else to the paragraph's first party on
    that organisation's side.
    """
    if x.kind == Kind.request:
        return next((o for o in ctx.ranked if o not in not_them), None)
    home_country = ctx.directory.orgs.get(ctx.home or "")
    ours = [m.name for m in para if m.country == home_country and m.name not in not_them]
    return ours[0] if ours else (ctx.home if ctx.home not in not_them else None)


def _counterpart(x: Cand, ctx: Ctx, para: list[Mention], req_org: str | None) -> str | None:
    """The other party: an organisation of another country than the owner's, where there is one."""
    d = ctx.directory
    if x.kind == Kind.action:
        return None
    owner_org = d.org_of(x.owner) or x.owner
    owner_country = d.orgs.get(owner_org or "")

    def other(m: Mention) -> bool:
        return m.name not in (x.owner, owner_org) and not (owner_country and m.country == owner_country)

    if x.kind == Kind.request:
        in_evidence = [m.name for m in ctx.within(x.start, x.end) if m.kind == "org" and other(m)]
        if in_evidence:
            return in_evidence[0]
    if x.kind in (Kind.request, Kind.commitment) and req_org and req_org != x.owner:
        return req_org  # who asked
    others = list(dict.fromkeys(m.name for m in para if m.name != x.owner))
    foreign = [o for o in others if d.orgs.get(o) and d.orgs.get(o) != owner_country]
    others = foreign if owner_country and foreign else others
    return ", ".join(others[:4 if x.kind != Kind.request else 3]) or None


class _Nominal:
    """'a request by Russian Customs for advanced training in NII': who asked for what, and where.

    Looked up by word, not read back from the latest: a record of thousands of such requests
    and of commitments that match none of them would take quadratic time.
    """

    def __init__(self, found: list[tuple[int, str, set[str]]]) -> None:
        self.at = [at for at, _, _ in found]  # in text order
        self.who = [who for _, who, _ in found]
        self.by_word: dict[str, list[int]] = {}  # strong word of what was asked for -> requests, in order
        for k, (_, _, words) in enumerate(found):
            for w in words:
                self.by_word.setdefault(w, []).append(k)

    def last_before(self, start: int, strong: set[str]) -> str | None:
        """Who made the last request before `start` for something holding one of the `strong` words."""
        before, last = bisect.bisect_left(self.at, start), -1
        for w in strong:
            ks = self.by_word.get(w)
            k = ks[bisect.bisect_left(ks, before) - 1] if ks and ks[0] < before else -1
            last = max(last, k)
        return self.who[last] if last >= 0 else None


_NO_REQUESTS = _Nominal([])


def _nominal_requests(ctx: Ctx, c: Cleaned, ignore: frozenset[str]) -> _Nominal:
    out: list[tuple[int, str, set[str]]] = []
    if NOMINAL_GATE.search(c.flat, c.start, c.end) is None:
        return _NO_REQUESTS  # most records: one quick scan instead of trying the pattern at every "a" and "t"
    for m in NOMINAL_REQUEST.finditer(c.flat, c.start, c.end):
        g = "who" if m["who"] else "who2"
        who = [x for x in ctx.within(m.start(g), m.end(g)) if x.kind in ("org", "person")]
        if who:
            out.append((m.start(), ctx.resolve(who[0])[0] or who[0].name, topic_terms(m["what"], ignore)[1]))
    return _Nominal(out)


def _dedupe(cands: list[Cand]) -> list[Cand]:
    """One item per (title, owner): a record that names a follow-up twice gives it once."""
    seen: dict[tuple[str, str | None], Cand] = {}
    for x in sorted(cands, key=lambda x: x.start):
        key = (" ".join(x.title.lower().split()), x.owner)
        if key in seen:
            first = seen[key]
            first.confidence = max(first.confidence, x.confidence)
            first.due = first.due or x.due
            continue
        seen[key] = x
    return list(seen.values())


# ActionItemCreate(**fields) runs SQLModel's generic __init__, which copies the instance's dict
# around the validator for the sake of table models; for this plain model the same validator on a
# fresh instance gives the same validated item for about half the cost (thousands per record).
assert not ActionItemCreate.model_config.get("table"), "_to_item builds items as a plain model's"
_validate_item = ActionItemCreate.__pydantic_validator__.validate_python


def _to_item(x: Cand, text: str) -> ActionItemCreate:
    due = x.due
    item = ActionItemCreate.__new__(ActionItemCreate)
    _validate_item(dict(
        title=x.title, kind=x.kind, requester=x.requester, owner=x.owner, counterpart=x.counterpart,
        due_text=due.text if due else None, due_start=due.due_start if due else None,
        due_end=due.due_end if due else None, evidence=text[x.start:x.end], evidence_start=x.start,
        evidence_end=x.end, confidence=x.confidence,
    ), self_instance=item)
    return item
