"""What extraction tests share: one sentence in a dated record, and the single item it gives."""

from __future__ import annotations

from datetime import date

from extraction import extract


def one(sentence: str) -> tuple[str, str | None, date | None]:
    """The title, owner and due start of the one item `sentence` yields (in a record of 7 March 2010)."""
    items = extract("Date: 7 March 2010\n\n" + sentence + "\n").items
    assert len(items) == 1, [i.title for i in items]
    return items[0].title, items[0].owner, items[0].due_start
