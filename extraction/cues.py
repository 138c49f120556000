"""The cue words of a sentence, read once: every prose rule tests its own words against them.

A sentence is split once into its lower-case ASCII words (bytes: one translate and split,
several times cheaper than a pattern). Each rule's pattern comes with the words every match
of it holds; the pattern is searched only where they are there, and a sentence holding none
of any rule's words is passed over whole (rules.prose). tests/test_extraction_cues.py checks
that no gate rules out a match.
"""

from __future__ import annotations

import re

from extraction.wordtrie import trie_pattern

# Every cue any prose rule needs: prose() tests it on sentences outside ASCII (where the word
# gates let every case-insensitive pattern through). Matched on the lower-cased sentence without flags or \\b.
ANY_CUE = re.compile(trie_pattern((
    "ask request urg invit call appeal like desire wish hope propos suggest interest expressed voiced convey"
    " repeat reiterat show indicat signal respond repli react plan prepar arrang schedul set slated expect due"
    " foreseen will shall going agree decid resolv conclud discussion talks consultation negotiation work"
    " process draft develop rethink revis redesign rework organi finali updat promis commit undert pledg offer"
    " volunteer intend aim remain underway").split() + ["is to", "are to", "was to", "were to", "to be", "in place",
                                                         "on track", "under way"], " +"))
# A gate's words are whole words a pattern's every match holds, each bounded by \b, a blank or
# a fixed word after it: then the match's copy of the word is one of the sentence's words.
# ASCII letters lower-cased, every other byte (and "?" for whatever is not ASCII) a blank.
_LETTERS = bytes(c | 0x20 if 65 <= c <= 90 or 97 <= c <= 122 else 32 for c in range(256))


class _Every:
    """Stands for 'any word may be there': re's case folding outside ASCII is not lower()'s."""

    __slots__ = ()

    @staticmethod
    def isdisjoint(words: frozenset[bytes]) -> bool:
        return False


EVERY = _Every()


class Cues:
    """A sentence's lower-case words (bytes): `words` for case-sensitive patterns, `folded` for re.I ones.

    Lower-casing only adds words a case-sensitive pattern might need, so `words` serves both
    kinds; outside ASCII `re` folds more than lower() does ('ſ' matches 's'), so there a
    case-insensitive pattern is always let through.
    """

    __slots__ = ("words", "folded")

    def __init__(self, t: str, words: list[bytes] | None = None) -> None:
        """`words`: ascii_words(t) if already read."""
        self.words = set(words if words is not None else ascii_words(t))
        self.folded = self.words if t.isascii() else EVERY


def ascii_words(t: str) -> list[bytes]:
    """t's runs of ASCII letters, lower-cased."""
    return t.encode("ascii", "replace").translate(_LETTERS).split()


def words(text: str) -> frozenset[bytes]:
    return frozenset(w.encode() for w in text.split())


class Gated:
    """A pattern and, per group, words of which every match holds one: searched only where each group has one."""

    __slots__ = ("pat", "groups", "fold")

    def __init__(self, pat: re.Pattern[str], *groups: str) -> None:
        # The rarest group first: most sentences fail on it.
        self.pat, self.groups, self.fold = pat, tuple(map(words, groups)), bool(pat.flags & re.I)

    def present(self, cues: Cues) -> bool:
        """Might the pattern match in this sentence? (False only when a group's words are all absent.)"""
        have = cues.folded if self.fold else cues.words
        for g in self.groups:
            if have.isdisjoint(g):
                return False
        return True

    def search(self, t: str, cues: Cues) -> re.Match[str] | None:
        """pat.search(t), skipped when the sentence lacks the words a match needs."""
        have = cues.folded if self.fold else cues.words
        for g in self.groups:
            if have.isdisjoint(g):
                return None
        return self.pat.search(t)


def first_words(*gates: Gated) -> frozenset[bytes]:
    """The words of the gates' first groups: a sentence with none of them opens none of the gates."""
    return frozenset().union(*(g.groups[0] for g in gates))
