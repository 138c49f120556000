"""Requests: "X asked Y for/to ...", "the desire for ...; ...; as well as interest in ...", passives.

A list after a request cue is several requests, each with its own evidence;
"CBP responded positively ..." answers the request before it instead of being
an item of its own.
"""

from __future__ import annotations

import re

from extraction.candidate import Cand, Ctx, make, named, negated, parties, strip_due
from extraction.commitments import NEG_CUE, PAST_CUE
from extraction.cues import Cues, Gated, first_words
from extraction.phrases import HEAD_VERB, head_noun, title_from_np, title_from_vp
from models.status import Kind

# Each pattern with the whole words every match of it holds (tests/test_extraction_cues.py checks them).
RESPONSE = Gated(re.compile(r"(?P<who>[^,;]{1,60}?) +(?:responded|replied|reacted)\b"), "responded replied reacted")
VIA = re.compile(r"\b(?:through|via) +(?:the +)?")

REQ = Gated(re.compile(r"\b(?P<cue>asked|asks|requested|requests|urged|urges|invited|invites|called +on|"
                       r"appealed +to|would +(?:also +)?like)\b(?P<rest>.*)"),
            "asked asks requested requests urged urges invited invites called appealed would")
# Whom they asked: a pronoun, a name ("CBP's", "Ms. Jones") or a short "the ..." phrase; then what.
REQ_SHAPE = re.compile(r" +(?P<addr>(?:him|her|them|us|me|you) +|(?:(?:the|its|their|our|his|her) +"
                       r"(?:(?!for\b|to\b|that\b)[\w'’&-]+ +){1,3})|(?:[A-Z][\w.'’&-]* +){1,4})?"
                       r"(?:for +(?P<np>.+)|to +(?P<vp>.+)|that +(?P<cl>.+))")
PASSIVE = Gated(re.compile(r"\b(?:is|are|was|were|has +been|have +been) +(?:also +)?(?:requested|asked)\b"
                           r"(?: +by +(?P<by>[^,;]{1,60}))?(?: +to +(?P<vp>.+))?"), "requested asked",
                 "is are was were been")
WEAK = Gated(re.compile(r"\b(?:(?:the|a|his|her|their|its|strong) +)?(?:desire|wish|hope|proposal|suggestion)"
                        r" +(?:for|to) +|\b(?:expressed|voiced|conveyed|repeated|reiterated|showed|indicated|"
                        r"signal+ed) +(?:[\w'’-]+ +){0,4}?interest +in +"),
             "desire wish hope proposal suggestion interest", "for to in")
WORDS = first_words(RESPONSE, REQ, WEAK, PASSIVE)  # case-sensitive all: tested on Cues.words
THAT_SUBJECT = re.compile(r"(?:the +)?(?P<s>[A-Z][\w/&.-]*(?: [A-Z][\w/&.-]*){0,3}) +(?:to +|should +|will +)?(?=[a-z])")
CLAUSE = re.compile(r"\b(?:said|says|is|are|was|were|will|would|has|have|had|did|does)\b")
CONJ = re.compile(r" *(?:(?:and|as +well +as|also|plus) +)*")
BE_BEFORE = re.compile(r"\b(?:was|were|been|is|are)\s+(?:also\s+)?$")  # "was asked": a passive
LIST_LEAD = re.compile(r"(?:(?:(?:an?|the|their|his|her) +)?(?:interest|desire|wish|request) +(?:in|for) +)?")


def requests(ctx: Ctx, a: int, b: int, cues: Cues) -> list[Cand]:
    """'X asked Y for/to ...', 'the desire for ...; ...; as well as interest in ...', passives."""
    t = ctx.flat[a:b]
    m = REQ.search(t, cues)
    weak = WEAK.search(t, cues)
    if m and not (weak and weak.start() < m.start()) and not (NEG_CUE.present(cues) and negated(t, m.start())) and \
            not BE_BEFORE.search(t, 0, m.start()):
        shape = REQ_SHAPE.match(m["rest"])
        rest_at = a + m.start("rest")
        owner = None
        if shape:
            addr = parties(ctx, rest_at + shape.start("addr"), rest_at + shape.end("addr"))
            owner = ctx.resolve(addr[0], a)[0] if addr else named((shape["addr"] or "").strip())
            if (shape["addr"] or "").strip() in ("us", "me"):
                owner = "I"  # "they asked us": the writer's side; core.py puts the sender's name in
            g = "np" if shape["np"] else "vp" if shape["vp"] else "cl"
            obj_at = rest_at + shape.start(g)
        else:
            obj_at = rest_at + (len(m["rest"]) - len(m["rest"].lstrip()))
            g = "np"
        return _request_items(ctx, a, b, a + m.start(), obj_at, g, owner, 0.85, weak=False)
    if weak and not PAST_CUE.search(t, cues) and not (NEG_CUE.present(cues) and negated(t, weak.start())):
        return _request_items(ctx, a, b, a + weak.start(), a + weak.end(), "np", None, 0.8, weak=True)
    p = PASSIVE.search(t, cues)
    if p and not (NEG_CUE.present(cues) and negated(t, p.start())):
        return _passive(ctx, a, b, p)
    return []


def _request_items(ctx: Ctx, a: int, b: int, cue_at: int, obj_at: int, g: str, owner: str | None,
                   conf: float, weak: bool) -> list[Cand]:
    clause_a = max(a, ctx.flat.rfind(";", a, cue_at) + 1, ctx.flat.rfind(":", a, cue_at) + 1)
    while ctx.flat[clause_a] == " ":
        clause_a += 1
    who = parties(ctx, a, cue_at)
    requester = ctx.resolve(who[0], a)[0] if who else named(ctx.flat[a:cue_at])
    # A list after the cue ("...: the desire for an MOU; cooperation with ...; as well as interest in
    # an IVP") is several requests, each with its own evidence.
    parts, pos = [], obj_at
    for piece in re.split(r"(;)", ctx.flat[obj_at:b]):
        if piece != ";":
            parts.append((pos, pos + len(piece)))
        pos += len(piece)
    items = []
    for i, (pa, pb) in enumerate(parts):
        if i and CLAUSE.search(ctx.flat, pa, pb):
            break  # "...; we said we would consider it": a new clause, not another thing asked for
        conj = CONJ.match(ctx.flat, pa, pb)
        ea = clause_a if i == 0 else conj.end()  # evidence keeps "interest in", drops "as well as"
        oa = LIST_LEAD.match(ctx.flat, conj.end(), pb).end()
        eb = pb
        while eb > ea and ctx.flat[eb - 1] in " .;":
            eb -= 1
        due = ctx.due(oa, eb)
        phrase = strip_due(ctx.flat[oa:eb], due)
        if not phrase:
            continue
        if weak and i == 0 and head_noun(phrase) not in HEAD_VERB:
            return []  # "expressed interest in the processes": no deliverable, no request
        if g == "cl":  # "requested that the Embassy provide ...": the Embassy is to act
            subj = parties(ctx, oa, min(eb, oa + 60))
            named_subj = THAT_SUBJECT.match(ctx.flat, oa, eb)
            if subj and subj[0].start == oa:
                owner = owner or ctx.resolve(subj[0], a)[0]
                phrase = strip_due(ctx.flat[subj[0].end:eb], due)
            elif named_subj:  # a name the directory does not know: "that ISN/ECC approve ..."
                owner = owner or named_subj["s"]
                phrase = strip_due(ctx.flat[named_subj.end():eb], due)
        if g == "vp" and phrase.split()[:1] and phrase.split()[0].lower() in ("the", "a", "an", "our", "their"):
            g = "np"  # "invited us to the opening of ...": a thing to attend, not a verb
            phrase = phrase if "invit" not in ctx.flat[cue_at:cue_at + 12] else "attending " + phrase
        title = title_from_np(phrase) if g == "np" else title_from_vp(phrase)
        c = make(ctx, Kind.request, ea, eb, title, phrase, conf, due, requester=requester, owner=owner)
        if c:
            items.append(c)
    if len(items) == 1 and items[0].due is None:  # "...; we suggested the second half of November"
        later = ctx.due(items[0].end, b)
        items[0].due = later if later and later.due_start else None
    return items


def _passive(ctx: Ctx, a: int, b: int, p: re.Match[str]) -> list[Cand]:
    t = ctx.flat[a:b]
    by = parties(ctx, a + p.start("by"), a + p.end("by")) if p["by"] else []
    requester = ctx.resolve(by[0], a)[0] if by else None
    if p["vp"]:  # "the Embassy was asked to prepare ..."
        subj = parties(ctx, a, a + p.start())
        owner = ctx.resolve(subj[-1], a)[0] if subj else None
        due = ctx.due(a + p.start("vp"), b)
        phrase = strip_due(p["vp"], due)
        c = make(ctx, Kind.request, a, b, title_from_vp(phrase), phrase, 0.8, due, requester=requester,
                 owner=owner)
        return [c] if c else []
    subj = re.match(r"(.{3,80}?) +(?:is|are|was|were|has|have|will)\b", t)
    phrase = subj.group(1) if subj else ""
    c = make(ctx, Kind.request, a, b, title_from_np(phrase, "Provide"), phrase, 0.6, ctx.due(a, b),
             requester=requester)
    return [c] if c else []


def response(ctx: Ctx, a: int, b: int, cues: Cues) -> list[Cand] | None:
    """'CBP responded positively, asking for follow-up through X': it answers the request before it.

    None when flat[a:b] is not such a sentence.
    """
    if not RESPONSE.present(cues) or not RESPONSE.pat.match(ctx.flat, a, b):
        return None
    who = parties(ctx, a, a + 60)
    owner = ctx.resolve(who[0], a)[0] if who else None
    via = VIA.search(ctx.flat, a, b)
    via_org = None
    if via:
        orgs = [m for m in ctx.within(via.end(), min(b, via.end() + 60)) if m.kind == "org"]
        via_org = orgs[0].name if orgs and orgs[0].start == via.end() else None
    return [Cand(kind=Kind.request, title="", start=a, end=b, confidence=0, owner=owner, via=via_org,
                 response=True)]
