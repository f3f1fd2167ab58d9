"""Language guidance (seed 000 三): find the phrases staff must not use in a text.

Pure logic, no ORM. A phrase may hold `*` (any words), as the seed writes "我想******".
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=512)
def _pattern(phrase: str) -> re.Pattern | None:
    parts = [p for p in re.split(r"[*＊]+", phrase.strip().strip('"“”')) if p.strip()]
    if not parts:
        return None
    return re.compile(".{0,40}?".join(re.escape(p.strip()) for p in parts))


def find_phrases(text: str, phrases: list[str]) -> list[str]:
    """The phrases of `phrases` that occur in `text`, in the order given."""
    text = text or ""
    found = []
    for phrase in phrases:
        pat = _pattern(phrase)
        if pat is not None and pat.search(text):
            found.append(phrase)
    return found
