"""Prose rules: planned events, commitments and decisions in running text (requests: requests.py).

Each rule looks for a cue ("asked ... for", "plans are underway to", "will"),
reads who is behind it from the mentions before the cue, and turns the phrase
after it into a title. Cues are forward-looking, so reports of finished events
("the seminar was held") match nothing. All patterns are linear-time.
"""

from __future__ import annotations

import re

from extraction.candidate import PAST, PAST_WORDS, Cand, Ctx, aside_at, clause_due, has, make, negated, parties, strip_due, subject
from extraction.dates import Due
from extraction.phrases import CAP_DETERMINER, EVENT_NOUNS, base_verb, REL_INCLUDE, drop_soft, head_noun, tidy, title_from_np, title_from_vp
from extraction.requests import requests, response
from extraction.subjects import WILL, owner_np, will_subject
from extraction.wordtrie import trie_pattern
from models.status import Kind

# Every cue any rule below (or in requests.py) needs; a sentence without one yields nothing.
# Matched on the lower-cased sentence without flags or \\b: several times faster than the rules.
ANY_CUE = re.compile(trie_pattern((
    "ask request urg invit call appeal like desire wish hope propos suggest interest expressed voiced convey"
    " repeat reiterat show indicat signal respond repli react plan prepar arrang schedul set slated expect due"
    " foreseen will shall going agree decid resolv conclud discussion talks consultation negotiation work"
    " process draft develop rethink revis redesign rework organi finali updat promis commit undert pledg offer"
    " volunteer intend aim remain underway").split() + ["is to", "are to", "was to", "were to", "to be", "in place",
                                                         "on track", "under way"], " +"))
PLANS = re.compile(r"\b(?:plans|preparations|arrangements) +(?:are|is|were|remain)? *(?:now +|already +|well +)?"
                   r"(?:underway|under +way|in +place|being +made|on +track) +(?:to|for) +(?P<rest>.+)", re.I)
SCHEDULED = re.compile(r"\b(?P<aux>is|are|has +been|have +been|remains|remain|was|were|will +be) +(?:now +|still +|"
                       r"tentatively +|provisionally +|currently +)?(?:planned|scheduled|set|slated|expected|"
                       r"due|foreseen)(?! +by)\b")
WILL_HAPPEN = re.compile(r"\b(?:will|shall|is +to|are +to) +(?:be +held|take +place|convene|reconvene|be +on|meet)\b")
TO_VERB = re.compile(r" +to +(?P<v>begin|start|open|close|resume|end|finish|launch|conclude|arrive|run)\b")
TO_ACT = re.compile(r" +to +(?P<vp>(?P<v>(?!be\b|have\b)[a-z]+)\b.*)")
EVENT_VERBS = frozenset("meet visit attend host hold convene tour travel".split())
# "Officials said the commission ...": who reported it is not what will happen.
REPORTED = re.compile(r"^.{0,80}?\b(?:said|says|stated|announced|confirmed|noted|reported|added) +(?:that +)?")
NOT_NP = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would|can|could|did|does)\b|\b(?:which|that|who)$")
LEAD_IN = re.compile(r"(?:(?:In|On|At|As|For|With|After|Before|During|Separately|Meanwhile|Also|However|"
                     r"Finally|Additionally|Moreover|Furthermore|Still)\b[^,]{0,40}, +)")
ANAPHOR = re.compile(r"(?:(?:the|this|that) +(?:[\w-]+ +)?(?:event|meeting|review|visit|session|exchange|"
                     r"course|seminar|workshop|conference)|it)$", re.I)
NAMED_EVENT = re.compile(r"\b(?:a|an|the) +(?P<np>(?:[A-Z][\w-]* +){1,4}(?:Review|Conference|Workshop|Seminar|"
                         r"Meeting|Summit|Dialogue|Course|Exchange|Visit|Forum)s?\b(?:,? +(?:which|that) +"
                         r"(?:will +)?include +[^.,;]{1,80}| +with +[^.,;]{1,80})?)")

COMMIT = re.compile(r"\b(?P<cue>agreed|agrees|agree|promised|promises|committed|commits|undertook|undertakes|"
                    r"pledged|pledges|offered|offers|volunteered|volunteers|intends|intend|plans|plan|aims|decided|"
                    r"resolved|expects|hopes) +to +"
                    r"(?!(?:the|a|an|this|these|that|those|their|its|his|her|our|your|be)\b)(?P<vp>.+)")
PROGRESS = re.compile(r"\b(?:is|are) +(?:now +|currently +|still +|already +)?(?:in +the +process +of +(?P<g>\w+ing)|"
                      r"(?P<g2>preparing|drafting|developing|rethinking|revising|redesigning|reworking|"
                      r"organi[sz]ing|arranging|finali[sz]ing|updating))\b(?P<rest>.*)")
BODY = re.compile(r"(?:the +)?(?:board|council|committee|meeting|group|parties|sides|participants|members)$", re.I)
DECIDED = re.compile(r"(?:^|\bit +(?:was|has +been|is) +|\b(?:board|council|committee|meeting|group|members|parties)"
                     r" +(?:also +)?)(?:agreed|decided|resolved|concluded) +that +(?P<cl>.+)", re.I)
PASSIVE_SUBJ = re.compile(r"(?P<np>[^,;]{3,80}?) +(?:should +|shall +|will +)?be +(?P<pp>[a-z]{3,}ed)\b(?P<rest>.*)")
# "RESOLVED that the Town Clerk implement ...": a subjunctive, the subject named first.
SUBJUNCTIVE = re.compile(r"(?:the +)?(?P<s>(?:[A-Z][\w'’.-]*)(?: +[A-Z][\w'’.-]*){0,3}) +(?P<vp>(?!be\b)[a-z]{3,}\b.*)")
ONGOING = re.compile(r"\b(?:discussions|talks|consultations|negotiations|work) +(?:are|is|remain|remains) +"
                     r"(?:ongoing|continuing|underway|under +way) +(?:about|on|regarding|concerning|over|towards) +"
                     r"(?P<np>.+)", re.I)
CLAUSES = re.compile(r"(; +)")
RELATIVE_ASIDE = re.compile(r", +(?:which|who) +[^,]{1,100},")
HOLD_LEAD = re.compile(r"(?:hold|holding|have|organi[sz]e|convene|host|run) +", re.I)
INCLUDE = re.compile(r",? +(?:which|that) +(?:will +)?include +")
MODAL = re.compile(r"\b(?:will|should|would|shall|must|is +to|are +to|to)\s+")
THE_LEAD = re.compile(r"^(?:The|the) +")
HAD = re.compile(r"\bhad +$")
# Words after "meet" that start no object: "will meet on 6 June", "will meet again", "will meet monthly".
MEET_ALONE = frozenset("on in at during again to next this tomorrow today before after by until till from for within "
                       "over via once twice there here soon later early every each as and or but when if online".split())
MEET_WITH = re.compile(r"^meet +(?:with +)?")
PRONOUNS = frozenset(("we", "they", "i", "he", "she", "you"))
TBD = re.compile(r" +(?:is|are|remains|remain) +(?:still +)?to +be +(?P<v>decided|determined|confirmed|agreed|"
                 r"finali[sz]ed|fixed)\b")
# Literal words every match of a pattern holds (candidate.has tests them first), and if it ignores case.
CUES = {
    PLANS: ("plans", "preparations", "arrangements"),
    SCHEDULED: ("planned", "scheduled", "set", "slated", "expected", "due", "foreseen"),
    WILL_HAPPEN: ("be", "place", "convene", "meet"),
    PROGRESS: ("process", "preparing", "drafting", "developing", "rethinking", "revising", "redesigning",
               "reworking", "organi", "arranging", "finali", "updating"),
    COMMIT: ("agree", "promise", "commit", "undertook", "undertakes", "pledge", "offer", "volunteer", "intend",
             "plan", "aims", "decided", "resolved", "expects", "hopes"),
    WILL: ("will", "shall", "is ", "are ", "was ", "were "),
    DECIDED: ("agreed", "decided", "resolved", "concluded"),
    ONGOING: ("ongoing", "continuing", "under"),
    TBD: ("decided", "determined", "confirmed", "agreed", "finali", "fixed"),
}

CUES = {pat: (words, bool(pat.flags & re.I)) for pat, words in CUES.items()}  # flags once: RegexFlag & is slow


def _search(pat: re.Pattern[str], t: str) -> re.Match[str] | None:
    """pat.search(t), skipped when t lacks every word a match needs."""
    words, fold = CUES[pat]
    return pat.search(t) if has(t, words, fold=fold) else None


def prose(ctx: Ctx, a: int, b: int) -> list[Cand]:
    """Items from one sentence flat[a:b]."""
    t = ctx.flat[a:b]
    if t[:1] in "\"“":
        return []  # a quotation: what someone said for the record, not a follow-up to track
    if not ANY_CUE.search(t.lower()):
        return []  # most background sentences: one cheap test instead of every rule
    answer = response(ctx, a, b)
    if answer is not None:
        return answer
    items = requests(ctx, a, b)
    if items:
        return items
    out: list[Cand] = []
    pos = a
    for clause in CLAUSES.split(t):  # one item per clause at most
        ca, cb = pos, pos + len(clause)
        pos = cb
        if clause.startswith(";") or not clause.strip():
            continue
        for rule in (_planned, _decision, _commitment):
            c = rule(ctx, ca, cb)
            if c:
                out.append(c)
                break
    return out


def _planned(ctx: Ctx, a: int, b: int) -> Cand | None:
    t = ctx.flat[a:b]
    if has(t, PAST_WORDS) and PAST.search(t):
        return None
    m = _search(PLANS, t)
    if m:
        due = clause_due(ctx, a, b, a + m.start())
        phrase = _antecedent(ctx, a, strip_due(m["rest"], due))
        # "plans are underway for a workshop" names a thing; "... to hold the event" an action.
        noun_first = phrase.split()[:1] in (["a"], ["an"], ["the"], ["A"], ["An"], ["The"])
        title = title_from_np(phrase, "Hold") if noun_first else title_from_vp(phrase)
        return make(ctx, Kind.planned_event, a, b, title, phrase, 0.85, due, owner=subject(ctx, a, a + m.start()))
    m = _search(SCHEDULED, t) or _search(WILL_HAPPEN, t)
    if not m:
        return None
    due = clause_due(ctx, a, b, a + m.start())
    if m.re is SCHEDULED and (due is None or due.due_start is None) or (
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
    if m.re is SCHEDULED and m["aux"] in ("was", "were"):
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


def _commitment(ctx: Ctx, a: int, b: int) -> Cand | None:
    t = ctx.flat[a:b]
    for pat, conf in ((PROGRESS, 0.8), (COMMIT, 0.85), (WILL, 0.8)):
        m = _search(pat, t)
        if not m or negated(t, m.start()) or "had" in t and HAD.search(t, 0, m.start()):
            continue
        if pat is WILL and not will_subject(ctx, a, a + m.start()):
            continue
        owner = subject(ctx, a, a + m.start())
        kind = Kind.commitment
        if pat is COMMIT and BODY.search(t[: m.start()].strip()):
            kind, conf = Kind.decision_followup, 0.85
        elif owner is None:  # "the working group will", "the delegation agreed to": the group, as written
            owner = owner_np(ctx.flat[a:aside_at(ctx.flat, a, a + m.start())])  # (a board's decision: by others)
        if pat is COMMIT and m["cue"].startswith("plan") and _holds_event(m["vp"]):
            kind = Kind.planned_event  # "the two sides plan to hold a tabletop exercise in May"
        if pat is COMMIT and m["cue"] in ("hopes", "expects", "aims"):
            conf = 0.6
        ea = a
        that = t.rfind(" that ", 0, m.start())
        if that > 80:  # "It is not an exaggeration to state that ... they are now ...": keep the clause
            ea = a + that + 6
        due = clause_due(ctx, a, b, a + m.start())
        phrase = strip_due((m["g"] or m["g2"]) + m["rest"] if pat is PROGRESS else m["vp"], due)
        return make(ctx, kind, ea, b, title_from_vp(phrase), phrase, conf, due, owner=owner)
    return None


def _holds_event(vp: str) -> bool:
    w = vp.split()
    return bool(w) and w[0].lower() in ("hold", "host", "convene", "organize", "organise", "run", "stage") and (
        head_noun(" ".join(w[1:])) in EVENT_NOUNS or "exercise" in w[1:5])


def _decision(ctx: Ctx, a: int, b: int) -> Cand | None:
    t = ctx.flat[a:b]
    m = _search(DECIDED, t)
    if m:
        cl_at = a + m.start("cl")
        due = ctx.due(cl_at, b)
        cl = ctx.flat[cl_at:b]
        passive = PASSIVE_SUBJ.match(cl)
        if passive:  # "that a grant of 500 pounds be awarded to the club": award the grant to the club
            phrase = strip_due(f"{base_verb(passive['pp'][:-2] + 'ing')} {passive['np']}{passive['rest']}", due)
            return make(ctx, Kind.decision_followup, a, b, title_from_vp(phrase), phrase, 0.75, due)
        w = MODAL.search(cl)
        owner = None
        sj = SUBJUNCTIVE.match(cl) if w is None else None
        if w:
            owner = subject(ctx, cl_at, cl_at + w.start())
            cl = cl[w.end():]
        elif sj:
            owner, cl = sj["s"], sj["vp"]
        phrase = strip_due(cl, due)
        return make(ctx, Kind.decision_followup, a, b, title_from_vp(phrase), phrase, 0.8, due, owner=owner)
    m = _search(ONGOING, t)
    if m and not (has(t, PAST_WORDS) and PAST.search(t)):
        due = ctx.due(a, b)
        phrase = strip_due(m["np"], due)
        title = "Follow up on " + tidy(drop_soft(phrase))
        return make(ctx, Kind.decision_followup, a, b, title, phrase, 0.45, due)
    m = _search(TBD, t)
    if m:
        verb = {"decided": "Decide", "determined": "Determine", "agreed": "Agree", "fixed": "Fix"}.get(
            m["v"], "Confirm" if m["v"] == "confirmed" else "Finalize")
        lead = LEAD_IN.match(t)
        subj = THE_LEAD.sub("the ", t[lead.end() if lead else 0: m.start()].strip(" ,"))
        if not subj or len(subj.split()) > 8 or NOT_NP.search(subj):
            return None
        return make(ctx, Kind.decision_followup, a, b, f"{verb} {subj}", subj, 0.6, ctx.due(a, b))
    return None
