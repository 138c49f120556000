"""The cheap tests that stand before costly patterns must never rule out a match.

Each gate is a plain `in`/find for the literals every match of its pattern holds; random text
made of the patterns' own words, in any case and with non-ASCII look-alikes, checks that
wherever the pattern matches, the gate lets it run.
"""

from __future__ import annotations

import random

from extraction.candidate import has
from extraction.clean import FOOTER, FOOTER_WORDS
from extraction.core import SENDER
from extraction.explicit import DONE, DONE_WORDS
from extraction.recorddate import DTG

PIECES = ("done", "completed", "complete", "closed", "finished", "delivered", "sent", "is", "was", "-", ":", ",",
          "(", " ", "  ", "\n", "\t", "by", "on", "©", "(c)", "copyright", "all rights reserved", "world headlines",
          "related", "stories", "articles", "news", "latest headlines", "share this", "subscribe to", "back to top",
          "From:", "from:", "Bob", "<b@x>", "091103Z OCT 09", "091103z\n oct 09", "091103Z", "OCT", "09",
          "ſent", "bac\u212a", "x")


def _texts(n: int, seed: int):
    rnd = random.Random(seed)
    for _ in range(n):
        parts = [rnd.choice(PIECES) for _ in range(rnd.randint(1, 8))]
        parts = [p.upper() if rnd.random() < 0.3 else p.title() if rnd.random() < 0.3 else p for p in parts]
        yield "".join(p + rnd.choice(("", " ", "\n")) for p in parts)


def test_the_gates_let_every_match_through() -> None:
    seen = {"done": 0, "footer": 0, "dtg": 0, "sender": 0}
    for t in _texts(40_000, 7):
        if DONE.search(t):
            seen["done"] += 1
            assert has(t, DONE_WORDS, fold=True), t
        if FOOTER.search(t):
            seen["footer"] += 1
            assert has(t, FOOTER_WORDS, fold=True), t
        flat = t.replace("\n", " ").replace("\t", " ")
        if DTG.search(flat):
            seen["dtg"] += 1
            assert "Z " in flat or "z " in flat, t
        if SENDER.search(t):
            seen["sender"] += 1
            assert "From:" in t, t
    assert min(seen.values()) > 20, seen  # the random text does reach every pattern


def test_a_footer_outside_ascii_is_left_to_the_pattern() -> None:
    # "K" (the Kelvin sign) matches "k" when re ignores case; lower() does not make it "k".
    text = "x" * 300 + "\nBac\u212a to top\n"
    assert FOOTER.search(text) and has(text, FOOTER_WORDS, fold=True)
