"""Which known follow-ups a new record talks about: the same item again, a moved date, a report of it done.

Pure: the caller passes the known items (id, title, evidence) and gets back a
plan; models.records.ingest_record applies it. Two texts name the same follow-up
when their topic words overlap enough: half the title words, or a shared name
or acronym ("MOU", "Program Review") plus two more words.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from extraction.clean import clean, sentences
from extraction.dates import find_due
from extraction.recorddate import record_date
from extraction.phrases import topic_terms
from models.records import ItemReport
from models.tables import ActionItemCreate

# The record says it happened: propose `done` for review, never close silently.
DONE_CUE = re.compile(r"\b(?:was|were|has +been|have +been|had +been)\s+(?:successfully\s+)?(?:held|signed|completed|"
                      r"delivered|conducted|concluded|finished|sent|submitted|approved|published|organi[sz]ed|"
                      r"carried\s+out|implemented|finali[sz]ed|done|provided|shared|circulated)\b|\btook\s+place\b|"
                      r"\b(?:is|are)\s+(?:now\s+)?(?:done|complete|completed|finished|closed)\b", re.IGNORECASE)
# Under way but not finished: "the MOU draft was sent", "work on the course has started".
PROGRESS_CUE = re.compile(r"\b(?:draft|outline|first\s+version|proposal|agenda)\b[^.;]{0,60}?\b(?:was|were|has\s+been|"
                          r"have\s+been)\s+(?:sent|shared|circulated|delivered|submitted|prepared)\b|"
                          r"\b(?:is|are)\s+(?:now\s+)?(?:underway|under\s+way|in\s+progress)\b|"
                          r"\bwork\b[^.;]{0,40}?\b(?:has|have)\s+(?:started|begun)\b", re.IGNORECASE)
MOVED_CUE = re.compile(r"\b(?:moved|rescheduled|postponed|delayed|brought\s+forward|pushed\s+back|changed|shifted|"
                       r"now\s+(?:planned|scheduled|set|expected|due))\b", re.IGNORECASE)
GENERIC = frozenset("hold arrange provide consider set deliver follow send make take give get meeting item".split())


@dataclass(frozen=True)
class Known:
    id: int
    title: str
    evidence: str | None = None


@dataclass
class LinkPlan:
    matches: dict[int, int] = field(default_factory=dict)  # index in the extracted items -> known item id
    reports: list[ItemReport] = field(default_factory=list)


class _Index:
    """Known items by topic word, so a record is compared with the few that share a word."""

    def __init__(self, known: list[Known]) -> None:
        self.terms: dict[int, tuple[set[str], set[str]]] = {}
        self.by_term: dict[str, list[int]] = defaultdict(list)
        for k in known:
            words, strong = topic_terms(k.title)
            strong |= topic_terms(k.evidence or "")[1]
            words -= GENERIC
            self.terms[k.id] = (words, strong)
            for t in words | strong:
                self.by_term[t].append(k.id)

    def best(self, text: str) -> int | None:
        words, strong = topic_terms(text)
        words -= GENERIC
        scores: dict[int, float] = {}
        seen: set[int] = set()  # scored once, whether or not it passed
        for t in words | strong:
            for kid in self.by_term.get(t, ()):
                if kid in seen:
                    continue
                seen.add(kid)
                kw, ks = self.terms[kid]
                shared = kw & words
                cover = len(shared) / len(kw) if kw else 0.0
                if cover >= 0.5 and len(shared) >= 2 or (ks & strong and len(shared) >= 2):
                    scores[kid] = cover + len(ks & strong)
        return max(scores, key=lambda k: (scores[k], -k)) if scores else None


def plan_links(text: str, items: list[ActionItemCreate], known: list[Known]) -> LinkPlan:
    """Match extracted items to known ones, and find sentences that report on known ones."""
    plan = LinkPlan()
    if not known:
        return plan
    index = _Index(known)
    taken: set[int] = set()
    for i, item in enumerate(items):
        kid = index.best(f"{item.title} {item.evidence or ''}")
        if kid is not None and kid not in taken:
            plan.matches[i] = kid
            taken.add(kid)
    spans = [(x.evidence_start or 0, x.evidence_end or 0) for x in items]
    c = clean(text)
    ref = record_date(text, c.flat, c.start, c.end)
    for s in sentences(c):
        if any(a < s.end and s.start < b for a, b in spans):
            continue  # already an item of this record
        kid = index.best(s.text)
        if kid is None or kid in taken:
            continue
        taken.add(kid)
        due = find_due(c.flat, ref, s.start, s.end) if MOVED_CUE.search(s.text) else None
        dated = due is not None and due.due_start is not None
        progress = bool(PROGRESS_CUE.search(s.text))
        plan.reports.append(ItemReport(item_id=kid, evidence=text[s.start:s.end], start=s.start, end=s.end,
                                   done=not progress and bool(DONE_CUE.search(s.text)), progress=progress,
                                   due_text=due.text if dated else None,
                                   due_start=due.due_start if dated else None,
                                   due_end=due.due_end if dated else None))
    return plan
