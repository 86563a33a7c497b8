"""Completing a library: plan what to ask, fetch in batches, apply and merge, keep the unresolved (no Qt)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from reader.config import FETCH_CHOICES, FETCH_SETTING, MAILTO_SETTING, fetch_setting  # noqa: F401  (re-exported)
from reader.enrich.arxiv import ARXIV_MIN_INTERVAL, DEFAULT_ARXIV_API, ArxivClient, ArxivRecord, split_version
from reader.enrich.crossref import CROSSREF_INTERVAL, DEFAULT_CROSSREF_API, CrossrefClient, CrossrefRecord
from reader.enrich.http import Cancelled, FetchError, HttpClient
from reader.enrich.merge import RecordMismatch, UserState, combine_user_state, record_changes
from reader.enrich.resolve import normalize_title, parse_identifier, resolve_title

ARXIV_ENV = "DIGEST_READER_ARXIV_API"
CROSSREF_ENV = "DIGEST_READER_CROSSREF_API"
DELAY_ENV = "DIGEST_READER_API_DELAY"
TIMEOUT_ENV = "DIGEST_READER_API_TIMEOUT"
MAILTO_ENV = "DIGEST_READER_MAILTO"
# A "not found" or a title search is asked again after this long: the paper may appear.
RETRY_AFTER = timedelta(days=1)
# (timeout, retries) of a batch run, and of one paper asked for by someone waiting at a
# prompt (`add`): a silent server costs them three told waits of 10 s, not five of 30 s.
BATCH_PATIENCE = (30.0, 4)
PROMPT_PATIENCE = (10.0, 2)

Progress = Callable[[int, int], None]


class Rules:
    """reader.enrich.merge's rules in the shape the store applies them (store.enrichment.MergeRules)."""

    @staticmethod
    def changes(paper: Mapping[str, Any], record: Any) -> dict[str, Any]:
        return record_changes(paper, record)

    @staticmethod
    def combine(survivor: Any, absorbed: Any) -> Any:
        from reader.store.records import UserState as StoreState

        def mine(s: Any) -> UserState:
            return UserState(tuple(s.tags), s.note, s.rating, s.read, s.read_at, s.archived)

        both = combine_user_state(mine(survivor), mine(absorbed))
        return StoreState(rating=both.rating, note=both.note, read=both.read, read_at=both.read_at,
                          tags=list(both.tags), archived=both.archived)


RULES = Rules()


@dataclass
class Clients:
    """The API clients of one run; they share one HttpClient, its pacing and its cancel event."""

    http: HttpClient
    arxiv: ArxivClient
    crossref: CrossrefClient


def make_clients(
    *, mailto: str | None = None, cancel: threading.Event | None = None,
    environ: Mapping[str, str] | None = None, http: HttpClient | None = None,
    prompt: bool = False,
) -> Clients:
    """Clients on the endpoints the environment names (mirrors, tests), else the real APIs;
    prompt=True: for someone waiting on one paper (shorter timeout, fewer retries)."""
    env = os.environ if environ is None else environ
    text = env.get(DELAY_ENV, "").strip()
    delay = _seconds(DELAY_ENV, text, ARXIV_MIN_INTERVAL)
    timeout, retries = PROMPT_PATIENCE if prompt else BATCH_PATIENCE
    given = _seconds(TIMEOUT_ENV, env.get(TIMEOUT_ENV, "").strip(), timeout)
    timeout = given if given > 0 else timeout  # 0 would make every socket non-blocking
    mailto = (mailto or env.get(MAILTO_ENV) or "").strip() or None
    http = http or HttpClient(contact=mailto, cancel=cancel, timeout=timeout, retries=retries)
    if cancel is not None:
        http.cancel = cancel
    arxiv = ArxivClient(http, env.get(ARXIV_ENV) or DEFAULT_ARXIV_API, delay=max(0.0, delay))
    crossref = CrossrefClient(http, env.get(CROSSREF_ENV) or DEFAULT_CROSSREF_API, mailto=mailto,
                              delay=max(0.0, delay) if text else CROSSREF_INTERVAL)
    return Clients(http, arxiv, crossref)


def _seconds(name: str, text: str, default: float) -> float:
    try:
        return float(text) if text else default
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, not {text!r}") from None


def library_clients(library: Any, cancel: threading.Event | None = None, prompt: bool = False) -> Clients:
    return make_clients(mailto=library.get_setting(MAILTO_SETTING), cancel=cancel, prompt=prompt)


# ------------------------------------------------------------------ a run's pieces


@dataclass
class Batch:
    """One request's worth of papers (or answers the cache already had: `cached`)."""

    kind: str  # "ids" (arXiv id_list), "titles" (one arXiv search), "doi" (one Crossref work)
    targets: dict[str, list[Any]]  # key (id, normalized title, DOI) -> store.enrichment.Target
    titles: dict[str, str] = field(default_factory=dict)  # normalized title -> the title searched
    cached: dict[str, Any] | None = None

    @property
    def papers(self) -> list[Any]:
        return [target for group in self.targets.values() for target in group]


@dataclass
class Fetched:
    """A batch's answers: key -> record, candidate list (titles) or None (not found)."""

    batch: Batch
    answers: dict[str, Any] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)
    error: str | None = None
    skipped: bool = False  # not asked: cancelled, offline, or an earlier request failed


@dataclass
class EnrichReport:
    """What a run did; `as_json()` is the command line's documented shape."""

    total: int = 0
    updated: int = 0
    resolved: int = 0
    unresolved: list[int] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    merges: list[int] = field(default_factory=list)  # merge_log ids, for undo
    reasons: dict[int, str] = field(default_factory=dict)  # why each unresolved paper is
    changed_ids: set[int] = field(default_factory=set)
    requests: int = 0
    not_asked: int = 0
    cancelled: bool = False
    error: str | None = None  # the first failure, told once

    @property
    def merged(self) -> int:
        return len(self.merges)

    def as_json(self) -> dict:
        return {"updated": self.updated, "resolved": self.resolved, "merged": self.merged,
                "unresolved": list(self.unresolved), "failed": list(self.failed)}

    def summary(self) -> str:
        """The run in a sentence, for the status bar and the command line."""
        parts = [f"{self.updated} paper{'s' if self.updated != 1 else ''} updated"]
        if self.resolved:
            parts.append(f"{self.resolved} found by title")
        if self.merged:
            parts.append(f"{self.merged} merged")
        if self.unresolved:
            parts.append(f"{len(self.unresolved)} unresolved")
        text = ", ".join(parts)
        if self.cancelled:
            return f"Fetching cancelled: {text}."
        if self.error:
            return f"{text}; {len(self.failed)} not fetched: {self.error}"
        return f"Fetched details: {text}."


def _cache_key(kind: str, key: str) -> str:
    return {"ids": "arxiv:id:", "titles": "arxiv:title:", "doi": "crossref:doi:"}[kind] + key


def _encode(value: Any) -> Any:
    if isinstance(value, list):
        return [asdict(record) for record in value]
    return asdict(value) if value is not None else None


def _decode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "titles":
        return [ArxivRecord(**record) for record in value]
    return (CrossrefRecord if kind == "doi" else ArxivRecord)(**value)


def _fresh(kind: str, value: Any, fetched_at: str, now: datetime) -> bool:
    """Whether a cached answer may stand in for asking: records always; "not found" and
    title searches for RETRY_AFTER, after which a paper may have appeared."""
    if value is not None and kind != "titles":
        return True
    try:
        when = datetime.fromisoformat(fetched_at)
    except ValueError:
        return False
    return now - when < RETRY_AFTER


class EnrichRun:
    """One run in three steps, so the app can put them on different threads:
    plan (reads the library), fetch (network only), apply (writes, one transaction per paper)."""

    def __init__(self, clients: Clients, *, progress: Progress | None = None, offline: bool = False) -> None:
        self.clients = clients
        self.progress = progress
        self.offline = offline
        self.report = EnrichReport()
        self.done = 0

    @property
    def cancel(self) -> threading.Event:
        return self.clients.http.cancel

    def plan(self, library: Any, search: Any = None, ids: list[int] | None = None,
             refresh: bool = False) -> list[Batch]:
        """The batches for the papers of `ids` (any status), or of `search` (or all) that were
        never tried or stayed unresolved; what the cache knows comes first, as cached batches."""
        store = library.enrichment
        if ids is None and search is not None:
            ids = library.paper_ids(search)
        targets = store.targets(ids, include_done=ids is not None and search is None)
        self.report.total = len(targets)
        groups: dict[str, dict[str, list[Any]]] = {"ids": {}, "doi": {}, "titles": {}}
        titles: dict[str, str] = {}
        for target in targets:
            if target.arxiv_id:
                parts = split_version(target.arxiv_id)
                groups["ids"].setdefault(parts[0] if parts else target.arxiv_id, []).append(target)
            elif target.doi:
                groups["doi"].setdefault(target.doi.strip().lower(), []).append(target)
            elif key := normalize_title(target.title):
                groups["titles"].setdefault(key, []).append(target)
                titles.setdefault(key, target.title)
        now = datetime.now(timezone.utc)
        batches: list[Batch] = []
        for kind, group in groups.items():
            known = {} if refresh else store.cache_get(_cache_key(kind, key) for key in group)
            cached, asked = {}, []
            for key in group:
                entry = known.get(_cache_key(kind, key))
                if entry is not None and _fresh(kind, entry[0], entry[1], now):
                    cached[key] = _decode(kind, entry[0])
                else:
                    asked.append(key)
            if cached:
                batches.append(Batch(kind, {key: group[key] for key in cached}, titles, cached))
            size = {"ids": self.clients.arxiv.batch_size, "titles": self.clients.arxiv.titles_per_query,
                    "doi": 1}[kind]
            for start in range(0, len(asked), size):
                keys = asked[start:start + size]
                batches.append(Batch(kind, {key: group[key] for key in keys}, titles))
        return batches

    def fetch(self, batch: Batch) -> Fetched:
        """Ask the API for one batch; never raises: a failure stops the asking for the run."""
        if batch.cached is not None:
            return Fetched(batch, dict(batch.cached))
        if self.offline or self.report.error or self.report.cancelled or self.cancel.is_set():
            self.report.cancelled = self.report.cancelled or self.cancel.is_set()
            return Fetched(batch, skipped=True)
        keys = list(batch.targets)
        try:
            if batch.kind == "ids":
                lookup = self.clients.arxiv.fetch_ids(keys)
                fetched = Fetched(batch, {key: lookup.records.get(key) for key in keys}, set(lookup.invalid))
            elif batch.kind == "titles":
                found = self.clients.arxiv.search_titles([batch.titles[key] for key in keys])
                fetched = Fetched(batch, {key: found.get(batch.titles[key], []) for key in keys})
            else:
                fetched = Fetched(batch, {keys[0]: self.clients.crossref.fetch_doi(keys[0])})
        except Cancelled:
            self.report.cancelled = True
            return Fetched(batch, skipped=True)
        except FetchError as error:
            self.report.error = self.report.error or str(error)
            return Fetched(batch, error=str(error))
        self.report.requests += 1
        return fetched

    def apply(self, library: Any, fetched: Fetched) -> None:
        """Write one batch's answers: fields, merges, unresolved reasons, the cache."""
        batch, report = fetched.batch, self.report
        if fetched.error or fetched.skipped:
            error = fetched.error or (f"not asked: {report.error}" if report.error else None)
            for target in batch.papers:
                if error:
                    report.failed.append({"id": target.paper_id, "error": error})
                else:
                    report.not_asked += 1
            self._advance(len(batch.papers))
            return
        store = library.enrichment
        if batch.cached is None:
            answers = {_cache_key(batch.kind, key): _encode(value) for key, value in fetched.answers.items()
                       if key not in fetched.invalid}
            if batch.kind == "titles":  # every hit is a record by id too
                for candidates in fetched.answers.values():
                    answers.update({_cache_key("ids", r.arxiv_id): asdict(r) for r in candidates})
            store.cache_put(answers)
        unresolved: dict[int, str] = {}
        for key, targets in batch.targets.items():
            answer = fetched.answers.get(key)
            for target in targets:
                record, reason = self._record_for(batch.kind, key, answer, target, fetched.invalid)
                if record is None:
                    unresolved[target.paper_id] = reason
                    continue
                try:
                    applied = store.apply_record(target.paper_id, record, _source(record), RULES)
                except RecordMismatch as error:
                    unresolved[target.paper_id] = str(error)
                    continue
                if applied is None:
                    continue  # deleted meanwhile
                if batch.kind == "titles":
                    report.resolved += 1
                if applied.changed or applied.merges:
                    report.updated += 1
                    report.changed_ids.add(applied.paper_id)
                report.merges += applied.merges
        if unresolved:
            store.mark_unresolved(unresolved)
            report.unresolved += list(unresolved)
            report.reasons.update(unresolved)
        self._advance(len(batch.papers))

    @staticmethod
    def _record_for(kind: str, key: str, answer: Any, target: Any, invalid: set[str]) -> tuple[Any, str]:
        if kind == "titles":
            resolution = resolve_title(target.title, answer or [], not_after=target.not_after)
            return resolution.record, resolution.reason
        if key in invalid:
            return None, f"{key} is not a valid arXiv id"
        if answer is None:
            return None, (f"arXiv does not know arXiv:{key}" if kind == "ids" else f"Crossref does not know DOI {key}")
        return answer, ""

    def _advance(self, count: int) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.report.total)


def _source(record: Any) -> str:
    return "crossref" if isinstance(record, CrossrefRecord) else "arxiv"


def enrich(
    library: Any, search: Any = None, *, ids: list[int] | None = None, fetch: bool = True,
    refresh: bool = False, cancel: threading.Event | None = None, progress: Progress | None = None,
    clients: Clients | None = None,
) -> EnrichReport:
    """Complete the papers of `search` (or every paper never tried or unresolved; or `ids`):
    arXiv ids 100 per request, titles by batched search, DOIs from Crossref. fetch=False
    answers from the cache only. A failed request stops the asking; the rest stays for later."""
    clients = clients or library_clients(library, cancel)
    if cancel is not None:
        clients.http.cancel = cancel
    run = EnrichRun(clients, progress=progress, offline=not fetch)
    for batch in run.plan(library, search, ids, refresh):
        run.apply(library, run.fetch(batch))
    return run.report


# ------------------------------------------------------------------ Add paper…


@dataclass
class AddResult:
    """One identifier given to "Add paper…" / `add`: the paper it became, or why not."""

    text: str
    status: str  # added | updated | unchanged | failed
    paper_id: int | None = None
    title: str | None = None
    identifier: str | None = None  # "arXiv:2401.00001" or "doi:10.…"
    error: str | None = None
    merges: list[int] = field(default_factory=list)  # merge_log ids, for undo (not in the JSON)
    unfetched: bool = False  # failed because the service could not be asked (not in the JSON)

    def as_json(self) -> dict:
        shown = asdict(self)
        del shown["merges"], shown["unfetched"]
        return shown


def lookup(text: str, clients: Clients) -> tuple[str, Any]:
    """(identifier, record) for what the user typed; ValueError for a bad identifier,
    LookupError when the API does not know it, FetchError when it cannot be asked."""
    kind, value = parse_identifier(text)
    if kind == "arxiv":
        base = split_version(value)[0]
        record = clients.arxiv.fetch_ids([value]).records.get(base)
        if record is None:
            raise LookupError(f"arXiv does not know arXiv:{value}")
        return f"arXiv:{base}", record
    record = clients.crossref.fetch_doi(value)
    if record is None:
        raise LookupError(f"Crossref does not know DOI {value}")
    return f"doi:{value}", record


def store_added(library: Any, text: str, identifier: str, record: Any) -> AddResult:
    """Store a looked-up record as a paper of its own (or complete the paper that has it)."""
    kind = "ids" if isinstance(record, ArxivRecord) else "doi"
    key = record.arxiv_id if kind == "ids" else record.doi.lower()
    store = library.enrichment
    store.cache_put({_cache_key(kind, key): asdict(record)})
    applied = store.add_record(record, RULES)
    status = "added" if applied.created else ("updated" if applied.changed or applied.merges else "unchanged")
    title = library.get_paper(applied.paper_id).title
    return AddResult(text, status, applied.paper_id, title, identifier, merges=list(applied.merges))


def store_added_undoably(library: Any, text: str, identifier: str, record: Any) -> tuple[AddResult, dict | None]:
    """store_added(), with what undo needs: the completed paper's fields as they were (None: new)."""
    found = library.enrichment.holder(record)
    before = library.enrichment.completed_fields(found) if found is not None else None
    return store_added(library, text, identifier, record), before


def add_paper(library: Any, text: str, *, clients: Clients | None = None) -> AddResult:
    """Fetch the paper an arXiv id or URL, a DOI or doi.org URL, or a Hugging Face / alphaXiv
    papers URL names, and store it; never raises for a bad or unknown identifier."""
    try:
        kind, value = parse_identifier(text)
        cache_kind, key = ("ids", split_version(value)[0]) if kind == "arxiv" else ("doi", value.lower())
        known = library.enrichment.cache_get([_cache_key(cache_kind, key)]).get(_cache_key(cache_kind, key))
        # A named version is asked for: the cache holds whatever version was fetched last.
        if known and known[0] is not None and not (kind == "arxiv" and split_version(value)[1]):
            identifier = f"arXiv:{key}" if kind == "arxiv" else f"doi:{value}"
            return store_added(library, text, identifier, _decode(cache_kind, known[0]))
        identifier, record = lookup(text, clients or library_clients(library))
    except FetchError as error:
        return AddResult(text, "failed", error=str(error), unfetched=True)
    except (ValueError, LookupError) as error:
        return AddResult(text, "failed", error=str(error))
    return store_added(library, text, identifier, record)
