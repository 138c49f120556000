"""Score extracted items against hand labels in the format of ../shared/seeds/gold.yaml.

An extracted item finds a gold item when its evidence span overlaps one of the
gold evidence sentences and the kinds are compatible. Gold items marked
`confidence: low` count neither way. A second item on an already found gold
item is a duplicate and counts against precision, like any item the labels do
not hold. `make bench` prints these figures; tests hold the corpus to its goal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from models.errors import InvalidInput
from models.tables import ActionItemCreate

# A request and a to-do are different things, but a request answered by a promise
# is often written as the promise: only these pairs are incompatible.
INCOMPATIBLE = {frozenset({"request", "planned_event"}), frozenset({"request", "decision_followup"})}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    neutral: int = 0  # found low-confidence gold items
    due_right: int = 0  # found items whose due window equals the label's (both empty counts)
    due_total: int = 0
    dated_right: int = 0  # the same, over labels that give a date
    dated_total: int = 0
    kind_right: int = 0
    misses: list[str] = field(default_factory=list)  # "file: summary" of every missed gold item
    extras: list[str] = field(default_factory=list)  # "file: title" of every item the labels lack
    wrong_due: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        for name in ("tp", "fp", "fn", "neutral", "due_right", "due_total", "dated_right", "dated_total",
                     "kind_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses
        self.extras += other.extras
        self.wrong_due += other.wrong_due


def parse_window(value: object) -> tuple[date | None, date | None]:
    """'2010-02-01..2010-02-07', '2010-02-01' (YAML may hand a date) or null."""
    if value is None:
        return None, None
    if isinstance(value, date):
        return value, value
    a, _, b = str(value).partition("..")
    return date.fromisoformat(a), date.fromisoformat(b or a)


def evidence_spans(text: str, evidence: str | list[str], where: str) -> list[tuple[int, int]]:
    """Where each gold evidence sentence is in text, white space matched loosely."""
    spans = []
    for ev in [evidence] if isinstance(evidence, str) else evidence:
        pattern = r"\s+".join(re.escape(w) for w in ev.split())
        m = re.search(pattern, text)
        if m is None:
            raise InvalidInput(f"{where}: gold evidence not in the record: {ev[:60]!r}")
        spans.append((m.start(), m.end()))
    return spans


def score_document(text: str, labels: list[dict], items: list[ActionItemCreate], name: str = "") -> Score:
    """Precision/recall counts and due-window accuracy for one record."""
    s = Score()
    gold = [(g, evidence_spans(text, g["evidence"], name)) for g in labels]
    found: dict[int, ActionItemCreate] = {}
    for item in sorted(items, key=lambda x: -x.confidence):
        a, b = item.evidence_start or 0, item.evidence_end or 0
        hits = [i for i, (g, spans) in enumerate(gold)
                if any(a < gb and ga < b for ga, gb in spans)
                and frozenset({g["kind"], item.kind.value}) not in INCOMPATIBLE]
        fresh = [i for i in hits if i not in found]
        if fresh:
            found[fresh[0]] = item
            continue
        if hits and all(gold[i][0].get("confidence") == "low" for i in hits):
            continue  # a second item on an optional label: no harm done
        s.fp += 1
        s.extras.append(f"{name}: {item.title}")
    for i, (g, _spans) in enumerate(gold):
        low = g.get("confidence") == "low"
        item = found.get(i)
        if item is None:
            if not low:
                s.fn += 1
                s.misses.append(f"{name}: {g['summary']}")
            continue
        if low:
            s.neutral += 1
            continue
        s.tp += 1
        s.kind_right += item.kind.value == g["kind"]
        want = parse_window(g.get("due_date"))
        right = (item.due_start, item.due_end) == want
        s.due_total += 1
        s.due_right += right
        if want[0] is not None:
            s.dated_total += 1
            s.dated_right += right
        if not right:
            s.wrong_due.append(f"{name}: {g['summary']}: got {item.due_start}..{item.due_end}, want {want[0]}..{want[1]}")
    return s


def load_gold(path: str | Path) -> list[dict]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return list(data.get("documents") or [])


def score_corpus(gold_path: str | Path, extract: Callable[[str], Iterable[ActionItemCreate]],
                 records_dir: str | Path | None = None) -> dict[str, Score]:
    """Score every labelled document (files next to gold.yaml, or in records_dir); one Score per file."""
    base = Path(records_dir) if records_dir else Path(gold_path).parent
    out = {}
    for doc in load_gold(gold_path):
        text = (base / doc["file"]).read_text(encoding="utf-8")
        out[doc["file"]] = score_document(text, doc.get("action_items") or [], list(extract(text)), doc["file"])
    return out


def total(scores: dict[str, Score]) -> Score:
    t = Score()
    for s in scores.values():
        t.add(s)
    return t
