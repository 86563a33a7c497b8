"""Synthetic digests of every format for libraries of any size, streamed to bench/.cache/.

Every paper is a pure function of its index (same index, same paper), so a digest can mention
an earlier paper again without keeping the library in memory. Papers overlap between digests
the way they do for real users: a table paper turns up again in a scored list, a newsletter
(by arXiv id) and a daily-papers page (by title only).
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import random
import shutil
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench import corpus

GENERATOR_VERSION = 2  # 2: a Zipf-like long-tail vocabulary in every abstract
CACHE_DIR = Path(__file__).resolve().parent / ".cache"
MANIFEST = "manifest.json"

# Which format a paper first appears in, per 20 consecutive indices.
HOME_PATTERN = (
    ("arxiv-table",) * 9 + ("daily-papers",) * 6 + ("scored-list",) * 2
    + ("newsletter",) * 2 + ("generic",)
)
# Entries per digest (new papers + papers seen before) and the share of papers seen before.
DIGEST_ENTRIES = {
    "arxiv-table": 700, "daily-papers": 600, "scored-list": 500, "newsletter": 500, "generic": 500,
}
REPEAT_SHARE = {
    "arxiv-table": 0.0, "daily-papers": 0.2, "scored-list": 0.4, "newsletter": 0.3, "generic": 0.3,
}
FORMATS = tuple(DIGEST_ENTRIES)
RECENT_TABLE_PAPERS = 5000  # repeats are drawn from the latest table papers, as in real life
PAPERS_PER_MONTH = 20000
CONSONANTS = "bdfgklmnprstvz"
VOWELS = "aeiou"
SYLLABLES = [c + v for c in CONSONANTS for v in VOWELS]
NAME_SPACE = len(SYLLABLES) ** 4
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEK_ITEMS = 20
WRAP = 80
# Real abstracts draw on a vocabulary whose word frequencies fall off as a power of their
# rank (Zipf): a few words everywhere, most words in a handful of papers. The sample
# sentences alone give ~6k words, which a 1M library's index would hold as dense lists;
# these ranks give it the long tail of rare terms a real index carries.
VOCABULARY_SIZE = 200_000
ZIPF_EXPONENT = 1.07
# A coined word: three syllables and a final consonant. Its length and its last letter keep
# it apart from the method names (four syllables, ending in a vowel), so no name is a word.
COINED_ENDINGS = "lnrsx"
COINED_SPACE = len(SYLLABLES) ** 3 * len(COINED_ENDINGS)
KEYWORDS = (4, 6)  # how many Zipf words the "Keywords:" sentence has
TAIL_TERMS = (6, 14)  # and the sentence of further terms


@dataclass(frozen=True)
class SynthPaper:
    """One synthetic paper, fully determined by its index."""

    index: int
    name: str  # a coined method name, unique per index: it keeps every title distinct
    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    abstract: str
    translation: str
    published: str
    code_url: str | None


def method_name(index: int) -> str:
    """A pronounceable unique name ("Kavotimu"); scrambled so neighbours do not look alike."""
    number = (index * 7919 + 12345) % NAME_SPACE
    syllables = []
    for _ in range(4):
        number, rest = divmod(number, len(SYLLABLES))
        syllables.append(SYLLABLES[rest])
    return "".join(syllables).capitalize()


def coined_word(rank: int) -> str:
    """The made-up word of this vocabulary rank ("kavotil"): a pure function of the rank,
    scrambled so that neighbouring ranks do not look alike."""
    number = (rank * 7919 + 4241) % COINED_SPACE
    number, ending = divmod(number, len(COINED_ENDINGS))
    syllables = []
    for _ in range(3):
        number, rest = divmod(number, len(SYLLABLES))
        syllables.append(SYLLABLES[rest])
    return "".join(syllables) + COINED_ENDINGS[ending]


@functools.cache
def vocabulary() -> tuple[tuple[str, ...], tuple[float, ...]]:
    """(words by rank, cumulative Zipf weights): the corpus's real words take the top ranks
    (in a fixed shuffled order, so frequency does not follow the alphabet); coined words
    fill the rest. Built once per process: rng.choices bisects the cumulative weights."""
    real = sorted(w for w in corpus.load().words if not corpus.UNSAFE_SENTENCE_RE.search(w))
    random.Random(1907).shuffle(real)
    taken = set(real)
    words = list(real)
    for rank in range(len(real) + 1, VOCABULARY_SIZE + 1):
        word = coined_word(rank)
        words.append(word + "x" if word in taken else word)  # a real word by chance
    weights = itertools.accumulate(rank ** -ZIPF_EXPONENT for rank in range(1, VOCABULARY_SIZE + 1))
    return tuple(words), tuple(weights)


def zipf_words(rng: random.Random, count: int) -> list[str]:
    """`count` words drawn by Zipf weight, each once (a repeat is dropped)."""
    words, weights = vocabulary()
    return list(dict.fromkeys(rng.choices(words, cum_weights=weights, k=count)))


def arxiv_id(index: int) -> tuple[str, str]:
    """(id without version, year-month "2023-01") for the paper with this index."""
    month = index // PAPERS_PER_MONTH
    year, month_of_year = 23 + month // 12, month % 12 + 1
    return f"{year:02d}{month_of_year:02d}.{index % PAPERS_PER_MONTH + 1:05d}", f"20{year:02d}-{month_of_year:02d}"


def paper(index: int) -> SynthPaper:
    """The paper with this index: title, authors, abstract of 150-250 words, translation."""
    pools = corpus.load()
    rng = random.Random(index)
    name = method_name(index)
    ident, month = arxiv_id(index)
    phrase = rng.choice(pools.phrases)
    title = f"{name}: {phrase}" if rng.random() < 0.7 else f"{phrase} with {name}"
    count = 1 + min(int(rng.expovariate(1 / 5)), 24)
    authors = tuple(
        f"{rng.choice(pools.first_names)} {rng.choice(pools.last_names)}" for _ in range(count)
    )
    code_url = None
    if rng.random() < 0.3:
        code_url = f"https://github.com/{authors[0].split()[-1].lower()}/{name.lower()}"
    return SynthPaper(
        index=index, name=name, arxiv_id=ident, title=title, authors=authors,
        abstract=_abstract(rng, pools, name), translation=_translation(rng, pools, name),
        published=f"{month}-{rng.randint(1, 28):02d}", code_url=code_url,
    )


def _abstract(rng: random.Random, pools: corpus.Corpus, name: str) -> str:
    wanted = rng.randint(150, 250)
    keywords = zipf_words(rng, rng.randint(*KEYWORDS))
    terms = zipf_words(rng, rng.randint(*TAIL_TERMS))
    # Written last, but counted first: the abstract keeps its 150-250 words.
    closing = [
        "Keywords: " + ", ".join(keywords) + ".",
        "Further terms: " + ", ".join(terms) + ".",
    ]
    sentences = [rng.choice(pools.sentences)]
    sentences.append(f"We call the resulting approach {name}.")
    words = sum(len(s.split()) for s in sentences + closing)
    while words < wanted - 8:
        sentence = rng.choice(pools.sentences)
        sentences.append(sentence)
        words += len(sentence.split())
    return " ".join(sentences + closing)


def _translation(rng: random.Random, pools: corpus.Corpus, name: str) -> str:
    wanted = rng.randint(240, 400)
    parts = [rng.choice(pools.cjk_sentences), f"我們稱此方法為 {name}。"]
    length = sum(len(p) for p in parts)
    while length < wanted:
        part = rng.choice(pools.cjk_sentences)
        parts.append(part)
        length += len(part)
    return "".join(parts)


def wrap(text: str, width: int = WRAP) -> str:
    """Hard-wrapped lines, as the digest tools write abstracts."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return "\n".join(lines)


def _month_day(iso: str) -> str:
    return f"{MONTHS[int(iso[5:7]) - 1]} {int(iso[8:10])}"


# ---------------------------------------------------------------- one writer per format

def arxiv_table(papers: list[SynthPaper], rng: random.Random) -> str:
    """Topic tables (`|Publish Date|Title|Authors|Homepage|Code|`), then `#### Abstracts`."""
    topics = rng.sample(corpus.TOPICS, k=min(3, len(papers)))
    size = -(-len(papers) // len(topics))
    out = []
    for number, topic in enumerate(topics):
        chunk = papers[number * size:(number + 1) * size]
        out.append(f"\n### {topic}\n|Publish Date|Title|Authors|Homepage|Code|\n"
                   "| :---: | :---: | :---: | :---: | :---: |\n")
        for p in chunk:
            code = f"[link]({p.code_url})" if p.code_url else "null"
            link = f"[{p.arxiv_id}v1](http://arxiv.org/abs/{p.arxiv_id}v1)"
            out.append(f"|**{p.published}**|**{p.title}**|{p.authors[0]} et.al.|{link}|{code}|\n")
    out.append("\n#### Abstracts\n")
    for p in papers:
        out.append(
            f"##### **{p.title}**\n{p.arxiv_id}v1 by {', '.join(p.authors)}\n\n"
            f"{wrap(p.abstract)}\n\n摘要：{p.translation}\n\n"
        )
    return "".join(out)


def scored_list(papers: list[SynthPaper], rng: random.Random) -> str:
    """`#### N.Title. [Link](abs url)`, `#### GPT Score: N`, sub-scores, `### Summary`."""
    out = []
    for number, p in enumerate(papers, start=1):
        subscores = [rng.randint(12, 20) for _ in range(5)]
        names = ("Innovation", "Newness", "Potential", "Clarity", "Relevance")
        out.append(
            f"#### {number}.{p.title}. [Link](http://arxiv.org/abs/{p.arxiv_id}v1) \n"
            f"#### GPT Score: {sum(subscores)}\n"
            + ", ".join(f"{n}:{s}" for n, s in zip(names, subscores))
            + f"\n### Summary\n{wrap(p.abstract)}\n\n"
        )
    return "".join(out)


def daily_papers(papers: list[SynthPaper], rng: random.Random) -> str:
    """Five header lines, a date, then title line / one-line abstract paragraph pairs."""
    day = _month_day(papers[0].published)
    out = ["new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
           f"byAK and the research community\n\n{day}\n\n"]
    for p in papers:
        out.append(f"{p.title}\n\n{p.abstract}\n\n")
    return "".join(out)


def newsletter_item(number: int, p: SynthPaper, kind: str, rng: random.Random) -> str:
    """`N. ***Headline:  <br>summary*** <br>` and a detail line; kind: linked, quoted, news."""
    pools = corpus.load()
    org = rng.choice(corpus.ORGANIZATIONS)
    summary = " ".join(rng.sample(pools.sentences, 2))
    detail = " ".join(rng.sample(pools.sentences, rng.randint(3, 6)))
    when = _month_day(p.published)
    phrase = p.title.split(": ", 1)[-1].removesuffix(f" with {p.name}")
    if kind == "news":
        headline = f"{org} launches {p.name} for {phrase[:1].lower()}{phrase[1:]}"
        slug = f"https://{org.split()[0].lower()}.example.com/blog/{p.name.lower()}"
        body = f"{when}, {org} [released {p.name}]({slug}), a new product. {detail}"
    else:
        headline = f"{phrase} from {org}"
        url = (f"https://arxiv.org/pdf/{p.arxiv_id}" if kind == "linked"
               else f"https://www.{org.split()[0].lower()}.example.org/papers/{p.name.lower()}.pdf")
        body = f"{when}, {org} published a [paper]({url}) “{p.title}”. {detail}"
    return f"{number}. ***{headline}:  <br>{summary}*** <br>\n   {body} <br>\n\n"


def newsletter(items: list[tuple[SynthPaper, str]], rng: random.Random) -> str:
    """`***Mon DD***` week headings, each over up to WEEK_ITEMS odd-numbered items."""
    out = []
    for start in range(0, len(items), WEEK_ITEMS):
        week = items[start:start + WEEK_ITEMS]
        out.append(f"\n***{_month_day(week[0][0].published)}***\n\n")
        for offset, (p, kind) in enumerate(week):
            out.append(newsletter_item(2 * offset + 1, p, kind, rng))
    return "".join(out)


def generic(papers: list[SynthPaper], rng: random.Random, number: int) -> str:
    """Reading notes: a numbered list naming papers by link, `arXiv:` id or pdf URL."""
    out = [f"# Reading notes, week {number}\n\nPapers people mentioned at group meeting:\n\n"]
    for position, p in enumerate(papers, start=1):
        comment = rng.choice(corpus.COMMENTS)
        style = rng.randrange(3)
        if style == 0:
            line = f"[{p.title}](https://arxiv.org/abs/{p.arxiv_id}v1) - {comment}"
        elif style == 1:
            line = f"{p.title} - arXiv:{p.arxiv_id}"
        else:
            line = f"{p.title}: https://arxiv.org/pdf/{p.arxiv_id}.pdf"
        out.append(f"{position}. {line}\n")
    return "".join(out)


# ---------------------------------------------------------------- the stream of digests

@dataclass
class GeneratedDigest:
    format: str
    entries: int  # entries the parser must find
    text: str


def newsletter_kind(index: int) -> str:
    """Of newsletter items: 80% link an arXiv paper, 15% name a paper only, 5% are news."""
    slot = (index // len(HOME_PATTERN)) % 20
    return "linked" if slot < 16 else "quoted" if slot < 19 else "news"


class DigestStream:
    """Turns paper indices 0..size-1 into digests, each paper new in exactly one of them."""

    def __init__(self, size: int, seed: int = 7) -> None:
        self.size = size
        self.rng = random.Random(seed)
        self.pending: dict[str, list[int]] = {f: [] for f in FORMATS}
        self.recent_table: deque[int] = deque(maxlen=RECENT_TABLE_PAPERS)
        self.generic_number = 0

    def __iter__(self) -> Iterator[GeneratedDigest]:
        for index in range(self.size):
            home = HOME_PATTERN[index % len(HOME_PATTERN)]
            self.pending[home].append(index)
            if len(self.pending[home]) >= self._new_per_digest(home):
                yield self._emit(home)
        for fmt in FORMATS:  # tables first, so the last digests can repeat their papers
            if self.pending[fmt]:
                yield self._emit(fmt)

    @staticmethod
    def _new_per_digest(fmt: str) -> int:
        return round(DIGEST_ENTRIES[fmt] * (1 - REPEAT_SHARE[fmt]))

    def _repeats(self, fmt: str, new: int) -> list[int]:
        share = REPEAT_SHARE[fmt]
        wanted = min(round(new * share / (1 - share)), len(self.recent_table))
        return self.rng.sample(list(self.recent_table), wanted) if wanted else []

    def _emit(self, fmt: str) -> GeneratedDigest:
        new, self.pending[fmt] = self.pending[fmt], []
        repeats = self._repeats(fmt, len(new))
        if fmt == "arxiv-table":
            self.recent_table.extend(new)
        order = new + repeats
        self.rng.shuffle(order)
        papers = [paper(i) for i in order]
        if fmt == "arxiv-table":
            text = arxiv_table(papers, self.rng)
        elif fmt == "scored-list":
            text = scored_list(papers, self.rng)
        elif fmt == "daily-papers":
            text = daily_papers(papers, self.rng)
        elif fmt == "newsletter":
            repeated = set(repeats)
            kinds = ["linked" if i in repeated else newsletter_kind(i) for i in order]
            text = newsletter(list(zip(papers, kinds)), self.rng)
        else:
            self.generic_number += 1
            text = generic(papers, self.rng, self.generic_number)
        return GeneratedDigest(fmt, len(order), text)


# ---------------------------------------------------------------- the cache

def cache_dir(size: int) -> Path:
    return CACHE_DIR / f"digests-{size}"


def load_manifest(size: int) -> dict | None:
    """The manifest of a complete, current cache for this size, or None."""
    path = cache_dir(size) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return manifest if manifest.get("version") == GENERATOR_VERSION else None


def generate(size: int, folder: Path, log=print) -> dict:
    """Write the digests for `size` papers into `folder` (replaced); returns the manifest."""
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    files, total_bytes, started = [], 0, time.perf_counter()
    for number, digest in enumerate(DigestStream(size), start=1):
        name = f"{number:05d}_{digest.format}.txt"
        data = digest.text.encode("utf-8")
        (partial / name).write_bytes(data)
        files.append({"name": name, "format": digest.format, "entries": digest.entries})
        total_bytes += len(data)
        if number % 200 == 0:
            log(f"  generated {number} digests ({total_bytes / 1e6:.0f} MB)")
    manifest = {
        "version": GENERATOR_VERSION, "papers": size, "files": files, "bytes": total_bytes,
        "seconds": round(time.perf_counter() - started, 1),
    }
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=1))
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)  # only a complete set of digests ever carries a manifest
    return manifest


def ensure_digests(size: int, log=print) -> tuple[Path, dict]:
    """The cached digests for `size`, generated first when missing or out of date."""
    folder = cache_dir(size)
    manifest = load_manifest(size)
    if manifest is None:
        log(f"generating digests for {size:,} papers into {folder} ...")
        manifest = generate(size, folder, log)
        log(f"  {len(manifest['files'])} digests, {manifest['bytes'] / 1e6:.0f} MB"
            f" in {manifest['seconds']} s")
    return folder, manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int)
    parser.add_argument("--out", type=Path, help="folder (default: bench/.cache/digests-SIZE)")
    args = parser.parse_args()
    manifest = generate(args.size, args.out or cache_dir(args.size))
    print(f"{len(manifest['files'])} digests, {manifest['bytes'] / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
