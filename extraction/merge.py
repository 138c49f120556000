"""Merging: candidates of one paragraph that are about the same follow-up become one item."""

from __future__ import annotations

from dataclasses import dataclass

from extraction.candidate import Cand
from extraction.phrases import head_noun, topic_terms
from models.status import Kind

RANK = {Kind.planned_event: 4, Kind.commitment: 3, Kind.action: 3, Kind.decision_followup: 2, Kind.request: 1}
WINDOW = 11  # later candidates each one is compared with


@dataclass(slots=True)
class _Facts:
    """What comparisons read of one candidate's phrase: worked out once, not once per neighbour."""

    terms: set[str]  # topic_terms: content words
    strong: set[str]  # and the names and acronyms among them
    quiet: bool  # neither a labelled line nor a request: only a shared name can make it a repeat
    lead: tuple[bool, bool, set[str]] | None = None  # for _refers_back, when first needed
    heads: set[str] | None = None


def merge(cands: list[Cand], ignore: frozenset[str]) -> list[Cand]:
    """Fold items of one paragraph that are about the same thing into one.

    "The MFA requested a resumption of Program Reviews ... Plans are underway to
    hold the combined event in February" is one follow-up, requested by the MFA;
    so are "They asked us to share the data. I promised to send it by 25 October."
    and a discussion followed by the "ACTION:" line that sums it up.
    """
    n = len(cands)
    facts: list[_Facts | None] = [None] * n
    gone = [False] * n

    def facts_of(k: int) -> _Facts:
        # Lazily: most candidates share no paragraph with another, so their phrases are never read.
        f = facts[k]
        if f is None:
            c = cands[k]
            terms, strong = topic_terms(c.phrase, ignore)
            f = facts[k] = _Facts(terms, strong, not c.explicit and c.kind != Kind.request)
        return f

    # From each index on, where the next labelled line or request is (n: none).
    loud_at = [n] * (n + 1)
    for k in range(n - 1, -1, -1):
        loud_at[k] = k if cands[k].explicit or cands[k].kind == Kind.request else loud_at[k + 1]

    for i, x in enumerate(cands):
        if gone[i] or x.explicit:
            continue  # a labelled line is never the earlier one of a repeat (_same_followup)
        fx = None
        # Neighbours only: a paragraph holds a handful of items, and this keeps a
        # flood of cue words linear instead of quadratic.
        j, hi = i + 1, min(n, i + 1 + WINDOW)
        while j < hi:
            y = cands[j]
            if gone[j] or x.para != y.para or x.sent == y.sent or y.explicit and y.sent - x.sent > 3:
                j += 1  # (a labelled line sums up only the discussion just before it: _same_followup)
                continue
            fx = fx or facts[i] or facts_of(i)
            fy = facts[j] or facts_of(j)
            if fx.quiet and fy.quiet and y.sent != x.sent + 1 and fx.strong.isdisjoint(fy.strong):
                # The common case, settled without a call. Candidates come in text order: past x's
                # next sentence, one with no name in its phrase can only repeat a label or a request.
                j = loud_at[j + 1] if not fx.strong and y.sent > x.sent + 1 else j + 1
                continue
            how = _same_followup(x, y, fx, fy)
            if how is not None:
                if _fold(x, y, how) is x:
                    gone[i] = True
                    break  # x is folded into y: it is compared with nothing more
                gone[j] = True
            j += 1
    return [x for k, x in enumerate(cands) if not gone[k]]


def _fold(x: Cand, y: Cand, how: str) -> Cand:
    """Fold one of x and y (the earlier) into the other, the one to keep; return the one dropped."""
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
    return drop


PRONOUNS = ("it", "them", "this", "these", "that")


def _refers_back(x: Cand, y: Cand, fx: _Facts, fy: _Facts) -> bool:
    """'send it', 'deliver the course', 'present the request': y's object is x's thing."""
    if fy.lead is None:
        words = [w.strip(".,;:") for w in y.phrase.lower().split()[:6]]
        fy.lead = (any(w in PRONOUNS for w in words[:2]), any(w in ("the", "that", "this") for w in words[:2]),
                   set(words[1:5]))
    pronoun, determiner, mid = fy.lead
    if pronoun:
        return True
    if not determiner:
        return False
    if fx.heads is None:
        fx.heads = {head_noun(x.phrase), "request" if x.kind == Kind.request else ""} - {""}
    return bool(fx.heads & mid)


def _same_followup(x: Cand, y: Cand, fx: _Facts, fy: _Facts) -> str | None:
    """How the later candidate y repeats the earlier x, or None when they are different follow-ups."""
    if x.explicit or y.explicit:
        if not (y.explicit and not x.explicit and y.sent - x.sent <= 3):
            return None
        return "summed-up" if fx.terms & fy.terms else None
    if y.sent == x.sent + 1:
        if _refers_back(x, y, fx, fy):
            return "refers-back"
        if x.kind == Kind.decision_followup and x.owner is None and y.kind == Kind.commitment and y.owner:
            return "carried-out"
    shared = fx.terms & fy.terms
    if not (fx.strong & fy.strong & shared) and (len(shared) < 2 or Kind.request not in (x.kind, y.kind)):
        return None
    return "same-topic"


def _rank(x: Cand) -> tuple[bool, int, int]:
    return (x.due is not None and x.due.due_start is not None, RANK[x.kind], -x.start)
