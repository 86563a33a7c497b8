"""Property tests: no input crashes the importer; no sequence of imports loses user state."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from paper_factory import digest, entry
from reader.ingest.importer import import_file
from reader.store import Library, UserState

FRAGMENTS = [
    "#### 1.A Title. [Link](https://arxiv.org/abs/2401.00001v1)", "#### GPT Score: 9",
    "Novelty:8, Relevance:9", "### Summary", "|Publish Date|Title|Authors|Homepage|Code|",
    "|---|---|---|---|---|", "|2024-10-01|**Paper**|Ann et.al.|null|null|", "### LLM",
    "#### Abstracts", "##### **Paper**", "2410.00001 by Ann, Bob", "摘要：中文", "***Oct 06***",
    '1. ***Headline: <br>summary***', "[paper](https://arxiv.org/pdf/2409.19808) “A Title”",
    "10.1000/xyz", "\ufeff", "\r\n", "\x00", "\t", "```", "<script>alert(1)</script>",
]
digest_like_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=30
).map("\n".join)
file_bytes = st.one_of(
    st.binary(max_size=2000),
    digest_like_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    digest_like_text.map(lambda t: t.encode("utf-16", "surrogatepass")),
    digest_like_text.map(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8", "surrogatepass")),
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contents=st.lists(file_bytes, min_size=1, max_size=3))
def test_import_file_never_raises_and_reports_failures(contents):
    folder = Path(tempfile.mkdtemp())
    try:
        with Library(folder / "library") as library:
            for content in contents:
                path = folder / "digest.txt"
                path.write_bytes(content)
                result = import_file(library, path)
                assert result.status in ("imported", "unchanged", "failed")
                assert (result.error is None) == (result.status != "failed")
                if result.status == "failed":
                    assert isinstance(result.error, str) and result.error.strip()
                    assert library.digest_by_path(path).status == "failed"
                else:
                    assert result.entries > 0
            assert library.count() >= 0
    finally:
        shutil.rmtree(folder)


# ---------------------------------------------------------------- stateful: user state survives

POOL_SIZE = 8


def pool_entry(index: int, variant: int):
    """The same paper as different digests might state it: with or without arXiv id (any
    version), title in other case/punctuation, more or fewer authors."""
    title = f"Paper number {'abcdefgh'[index]} on topic"
    fields: dict = {}
    if variant % 2:
        fields["arxiv_id"] = f"2401.{index:05d}v{variant}"
    if variant % 3 == 0:
        title = title.upper() + "!"
    fields["authors"] = [f"Author {index}"] + ([f"Second {index}"] if variant > 2 else [])
    return entry(title, **fields)


class ImportInterleavings(RuleBasedStateMachine):
    """Imports, re-imports, edits, failures and removals of digests, mixed with user edits."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.library = Library(self.folder)
        self.expected: dict[int, UserState] = {}  # what the user set, by paper id
        self.stated: set[int] = set()  # pool papers some digest has mentioned

    def teardown(self) -> None:
        self.library.close()
        shutil.rmtree(self.folder)

    @rule(
        name=st.sampled_from(["a.txt", "b.txt", "c.txt"]),
        papers=st.lists(
            st.tuples(st.integers(0, POOL_SIZE - 1), st.integers(0, 5)), min_size=1, max_size=6
        ),
        sha=st.text("0123456789abcdef", min_size=1, max_size=4),
    )
    def store(self, name, papers, sha):
        self.library.store_digest(f"/d/{name}", sha, digest(*(pool_entry(i, v) for i, v in papers)))
        self.stated.update(i for i, _ in papers)

    @rule(name=st.sampled_from(["a.txt", "b.txt", "c.txt"]))
    def fail(self, name):
        self.library.record_failure(f"/d/{name}", None, "not a text file (binary content)")

    @rule(name=st.sampled_from(["a.txt", "b.txt", "c.txt"]))
    def remove(self, name):
        self.library.remove_digest(f"/d/{name}")

    @rule(data=st.data(), rating=st.integers(0, 5), read=st.booleans(),
          note=st.one_of(st.none(), st.text(max_size=20)),
          tags=st.lists(st.sampled_from(["x", "y", "Z"]), max_size=3))
    def edit_user_state(self, data, rating, read, note, tags):
        ids = self.library.paper_ids()
        if not ids:
            return
        paper_id = data.draw(st.sampled_from(ids))
        self.library.set_rating([paper_id], rating)
        self.library.set_read([paper_id], read)
        self.library.set_note(paper_id, note)
        self.library.set_tags(paper_id, tags)
        state = self.library.user_state([paper_id])[paper_id]
        self.expected[paper_id] = state
        assert (state.rating, state.read) == (rating or None, read)
        assert state.note == (note if note and note.strip() else None)
        assert sorted(t.casefold() for t in state.tags) == sorted({t.casefold() for t in tags})

    @invariant()
    def user_state_is_never_lost(self):
        if self.expected:
            assert self.library.user_state(list(self.expected)) == self.expected

    @invariant()
    def one_paper_per_pool_paper(self):
        assert self.library.count() == len(self.stated)

    @invariant()
    def seen_counts_match_sightings(self):
        mismatched = self.library.conn.execute(
            "SELECT count(*) FROM papers p WHERE seen !="
            " (SELECT count(*) FROM sightings s WHERE s.paper_id = p.id)"
        ).fetchone()[0]
        assert mismatched == 0


ImportInterleavings.TestCase.settings = settings(
    max_examples=50, stateful_step_count=15, deadline=None
)
test_import_interleavings = ImportInterleavings.TestCase
