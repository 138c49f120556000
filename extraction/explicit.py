"""Explicit action lines: "ACTION: Alice to send ...", "TODO:", "- [ ] @bob ...", "CLERK TO WRITE TO ...".

Whoever wrote such a line meant it as a follow-up, so these come out with high
confidence; the work is in reading the owner, the task and the due phrase.
"""

from __future__ import annotations

import re

from extraction.candidate import Cand, Ctx, strip_due
from extraction.wordtrie import has
from extraction.phrases import fix_articles, sentence_case, tidy, title_from_vp
from models.status import Kind

LABEL = re.compile(
    r"(?:[-*+•] +)?(?:\[[A-Z]+\] *)?(?:"
    r"(?P<label>(?i:action +items?|action +requests?|action|next +steps?|todo|to-?do|resolved|resolution|decision|ai))"
    r" *[:\-–] *|(?P<label2>#action|TODO|ACTION) +)"
)
CHECKBOX = re.compile(r"[-*+] +\[(?P<mark>[ xX]?)\] +")
BULLET = re.compile(r"[-*+•] +")
# Council minutes: "CLERK TO WRITE TO ...". Not a cable's routing line "FM AMEMBASSY MOSCOW TO SECSTATE".
CAPS = re.compile(r"(?!(?:FM|FROM|INFO|CC|SUBJ(?:ECT)?)\b)(?P<owner>[A-Z][A-Z.&'’ ]{1,40}?) +TO +"
                  r"(?!SECSTATE\b)(?P<verb>[A-Z]{3,})\b")
HEADING = re.compile(r"(?:#{1,6} +)?(?i:(?:next +steps?|action +items?|actions|follow-?ups?|to-?dos?|action +requests?))"
                     r" *:? *$")
# What a CHECKBOX or LABEL match can open with (a mark, or a label's first two letters, any case);
# CAPS needs " TO ". Outside ASCII `re` folds case its own way, so there the patterns decide.
LINE_FIRST = "-*+•[#"
LABEL_OPENS = frozenset(("ac", "ne", "to", "re", "de", "ai"))
HEADING_FIRST = "#nNaAfFtT"  # what a HEADING match can open with (outside ASCII the pattern decides)

# A previous action reviewed as finished: not a follow-up any more.
DONE = re.compile(r"(?:[-–—:,(]|\bis|\bwas) *(?:done|completed|complete|closed|finished|delivered|sent)\b(?![ -]*(?:by|on|in|before)\b)",
                  re.IGNORECASE)
DONE_WORDS = ("done", "complete", "closed", "finished", "delivered", "sent")  # every DONE match holds one
ACTION_ID = re.compile(r"(?:#?\d[\w./-]{0,15}[:.]? +)?")  # "2023-05/3", "#12", "4.2"
NICK = re.compile(r"(?P<o>[\w.|-]{2,30}):? +(?=[a-z])")
AT_OWNER = re.compile(r"@(?P<o>[\w.-]+)[:,]? *")
NAMED_OWNER = re.compile(
    r"(?:[Tt]he +)?(?P<o>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}|[a-z][\w.-]{1,20})(?: +(?:and|&) +(?P<o2>[A-Z][\w'’-]*))?"
    r" +(?:to|will|should|must|shall) +(?P<rest>\S.*)"
)
COLON_OWNER = re.compile(r"(?P<o>[A-Z][\w'’.-]*(?: (?:[A-Z][\w'’.-]*|and|&)){0,3}) *(?::|[-–—]) +(?P<rest>\S.*)")
# "Post requests that ISN/ECC approve funding ...": who asks, who is to act, what.
ASKS_THAT = re.compile(r"(?P<r>[A-Z][\w/&.-]*(?: [A-Z][\w/&.-]*){0,3}) +(?:requests|asks|requested|asked) +(?:that +)?"
                       r"(?:the +)?(?P<o>[A-Z][\w/&.-]*(?: [A-Z][\w/&.-]*){0,3}) +(?:to +)?(?P<rest>[a-z].*)")
PAREN_OWNER = re.compile(r"\((?P<o>[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2})\) *")
TRAILING_OWNER = re.compile(r"(?P<rest>.+?) *(?:[-–—] *|\(|\[) *(?:owner:? *)?(?P<o>[A-Z][\w'’-]+"
                            r"(?: [A-Z][\w'’-]+)?)[)\]]? *\.?$")
VERBS = frozenset("send draft review check ask prepare update write call book follow confirm share circulate"
                  " schedule investigate fix renew add remove create make set get find contact publish file post"
                  " start look reach test merge deploy run organize organise arrange email reply respond discuss"
                  " edit read agree decide propose submit plan talk sync move close open clean document"
                  " implement".split())
NOT_NAMES = frozenset("It This That There These Those They We He She The A An Send Draft Review Check Ask"
                      " Prepare Update Write Call Book Follow Confirm Share Circulate Schedule".split())


def is_heading(text: str) -> bool:
    """A line such as "Next steps:" that makes the bullets under it action items."""
    first = text[:1]
    if first not in HEADING_FIRST and first.isascii() and not first.isspace() or "." in text:
        return False  # what every line pays: a test or two (no heading holds a "."), not a stripped copy and the pattern
    t = text.strip()
    if t[:1] not in HEADING_FIRST and t[:1].isascii():
        return False
    return bool(HEADING.fullmatch(t))


def explicit(ctx: Ctx, a: int, b: int, in_section: bool) -> list[Cand] | None:
    """Items from a labelled line at flat[a:b]; [] for a done checkbox; None if not such a line."""
    flat = ctx.flat
    two = flat[a:min(a + 2, b)]
    if not in_section and two[:1] not in LINE_FIRST and two.lower() not in LABEL_OPENS and two.isascii() \
            and flat.find(" TO ", a, b) < 0:
        return None  # cannot be a checkbox, a label or "CLERK TO ...": most lines, without three patterns
    t = flat[a:b]  # only now: most lines never need the copy
    kind, conf = Kind.action, 0.92
    m = CHECKBOX.match(t)
    if m:
        if m["mark"].strip():
            return []  # "- [x]": already done
        body = m.end()
    elif (m := LABEL.match(t)) is not None:
        label = (m["label"] or m["label2"]).lower()
        if label.startswith(("resol", "decision")):
            kind = Kind.decision_followup
        elif "request" in label:
            kind = Kind.request
        body = m.end()
    elif (m := CAPS.match(t)) and sum(ch.isupper() for ch in t) > 0.6 * sum(ch.isalpha() for ch in t):
        owner = " ".join(m["owner"].split()).title()
        rest = t[m.start("verb"):].lower()
        return [_item(ctx, a, b, owner, rest, Kind.action, 0.88)]
    elif in_section:
        m = BULLET.match(t)
        body, conf = (m.end() if m else 0), 0.85
    else:
        return None
    if not t[body:].strip() or has(t, DONE_WORDS, fold=True) and DONE.search(t, body):
        return []  # "ACTION 2023-05/1 (Ada) publish the guidance - done."
    body = ACTION_ID.match(t, body).end()
    nick = NICK.match(t, body)
    chat = t[:7].lower() == "#action"
    if nick and (nick["o"] in ctx.speakers or chat and nick["o"].lower() not in VERBS):
        # "#action tanya renew ...": meeting bots put the owner's nick first
        return [_item(ctx, a, b, nick["o"], t[nick.end():], kind, conf)]
    asks = ASKS_THAT.match(t, body)
    if asks:
        item = _item(ctx, a, b, asks["o"], asks["rest"], Kind.request, conf)
        item.requester = ctx.directory.normalise(asks["r"])
        return [item]
    owner, rest = _owner(t[body:])
    return [_item(ctx, a, b, owner, rest, kind, conf)]


def _owner(body: str) -> tuple[str | None, str]:
    """(owner, the task text)."""
    m = AT_OWNER.match(body)
    if m:
        return m["o"], body[m.end():]
    m = NAMED_OWNER.match(body)
    if m and m["o"].split()[0] not in NOT_NAMES:
        owner = m["o"] + (f" and {m['o2']}" if m["o2"] else "")
        return owner, m["rest"]
    m = PAREN_OWNER.match(body)
    if m:
        return m["o"], body[m.end():]
    m = COLON_OWNER.match(body)
    if m and m["o"].split()[0] not in NOT_NAMES:
        return m["o"], m["rest"]
    m = re.search(r"@(?P<o>[\w.-]+)", body)
    if m:
        return m["o"], body[: m.start()] + body[m.end():]
    m = TRAILING_OWNER.match(body)
    if m and m["o"].split()[0] not in NOT_NAMES:
        return m["o"], m["rest"]
    return None, body


def _item(ctx: Ctx, a: int, b: int, owner: str | None, rest: str, kind: Kind, conf: float) -> Cand:
    due = ctx.due(a, b)
    task = strip_due(rest, due)
    title = title_from_vp(task) or sentence_case(tidy(task))
    if owner:
        owner = ctx.directory.normalise(owner)
    return Cand(kind=kind, title=fix_articles(title), start=a, end=b, confidence=conf, phrase=task,
                owner=owner, due=due, explicit=True)
