"""Literal words: a regular expression for a list of them, factored by their common
prefixes, and the cheap tests that run before a pattern.

`re` tries the branches of "ask|asked|asks|..." one after another at every
position of the text; the factored form ("as(?:k(?:ed|s)?)") tests one
character at a time, several times faster on long lists. At any position it
matches the longest word that fits and falls back to shorter ones, exactly as a
longest-first alternation does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_END = ""


def trie_pattern(words: Iterable[str], space: str = " ") -> str:
    """The factored alternation of `words`; a space in a word becomes `space` (e.g. " +")."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[_END] = {}
    return _emit(root, space) or r"(?!x)x"


def _emit(node: dict, space: str) -> str:
    branches = [(space if ch == " " else re.escape(ch)) + _emit(child, space)
                for ch, child in sorted(node.items()) if ch != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:  # a word ends here: try the longer ones first, then stop
        return f"(?:{body})?"
    return body


def opening(first: str) -> str:
    """A lookahead for the letters (or a class such as \\d) any match opens with, put before a
    pattern that starts with \\b or a case-insensitive group: `re` still tries every position (it
    skips ahead only for a pattern that opens with a class or literal, see dates.SCAN), but one
    without those letters now fails at its first test. Case-folded exactly as `re` folds the
    pattern's own letters, so it never rules out a match."""
    return f"(?=(?i:[{first}]))"


def has(t: str, words: tuple[str, ...], *, fold: bool = False) -> bool:
    """Does t hold one of the literal words every match of a pattern contains? Tested before it.

    A plain `in` costs far less than a pattern search, and most clauses lack the words.
    fold=True for a case-insensitive pattern; outside ASCII lower() is not how `re` folds
    case ('ſ' matches 's'), so there the answer is yes and the pattern decides.
    """
    if fold:
        if not t.isascii():
            return True
        t = t.lower()
    return any(map(t.__contains__, words))  # no generator: this runs on every clause


def is_word(c: str) -> bool:
    """Is c a word character as `re`'s \\w is (False for "")?"""
    return c.isalnum() or c == "_"


def colon_lines(pat: re.Pattern[str], text: str, a: int, b: int, firsts: str) -> Iterator[re.Match[str]]:
    """pat.finditer(text, a, b) for a "^...:" MULTILINE pattern whose colon is the first of its line
    and whose matches open with one of `firsts` (outside ASCII the pattern decides): tried only at
    the start of lines that hold a colon, where "^" makes `re` try every position."""
    i = text.find(":", a, b)
    while i >= 0:
        ls = text.rfind("\n", a, i) + 1 or a
        first = text[ls:ls + 1]
        if (ls == 0 or text[ls - 1] == "\n") and (first in firsts or not first.isascii()):
            m = pat.match(text, ls, b)
            if m:
                yield m
        i = text.find("\n", i, b)
        if i < 0:
            return
        i = text.find(":", i, b)
