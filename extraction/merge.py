"""Merging: candidates of one paragraph that are about the same follow-up become one item."""

from __future__ import annotations

from typing import Callable

from extraction.candidate import Cand
from extraction.phrases import head_noun, topic_terms
from models.status import Kind

RANK = {Kind.planned_event: 4, Kind.commitment: 3, Kind.action: 3, Kind.decision_followup: 2, Kind.request: 1}


def merge(cands: list[Cand], ignore: frozenset[str]) -> list[Cand]:
    """Fold items of one paragraph that are about the same thing into one.

    "The MFA requested a resumption of Program Reviews ... Plans are underway to
    hold the combined event in February" is one follow-up, requested by the MFA;
    so are "They asked us to share the data. I promised to send it by 25 October."
    and a discussion followed by the "ACTION:" line that sums it up.
    """
    memo: dict[int, tuple[set[str], set[str]]] = {}

    def terms(k: int) -> tuple[set[str], set[str]]:
        # Lazily: most candidates share no paragraph with another, so their terms are never read.
        if k not in memo:
            memo[k] = topic_terms(cands[k].phrase, ignore)
        return memo[k]

    gone: set[int] = set()
    for i, x in enumerate(cands):
        # Neighbours only: a paragraph holds a handful of items, and this keeps a
        # flood of cue words linear instead of quadratic.
        for j in range(i + 1, min(len(cands), i + 12)):
            y = cands[j]
            if i in gone or j in gone or x.para != y.para or x.sent == y.sent:
                continue
            how = _same_followup(x, y, lambda: terms(i), lambda: terms(j))
            if how is None:
                continue
            if how == "summed-up":  # the labelled line wins, whatever the discussion said
                keep, drop = y, x
            elif how == "carried-out":  # "The board decided X. Ben will ...": Ben's item is the one to track
                keep, drop = y, x
            elif how == "refers-back":  # the first names the thing; the later one says who and when
                keep, drop = x, y
                x.owner = y.owner or x.owner
                x.due = y.due if y.due and (x.due is None or x.due.due_start is None) else x.due
            else:
                keep, drop = (x, y) if _rank(x) >= _rank(y) else (y, x)
            keep.requester = keep.requester or drop.requester
            keep.confidence = max(keep.confidence, drop.confidence)
            if keep.due is None:
                keep.due = drop.due
            gone.add(j if keep is x else i)
    return [x for k, x in enumerate(cands) if k not in gone]


PRONOUNS = ("it", "them", "this", "these", "that")


def _refers_back(x: Cand, y: Cand) -> bool:
    """'send it', 'deliver the course', 'present the request': y's object is x's thing."""
    words = [w.strip(".,;:") for w in y.phrase.lower().split()[:6]]
    if any(w in PRONOUNS for w in words[:2]):
        return True
    heads = {head_noun(x.phrase), "request" if x.kind == Kind.request else ""} - {""}
    return any(w in ("the", "that", "this") for w in words[:2]) and bool(heads & set(words[1:5]))


Terms = Callable[[], tuple[set[str], set[str]]]


def _same_followup(x: Cand, y: Cand, tx: Terms, ty: Terms) -> str | None:
    """How the later candidate y repeats the earlier x, or None when they are different follow-ups.

    tx and ty give topic_terms of their phrases, computed only if a test needs them.
    """
    if x.explicit or y.explicit:
        if not (y.explicit and not x.explicit and y.sent - x.sent <= 3):
            return None
        return "summed-up" if tx()[0] & ty()[0] else None
    if y.sent == x.sent + 1:
        if _refers_back(x, y):
            return "refers-back"
        if x.kind == Kind.decision_followup and x.owner is None and y.kind == Kind.commitment and y.owner:
            return "carried-out"
    (wx, sx), (wy, sy) = tx(), ty()
    shared = wx & wy
    if not (sx & sy & shared) and (len(shared) < 2 or Kind.request not in (x.kind, y.kind)):
        return None
    return "same-topic"


def _rank(x: Cand) -> tuple[bool, int, int]:
    return (x.due is not None and x.due.due_start is not None, RANK[x.kind], -x.start)
