"""What a rule proposes, and the record-wide context rules read."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import date

from extraction.dates import Due, find_due
from extraction.people import Directory, Mention
from extraction.phrases import VAGUE_NOUNS, fix_articles, head_noun
from extraction.wordtrie import has, is_word
from models.status import Kind


@dataclass(slots=True)  # thousands per record: slots make them cheaper to build
class Cand:
    """A proposed item; core.py settles its people and turns it into an ActionItemCreate."""

    kind: Kind
    title: str
    start: int  # evidence span in the original text
    end: int
    confidence: float
    phrase: str = ""  # the object phrase: what the item is about (for merging)
    requester: str | None = None
    owner: str | None = None
    counterpart: str | None = None
    due: Due | None = None
    para: int = 0
    sent: int = 0
    para_at: int = 0  # where its paragraph starts
    via: str | None = None  # "follow-up through the Russian Embassy"
    response: bool = False  # not an item: "CBP responded positively" to the request before
    explicit: bool = False  # from a labelled line ("ACTION: ..."): never merged with another


@dataclass
class Ctx:
    """The record as rules see it: flat text, record date, who is mentioned where."""

    flat: str
    ref: date | None
    directory: Directory
    mentions: list[Mention]
    ranked: list[str] = field(default_factory=list)  # organisations, most-named first
    sides: dict[str, str] = field(default_factory=dict)  # country -> its most-named organisation
    last_person: Mention | None = None  # before the current sentence: what "he"/"she" means
    last_org: str | None = None  # likewise for "they"
    para_start: int = 0
    speakers: frozenset[str] = frozenset()  # a chat log's "<nick>" names
    _starts: list[int] = field(default_factory=list)
    _due: dict[tuple[int, int], Due | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._starts = [m.start for m in self.mentions]

    @property
    def home(self) -> str | None:
        """The most-named organisation: whose report this is."""
        return self.ranked[0] if self.ranked else None

    def within(self, a: int, b: int) -> list[Mention]:
        """Mentions that start in flat[a:b]."""
        i, j = bisect.bisect_left(self._starts, a), bisect.bisect_left(self._starts, b)
        return self.mentions[i:j]

    def resolve(self, m: Mention | None, a: int | None = None) -> tuple[str | None, str | None]:
        """(party name, its organisation) for a mention; pronouns read the context."""
        if m is None:
            return None, None
        if m.kind == "person":
            return m.name, m.org
        if m.kind == "org":
            return m.name, m.name
        if m.kind == "side":
            org = self.sides.get(m.country or "")
            return (org or m.name), org
        if m.kind == "he":
            return self.resolve(self.last_person) if self.last_person else (None, None)
        if m.name == "we":
            return self.home, self.home
        # "they": the nearest party named before it in this sentence, else the last organisation.
        before = [x for x in self.within(a if a is not None else self.para_start, m.start)
                  if x.kind in ("org", "side", "person")]
        if before:
            return self.resolve(before[-1])
        return self.last_org, self.last_org

    def due(self, a: int, b: int) -> Due | None:
        """The due phrase in flat[a:b]; several rules ask about the same clause, so it is computed once."""
        key = (a, b)
        if key not in self._due:
            self._due[key] = find_due(self.flat, self.ref, a, b)
        return self._due[key]


def strip_due(phrase: str, due: Due | None) -> str:
    """The phrase without its due words: titles say what, not when."""
    p = " ".join(phrase.split())
    if due is None or not due.text:
        return p.strip(" .,;:") if due is None else _strip_words(p, due.text)
    at = _find_word(p, due.text)  # due.text's blanks are single spaces too: a match holds it as written
    if at < 0:
        return p.strip(" .,;:")
    n = len(due.text)
    if p.find(due.text) != at or p.find(due.text, at + 1) >= 0 or _HOLE in p:
        return _strip_words(p, due.text)  # another copy, even inside a word, could meet the lead or tail words
    # One copy: a hole in its place lets one compiled pattern find the lead and tail words around it
    # (compiling a pattern per due text cost more than the rest of extraction on text never seen).
    # Most due texts follow no lead word: then the search starts at the hole, not at every place before it.
    lead = at > 1 and p[at - 1] == " " and p[p.rfind(" ", 0, at - 1) + 1:at - 1].endswith(_LEAD_LAST)  # ".for"
    from_ = max(at - _LEAD_MAX, _lead_from(p, at)) if lead else at
    m = _AROUND.search(p[:at] + _HOLE + p[at + n:], from_)
    p = p[:m.start()] + " " + p[m.end() + n - 1:]
    return " ".join(p.split()).strip(" .,;:")


def _lead_from(p: str, at: int) -> int:
    """Where the search for lead words before p[at] (after a blank) can start: a lead is whole
    lead words back to the first that is not one, which it can only end ("(in"); the regex then
    tries a few places instead of every one of the 44 before the hole."""
    end = at - 1
    while True:
        sp = p.rfind(" ", 0, end)
        word = p[sp + 1:end]
        if word not in _LEAD_WORDS:
            return sp + 1 if word.endswith(_LEAD_ENDS) else end + 1
        if sp < 0:
            return 0
        end = sp


def _find_word(p: str, text: str) -> int:
    """The first copy of text in p that is not part of a longer word ("May" in "Mayfield"), else -1."""
    at = p.find(text)
    while at >= 0:
        n = at + len(text)
        if not (at > 0 and is_word(text[0]) and is_word(p[at - 1])) and \
                not (n < len(p) and is_word(text[-1]) and is_word(p[n])):
            return at
        at = p.find(text, at + 1)
    return -1


def _strip_words(p: str, text: str) -> str:
    p = _due_words(text).sub(" ", p, count=1)
    return " ".join(p.split()).strip(" .,;:")


# The words around a due text that say only when: the prepositions the due patterns accept but leave
# out of the due text ("through", "due"), and a part of the time ("at the start of next week"; "in the
# first week of May 2021" when its first week is past and the due text is the month).
_DUE_LEAD = (r"(?:\b(?:later|earlier|sometime)\s+)?(?:\b(?:in|on|at|for|during|from|within|through|throughout|over|"
             r"due)\s+)?(?:\b(?:the\s+)?(?:(?:first|second|third|fourth|last|final)\s+)?(?:start|beginning|middle|end|"
             r"course|rest|remainder|week|weekend|half|quarter|morning|afternoon|evening|night|eve)\s+of\s+|"
             r"\bas\s+of\s+)?")
_DUE_TAIL = (r"(?:\s+(?:of|from|after)\s+(?:receipt|signature|approval|(?:the|its)\s+[\w-]+)|"
             r"\s+at\s+the\s+(?:latest|earliest))?")
_LEAD_MAX = len("sometime throughout the second remainder of ")  # the longest _DUE_LEAD in a phrase of single spaces
_LEAD_LAST = tuple("later earlier sometime in on at for during from within through throughout over due of".split())
# Every word _DUE_LEAD holds (its \b and \s taken out first).
_LEAD_ENDS = tuple(sorted(set(re.findall("[a-z]+", _DUE_LEAD.replace(r"\b", " ").replace(r"\s", " ")))))
_LEAD_WORDS = frozenset(_LEAD_ENDS)
_HOLE = "\ue000"  # private use: neither a word character nor a blank, so \b and \s see it as the text's edge
_AROUND = re.compile(_DUE_LEAD + _HOLE + _DUE_TAIL)


@lru_cache(maxsize=4096)  # one pattern per due text: the same phrases come back clause after clause
def _due_words(text: str) -> re.Pattern[str]:
    # Bound to word edges where the text has them: "May" is not the start of "Mayfield".
    edge_a = r"(?<!\w)" if is_word(text[:1]) else ""
    edge_b = r"(?!\w)" if is_word(text[-1:]) else ""
    return re.compile(_DUE_LEAD + edge_a + r"\s+".join(re.escape(w) for w in text.split()) + edge_b + _DUE_TAIL)


# --- helpers every rule uses -----------------------------------------------------------------

PARTY = ("person", "org", "side", "he", "they")
NEG = re.compile(r"\b(?:not|never|no +longer|declined|refused)\b(?:\W+\w+){0,2}\W*$", re.I)
NEG_WORDS = ("not", "never", "no", "declined", "refused")


def negated(t: str, end: int) -> bool:
    """NEG in t[:end] ('has not agreed to'); the pattern runs only where one of its words is."""
    return has(t[:end], NEG_WORDS, fold=True) and NEG.search(t, 0, end) is not None


PAST = re.compile(r"\b(?:was|were)\s+(?:held|signed|completed|delivered|conducted|concluded|finished|sent)\b|"
                  r"\btook\s+place\b|\bha(?:s|ve)\s+been\s+(?:completed|signed|delivered|held|sent)\b")
PAST_WORDS = ("was", "were", "took", "been")  # every PAST match holds one
HEDGE = re.compile(r"\b(?:if|unless|might|may|could|perhaps)\b")
HEDGE_WORDS = ("if", "unless", "might", "may", "could", "perhaps")


def parties(ctx: Ctx, a: int, b: int) -> list[Mention]:
    """People, organisations, sides and pronouns in flat[a:b]."""
    return [m for m in ctx.within(a, b) if m.kind in PARTY]


def make(ctx: Ctx, kind: Kind, ea: int, eb: int, title: str, phrase: str, conf: float,
         due: Due | None = None, **kw) -> Cand | None:
    """A candidate with its confidence adjusted for dates, hedges and vague objects; None if untitled."""
    if not title or len(title.split()) < 2:
        return None
    if due and due.due_end and ctx.ref and (ctx.ref - due.due_end).days > 90:
        due = None  # "last held in 2007": background, not when this is due
    if due and due.due_start:
        conf += 0.05
    if has(ctx.flat[ea:eb], HEDGE_WORDS) and HEDGE.search(ctx.flat, ea, eb):
        conf -= 0.15
    if head_noun(phrase) in VAGUE_NOUNS:
        conf = min(conf, 0.45)
    return Cand(kind=kind, title=fix_articles(title), start=ea, end=eb, confidence=round(min(max(conf, 0.05), 0.97), 2),
                phrase=phrase, due=due, **kw)


NAMED = re.compile(r"(?:^|[^\w'’])(?:[Tt]he +)?(?P<n>[A-Z][\w'’&.-]*(?: +(?:of +|for +|and +)?[A-Z][\w'’&.-]*){0,4})"
                   r"(?: +(?:also|now|then|still|has|have|had))* *$")
FUNCTION_WORDS = frozenset("It This That There These Those Which What When Where While If As In On At But And".split())


def named(text: str) -> str | None:
    """A capitalised name at the end of text ('The Ministry', 'Bob'), kept as written."""
    m = NAMED.search(text[-80:].rstrip(" ,"))
    if not m or m["n"].split()[0] in FUNCTION_WORDS:
        return None
    return m["n"]


# "X, which arrived on Monday, will", "X (who chairs it) will", "X, as agreed, will": a clause
# between the subject and its verb says nothing of who acts or when. Bounded: linear time.
ASIDE = re.compile(r"(?:, *|\( *)(?:which|who|whom|whose|as(?! +(?:well|a|an|the|of|for|to|in)\b))\b"
                   r"[^,()]{1,100}(?:,|\)) *$")


def aside_at(flat: str, a: int, cue_at: int) -> int:
    """Where a relative or parenthetical clause right before the cue starts (cue_at if none)."""
    before = flat[max(a, cue_at - 120):cue_at].rstrip()
    if before[-1:] not in ",)":
        return cue_at
    m = ASIDE.search(before)
    return max(a, cue_at - 120) + m.start() if m and m.start() > 0 else cue_at


def clause_due(ctx: Ctx, a: int, b: int, cue_at: int, cut: int | None = None) -> Due | None:
    """The due phrase of the main clause: 'X, which arrived on Monday, will report in May' is due in May.
    `cut`: aside_at(ctx.flat, a, cue_at), where the caller has it already."""
    cut = aside_at(ctx.flat, a, cue_at) if cut is None else cut
    return ctx.due(a, b) if cut == cue_at else ctx.due(cue_at, b) or ctx.due(a, cut)


def subject(ctx: Ctx, a: int, cue_at: int) -> str | None:
    """The party right before a cue ('CBP will', 'they are now ...'), else a name as written."""
    cut = aside_at(ctx.flat, a, cue_at)
    return party_or_name(ctx, a, cut, parties(ctx, a, cut))


def party_or_name(ctx: Ctx, a: int, cut: int, ps: list[Mention]) -> str | None:
    """The last of the parties `ps` named in flat[a:cut], resolved, else a name as written there."""
    return ctx.resolve(ps[-1], a)[0] if ps else named(ctx.flat[a:cut])
