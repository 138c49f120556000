"""Organisations and people: the directory, and who is mentioned where in a record."""

from __future__ import annotations

import bisect
import os
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from extraction.wordtrie import trie_pattern
from models.errors import InvalidInput

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent / "config" / "directory.yaml"


def _word_start(words: str) -> str:
    """'He|She' as 'He(?<!\\w..)|She(?<!\\w...)': the same as a leading \\b, but each branch opens
    with plain letters, so `re` skips ahead to those letters instead of trying every position,
    and where the letters do not follow ("Ministry") the branch fails before its lookbehind."""
    return "|".join(f"{re.escape(w)}(?<!\\w{'.' * len(w)})" for w in words.split("|"))


def _alias_pattern(aliases: Collection[str]) -> str:
    """Every alias as a whole word, as written: longest first ("Russian Customs Academy" over
    "Russian Customs"), factored by prefix for speed.

    Each branch opens with an alias's plain first letter and checks the word edge after it (as
    _word_start does): `re` skips to those letters at C speed when every branch opens with one,
    and tries every position of the text when the pattern opens with a lookaround.
    """
    rests: dict[str, list[str]] = {}
    for a in aliases:
        if not a:  # an empty alias matches everywhere: no first letter to skip to
            return rf"(?<![\w.])(?:{trie_pattern(aliases)})(?![\w])"
        rests.setdefault(a[0], []).append(a[1:])
    branches = []
    for first, ends in sorted(rests.items()):
        rest = trie_pattern(e for e in ends if e) if any(ends) else ""
        rest = f"(?:{rest})?" if rest and "" in ends else rest  # the one-letter alias, after the longer ones
        branches.append(rf"{re.escape(first)}(?<![\w.].){rest}")
    return f"(?:{'|'.join(branches)})(?![\\w])" if branches else r"(?!x)x"


def _split_aliases(aliases: Collection[str]) -> tuple[str, str] | None:
    """_alias_pattern as two: aliases that open with anything but a lower-case letter, and those
    that do, which must share a prefix of 2+ letters ("the "; else None): a class of first letters
    holding "t" is tried at a tenth of all positions, a literal "the Embassy" only where it is."""
    low = [a for a in aliases if a[:1].islower()]
    prefix = os.path.commonprefix(low) if low else ""
    if len(prefix) < 2:
        return None
    ends = [a[len(prefix):] for a in low]
    rest = trie_pattern(e for e in ends if e) if any(ends) else ""
    rest = f"(?:{rest})?" if rest and "" in ends else rest
    edge = rf"(?<![\w.][\s\S]{{{len(prefix)}}})"  # _alias_pattern's word edge, tried after the prefix
    return _alias_pattern([a for a in aliases if not a[:1].islower()]), rf"{re.escape(prefix)}{edge}{rest}(?![\w])"


TITLED = re.compile(
    rf"(?:{_word_start('Mr|Ms|Mrs|Dr|Prof|Amb|Ambassador|Minister|Director|Chairman|Chairwoman|Chair')})\.? +"
    r"(?P<name>[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){0,2})"
)
# Pronouns as whole words. All but "He", "We" and "we" hold a lower-case "he": a pattern that opens
# with a literal string is tried only where that string is, one that opens with [HhSsTtWw] at a
# fifth of all positions. The lookbehinds capture where the word starts (the "s" of "she").
HE = re.compile(r"he(?:(?<=(?<!\w)(?P<he>he))|(?<=(?<!\w)(?P<she>[Ss]he))|(?<=(?<!\w)(?P<they>[Tt]he))y)\b")
OTHER_PRONOUNS = tuple((re.compile(rf"{_word_start(w)}\b"), w.lower()) for w in ("He", "We", "we"))
HONORIFIC = re.compile(r"^(?:Mr|Ms|Mrs|Dr|Prof|Amb)\.? +")
POSSESSIVE = re.compile(r"['’]s$")
THE = re.compile(r"^the +", re.I)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str  # canonical where the directory knows it, else as written
    kind: str  # org, person, side (e.g. "the US delegation"), he (he/she), they (they/we)
    org: str | None = None  # a person's organisation
    country: str | None = None


@dataclass
class Directory:
    orgs: dict[str, str | None] = field(default_factory=dict)  # name -> country
    people: dict[str, str | None] = field(default_factory=dict)  # name -> org name
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> name
    sides: dict[str, str] = field(default_factory=dict)  # adjective -> country
    _words: frozenset[str] | None = None
    _lower: dict[str, str] = field(default_factory=dict)  # lower-cased alias -> name
    _alias_re: re.Pattern[str] | None = None
    _alias_parts: tuple[re.Pattern[str], re.Pattern[str]] | None = None  # _split_aliases, for mentions()
    _side_re: re.Pattern[str] | None = None
    _side_gate: re.Pattern[str] | None = None  # what every _side_re match holds; None: no sides
    _side_words: tuple[str, ...] = ()  # every _side_gate match holds one of them
    # normalise()'s answers: a record names the same few parties again and again.
    _normal: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def compile(self) -> Directory:
        self._normal.clear()
        for alias, name in self.aliases.items():
            self._lower.setdefault(alias.lower(), name)
        self._alias_re = re.compile(_alias_pattern(self.aliases))
        parts = None if "" in self.aliases else _split_aliases(self.aliases)
        self._alias_parts = (re.compile(parts[0]), re.compile(parts[1])) if parts else None
        sides = "|".join(re.escape(s) for s in sorted(self.sides, key=len, reverse=True)) or r"(?!x)x"
        # Every match opens with "the" or an adjective's first letter, as written: the pattern is
        # case-sensitive, so a case-sensitive lookahead skips "T", "a", "r", "u" and rules out no match.
        first = "t" + "".join(sorted({re.escape(s[0]) for s in self.sides}))  # "the US side"
        self._side_re = re.compile(rf"(?=[{first}])\b(?:the +)?(?P<adj>{sides}) +"
                                   r"(?:side|delegation|team|group|experts|party)\b")
        # Most records name no side: the same words without "the" rule out the whole pattern at a
        # fraction of its cost. Every branch opens with a letter, so `re` skips to those (not to every "t").
        self._side_gate = re.compile(rf"(?:{sides}) +(?:side|delegation|team|group|experts|party)\b") \
            if self.sides else None
        # Plain string searches before the gate, a few times cheaper; "USA" holds "US": not searched.
        self._side_words = tuple(s for s in self.sides if not any(o != s and o in s for o in self.sides))
        return self

    @property
    def alias_pattern(self) -> re.Pattern[str]:
        """Every alias as a whole word, as written (ALL-CAPS forms included)."""
        if self._alias_re is None:
            self.compile()
        return self._alias_re  # type: ignore[return-value]

    @property
    def alias_words(self) -> frozenset[str]:
        """Words of every alias, lower-cased: names say who, not what, so topics ignore them."""
        if self._words is None:
            self._words = frozenset(w.lower() for a in self.aliases for w in re.findall(r"[A-Za-z]+", a))
        return self._words

    def normalise(self, name: str | None) -> str | None:
        """The directory's name for `name` (an alias, a titled name, any case); else as written."""
        if not name:
            return name
        known = self._normal.get(name)
        if known is None:
            if len(self._normal) > 10_000:  # bounded: the directory outlives records
                self._normal.clear()
            known = self._normal[name] = self._normalise(name)
        return known

    def _normalise(self, name: str) -> str:
        raw = " ".join(name.split()).strip(" ,.;:")
        raw = HONORIFIC.sub("", raw)
        raw = POSSESSIVE.sub("", raw)
        for key in (raw, raw.upper(), THE.sub("", raw)):
            if key in self.aliases:
                return self.aliases[key]
        return self._lower.get(raw.lower(), raw)

    def org_of(self, person: str | None) -> str | None:
        return self.people.get(person) if person else None

    def _alias_matches(self, flat: str, lo: int, hi: int) -> list[re.Match[str]]:
        """_alias_re.finditer from its two parts: the earlier of their next matches (no place opens
        both), each time; a part whose next match began inside the one taken searches again."""
        if self._alias_parts is None:
            return list(self._alias_re.finditer(flat, lo, hi))  # type: ignore[union-attr]
        first, second = self._alias_parts
        out = []
        a, b = first.search(flat, lo, hi), second.search(flat, lo, hi)
        while a or b:
            m = a if b is None or a is not None and a.start() < b.start() else b
            out.append(m)
            end = m.end()
            if a is not None and a.start() < end:
                a = first.search(flat, end, hi)
            if b is not None and b.start() < end:
                b = second.search(flat, end, hi)
        return out

    def mentions(self, flat: str, lo: int, hi: int) -> list[Mention]:
        """Organisations, people, sides and pronouns in flat[lo:hi], in order, never overlapping."""
        found: list[Mention] = []
        assert self._alias_re is not None and self._side_re is not None
        for m in self._alias_matches(flat, lo, hi):
            name = self.aliases[m.group()]
            if name in self.people:
                found.append(Mention(m.start(), m.end(), name, "person", org=self.people[name]))
            else:
                found.append(Mention(m.start(), m.end(), name, "org", country=self.orgs.get(name)))
        for m in TITLED.finditer(flat, lo, hi):
            name = self.normalise(m["name"]) or m["name"]
            found.append(Mention(m.start(), m.end(), name, "person", org=self.people.get(name)))
        sides = self._side_gate is not None and any(flat.find(w, lo, hi) >= 0 for w in self._side_words) \
            and self._side_gate.search(flat, lo, hi) is not None
        for m in self._side_re.finditer(flat, lo, hi) if sides else ():
            found.append(Mention(m.start(), m.end(), m.group(), "side", country=self.sides[m["adj"]]))
        for m in HE.finditer(flat, lo, hi):
            p = m.lastgroup or ""
            if m.start(p) >= lo:  # a match at "he" is "she" or "they" only from the letter before
                found.append(Mention(m.start(p), m.end(), p, "they" if p == "they" else "he"))
        for pattern, p in OTHER_PRONOUNS:
            for m in pattern.finditer(flat, lo, hi):
                found.append(Mention(m.start(), m.end(), p, "he" if p == "he" else "they"))
        # Longest wins where spans overlap ("Mr. Sergei Konovalenko" over "Sergei Konovalenko").
        found.sort(key=lambda x: (x.start, -(x.end - x.start)))
        out: list[Mention] = []
        for x in found:
            if out and x.start < out[-1].end:
                continue
            out.append(x)
        return out


@dataclass
class _Firsts:
    next: int  # the next organisation mention to read
    mentions: list[Mention] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    names: set[str] = field(default_factory=set)


class Roster:
    """Each organisation named from a paragraph's start on, once, at its first mention.

    Who owns an item and who the other party is read the organisations named in its paragraph
    up to it; a paragraph of thousands of sentences would re-read thousands of mentions per item.
    """

    def __init__(self, mentions: list[Mention]) -> None:
        self.orgs = [m for m in mentions if m.kind == "org"]
        self.starts = [m.start for m in self.orgs]
        self.paras: dict[int, _Firsts] = {}

    def named(self, a: int, b: int) -> list[Mention]:
        """The first mention of each organisation named in flat[a:b], in text order."""
        if not self.orgs:
            return []  # most records
        p = self.paras.get(a)
        if p is None:
            p = self.paras[a] = _Firsts(bisect.bisect_left(self.starts, a))
        while p.next < len(self.orgs) and self.orgs[p.next].start < b:  # each mention read once
            m = self.orgs[p.next]
            if m.name not in p.names:
                p.names.add(m.name)
                p.mentions.append(m)
                p.starts.append(m.start)
            p.next += 1
        return p.mentions[:bisect.bisect_left(p.starts, b)]


def home_orgs(mentions: list[Mention]) -> tuple[list[str], dict[str, str]]:
    """Organisations by how often the record names them, and the most-named one per country.

    The most-named organisation is whose report this is: the default owner of a
    request nobody in particular was asked to handle.
    """
    counts = Counter(m.name for m in mentions if m.kind == "org")
    country = {m.name: m.country for m in mentions if m.kind == "org"}
    ranked = [name for name, _ in counts.most_common()]
    by_country: dict[str, str] = {}
    for name in ranked:
        c = country.get(name)
        if c and c not in by_country:
            by_country[c] = name
    return ranked, by_country


def load_directory(path: str | Path | None = None) -> Directory:
    """The directory at `path` (default: config/directory.yaml), parsed once per path."""
    return _load(str(Path(path).resolve()) if path else str(DEFAULT_DIRECTORY))


@lru_cache(maxsize=8)
def _load(path: str) -> Directory:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except OSError as e:
        raise InvalidInput(f"{path}: cannot read the directory ({e.strerror})") from None
    except yaml.YAMLError as e:
        raise InvalidInput(f"{path}: not valid YAML ({str(e).splitlines()[0]})") from None
    d = Directory()
    for org in data.get("organisations") or []:
        name = org["name"]
        d.orgs[name] = org.get("country")
        for alias in [name, *(org.get("aliases") or [])]:
            _add(d, alias, name)
    for person in data.get("people") or []:
        name = person["name"]
        d.people[name] = person.get("org")
        for alias in [name, *(person.get("aliases") or [])]:
            _add(d, alias, name)
    for country, adjectives in (data.get("sides") or {}).items():
        for adj in adjectives:
            d.sides[adj] = country
    return d.compile()


def _add(d: Directory, alias: str, name: str) -> None:
    d.aliases.setdefault(alias, name)
    if alias.startswith("the "):
        d.aliases.setdefault("T" + alias[1:], name)  # "the Embassy" opens a sentence as "The Embassy"
    if len(alias) > 3:
        d.aliases.setdefault(alias.upper(), name)  # cables are often in capitals
