"""prose() passes a sentence over, or skips a rule, only where none of that rule's gates can open.

The same random instances of every gated pattern as tests/test_extraction_cues.py, as whole
ASCII sentences: wherever a pattern matches, prose() must call the rule that searches it.
"""

from __future__ import annotations

import pytest

from extraction import rules
from extraction.candidate import Ctx
from extraction.cues import Cues
from tests.test_extraction_cues import GATES, _texts

# Which rule searches each gated pattern (PAST_CUE and NEG_CUE only veto: no rule of their own).
RULE_OF = {"RESPONSE": "response", "REQ": "requests", "WEAK": "requests", "PASSIVE": "requests",
           "PLANS": "_planned", "SCHEDULED": "_planned", "WILL_HAPPEN": "_planned",
           "DECIDED": "decision", "ONGOING": "decision", "TBD": "decision",
           "PROGRESS": "commitment", "COMMIT": "commitment", "WILL_CUE": "commitment"}


def test_every_rule_gate_is_named() -> None:
    assert set(RULE_OF) == set(GATES) - {"PAST_CUE", "NEG_CUE"}


@pytest.mark.parametrize("name", sorted(RULE_OF))
def test_prose_calls_the_rule_wherever_its_pattern_matches(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[str] = []

    def stub(rule: str, result: object):
        def f(ctx: Ctx, a: int, b: int, cues: Cues) -> object:
            called.append(rule)
            return result
        return f

    for rule, result in (("response", None), ("requests", []), ("_planned", None), ("decision", None),
                         ("commitment", None)):
        monkeypatch.setattr(rules, rule, stub(rule, result))
    g, seen = GATES[name], 0
    for t in _texts(g, 3_000, 7):
        if not t.isascii() or t[:1] in "\"“" or not any(
                g.pat.search(c) for c in rules.CLAUSES.split(t) if not c.startswith(";")):
            continue
        seen += 1
        called.clear()
        rules.prose(Ctx(flat=t, ref=None, directory=None, mentions=[]), 0, len(t))
        assert RULE_OF[name] in called, (name, t, called)
    assert seen > 300, (name, seen)


def test_a_background_sentence_reaches_no_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "commitment", lambda *args: pytest.fail("no gate is open"))
    for t in ("The Railway Directorate is responsible for 49 sites in Durres.", "Attendance rose to 320."):
        assert rules.prose(Ctx(flat=t, ref=None, directory=None, mentions=[]), 0, len(t)) == []
