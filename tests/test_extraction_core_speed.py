"""The shortcuts of core.py, merge.py and people.py find what the plain forms find.

Each fast form is checked against a slow one written here the obvious way, on random text made
of the words it reads (any case, at the edges of the span searched, next to look-alikes).
"""

from __future__ import annotations

import random
import re

from extraction.core import _Nominal
from extraction.people import Directory, _add, load_directory

PRONOUN = re.compile(r"(?<!\w)(?P<p>He|he|She|she|They|they|We|we)\b")
TITLED = re.compile(r"(?<!\w)(?:Mr|Ms|Mrs|Dr|Prof|Amb|Ambassador|Minister|Director|Chairman|Chairwoman|Chair)\.? +"
                    r"(?P<name>[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){0,2})")
PIECES = ("he", "she", "She", "They", "they", "The", "the", "He", "We", "we", "them", "theyre", "ſhe", "Mr.", "Mrs",
          "Dr", "Director", "Directorate", "Chair", "Ministry", "Smith", "Ann Lee", "the Embassy", "The Embassy",
          "Embassy", "Embassy Annex", "Annex Bureau", "Bureau", "CBP", "Russian Customs", "Russian Customs Academy",
          "US", "USA", "U.S.", "the US side", "American experts", "Russia's party", "Konovalenko", " ", " ", " ", "  ",
          ".", ",", "\n", "-", "_", "1", "é", "’s")


def _mentions(d: Directory, flat: str, lo: int, hi: int) -> list[tuple]:
    """Directory.mentions the plain way: one pattern each, each with a leading word edge."""
    found = [(m.start(), m.end(), d.aliases[m.group()]) for m in d.alias_pattern.finditer(flat, lo, hi)]
    found += [(m.start(), m.end(), d.normalise(m["name"])) for m in TITLED.finditer(flat, lo, hi)]
    found += [(m.start(), m.end(), m.group()) for m in d._side_re.finditer(flat, lo, hi)]  # type: ignore[union-attr]
    found += [(m.start(), m.end(), m["p"].lower()) for m in PRONOUN.finditer(flat, lo, hi)]
    found.sort(key=lambda x: (x[0], x[0] - x[1]))
    out: list[tuple] = []
    for x in found:
        if not out or x[0] >= out[-1][1]:
            out.append(x)
    return out


def _directories() -> list[Directory]:
    own = Directory()
    for name, aliases in {"the Embassy": ["the Emb", "the"], "Embassy Annex": ["Annex Bureau", "Bureau"],
                          "Russian Customs": ["Russian Customs Academy"]}.items():
        own.orgs[name] = "X"
        for alias in (name, *aliases):
            _add(own, alias, name)
    own.sides.update({"US": "us", "USA": "us", "American": "us"})
    return [load_directory(), own.compile()]


def test_mentions_find_what_one_plain_pattern_each_finds() -> None:
    rnd = random.Random(5)
    seen = 0
    for d in _directories():
        for _ in range(6000):
            t = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 30)))
            lo, hi = rnd.randint(0, min(2, len(t))), len(t) - rnd.randint(0, min(2, len(t)))
            got = [(m.start, m.end, m.name) for m in d.mentions(t, lo, max(lo, hi))]
            assert got == _mentions(d, t, lo, max(lo, hi)), (t, lo, hi)
            seen += bool(got)
    assert seen > 3000  # most texts name someone


def test_a_pronoun_begins_inside_the_span() -> None:
    d = load_directory()
    assert [m.name for m in d.mentions("she said they", 1, 13)] == ["they"]  # "he" of "she" is no pronoun
    assert [(m.start, m.name, m.kind) for m in d.mentions("So she did", 0, 10)] == [(3, "she", "he")]


def test_a_lower_case_alias_hides_a_later_one_only_where_they_overlap() -> None:
    d = _directories()[1]
    got = [(m.start, m.name) for m in d.mentions("the Embassy Annex Bureau", 0, 24)]
    assert got == [(0, "the Embassy"), (12, "Embassy Annex")]  # "Annex Bureau"


def test_an_earlier_request_is_the_latest_one_before_about_the_same_thing() -> None:
    rnd = random.Random(3)
    words = ["nii", "ivp", "mou", "cbp", "exbs", "may"]
    for _ in range(300):
        at = sorted(rnd.sample(range(500), rnd.randint(0, 40)))
        found = [(a, f"who{a}", set(rnd.sample(words, rnd.randint(0, 3)))) for a in at]
        nominal = _Nominal(found)
        for _ in range(20):
            start, strong = rnd.randint(0, 520), set(rnd.sample(words, rnd.randint(0, 3)))
            read_back = next((who for a, who, terms in reversed(found) if a < start and strong & terms), None)
            assert nominal.last_before(start, strong) == read_back
