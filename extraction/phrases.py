"""Short imperative titles from the phrase a cue points at, and topic words to compare items.

"asked CBP for assistance in organizing ... a fact-finding tour for a small
delegation to include their chief" becomes "Organize and implement a
fact-finding tour for a small delegation". Titles are a pure function of the
object phrase, so a later record that names the same thing the same way gets
the same title (that is how repeated mentions are linked for now).
"""

from __future__ import annotations

import re

MAX_WORDS = 12  # words of the object phrase; the verb comes on top
DETERMINERS = frozenset("a an the this that these those their its his her our your some any".split())
SOFT_ADJECTIVES = frozenset("possible further future new closer small formal broad general additional"
                            " regular annual full potential proposed planned so-called".split())
BOUNDARY = frozenset("to for with on in at about concerning regarding of from by between through via before after until"
                     " and or that which who during under".split())
TRAILING = DETERMINERS | BOUNDARY | frozenset("as well also both their such".split())
STOPWORDS = DETERMINERS | BOUNDARY | frozenset(
    "be is are was were will would can could should may might must shall has have had not no nor"
    " but so than then there here it they we he she you them him us our also very much more most"
    " other such only own same both each few all any into over after before while as if up out"
    " off new possible further future issues matters".split())

# Head noun -> the verb a tracker would put in front of it.
HEAD_VERB = {
    **dict.fromkeys("visit visits ivp tour tours trip trips mission missions study delegation".split(), "Arrange"),
    **dict.fromkeys("meeting meetings review reviews conference workshop seminar session talks"
                    " consultations summit event briefing call forum round exchange".split(), "Hold"),
    **dict.fromkeys("course courses training presentation lecture demonstration".split(), "Deliver"),
    **dict.fromkeys("mou memorandum agreement protocol proposal arrangement treaty".split(), "Consider"),
    **dict.fromkeys("copy copies list draft report information data documents document assistance help"
                    " details feedback comments guidance equipment funding answer response update agenda"
                    " outline paper letter note analysis".split(), "Provide"),
    **dict.fromkeys("program programme mechanism channel partnership cooperation group framework"
                    " project".split(), "Set up"),
}
EVENT_NOUNS = frozenset("meeting meetings review reviews conference workshop seminar session talks"
                        " consultations summit event briefing call forum round exchange visit tour trip"
                        " mission course training ceremony signing hearing day exercise opening fair festival"
                        " launch reception dinner".split())
VAGUE_NOUNS = frozenset("cooperation support partnership relations dialogue engagement interest contacts"
                        " ties collaboration discussions work".split())
NOMINAL = {"resumption": "Resume", "establishment": "Establish", "organization": "Organize",
           "organisation": "Organise", "creation": "Create", "development": "Develop",
           "preparation": "Prepare", "delivery": "Deliver", "provision": "Provide", "signing": "Sign",
           "conclusion": "Conclude", "extension": "Extend", "expansion": "Expand", "renewal": "Renew",
           "revision": "Revise", "completion": "Complete", "submission": "Submit", "approval": "Approve",
           "translation": "Translate", "implementation": "Implement", "continuation": "Continue",
           "holding": "Hold", "scheduling": "Schedule", "review": "Review"}
IRREGULAR = {"being": "be", "having": "have", "making": "make", "taking": "take", "giving": "give",
             "holding": "hold", "setting": "set", "running": "run", "getting": "get", "putting": "put",
             "sending": "send", "writing": "write", "planning": "plan", "beginning": "begin",
             "shipping": "ship", "bringing": "bring", "meeting": "meet", "seeing": "see",
             "building": "build", "finding": "find", "leading": "lead", "reading": "read",
             "creating": "create", "completing": "complete", "deleting": "delete", "competing": "compete",
             "focusing": "focus"}
NO_E = frozenset("monitor mentor author sponsor honor favor anchor visit edit exhibit limit audit credit"
                 " deposit target budget travel cancel model signal label".split())


def base_verb(gerund: str) -> str:
    """'organizing' -> 'organize', 'rethinking' -> 'rethink', 'planning' -> 'plan'."""
    w = gerund.lower()
    if w in IRREGULAR:
        return IRREGULAR[w]
    if not w.endswith("ing") or len(w) < 5:
        return w
    s = w[:-3]
    if len(s) >= 3 and s[-1] == s[-2] and s[-1] in "bdgmnprt":
        return s[:-1]  # planning, submitting, shipping
    if s in NO_E:
        return s
    v, c = "aeiou", s[-1]
    prev = s[-2] if len(s) > 1 else ""
    prev2 = s[-3] if len(s) > 2 else ""
    needs_e = (
        c in "vczsu" and not s.endswith("ss")
        or s.endswith("uir")
        or (c == "g" and not (s.endswith("ng") and prev2 not in "ae"))
        or (c == "l" and (prev not in v or prev == "u" or (prev == "i" and prev2 not in v)))
        or (c in "rdtn" and prev in v and prev2 not in v and not (c == "r" and prev == "e")
            and not (c == "t" and prev in "ie") and not (c == "n" and prev != "i")
            and not (c == "d" and prev in "ae"))
        or (c == "k" and prev in "aiou" and prev2 not in v)
        or (c == "m" and prev in "uo" and prev2 not in v)
    )
    return s + "e" if needs_e else s


def sentence_case(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


# Compiled once: these run for every candidate, and re's cache lookup is a cost of its own.
ARTICLE = re.compile(r"\b([Aa]n?) +([A-Za-z][\w-]*)")
SOUNDS_W = re.compile(r"(?i:one|once|uni|use|usu|eu|ur[aeiou])")
CLAUSE_CUT = re.compile(r",|;|:| [-–—] ")  # each branch opens with a literal: re skips ahead to them
SOFT = re.compile(r"\b(?:possible|potential|so-called) +", re.I)
VP_LEAD = re.compile(r"^(?:(?:help|assist|be +able) +(?:to +|in +|with +)?|(?:try|continue|begin|start) +to +)", re.I)
VP_LEAD_FIRST = "hHaAbBtTcCsS\u017f"  # the letters VP_LEAD opens with, as re.I folds them ('ſ' is 's')
NP_LEAD = re.compile(r"^(?:(?:assistance|help|support) +(?:in|with) +)", re.I)
OF_NOMINAL = re.compile(r"(?:(?:a|an|the) +)?(\w+) +of +(.+)", re.I)
CAP_DETERMINER = re.compile(r"^(The|A|An|This|These|His|Her|Their|Its|Our)\b")
WORD = re.compile(r"[A-Za-z][\w-]*")


def fix_articles(s: str) -> str:
    """'a IVP' -> 'an IVP', 'an MOU' stays: acronyms go by how their first letter sounds."""
    def pick(m: re.Match[str]) -> str:
        word = m.group(2)
        sounds_w = SOUNDS_W.match(word) and not word[:2].isupper()
        vowel = (word[:2].isupper() and word[0] in "AEFHILMNORSX") or (
            not word[:2].isupper() and word[0].lower() in "aeiou" and not sounds_w)
        art = ("An" if m.group(1)[0] == "A" else "an") if vowel else ("A" if m.group(1)[0] == "A" else "a")
        return f"{art} {word}"
    # Every match holds "a ", "A ", "an " or "An ": most titles have no article to fix.
    return ARTICLE.sub(pick, s) if "a " in s or "A " in s or "an " in s or "An " in s else s


REL_INCLUDE = re.compile(r",? +(?:which|that) +(?:will +)?(?:include|includes|involve|involves|cover|covers)"
                         r" +([^,;]{1,100}),?")
PARENS = re.compile(r" *\([^()]{0,80}\)")
REDUCED_REL = re.compile(r" (?:planned|scheduled|set|due|expected|slated|foreseen|originally) +(?:for|to|in|on)\b")
RELATIVE = re.compile(r" (?:which|who|whom|whose|where)\b| that +(?:they|we|he|she|it|I|you)\b|"
                      r" (?:they|we|he|she|it) +(?:had|has|have|will|would|are|is|were|was|plan|planned)\b")
TOPICAL_PP = re.compile(r" (?:on|about|in|for|of) +(?:[\w-]+ +){0,2}[A-Z]{2,}[\w-]*$")


def tidy(phrase: str) -> str:
    """Cut an object phrase down to its core: no asides, relative clauses or long tails."""
    p = " ".join(phrase.split())
    if "which" in p or "that" in p:  # the literals each pattern needs: most phrases have neither
        p = REL_INCLUDE.sub(r" with \1", p)
    if "(" in p:
        p = PARENS.sub("", p)
    if "," in p or ";" in p or ":" in p or " -" in p or " –" in p or " —" in p:  # most phrases have none
        cut = CLAUSE_CUT.search(p)
        p = p[:cut.start()] if cut else p
    m = RELATIVE.search(p)
    if m:
        rest = p[m.start():]
        p = p[: m.start()]
        keep = TOPICAL_PP.search(rest)  # "the course that they had planned ... on advanced NII"
        if keep:
            p += keep.group()
    m = REDUCED_REL.search(p)
    if m:
        p = p[: m.start()]
    words = p.split()
    if len(words) > MAX_WORDS:
        # Cut before a preposition so the title ends on a whole phrase; "and" only as a last resort.
        cuts = [i for i, w in enumerate(words[: MAX_WORDS + 1]) if w.lower() in BOUNDARY and i >= 3]
        preps = [i for i in cuts if words[i].lower() not in ("and", "or")]
        words = words[: max(preps or cuts or [MAX_WORDS])]
    while words and words[-1].lower().strip(".") in TRAILING:
        words.pop()
    return " ".join(words).strip(" .")


GROUP_ENDS = BOUNDARY - {"and"}  # once, not a set difference per word
NOT_HEAD = DETERMINERS | SOFT_ADJECTIVES
KNOWN_NOUNS = frozenset(HEAD_VERB) | VAGUE_NOUNS | EVENT_NOUNS


def head_noun(np: str) -> str:
    """The head of the first noun group (the words before the first preposition): its last known
    noun ('IVP visit' -> 'visit'), else its last word ('the Program Review with ...' -> 'review')."""
    last = known = ""
    for w in np.split(maxsplit=8)[:8]:  # the first eight words, without splitting the rest
        lw = w.lower().strip(".,;:'’")
        if lw in GROUP_ENDS:
            break
        if lw.endswith(("'s", "’s")):
            lw = lw[:-2]
        if lw not in NOT_HEAD:
            last = lw
            if lw in KNOWN_NOUNS:
                known = lw
    return known or last


def head_verb(np: str) -> str | None:
    """The verb a tracker puts before np's head noun, if the noun is a known one."""
    return HEAD_VERB.get(head_noun(np))


def drop_soft(np: str) -> str:
    """'a possible IVP' -> 'an IVP': hedging adjectives do not belong in a title."""
    return fix_articles(SOFT.sub("", np))


def title_from_vp(vp: str) -> str:
    """'help arrange a tour ...' / 'organizing and implementing a tour' -> 'Arrange a tour ...'."""
    p = vp.strip()
    lead = VP_LEAD.match(p) if p[:1] in VP_LEAD_FIRST else None  # anchored: at most one match, at the start
    p = tidy(p[lead.end():] if lead else p)  # its words joined by single blanks
    words = p.split()
    if words and words[0].lower().endswith("ing"):
        words[0] = base_verb(words[0])
        if len(words) > 2 and words[1] in ("and", "or") and words[2].lower().endswith("ing"):
            words[2] = base_verb(words[2])
        p = " ".join(words)
    return fix_articles(p[:1].upper() + p[1:])  # sentence_case


def title_from_np(np: str, default_verb: str = "Provide") -> str:
    """An imperative title for a noun phrase object: 'an MOU between ...' -> 'Consider an MOU between ...'."""
    p = NP_LEAD.sub("", np.strip())
    if p.split()[:1] and p.split()[0].lower().endswith("ing") and p.split()[0].lower() not in EVENT_NOUNS:
        return title_from_vp(p)
    m = OF_NOMINAL.match(p)
    if m and m.group(1).lower() in NOMINAL:
        return fix_articles(f"{NOMINAL[m.group(1).lower()]} {tidy(m.group(2))}")
    core = tidy(drop_soft(p))
    core = CAP_DETERMINER.sub(lambda m: m.group(1).lower(), core)
    verb = head_verb(core) or default_verb
    return fix_articles(f"{verb} {core}") if core else ""


def topic_terms(phrase: str, ignore: frozenset[str] = frozenset()) -> tuple[set[str], set[str]]:
    """(content words, strong words): strong ones are acronyms and mid-phrase capitals."""
    terms, strong = set(), set()
    for i, w in enumerate(WORD.findall(phrase)):
        lw = w.lower()
        if lw in STOPWORDS or len(lw) < 3 or lw in ignore:
            continue
        if lw.endswith("s") and not lw.endswith("ss"):
            lw = lw[:-1]
        terms.add(lw)
        if w.isupper() and len(w) >= 2 or (i > 1 and w[0].isupper()):
            strong.add(lw)
    return terms, strong
