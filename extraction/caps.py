"""All-capitals records (older cables): find them, and read them from a sentence-cased copy.

The rules read case (names, months, sentence starts), so "POST WILL MEET WITH THE MINISTRY ON
12 MARCH." gives little as written. `sentence_case` returns a copy of the same length in which
the body reads "Post will meet with the ministry on 12 March."; every offset still indexes the
original, so evidence is taken from the original text at the same span.
"""

from __future__ import annotations

import re

from extraction.people import Directory

CHUNK = 4096
_UPPER = bytes(range(65, 91))
_LOWER = bytes(range(97, 123))


def mostly_upper(text: str, a: int, b: int) -> bool:
    """Nine in ten of the ASCII letters in text[a:b] are capitals. O(n) at C speed, and a record
    in mixed case is ruled out on its first chunk."""
    up = low = 0
    for i in range(a, b, CHUNK):
        chunk = text[i:min(b, i + CHUNK)].encode("ascii", "ignore")
        n = len(chunk)
        up += n - len(chunk.translate(None, _UPPER))
        low += n - len(chunk.translate(None, _LOWER))
        if low * 9 > up + 90:  # more than a tenth lower-case (a little slack on short records)
            return False
    return up >= 40 and low * 9 <= up


# Lines kept as written: date-time groups, routing and the subject line (the record's title).
KEEP_LINE = re.compile(r"^[ \t]*(?:[A-Z] \d{6}Z\b|(?:FM|TO|INFO|DE|CC|REF|TAGS|E\.O\.|SUBJECT|SUBJ)\b)[^\n]*",
                       re.MULTILINE)
# A sentence starts after a full stop or a blank line; a paragraph number or a label opens a line.
START = re.compile(r"(?:\A|[.!?][\"')\]]*\s+|\n[ \t]*\n)(?:(?:\d{1,2}[.)]|\(\w{1,3}\)|[-*•])[ \t]+)?[\"'(]?[a-z]")
LINE_START = re.compile(r"^[ \t]*(?:\d{1,2}[.)]|\(\w{1,3}\)|[-*•])[ \t]+[\"'(]?[a-z]", re.MULTILINE)
LABEL = re.compile(r"^[ \t]*[a-z][a-z ]{0,30}:[ \t]+[\"'(]?[a-z]", re.MULTILINE)  # "action request: post ..."
HONORIFIC = re.compile(r"(?=[mdpa])\b(?:mr|mrs|ms|dr|prof|amb)\.? +[a-z]")  # "Mr. Smith": the name after it
# Months and weekdays; "may" and "mar" only where a date says so (the modal, the verb otherwise).
MONTHS = re.compile(r"(?=[adfjmnost])\b(?:january|february|march|april|june|july|august|september|october|november|"
                    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|jan|feb|mar|apr|may|jun|"
                    r"jul|aug|sept?|oct|nov|dec)\b")
FULL_NAMES = frozenset("january february march april june july august september october november december monday"
                       " tuesday wednesday thursday friday saturday sunday".split())
DATE_WORDS = frozenset("in by of on to early late mid until before after since from during".split())
# In a cable "POST" is the mission writing it ("the ministry asked Post for"), not the verb.
POST = re.compile(r"(?=p)\bpost\b(?![-'’])")
# Acronyms stay capitals: no vowel ("FCS", "DHS"), a digit ("Q1", "G8"), or a few common ones.
ACRONYM = re.compile(r"\b(?!(?:MR|MRS|MS|DR|ST)\b)(?:[B-DF-HJ-NP-TV-XZ]{2,6}|[A-Z]+\d[A-Z\d]*|\d+[A-Z]+[A-Z\d]*|"
                     r"MOU|MOA|NGO|NGOS|USG|UN|EU|NATO|OSCE|IAEA|US|USA|UK|I)\b")


# "US" is the country, not "us", where the country is what such a word takes: "the US side",
# "between US and Russia", "visit to the US", "counterparts in the US".
US_BEFORE = ("THE ", " BETWEEN ", " AND ", " IN ")
# An acronym that has a vowel yet cannot be an English word: it ends in a doubled I or U ("NII")
# or in a consonant pair that ends no English word ("IVP", "AFP"). English words end on a consonant
# pair led by L, M, N, R, S or W ("HELP", "DOWN") or closed by H, S, F or Y ("BOTH", "ACTS", "OFF"),
# so those are never checked; of the rest only CODAS end English words ("ACT", "SIGN", "NIGHT", "ODD").
# Checked against the short lower-case words of the corpus, bench records and Python's documentation.
ODD_ACRONYM = re.compile(r"\b(?=[A-Z]{2,5}\b)(?=[A-Z]*[AEIOU])[A-Z]*"
                         r"(?:II|UU|(?P<p>[BCDFGHJKPQTVXZ][BCDGJ-NP-RTV-XZ]))\b(?!['’])")  # not "DIDN'T"
CODAS = frozenset("CK CT FT PT XT TC GN BT HT HN TZ BB CC DD GG PP TT ZZ".split())
# A capitalised word right after a lower-case one: how the record writes a proper word.
MID_CAPITAL = re.compile(r"(?<=[a-z,] )[A-Z][a-z]{2,}\b")
WORD = re.compile(r"\b[a-z]{3,}\b")


def proper_words(text: str, d: Directory) -> dict[str, str]:
    """lower-cased word -> as written, for the directory's nationality adjectives ("Russian",
    "American") and the words the record itself capitalises mid-sentence where it is in mixed case."""
    out = {w.lower(): w for w in MID_CAPITAL.findall(text, 0, 1 << 20) if w not in _FUNCTION}
    for adj in d.sides:
        if adj[1:].islower() and adj.isalpha():
            out[adj.lower()] = adj
    return out


_FUNCTION = frozenset("The This That These Those And But For With From Will Shall May Can It We They".split())


def sentence_case(text: str, a: int, b: int, d: Directory) -> str:
    """text with text[a:b] in sentence case, names of the directory as the directory writes them."""
    region = text[a:b]
    low = region.lower()
    if len(low) != len(region):  # a few non-ASCII capitals lower to two characters: keep offsets
        low = region.translate(_ASCII_LOWER)
    out = list(low)

    def put(at: int, s: str, was: str) -> None:
        if len(s) == len(was):  # never shift an offset
            out[at:at + len(s)] = s

    for pat in (START, LINE_START, LABEL, HONORIFIC):  # the last letter of each match opens a word
        for m in pat.finditer(low):
            out[m.end() - 1] = low[m.end() - 1].upper()
    for m in LABEL.finditer(low):
        at = len(m.group()) - len(m.group().lstrip())
        out[m.start() + at] = low[m.start() + at].upper()
    for m in HONORIFIC.finditer(low):
        out[m.start()] = low[m.start()].upper()
    for m in POST.finditer(low) if "post" in low else ():
        if not low[max(0, m.start() - 6):m.start()].endswith(("to ", "will ", "shall ")):  # the verb
            out[m.start()] = "P"
    for m in MONTHS.finditer(low):
        w = m.group()
        if w in FULL_NAMES or _dated(low, m.start(), m.end()):
            out[m.start()] = w[0].upper()
    proper = proper_words(text, d)
    if proper:
        words = WORD.finditer(low) if len(proper) > 40 else _word_pattern(proper).finditer(low)  # one pass
        for m in words:
            w = proper.get(m.group())
            if w:
                out[m.start()] = w[0]
    for m in ACRONYM.finditer(region):
        if m.group() != "US" or region[max(0, m.start() - 9):m.start()].endswith(US_BEFORE):  # not "us"
            put(m.start(), m.group(), m.group())
    for m in ODD_ACRONYM.finditer(region):
        if m["p"] not in CODAS:
            put(m.start(), m.group(), m.group())
    written = {x.upper(): x for x in sorted(d.aliases, key=lambda x: x.upper() != x)}  # mixed case wins
    for m in d.alias_pattern.finditer(region):
        put(m.start(), written.get(m.group(), m.group()), m.group())  # "SERGEI KONOVALENKO": as written
    for m in KEEP_LINE.finditer(region):
        put(m.start(), m.group(), m.group())
    return text[:a] + "".join(out) + text[b:]


def _dated(low: str, a: int, b: int) -> bool:
    """'may 2010', '12 may', 'in may', 'mid-may': the month, not the modal."""
    after, before = low[b:b + 2].strip()[:1], low[max(0, a - 10):a]
    return after.isdigit() or before[-2:-1].isdigit() or before.endswith("-") or \
        before.rstrip().rsplit(" ", 1)[-1] in DATE_WORDS


_ASCII_LOWER = str.maketrans({chr(c): chr(c + 32) for c in range(65, 91)})


def _word_pattern(words: dict[str, str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")\b")
