"""The bench's query mix: what `python -m bench` searches for and what the window test types.

One tuple, so the search figures, the floor they are compared with (bench.floor), the
baseline (bench.baseline, which skips what it cannot express) and the keystroke test in
the real window (bench.open_window) all run the same queries. Each is text as a user types
it: the search box makes the last word a prefix ("trans" finds "transformer").
"""

from __future__ import annotations

from bench.generate import coined_word

# A word of the generator's long tail (bench.generate.vocabulary): about 9 papers at 100k,
# 90 at 1M, likely none at 1k. Its rank is one whose coined word ends in "x", a letter no
# method name has; every coined word has seven letters, so even as a prefix it finds only
# itself.
RARE_RANK = 10_002
RARE_WORD = coined_word(RARE_RANK)

QUERIES = (
    "language models",
    "diffusion video",
    '"reinforcement learning"',
    "tag:toread",
    "is:unread",
    "rating:>=4",
    "agents tag:llm is:unread",
    "author:wang",
    "benchmark",
    '"large language" rating:>=3',
    "zeroshot",  # a rare word of the sample sentences
    "diffusion OR retrieval",
    "learning -diffusion",
    "trans",  # a short prefix, as typed on the way to...
    "transformer",
    "seen:>=2",  # papers in at least two digests: sightings, which the baseline lacks
    RARE_WORD,
)
