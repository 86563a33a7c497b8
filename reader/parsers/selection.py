"""Choose a digest's parse by its evidence: every plausible format parses, the best result wins."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from reader.limits import MAX_ENTRIES
from reader.models import Entry, ParsedDigest, Sighting
from reader.parsers.base import REGISTRY, DigestParser, ParseError, sniff_sample, sniff_scores
from reader.parsers.identifiers import distinct_references
from reader.parsers.record_finder import RecordFinderParser, is_title_like, paper_for_id

log = logging.getLogger(__name__)

# Results this close count as a tie, which the more specific format (higher sniff) wins.
TIE = 0.03
# A sniff this high means the text is in that format's syntax.
SURE = 0.8
MAX_IDS = MAX_ENTRIES
LARGE_TEXT = 8_000_000
SAMPLE_CHARS = 1_000_000  # how much of a huge digest is read to estimate its entries
# A title-only entry is half the evidence of an entry that accounts for an id of the text.
UNIDENTIFIED_WEIGHT = 0.5
TEXT_FIELDS = ("abstract", "translation")
SIGHTING_FIELDS = ("summary", "detail", "headline")


@dataclass
class Evidence:
    """What one parse explains of a text."""

    explained: int  # distinct ids of the text that the parse accounts for
    good: int  # entries with a well-formed title
    bad: int  # entries whose title is markup, a URL, a label or a whole line
    unidentified_good: int
    found: set[tuple[str, str]] = field(default_factory=set)  # the ids its entries carry

    @property
    def score(self) -> float:
        return self.explained + UNIDENTIFIED_WEIGHT * self.unidentified_good - self.bad


@dataclass
class Choice:
    """A parser, its parse and the evidence for it."""

    parser: DigestParser
    parsed: ParsedDigest
    evidence: Evidence
    sniff: float


def entry_keys(entry: Entry) -> set[tuple[str, str]]:
    paper = entry.paper
    keys = set()
    if paper.arxiv_id:
        keys.add(("arxiv", paper.arxiv_id.lower()))
    if paper.doi:
        keys.add(("doi", paper.doi.lower()))
    return keys


def weigh(parsed: ParsedDigest, text_ids: set[tuple[str, str]]) -> Evidence:
    return weigh_entries(parsed.entries, text_ids)


def weigh_entries(entries: list[Entry], text_ids: set[tuple[str, str]]) -> Evidence:
    """What `entries` explain of a text whose distinct ids are `text_ids`."""
    found: set[tuple[str, str]] = set()
    good = bad = unidentified_good = 0
    for entry in entries:
        keys = entry_keys(entry)
        found |= keys
        title = entry.paper.title
        if _placeholder(title):
            continue
        if is_title_like(title):
            good += 1
            if not keys:
                unidentified_good += 1
        else:
            bad += 1
    return Evidence(len(found & text_ids), good, bad, unidentified_good, found)


def _joined(a: Evidence, b: Evidence, text_ids: set[tuple[str, str]]) -> Evidence:
    """The evidence of two sets of entries together: counts add, ids are counted once."""
    found = a.found | b.found
    unidentified_good = a.unidentified_good + b.unidentified_good
    return Evidence(len(found & text_ids), a.good + b.good, a.bad + b.bad, unidentified_good, found)


def _placeholder(title: str) -> bool:
    return title.startswith(("arXiv:", "doi:"))


def candidates(text: str) -> list[tuple[DigestParser, float]]:
    """Parsers that think they might read `text`, most confident first."""
    sample = sniff_sample(text)
    scores = sniff_scores(sample)
    if sample is not text and not any(scores.values()):  # a long preamble before the papers
        scores = sniff_scores(text)
    plausible = [(REGISTRY[name], score) for name, score in scores.items() if score > 0]
    if any(parser.data_format and score >= SURE for parser, score in plausible):
        plausible = [(parser, score) for parser, score in plausible if parser.data_format]
    return sorted(plausible, key=lambda pair: -pair[1])


def choose(
    text: str, text_ids: set[tuple[str, str]] | None = None, results: dict[str, ParsedDigest] | None = None
) -> Choice | None:
    """The parse whose evidence is best; None when no format reads anything. `results`
    collects the record finder's parse, so recovery need not read the text again."""
    if text_ids is None:
        text_ids = {ref.key for ref in distinct_references(text)}
    best: Choice | None = None
    for parser, sniff in candidates(text):
        if isinstance(parser, RecordFinderParser) and best is not None and len(text) > LARGE_TEXT:
            continue  # reading a huge text as a tree takes minutes: only when nothing else reads it
        try:
            parsed = parser.parse(text)
        except ParseError:
            continue
        except RecursionError:
            log.warning("the %s parser recursed too deeply", parser.name)
            continue
        if results is not None and isinstance(parser, RecordFinderParser):
            results[parser.name] = parsed  # kept for recovery; other losing parses are let go
        if not parsed.entries:
            continue
        evidence = weigh(parsed, text_ids)
        if sniff >= SURE and not isinstance(parser, RecordFinderParser):
            # What a sure format leaves out is recovered after it wins: only its titles
            # and its junk set it apart.
            evidence = replace(evidence, explained=len(text_ids))
        choice = Choice(parser, parsed, evidence, sniff)
        if best is None or _better(choice, best):
            best = choice
        if sniff >= SURE and _complete(choice, text_ids):
            break  # a sure format that explains every id with clean titles: nothing can beat it
    return best


def _complete(choice: Choice, text_ids: set[tuple[str, str]]) -> bool:
    evidence = choice.evidence
    if evidence.bad:
        return False
    unexplained = text_ids - evidence.found
    return not unexplained or unexplained == _quoted(choice.parsed, unexplained)


def _better(challenger: Choice, holder: Choice) -> bool:
    a, b = challenger.evidence.score, holder.evidence.score
    margin = TIE * max(abs(a), abs(b), 1.0)
    if abs(a - b) <= margin:
        return challenger.sniff > holder.sniff
    return a > b


def parse_best(text: str) -> ParsedDigest:
    """Parse `text` by the best evidence, then recover ids that stand outside every entry."""
    if not text.strip():
        raise ParseError("the file is empty")
    text_ids = {ref.key for ref in distinct_references(text)}
    if len(text_ids) > MAX_IDS:
        # Refused before any format parses: an id flood would cost gigabytes to read.
        raise ParseError(f"too many papers: {len(text_ids):,} ids (limit {MAX_IDS:,} per file)")
    _refuse_when_too_many(text)
    results: dict[str, ParsedDigest] = {}
    chosen = choose(text, text_ids, results)
    if chosen is None:
        raise ParseError("no papers found: the text matches no known digest format")
    parsed = chosen.parsed
    # Weighed once: the choice's own evidence, less a sure format's credit for every id.
    evidence = replace(chosen.evidence, explained=len(chosen.evidence.found & text_ids))
    if not isinstance(chosen.parser, RecordFinderParser):
        finder_result = results.get(RecordFinderParser.name)
        if finder_result is None and chosen.parser.data_format:
            # Reading JSON or CSV syntax as a tree names nothing: an id left outside the
            # records is kept under its id alone.
            finder_result = ParsedDigest(RecordFinderParser.name, [_bare_entry(key) for key in sorted(text_ids)])
        recovered = _recover(parsed, text, text_ids, finder_result, evidence.found)
        if recovered:
            evidence = _joined(evidence, weigh_entries(recovered, text_ids), text_ids)
    parsed.ids_in_text = len(text_ids)
    parsed.confidence = confidence(parsed, text_ids, evidence)
    return parsed


def _refuse_when_too_many(text: str) -> None:
    """Refuse a huge digest whose first megabyte already promises far more entries than a file
    may bring: parsing all of it would hold hundreds of thousands of entries in memory."""
    if len(text) <= SAMPLE_CHARS * 4:
        return
    cut = text.rfind("\n\n", SAMPLE_CHARS // 2, SAMPLE_CHARS)
    sample = text[: cut if cut != -1 else SAMPLE_CHARS]
    # Every plausible format parses the whole text, so the largest parse sets the memory.
    most = 0
    for parser, _ in candidates(sample):
        try:
            most = max(most, len(parser.parse(sample).entries))
        except (ParseError, RecursionError):
            continue
    estimate = most * len(text) // len(sample)
    if estimate > 2 * MAX_ENTRIES:
        raise ParseError(f"too many entries: about {estimate:,} (limit {MAX_ENTRIES:,} per file)")


def confidence(
    parsed: ParsedDigest, text_ids: set[tuple[str, str]], evidence: Evidence | None = None
) -> float:
    """Share of the text's ids accounted for and share of well-formed titles, weighed 3:2.
    `evidence` is `weigh(parsed, text_ids)` when the caller has it."""
    if evidence is None:
        evidence = weigh(parsed, text_ids)
    quoted = _quoted(parsed, text_ids - evidence.found)
    coverage = (evidence.explained + len(quoted)) / len(text_ids) if text_ids else 1.0
    titles = evidence.good / len(parsed.entries) if parsed.entries else 0.0
    return round(0.6 * coverage + 0.4 * titles, 3)


def _recover(
    parsed: ParsedDigest,
    text: str,
    text_ids: set[tuple[str, str]],
    found_by_records: ParsedDigest | None,
    found: set[tuple[str, str]],
) -> list[Entry]:
    """Add the papers whose ids the chosen format left out (its entries carry `found`),
    unless an entry quotes them; the entries added."""
    missing = text_ids - found
    if not missing:
        return []
    missing -= _quoted(parsed, missing)
    if not missing:
        return []
    if found_by_records is None:
        try:
            found_by_records = RecordFinderParser().parse(text)
        except (ParseError, RecursionError):
            return []
    recovered = []
    for entry in found_by_records.entries:
        if entry_keys(entry) & missing:
            entry.sighting.position = len(parsed.entries) + 1
            parsed.entries.append(entry)
            recovered.append(entry)
    if recovered:
        parsed.warnings.append(
            f"{len(recovered)} paper(s) outside the {parsed.format} entries were found by their ids"
        )
    return recovered


def _bare_entry(key: tuple[str, str]) -> Entry:
    return Entry(paper_for_id(*key), Sighting(position=0))


def _quoted(parsed: ParsedDigest, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The ids among `keys` that an entry's own text quotes (an abstract citing a paper)."""
    if not keys:
        return set()
    quoted = " ".join(_entry_text(entry) for entry in parsed.entries).lower()
    return {key for key in keys if key[1] in quoted}


def _entry_text(entry: Entry) -> str:
    parts = [entry.paper.title or ""]
    parts += [getattr(entry.paper, name) or "" for name in TEXT_FIELDS]
    parts += [getattr(entry.sighting, name) or "" for name in SIGHTING_FIELDS]
    return " ".join(parts)
