"""Word, sentence, title and name pools taken from the sample digests, for realistic synthetic text."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

SAMPLES_DIR = Path(os.environ.get("DIGEST_SAMPLES_DIR", "/work/shared/digests"))

# Sentences that could be read as digest structure (ids, links, markup, quotes) are left out,
# so the generated text is only ever parsed by the structure the generator writes around it.
UNSAFE_SENTENCE_RE = re.compile(
    r"https?://|www\.|\d{4}\.\d{4,5}|arxiv|doi|[\[\]|#*<>“”\"_`$\\{}]|\bet\.? ?al\b|10\.\d{4}",
    re.IGNORECASE,
)
SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
CJK_SPLIT_RE = re.compile(r"(?<=。)")
TABLE_TITLE_RE = re.compile(r"^\|\*\*\d{4}-\d{2}-\d{2}\*\*\|\*\*(?P<title>.+?)\*\*\|", re.MULTILINE)
AUTHORS_LINE_RE = re.compile(r"^\d{4}\.\d{4,5}v\d+ by (?P<authors>.+)$", re.MULTILINE)
WORD_RE = re.compile(r"[A-Za-z][a-z]{3,}")

# Extra topic words so the vocabulary has a long tail beyond the five samples.
EXTRA_WORDS = """
ablation adversarial alignment annotation anomaly architecture attention autoregressive
backbone bandit baseline bayesian benchmark bias calibration captioning causal
checkpoint classifier clustering codebook compression conformal contrastive convolution
corpus curriculum dataset decoder denoising dense depth diffusion distillation
distribution dropout embedding encoder ensemble entropy equivariant estimation
evaluation explainability factorization fairness federated finetuning forecasting
generalization generative geometric gradient graph grounding hallucination heuristic
hierarchical inference interpretability kernel knowledge latent layout localization
manifold memory meta mixture modality multilingual multimodal navigation normalization
objective ontology optimization outlier perception planning pointcloud policy pretraining
probabilistic pruning quantization reasoning reconstruction recurrent regression
regularization reinforcement relational representation retrieval reward robustness
rollout sampling scaling segmentation semantic simulation sparsity speech stochastic
summarization supervision synthesis tabular temporal tokenizer topology trajectory
transformer translation uncertainty unsupervised variational video vision voxel
watermark wavelet zeroshot
""".split()

TOPICS = (
    "LLM", "Computer Vision", "Robotics", "Reinforcement Learning", "Speech", "Graph Learning",
)
ORGANIZATIONS = (
    "Google", "Meta", "Apple", "Microsoft", "Nvidia", "Stanford Uni", "MIT", "Tsinghua Uni",
    "ETH Zurich", "Oxford Uni", "Mila", "CMU", "UC Berkeley", "Princeton Uni", "Alibaba",
    "DeepMind", "Allen AI", "Hugging Face", "Cornell Uni", "KAIST",
)
COMMENTS = (
    "worth a look", "Bob liked it", "for the reading group", "skim the method section",
    "compare with our baseline", "good related work section", "check the ablations",
    "cited in the survey", "code looks clean", "maybe for the next project",
)
FALLBACK_SENTENCES = (
    "We study how large language models generalize beyond their training distribution.",
    "Extensive experiments show consistent gains over strong baselines on several benchmarks.",
    "Our analysis reveals that simple data selection rules explain most of the improvement.",
)


@dataclass(frozen=True)
class Corpus:
    """Everything the generator draws text from."""

    sentences: tuple[str, ...]
    phrases: tuple[str, ...]  # title bodies: a sample title or the part after its colon
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    cjk_sentences: tuple[str, ...]
    words: tuple[str, ...]


def _read_samples() -> list[str]:
    if not SAMPLES_DIR.is_dir():
        return []
    return [p.read_text(encoding="utf-8-sig") for p in sorted(SAMPLES_DIR.glob("*.txt"))]


def _paragraphs(text: str) -> list[str]:
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()]


def _english_sentences(texts: list[str]) -> list[str]:
    found: dict[str, None] = {}
    for text in texts:
        for paragraph in _paragraphs(text):
            if len(paragraph) < 200 or not paragraph.isascii():
                continue
            for sentence in SENTENCE_SPLIT_RE.split(paragraph):
                if 40 <= len(sentence) <= 400 and not UNSAFE_SENTENCE_RE.search(sentence):
                    found.setdefault(sentence, None)
    return list(found) or list(FALLBACK_SENTENCES)


def _sample_titles(texts: list[str]) -> list[str]:
    """Every sample paper title, through the real parsers (the table regex if they fail)."""
    try:
        from reader.parsers import parse_text

        return [e.paper.title for text in texts for e in parse_text(text).entries if e.paper.title]
    except Exception:  # the pools must not depend on a parser being healthy
        return [m.group("title") for text in texts for m in TABLE_TITLE_RE.finditer(text)]


def _title_phrases(texts: list[str]) -> list[str]:
    found: dict[str, None] = {}
    for raw in _sample_titles(texts):
        title = raw.split(": ", 1)[-1].strip().rstrip(".:;,")
        if 10 <= len(title) <= 150 and not UNSAFE_SENTENCE_RE.search(title):
            found.setdefault(title, None)
    return list(found) or ["Scaling Laws for Sparse Attention", "Learning to Plan with Language"]


def _names(texts: list[str]) -> tuple[list[str], list[str]]:
    first: dict[str, None] = {}
    last: dict[str, None] = {}
    for text in texts:
        for match in AUTHORS_LINE_RE.finditer(text):
            for name in match.group("authors").split(", "):
                parts = name.split()
                if 2 <= len(parts) <= 3 and all(p[:1].isalpha() for p in parts):
                    first.setdefault(parts[0], None)
                    last.setdefault(parts[-1], None)
    return list(first) or ["Ada", "Alan"], list(last) or ["Lovelace", "Turing"]


def _cjk_sentences(texts: list[str]) -> list[str]:
    found: dict[str, None] = {}
    for text in texts:
        for line in text.splitlines():
            if line.startswith("摘要："):
                for sentence in CJK_SPLIT_RE.split(line.removeprefix("摘要：")):
                    if 8 <= len(sentence) and not UNSAFE_SENTENCE_RE.search(sentence):
                        found.setdefault(sentence, None)
    return list(found) or ["我們提出了一種新的方法。"]


@functools.cache
def load() -> Corpus:
    """The pools, built once per process from the sample digests (with fallbacks without them)."""
    texts = _read_samples()
    sentences = _english_sentences(texts)
    first, last = _names(texts)
    words = sorted({w.lower() for s in sentences for w in WORD_RE.findall(s)} | set(EXTRA_WORDS))
    return Corpus(
        sentences=tuple(sentences),
        phrases=tuple(_title_phrases(texts)),
        first_names=tuple(first),
        last_names=tuple(last),
        cjk_sentences=tuple(_cjk_sentences(texts)),
        words=tuple(words),
    )
