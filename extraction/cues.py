"""The cue words of a sentence, read once: every prose rule tests its own words against them.

ANY_CUE rules out most sentences with one search. A sentence that holds a cue is split
once into its lower-case words; each rule then asks whether a word its pattern needs is
among them (a set test) instead of lower-casing and scanning the text again, and skips
its pattern when none is. tests/test_extraction_cues.py checks that no gate rules out a match.
"""

from __future__ import annotations

import re

from extraction.wordtrie import trie_pattern

# Every cue any prose rule needs; a sentence without one yields nothing.
# Matched on the lower-cased sentence without flags or \\b: several times faster than the rules.
ANY_CUE = re.compile(trie_pattern((
    "ask request urg invit call appeal like desire wish hope propos suggest interest expressed voiced convey"
    " repeat reiterat show indicat signal respond repli react plan prepar arrang schedul set slated expect due"
    " foreseen will shall going agree decid resolv conclud discussion talks consultation negotiation work"
    " process draft develop rethink revis redesign rework organi finali updat promis commit undert pledg offer"
    " volunteer intend aim remain underway").split() + ["is to", "are to", "was to", "were to", "to be", "in place",
                                                         "on track", "under way"], " +"))
# A gate's words are whole words a pattern's every match holds, each bounded by \b, a blank or
# a fixed word after it: then the match's copy of the word is one of the sentence's words.
WORD = re.compile(r"[a-z]+")


class _Every:
    """Stands for 'any word may be there': re's case folding outside ASCII is not lower()'s."""

    __slots__ = ()

    @staticmethod
    def isdisjoint(words: frozenset[str]) -> bool:
        return False


EVERY = _Every()


class Cues:
    """A sentence's lower-case words: `words` for case-sensitive patterns, `folded` for re.I ones.

    Lower-casing only adds words a case-sensitive pattern might need, so `words` serves both
    kinds; outside ASCII `re` folds more than lower() does ('ſ' matches 's'), so there a
    case-insensitive pattern is always let through.
    """

    __slots__ = ("words", "folded")

    def __init__(self, t: str, low: str) -> None:
        self.words = set(WORD.findall(low))
        self.folded = self.words if t.isascii() else EVERY


class Gated:
    """A pattern and the words every match of it holds: searched only where one of them is."""

    __slots__ = ("pat", "words", "fold")

    def __init__(self, pat: re.Pattern[str], words: str) -> None:
        self.pat, self.words, self.fold = pat, frozenset(words.split()), bool(pat.flags & re.I)

    def present(self, cues: Cues) -> bool:
        """Might the pattern match in this sentence? (False only when none of its words is there.)"""
        return not (cues.folded if self.fold else cues.words).isdisjoint(self.words)

    def search(self, t: str, cues: Cues) -> re.Match[str] | None:
        """pat.search(t), skipped when the sentence lacks every word a match needs."""
        return self.pat.search(t) if not (cues.folded if self.fold else cues.words).isdisjoint(self.words) else None
