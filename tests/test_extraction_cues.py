"""The prose rules' cue-word gates (cues.py) must never rule out a match.

A gate says which whole words every match of its pattern holds; the rules search only
sentences that hold one of them. Random text made of the patterns' own words, in any case,
glued to letters, digits and non-ASCII look-alikes, checks that wherever a pattern
matches, its gate lets it run.
"""

from __future__ import annotations

import random
import re
import zlib
from re import _constants as C, _parser

import pytest

from extraction import commitments, requests, rules
from extraction.cues import Cues, Gated

GATES = {k: v for m in (rules, commitments, requests) for k, v in vars(m).items() if isinstance(v, Gated)}
CONTEXT = ("", "", "The Board ", "It ", "x", "1", "_", "é", "CBP said that ", "we ", ", ", "; ", ". ")
LOOKALIKE = {"s": "ſ", "k": "\u212a", "i": "ı", "e": "é", " ": "  "}


def _sample(nodes, rnd: random.Random) -> str:
    """A random string shaped like the parsed pattern (lookarounds and \\b are left to the check)."""
    out = []
    for op, av in nodes:
        if op is C.LITERAL:
            out.append(chr(av))
        elif op in (C.NOT_LITERAL, C.ANY):
            out.append(rnd.choice(" abc,.x1"))
        elif op is C.IN:
            out.append(_one_of(av, rnd))
        elif op is C.BRANCH:
            out.append(_sample(rnd.choice(av[1]), rnd))
        elif op is C.SUBPATTERN:
            out.append(_sample(av[3], rnd))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            out.extend(_sample(sub, rnd) for _ in range(rnd.randint(lo, min(hi, lo + 2))))
        elif op is C.CATEGORY:
            out.append(_one_of([(op, av)], rnd))
    return "".join(out)


def _one_of(items, rnd: random.Random) -> str:
    if items and items[0][0] is C.NEGATE:
        return rnd.choice(" abc,.;x1é")
    op, av = rnd.choice(items)
    if op is C.LITERAL:
        return chr(av)
    if op is C.RANGE:
        return chr(rnd.randint(*av))
    return {C.CATEGORY_WORD: rnd.choice("aZ_1é"), C.CATEGORY_DIGIT: "1"}.get(av, " ")


def _texts(g: Gated, n: int, seed: int):
    """Instances of the pattern in random context, in any case, some letters swapped for look-alikes."""
    parsed = list(_parser.parse(g.pat.pattern, g.pat.flags))
    rnd = random.Random(seed)
    for _ in range(n):
        t = rnd.choice(CONTEXT) + _sample(parsed, rnd) + rnd.choice(CONTEXT)
        r = rnd.random()
        t = t.upper() if r < 0.15 else t.title() if r < 0.3 else t.lower() if r < 0.4 else t
        if rnd.random() < 0.2:
            c = rnd.choice(sorted(LOOKALIKE))
            t = t.replace(c, LOOKALIKE[c], 1)
        yield t


@pytest.mark.parametrize("name", sorted(GATES))
def test_a_gate_lets_every_match_through(name: str) -> None:
    g = GATES[name]
    seen = 0
    for t in _texts(g, 6_000, zlib.crc32(name.encode())):
        if g.pat.search(t):
            seen += 1
            assert g.present(Cues(t)), (name, t)
            assert g.search(t, Cues(t)), (name, t)
    assert seen > 500, (name, seen)  # the random text does reach the pattern


def test_case_folding_outside_ascii_is_left_to_the_pattern() -> None:
    # With re.I "ſ" matches "s" and the Kelvin sign "k"; lower() maps neither, so a folded gate opens.
    t = "Plan\u017f are underway to hold a review."
    assert rules.PLANS.pat.search(t) and rules.PLANS.present(Cues(t))
    assert not rules.PLANS.present(Cues("Nothing here."))
