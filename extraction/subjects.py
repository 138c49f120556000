"""Who is behind a 'will': the party or noun phrase right before the modal."""

from __future__ import annotations

import re

from extraction.candidate import Ctx
from extraction.people import Mention
from extraction.phrases import EVENT_NOUNS

# "will, by 15 March, send", "will also send", "will shortly provide": an aside between
# commas and adverbs may sit between the modal and its verb. Both are bounded: linear time.
ADVERBS = ("also now then soon shortly still likely probably formally jointly personally promptly immediately"
           " quickly swiftly urgently first again further separately subsequently duly officially directly"
           " thereafter meanwhile").split()
WILL = re.compile(r"\b(?:will|shall|is +to|are +to|was +to|were +to|is +going +to|are +going +to)"
                  r"(?: +(?:" + "|".join(ADVERBS) + r"))*(?:, +[^,;]{1,60}?,)?"
                  r"(?: +(?:" + "|".join(ADVERBS) + r"))* +(?!(?:be|not|never|have|include)\b)(?P<vp>.+)")
NAME_BEFORE = re.compile(r"(?:^|[^\w])(?:I|[A-Z][a-z]+)\s*$")
# A common noun phrase that can act: "the delegation", "the working group", "our team".
# Lower-case subjects that are things ("the report", "the weather") promise nothing.
AGENTS = frozenset((
    "delegation group team secretariat committee subcommittee board council ministry embassy consulate mission"
    " post office department agency directorate bureau commission panel unit division branch service presidency"
    " government authority side partner host organiser organizer sponsor contractor consultant vendor supplier"
    " director chair chairman chairwoman chairperson president minister secretary officer manager coordinator"
    " lead staff member clerk delegate representative expert adviser advisor official ambassador envoy"
    " rapporteur facilitator editor author convener convenor treasurer administrator analyst researcher"
    " force taskforce caucus network working").split())
JOINT = frozenset(("side", "sides", "parties"))
DETERMINER = ("the", "our", "their", "its", "his", "her", "your", "my", "each", "every", "both", "all", "this", "that")
# "In May, the delegation will", "Officials said the team will": the phrase after a lead-in.
# Matched on at most 200 characters: the greedy lead-in finds the last such boundary.
NP_BEFORE = re.compile(r"(?:.*(?:, +|\bthat +|\b(?:said|says|added|noted|confirmed) +))?"
                       r"(?P<np>(?:[\w'’-]+ +){0,4}[\w-]+)$")
RELATIVE_ASIDE = re.compile(r", +(?:which|who) +[^,]{1,100},")


def agent(word: str) -> bool:
    """'delegation', 'members', 'authorities': a head noun that can act."""
    w = word.lower()
    return w in AGENTS or w[-1:] == "s" and (w[:-1] in AGENTS or w[-3:] == "ies" and w[:-3] + "y" in AGENTS)


NOT_IN_NP = frozenset(("is", "are", "was", "were", "has", "have", "had", "will", "would", "and", "or"))


def agent_np(before: str) -> str | None:
    """'the delegation' in 'In May, the delegation' (the determiner dropped); None if not an acting noun."""
    if "," in before:  # every RELATIVE_ASIDE match holds one
        before = RELATIVE_ASIDE.sub("", before)
    before = before.rstrip(" ,")
    last = before.rsplit(None, 1)[-1:]  # a match's last word, and its head but for "of"
    if not last or "of" not in before and not agent(last[0]):
        return None
    m = NP_BEFORE.match(before)
    if not m:
        return None
    words = m["np"].split()
    head = words[:words.index("of")] if "of" in words[1:] else words  # "members of the committee"
    if not agent(head[-1]) or len(head) > 1 and words[0].lower() not in DETERMINER:
        return None  # "staff will", "the working group will"; not "the report will"
    if not NOT_IN_NP.isdisjoint(map(str.lower, words[1:])):
        return None
    return " ".join(words[1:]) if words[0].lower() == "the" else " ".join(words)


def as_owner(np: str | None) -> str | None:
    """An acting noun phrase as an owner; 'the two sides' act jointly, so the record's defaults say who leads."""
    return None if np is None or np.split()[-1].lower() in JOINT else np


def will_actor(ctx: Ctx, a: int, cut: int, ps: list[Mention]) -> str | bool:
    """'CBP will', 'the Russian side will', 'we will', 'the working group will': an actor right before?

    cut is where the subject ends (aside_at: "the delegation, which arrived on Monday, will"), ps
    the parties in flat[a:cut]. True for a party or a name, the acting noun phrase agent_np read
    from flat[cut - 200:cut] ('working group'), False for none.
    """
    if ps and not ctx.flat[ps[-1].end:cut].strip(" 's’"):
        return True
    before = ctx.flat[max(a, cut - 30):cut].rstrip(" ,")  # "Our lead, Gemma Price, will"
    last = (before.split()[-1:] or [""])[0]
    # A last word of letters only is all of NAME_BEFORE's name, if any: then it opens with A-Z.
    if (not last.isalpha() or "A" <= last[0] <= "Z") and NAME_BEFORE.search(before) \
            and last not in ("It", "This", "That", "There", "Which") and last.lower() not in EVENT_NOUNS:
        return True
    return agent_np(ctx.flat[max(a, cut - 200):cut]) or False  # bounded: the lead-in backtracks
