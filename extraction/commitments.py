"""Commitments ("agreed to", "will", "is preparing") and decisions ("the board resolved that ...").

Each rule reads one clause; `cues` holds its sentence's words, so a pattern whose words
are absent is skipped without a search (cues.py). All patterns are linear-time.
"""

from __future__ import annotations

import re

from extraction.candidate import (NEG, PAST, Cand, Ctx, aside_at, clause_due, make, negated, parties, party_or_name,
                                  strip_due, subject)
from extraction.cues import Cues, Gated, first_words, words
from extraction.phrases import EVENT_NOUNS, base_verb, drop_soft, head_noun, tidy, title_from_vp
from extraction.subjects import WILL, agent_np, as_owner, will_actor
from models.status import Kind

LEAD_IN = re.compile(r"(?:(?:In|On|At|As|For|With|After|Before|During|Separately|Meanwhile|Also|However|"
                     r"Finally|Additionally|Moreover|Furthermore|Still)\b[^,]{0,40}, +)")
NOT_NP = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would|can|could|did|does)\b|\b(?:which|that|who)$")
# Each pattern with the whole words every match of it holds (tests/test_extraction_cues.py checks them).
COMMIT = Gated(re.compile(r"\b(?P<cue>agreed|agrees|agree|promised|promises|committed|commits|undertook|undertakes|"
                          r"pledged|pledges|offered|offers|volunteered|volunteers|intends|intend|plans|plan|aims|"
                          r"decided|resolved|expects|hopes) +to +"
                          r"(?!(?:the|a|an|this|these|that|those|their|its|his|her|our|your|be)\b)(?P<vp>.+)"),
               "agreed agrees agree promised promises committed commits undertook undertakes pledged pledges offered"
               " offers volunteered volunteers intends intend plans plan aims decided resolved expects hopes", "to")
PROGRESS = Gated(re.compile(r"\b(?:is|are) +(?:now +|currently +|still +|already +)?(?:in +the +process +of +"
                            r"(?P<g>\w+ing)|(?P<g2>preparing|drafting|developing|rethinking|revising|redesigning|"
                            r"reworking|organi[sz]ing|arranging|finali[sz]ing|updating))\b(?P<rest>.*)"),
                 "process preparing drafting developing rethinking revising redesigning reworking organising"
                 " organizing arranging finalising finalizing updating", "is are")
WILL_CUE = Gated(WILL, "will shall is are was were", "will shall to")
BODY = re.compile(r"(?:the +)?(?:board|council|committee|meeting|group|parties|sides|participants|members)$", re.I)
DECIDED = Gated(re.compile(r"(?:^|\bit +(?:was|has +been|is) +|\b(?:board|council|committee|meeting|group|members|"
                           r"parties) +(?:also +)?)(?:agreed|decided|resolved|concluded) +that +(?P<cl>.+)", re.I),
                "agreed decided resolved concluded", "that")
PASSIVE_SUBJ = re.compile(r"(?P<np>[^,;]{3,80}?) +(?:should +|shall +|will +)?be +(?P<pp>[a-z]{3,}ed)\b(?P<rest>.*)")
# "RESOLVED that the Town Clerk implement ...": a subjunctive, the subject named first.
SUBJUNCTIVE = re.compile(r"(?:the +)?(?P<s>(?:[A-Z][\w'’.-]*)(?: +[A-Z][\w'’.-]*){0,3}) +(?P<vp>(?!be\b)[a-z]{3,}\b.*)")
ONGOING = Gated(re.compile(r"\b(?:discussions|talks|consultations|negotiations|work) +(?:are|is|remain|remains) +"
                           r"(?:ongoing|continuing|underway|under +way) +(?:about|on|regarding|concerning|over|"
                           r"towards) +(?P<np>.+)", re.I),
                "ongoing continuing underway under", "discussions talks consultations negotiations work",
                "about on regarding concerning over towards")
TBD = Gated(re.compile(r" +(?:is|are|remains|remain) +(?:still +)?to +be +(?P<v>decided|determined|confirmed|agreed|"
                       r"finali[sz]ed|fixed)\b"),
            "decided determined confirmed agreed finalised finalized fixed", "be", "to")
PAST_CUE = Gated(PAST, "was were took been", "held signed completed delivered conducted concluded finished sent place")
NEG_CUE = Gated(NEG, "not never no declined refused")  # negated() searches the text before a match's \\b
DECISION_WORDS = first_words(DECIDED, ONGOING, TBD)  # decision() opens no gate without one (re.I: Cues.folded)
# commitment() opens no gate without one of these (on Cues.words: its patterns are case-sensitive), or
# "to" with one of TO_AUX: "is to" is WILL_CUE without "will", tested apart as "to" is in most sentences.
COMMITMENT_WORDS = first_words(PROGRESS, COMMIT) | words("will shall")
TO_AUX = words("is are was were")
MODAL = re.compile(r"\b(?:will|should|would|shall|must|is +to|are +to|to)\s+")
THE_LEAD = re.compile(r"^(?:The|the) +")
HAD = re.compile(r"\bhad +$")


def commitment(ctx: Ctx, a: int, b: int, cues: Cues) -> Cand | None:
    """'X agreed to ...', 'X is preparing ...', 'X will ...': X's commitment."""
    t = ctx.flat[a:b]
    for pat, conf in ((PROGRESS, 0.8), (COMMIT, 0.85), (WILL_CUE, 0.8)):
        m = pat.search(t, cues)
        if not m or NEG_CUE.present(cues) and negated(t, m.start()) or "had" in t and HAD.search(t, 0, m.start()):
            continue
        cut = aside_at(ctx.flat, a, a + m.start())  # the subject ends before "X, which ..., will"
        ps = parties(ctx, a, cut)
        actor = will_actor(ctx, a, cut, ps) if pat is WILL_CUE else True
        if not actor:
            continue
        owner = party_or_name(ctx, a, cut, ps)  # subject(), with the parties will_actor read
        kind = Kind.commitment
        if pat is COMMIT and BODY.search(t[: m.start()].strip()):
            kind, conf = Kind.decision_followup, 0.85
        elif owner is None:  # "the working group will", "the delegation agreed to": the group, as written
            # (a board's decision: by others). will_actor read the same text when the clause is short.
            np = actor if actor is not True and cut - a <= 200 else agent_np(ctx.flat[a:cut])
            owner = as_owner(np)
        if pat is COMMIT and m["cue"].startswith("plan") and _holds_event(m["vp"]):
            kind = Kind.planned_event  # "the two sides plan to hold a tabletop exercise in May"
        if pat is COMMIT and m["cue"] in ("hopes", "expects", "aims"):
            conf = 0.6
        ea = a
        that = t.rfind(" that ", 0, m.start())
        if that > 80:  # "It is not an exaggeration to state that ... they are now ...": keep the clause
            ea = a + that + 6
        due = clause_due(ctx, a, b, a + m.start(), cut)
        phrase = strip_due((m["g"] or m["g2"]) + m["rest"] if pat is PROGRESS else m["vp"], due)
        return make(ctx, kind, ea, b, title_from_vp(phrase), phrase, conf, due, owner=owner)
    return None


def _holds_event(vp: str) -> bool:
    w = vp.split()
    return bool(w) and w[0].lower() in ("hold", "host", "convene", "organize", "organise", "run", "stage") and (
        head_noun(" ".join(w[1:])) in EVENT_NOUNS or "exercise" in w[1:5])


def decision(ctx: Ctx, a: int, b: int, cues: Cues) -> Cand | None:
    """'The board resolved that ...', 'talks are ongoing on ...', 'the venue is to be confirmed'."""
    t = ctx.flat[a:b]
    m = DECIDED.search(t, cues)
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
    m = ONGOING.search(t, cues)
    if m and not PAST_CUE.search(t, cues):
        due = ctx.due(a, b)
        phrase = strip_due(m["np"], due)
        title = "Follow up on " + tidy(drop_soft(phrase))
        return make(ctx, Kind.decision_followup, a, b, title, phrase, 0.45, due)
    m = TBD.search(t, cues)
    if m:
        verb = {"decided": "Decide", "determined": "Determine", "agreed": "Agree", "fixed": "Fix"}.get(
            m["v"], "Confirm" if m["v"] == "confirmed" else "Finalize")
        lead = LEAD_IN.match(t)
        subj = THE_LEAD.sub("the ", t[lead.end() if lead else 0: m.start()].strip(" ,"))
        if not subj or len(subj.split()) > 8 or NOT_NP.search(subj):
            return None
        return make(ctx, Kind.decision_followup, a, b, f"{verb} {subj}", subj, 0.6, ctx.due(a, b))
    return None
