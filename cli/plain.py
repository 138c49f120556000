"""Plain fixed-width text tables: `followup list` prints thousands of rows, and rich
spends about half a millisecond laying out each one; this writes them in microseconds."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

# Widest a column may grow before its cells fold onto further lines, so one long
# title does not push every other column off a 160-column page.
MAX_WIDTH = 60


def _fold(cell: str, width: int) -> list[str]:
    if len(cell) <= width and "\n" not in cell:
        return [cell]
    lines: list[str] = []
    for part in cell.splitlines() or [""]:
        lines += textwrap.wrap(part, width, break_long_words=True, break_on_hyphens=False) or [""]
    return lines


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], title: str | None = None,
          max_width: int = MAX_WIDTH) -> str:
    """The rows under a header and a rule, columns two spaces apart, long cells folded."""
    body = [tuple(r) for r in rows]
    widths = [len(h) for h in headers]
    for row in body:
        for i, cell in enumerate(row):
            if len(cell) > widths[i]:
                widths[i] = len(cell)
    caps = [max(max_width, len(h)) for h in headers]
    folding = any(w > c for w, c in zip(widths, caps)) or any("\n" in c for row in body for c in row)
    widths = [min(w, c) for w, c in zip(widths, caps)]
    # The last column is not padded and lines are stripped: no trailing blanks.
    fmt = "  ".join([f"{{:<{w}}}" for w in widths[:-1]] + ["{}"])
    out = [title] if title else []
    out += [fmt.format(*headers).rstrip(), fmt.format(*["-" * w for w in widths])]
    if not folding:  # the common case, one format call a row
        out += [fmt.format(*row).rstrip() for row in body]
        return "\n".join(out)
    for row in body:
        folded = [_fold(c, widths[i]) for i, c in enumerate(row)]
        for k in range(max(len(f) for f in folded)):
            out.append(fmt.format(*[f[k] if k < len(f) else "" for f in folded]).rstrip())
    return "\n".join(out)
