"""Prose rules: planned events, commitments and decisions in running text (requests: requests.py).

Each rule looks for a cue ("asked ... for", "plans are underway to", "will"),
reads who is behind it from the mentions before the cue, and turns the phrase
after it into a title. Cues are forward-looking, so reports of finished events
("the seminar was held") match nothing. All patterns are linear-time.
"""

from __future__ import annotations

import re

from extraction.candidate import Cand, Ctx, clause_due, make, strip_due, subject
from extraction.commitments import (COMMITMENT_WORDS, DECISION_WORDS, LEAD_IN, NOT_NP, PAST_CUE, TO_AUX, commitment,
                                    decision)
from extraction.cues import ANY_CUE, Cues, Gated, ascii_words, first_words
from extraction.dates import Due
from extraction.phrases import CAP_DETERMINER, EVENT_NOUNS, REL_INCLUDE, head_noun, title_from_np, title_from_vp
from extraction.requests import WORDS as REQUEST_WORDS, requests, response
from models.status import Kind

# Each pattern with the whole words every match of it holds (tests/test_extraction_cues.py checks them).
PLANS = Gated(re.compile(r"\b(?:plans|preparations|arrangements) +(?:are|is|were|remain)? *(?:now +|already +|"
                         r"well +)?(?:underway|under +way|in +place|being +made|on +track) +(?:to|for) +(?P<rest>.+)",
                         re.I), "plans preparations arrangements", "to for")
SCHEDULED = Gated(re.compile(r"\b(?P<aux>is|are|has +been|have +been|remains|remain|was|were|will +be) +(?:now +|"
                             r"still +|tentatively +|provisionally +|currently +)?(?:planned|scheduled|set|slated|"
                             r"expected|due|foreseen)(?! +by)\b"), "planned scheduled set slated expected due foreseen",
                  "is are been remains remain was were be")
WILL_HAPPEN = Gated(re.compile(r"\b(?:will|shall|is +to|are +to) +(?:be +held|take +place|convene|reconvene|be +on|"
                               r"meet)\b"), "be take convene reconvene meet", "will shall to")
TO_VERB = re.compile(r" +to +(?P<v>begin|start|open|close|resume|end|finish|launch|conclude|arrive|run)\b")
TO_ACT = re.compile(r" +to +(?P<vp>(?P<v>(?!be\b|have\b)[a-z]+)\b.*)")
EVENT_VERBS = frozenset("meet visit attend host hold convene tour travel".split())
# "Officials said the commission ...": who reported it is not what will happen.
REPORTED = re.compile(r"^.{0,80}?\b(?:said|says|stated|announced|confirmed|noted|reported|added) +(?:that +)?")
ANAPHOR = re.compile(r"(?:(?:the|this|that) +(?:[\w-]+ +)?(?:event|meeting|review|visit|session|exchange|"
                     r"course|seminar|workshop|conference)|it)$", re.I)
NAMED_EVENT = re.compile(r"\b(?:a|an|the) +(?P<np>(?:[A-Z][\w-]* +){1,4}(?:Review|Conference|Workshop|Seminar|"
                         r"Meeting|Summit|Dialogue|Course|Exchange|Visit|Forum)s?\b(?:,? +(?:which|that) +"
                         r"(?:will +)?include +[^.,;]{1,80}| +with +[^.,;]{1,80})?)")
PLANNED_WORDS = first_words(PLANS, SCHEDULED, WILL_HAPPEN)  # _planned() opens no gate without one
CUE_WORDS = REQUEST_WORDS | PLANNED_WORDS | DECISION_WORDS | COMMITMENT_WORDS  # or "to" with TO_AUX
CLAUSES = re.compile(r"(; +)")
RELATIVE_ASIDE = re.compile(r", +(?:which|who) +[^,]{1,100},")
HOLD_LEAD = re.compile(r"(?:hold|holding|have|organi[sz]e|convene|host|run) +", re.I)
INCLUDE = re.compile(r",? +(?:which|that) +(?:will +)?include +")
# Words after "meet" that start no object: "will meet on 6 June", "will meet again", "will meet monthly".
MEET_ALONE = frozenset("on in at during again to next this tomorrow today before after by until till from for within "
                       "over via once twice there here soon later early every each as and or but when if online".split())
MEET_WITH = re.compile(r"^meet +(?:with +)?")
PRONOUNS = frozenset(("we", "they", "i", "he", "she", "you"))


def prose(ctx: Ctx, a: int, b: int) -> list[Cand]:
    """Items from one sentence flat[a:b]."""
    t = ctx.flat[a:b]
    if t[:1] in "\"“":
        return []  # a quotation: what someone said for the record, not a follow-up to track
    if t.isascii():
        have = ascii_words(t)
        if CUE_WORDS.isdisjoint(have) and (b"to" not in have or TO_AUX.isdisjoint(have)):
            return []  # most background sentences: no rule's gate can open
        cues = Cues(t, have)  # the sentence's words, read once for every rule's gate
    elif ANY_CUE.search(t.lower()):  # the gates let every re.I pattern through here
        cues = Cues(t)
    else:
        return []
    have = cues.words
    if not have.isdisjoint(REQUEST_WORDS):  # case-sensitive patterns all
        answer = response(ctx, a, b, cues)
        if answer is not None:
            return answer
        items = requests(ctx, a, b, cues)
        if items:
            return items
    planned = not cues.folded.isdisjoint(PLANNED_WORDS)
    decided = not cues.folded.isdisjoint(DECISION_WORDS)
    committed = not have.isdisjoint(COMMITMENT_WORDS) or b"to" in have and not have.isdisjoint(TO_AUX)
    out: list[Cand] = []
    if not (planned or decided or committed):
        return out
    pos = a
    for clause in CLAUSES.split(t) if ";" in t else (t,):  # one item per clause at most
        ca, cb = pos, pos + len(clause)
        pos = cb
        if clause.startswith(";") or not clause.strip():
            continue
        c = (planned and _planned(ctx, ca, cb, cues) or decided and decision(ctx, ca, cb, cues)
             or committed and commitment(ctx, ca, cb, cues))
        if c:
            out.append(c)
    return out


def _planned(ctx: Ctx, a: int, b: int, cues: Cues) -> Cand | None:
    """'Plans are underway to ...', 'the review is scheduled for May', 'the board will meet in June'."""
    if not (PLANS.present(cues) or SCHEDULED.present(cues) or WILL_HAPPEN.present(cues)):
        return None  # no cue: nothing below can match
    t = ctx.flat[a:b]
    if PAST_CUE.search(t, cues):
        return None
    m = PLANS.search(t, cues)
    if m:
        due = clause_due(ctx, a, b, a + m.start())
        phrase = _antecedent(ctx, a, strip_due(m["rest"], due))
        # "plans are underway for a workshop" names a thing; "... to hold the event" an action.
        noun_first = phrase.split()[:1] in (["a"], ["an"], ["the"], ["A"], ["An"], ["The"])
        title = title_from_np(phrase, "Hold") if noun_first else title_from_vp(phrase)
        return make(ctx, Kind.planned_event, a, b, title, phrase, 0.85, due, owner=subject(ctx, a, a + m.start()))
    m = SCHEDULED.search(t, cues) or WILL_HAPPEN.search(t, cues)
    if not m:
        return None
    due = clause_due(ctx, a, b, a + m.start())
    if m.re is SCHEDULED.pat and (due is None or due.due_start is None) or (
            due and due.due_end and ctx.ref and due.due_end < ctx.ref):
        return None  # "is expected" with no time, or a date already past: not a plan to track
    lead = LEAD_IN.match(t)
    subj = t[lead.end() if lead else 0: m.start()].strip(" ,")
    said = REPORTED.match(subj)
    subj = subj[said.end():] if said else subj
    subj = REL_INCLUDE.sub(r" with \1", subj)  # "The Review, which will include X," -> "The Review with X"
    subj = RELATIVE_ASIDE.sub("", subj).strip(" ,")
    if not subj or len(subj.split()) > 20 or NOT_NP.search(subj):
        return None  # "CBP is rethinking the course, which remains planned": not a plain subject
    subj = _antecedent(ctx, a, subj)
    noun = head_noun(subj)
    kind = Kind.planned_event if noun in EVENT_NOUNS else Kind.action
    conf = 0.8 if due and due.due_start else 0.6
    if m.group().endswith("meet"):
        return _meeting(ctx, a, b, a + m.start(), a + m.end(), subj, due, conf)
    if m.re is SCHEDULED.pat and m["aux"] in ("was", "were"):
        conf -= 0.1  # "was scheduled for": perhaps moved since
    then = TO_VERB.match(t, m.end())
    if then and kind != Kind.planned_event:  # "Construction is expected to begin in spring": begin construction
        core = strip_due(subj, due)
        title = f"{then['v'].capitalize()} {core[:1].lower()}{core[1:]}"
        return make(ctx, kind, a, b, title, subj, conf, due)
    act = TO_ACT.match(t, m.end()) if kind != Kind.planned_event else None
    if act:  # "The Minister is scheduled to visit the post": the subject acts, it is not what is held
        phrase = strip_due(act["vp"], due)
        kind = Kind.planned_event if act["v"] in EVENT_VERBS else kind
        return make(ctx, kind, a, b, title_from_vp(phrase), phrase, conf, due, owner=subject(ctx, a, a + m.start()))
    return make(ctx, kind, a, b, title_from_np(strip_due(subj, due), "Hold"), subj, conf, due)


def _meeting(ctx: Ctx, a: int, b: int, cue: int, after: int, subj: str, due: Due | None, conf: float) -> Cand | None:
    """'The commission will meet on 6 June': a meeting of that body; 'Bob will meet the team': Bob meets them."""
    rest = ctx.flat[after:b]
    word = rest[:1] == " " and rest.split(None, 1)[:1]
    w = word[0].strip(".,;:").lower() if word else ""
    owner = subject(ctx, a, cue)
    pronoun = subj.lower() in PRONOUNS  # "we", "they": who they are is the owner, not a title word
    body = CAP_DETERMINER.sub(lambda d: d.group().lower(), subj)  # "The commission", but "Bob" stays
    if w and w not in MEET_ALONE and not w.endswith("ly") and not (due and not ctx.flat[after:due.start].strip()):
        phrase = strip_due("meet" + rest, due)  # an object: "meet the team at Mayfield", "meet with the minister"
        if owner or pronoun:
            return make(ctx, Kind.planned_event, a, b, title_from_vp(phrase), phrase, conf, due, owner=owner)
        title = f"Hold a meeting of {body} with {MEET_WITH.sub('', phrase)}"  # no owner: keep the body in the title
        return make(ctx, Kind.planned_event, a, b, title, phrase, conf, due)
    if pronoun:
        return make(ctx, Kind.planned_event, a, b, "Hold a meeting", "a meeting", conf, due, owner=owner)
    phrase = f"a meeting of {body}"
    return make(ctx, Kind.planned_event, a, b, title_from_np(strip_due(phrase, due), "Hold"), phrase, conf, due)


def _antecedent(ctx: Ctx, a: int, phrase: str) -> str:
    """'the combined event' -> 'the Program Review with an export licensing exchange' (named earlier)."""
    words = phrase.split()
    for n in (len(words), 3, 2, 1):
        head = " ".join(words[:n])
        lead = HOLD_LEAD.match(head)
        np = head[lead.end():] if lead else head
        if ANAPHOR.fullmatch(np):
            events = list(NAMED_EVENT.finditer(ctx.flat, ctx.para_start, a))
            if events:
                ev = events[-1]["np"]
                ev = INCLUDE.sub(" with ", ev)
                tail = " ".join(words[n:])
                return " ".join(x for x in ((lead.group().strip() if lead else ""), "the", ev, tail) if x)
    return phrase
