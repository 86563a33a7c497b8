"""The feed parser reads RSS 2.0 / RSS 1.0 / Atom feeds safely: no entity expansion, no network."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reader.parsers import base, parse_text
from reader.parsers.base import ParseError
from reader.parsers.feed import FeedParser, html_to_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feed"
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "digests"
parser = FeedParser()


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "name", ["arxiv_rss_cs_lg.xml", "arxiv_api.atom", "hf_daily_papers.xml", "paper_blog.rss"]
)
def test_sniff_and_detect_recognise_each_feed(name):
    assert parser.sniff(fixture(name)) >= 0.9
    assert base.detect(fixture(name)).name == "feed"


def test_sniff_ignores_other_text():
    assert parser.sniff("<html><body><rss>quoted</rss></body></html>") == 0.0
    assert parser.sniff("A post about <rss version='2.0'> feeds.\n") == 0.0
    assert parser.sniff("#### 1.A Title. [Link](http://arxiv.org/abs/2402.06619v1)\n") == 0.0
    prolog = '<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE x [<!ENTITY a "b">]>\n'
    assert parser.sniff(prolog + "<rss><channel>") >= 0.9
    assert parser.sniff("<" * 100_000) == 0.0


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="sample digests not available")
def test_sniff_is_zero_on_every_sample_digest():
    for sample in sorted(SAMPLES.glob("*.txt")):
        assert parser.sniff(base.normalize_text(sample.read_text(encoding="utf-8"))) == 0.0, sample.name


def test_arxiv_rss_feed():
    parsed = parser.parse(fixture("arxiv_rss_cs_lg.xml"))
    assert parsed.format == "feed"
    assert parsed.date == "2024-01-16"
    assert parsed.warnings == []
    assert [entry.sighting.position for entry in parsed.entries] == [1, 2, 3, 4]
    papers = [entry.paper for entry in parsed.entries]
    assert [paper.arxiv_id for paper in papers] == [
        "2401.08541", "2401.07890", "hep-th/9901001", "2310.01234",
    ]
    first = papers[0]
    assert first.title == "Sparse Mixture-of-Experts Routing with Learned Temperature"  # was wrapped
    assert first.authors == ["Ana Pérez", "Jürgen Müller", "Wei Zhang"]  # one dc:creator, char refs
    assert first.published == "2024-01-16"
    assert first.abs_url == "https://arxiv.org/abs/2401.08541"
    assert first.pdf_url == "https://arxiv.org/pdf/2401.08541"
    # The "arXiv:... Announce Type: new Abstract:" prefix is not part of the abstract.
    assert first.abstract == (
        "Mixture-of-experts layers scale capacity without a matching increase in compute."
        " We introduce a learned router temperature."
    )
    assert parsed.entries[0].sighting.topic == "cs.LG"
    assert parsed.entries[0].sighting.detail == "Announce type: new\nCategories: cs.LG, cs.CL"

    cross = parsed.entries[1]
    assert cross.paper.abstract == (
        "We apply graph transformers to single-step retrosynthesis prediction."  # <i> dropped
    )
    assert cross.sighting.detail == "Announce type: cross\nCategories: q-bio.QM, cs.LG"
    old = parsed.entries[2]
    assert old.paper.abs_url == "https://arxiv.org/abs/hep-th/9901001"
    assert old.sighting.detail.startswith("Announce type: replace-cross\n")
    last = papers[-1]
    assert last.title == "Diffusion Models Are Secretly Energy-Based Models"
    assert last.authors == ["Alice Smith", "Bob Jones", "Carol White"]


def test_arxiv_api_atom_feed():
    parsed = parser.parse(fixture("arxiv_api.atom"))
    assert parsed.date == "2024-01-16"
    assert parsed.warnings == []
    papers = [entry.paper for entry in parsed.entries]
    assert [paper.arxiv_id for paper in papers] == ["2401.08602", "hep-th/9901001", "2402.06619"]

    adam = papers[0]
    assert adam.title == "On the Convergence of Adam under $(L_0,L_1)$-Smoothness"
    assert adam.authors == ["Kenji Tanaka", "Olga Ivanova"]  # affiliations are not names
    assert adam.doi == "10.1016/S0140-6736(20)30183-5"
    assert adam.published == "2024-01-15"  # <published>, not the later <updated>
    assert adam.abstract == (
        "We prove that Adam converges under generalised smoothness assumptions,"
        " closing a gap in earlier analyses."
    )
    assert adam.abs_url == "https://arxiv.org/abs/2401.08602"
    assert adam.pdf_url == "https://arxiv.org/pdf/2401.08602"
    sighting = parsed.entries[0].sighting
    assert sighting.topic == "math.OC"  # arxiv:primary_category
    assert sighting.detail == (
        "Categories: math.OC, cs.LG\nComments: Accepted at ICLR 2024; 30 pages\n"
        "Journal-ref: Lancet 395 (2020) 497-506"
    )
    assert papers[1].published == "1999-01-01"
    assert papers[1].abs_url == "https://arxiv.org/abs/hep-th/9901001"

    html_entry = papers[2]
    assert html_entry.title == "Ænigma: Puzzles for Large Language Models"  # type="html" stripped
    assert html_entry.abstract == "First paragraph.\n\nSecond paragraph."
    assert html_entry.authors == ["Zoë Ångström"]


def test_hugging_face_daily_papers_feed():
    parsed = parser.parse(fixture("hf_daily_papers.xml"))
    assert parsed.date == "2024-01-17"
    papers = [entry.paper for entry in parsed.entries]
    assert [(paper.arxiv_id, paper.published) for paper in papers] == [
        ("2410.07177", "2024-10-09"), ("2401.10020", "2024-01-18"),
    ]
    assert papers[0].title == "MM-Ego: Towards Building Egocentric Multimodal LLMs"
    assert papers[0].abstract.startswith("This research aims to comprehensively explore")
    assert "<p>" not in papers[0].abstract
    assert papers[-1].title == "Self-Rewarding Language Models"


def test_blog_feed_links_dois_pdfs_and_skips_untitled_items():
    parsed = parser.parse(fixture("paper_blog.rss"))
    assert parsed.date == "2024-01-19"
    assert parsed.warnings == ["skipped feed item 3: it has no title"]
    assert [entry.sighting.position for entry in parsed.entries] == [1, 2, 3]
    lancet, pdf, post = (entry.paper for entry in parsed.entries)

    assert lancet.title == "A novel coronavirus outbreak: clinical features of patients in Wuhan"
    assert lancet.doi == "10.1016/S0140-6736(20)30183-5"  # from the doi.org link, parentheses kept
    assert lancet.abs_url == "https://doi.org/10.1016/S0140-6736(20)30183-5"
    assert lancet.arxiv_id is None
    assert lancet.authors == ["Jane Doe"]  # "editor@... (Jane Doe)"
    assert lancet.published == "2024-01-18"
    assert lancet.abstract == "Summary of the Lancet paper.\n\nSecond paragraph & more."  # no script
    assert parsed.entries[0].sighting.topic == "Epidemiology"

    assert pdf.title == "Scaling laws — a PDF we liked"
    assert pdf.pdf_url == "https://papers.example.org/scaling-laws.pdf"
    assert pdf.authors == ["Renée Dupont", "Li Wei"]
    assert pdf.published == "2023-12-31"  # dc:date, the day as written

    # A post that mentions papers is not one of them: no id taken from its title or text.
    assert post.arxiv_id is None
    assert post.homepage_url == "https://lab.example.org/notes/why-we-read"


def test_rss_1_0_rdf_feed_of_the_old_arxiv_kind():
    rdf = """<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://arxiv.org/">
<title>cs.LG updates on arXiv.org</title>
<dc:date>2019-03-05T20:30:00-05:00</dc:date>
</channel>
<item rdf:about="http://arxiv.org/abs/1903.01234">
<title>Deep Sets Revisited. (arXiv:1903.01234v2 [cs.LG] UPDATED)</title>
<link>http://arxiv.org/abs/1903.01234</link>
<description rdf:parseType="Literal">&lt;p&gt;We revisit deep sets.&lt;/p&gt;</description>
<dc:creator> &lt;a href="http://arxiv.org/find/cs/1/au:+Doe_J/0/1/0/all/0/1"&gt;Jane Doe&lt;/a&gt;,
 &lt;a href="http://arxiv.org/find/cs/1/au:+Kumar_R/0/1/0/all/0/1"&gt;Ravi Kumar&lt;/a&gt;</dc:creator>
</item>
</rdf:RDF>
"""
    assert parser.sniff(rdf) >= 0.9
    parsed = parser.parse(rdf)
    assert parsed.date == "2019-03-05"
    (entry,) = parsed.entries
    assert entry.paper.title == "Deep Sets Revisited"
    assert entry.paper.arxiv_id == "1903.01234"
    assert entry.paper.authors == ["Jane Doe", "Ravi Kumar"]
    assert entry.paper.abstract == "We revisit deep sets."


def test_titles_are_plain_text():
    feed = (
        '<rss version="2.0"><channel><item><title>Bounds for a &lt; b in &lt;i&gt;k&lt;/i&gt;-means'
        " &amp;amp; more</title><link>https://arxiv.org/abs/2401.00001v3</link></item></channel></rss>"
    )
    (entry,) = parser.parse(feed).entries
    assert entry.paper.title == "Bounds for a < b in k-means & more"
    assert entry.paper.arxiv_id == "2401.00001"


def test_billion_laughs_is_not_expanded():
    text = fixture("billion_laughs.xml")
    start = time.perf_counter()
    parsed = parser.parse(text)
    assert time.perf_counter() - start < 2
    for entry in parsed.entries:
        assert "lol" not in entry.paper.title
        assert len(entry.paper.title) < 100
        assert "lol" not in (entry.paper.abstract or "")
    assert len(parsed.entries) <= 2
    # libxml2 may refuse the document at the entity declarations; then the user is told.
    assert all("not well-formed" in warning or "no title" in warning for warning in parsed.warnings)


def test_billion_laughs_inside_html_text_is_not_expanded():
    bomb = (
        '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        "<p>&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;</p>"
    )
    assert len(html_to_text(bomb)) < 200


def test_external_entities_are_not_resolved():
    text = fixture("external_entity.xml")
    parsed = parser.parse(text)
    (entry,) = parsed.entries
    assert entry.paper.title == "Leak here"
    assert entry.paper.arxiv_id == "2401.00004"
    assert entry.paper.abstract is None
    assert entry.paper.authors == []
    assert "root:" not in repr(parsed)


def test_crlf_feed_reads_the_same():
    text = fixture("arxiv_api.atom")
    crlf = parse_text(text.replace("\n", "\r\n"))
    assert crlf.format == "feed"
    assert [e.paper for e in crlf.entries] == [e.paper for e in parser.parse(text).entries]


def test_a_truncated_feed_keeps_whole_items_and_says_so():
    text = fixture("arxiv_rss_cs_lg.xml")
    cut = text[: text.index("Abstract: An old-style identifier")]
    parsed = parser.parse(cut)
    assert [entry.paper.arxiv_id for entry in parsed.entries] == ["2401.08541", "2401.07890"]
    assert parsed.warnings[0].startswith("the feed is not well-formed XML (line ")
    assert parsed.warnings[1] == "skipped the last feed item: the feed is cut off inside it"


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "plain text, not a feed\n",
        "<html><body><p>hello</p></body></html>",
        "<rss" + " a" * 100_000,
        "\x00" * 5_000,
        bytes(range(256)).decode("latin-1") * 40,
        '<rss version="2.0"><channel><title>No items today</title></channel></rss>',
    ],
    ids=["empty", "text", "html", "huge-root-tag", "nul", "binary", "no-items"],
)
def test_garbage_raises_parse_error(garbage):
    with pytest.raises(ParseError):
        parser.parse(garbage)


def test_huge_lines_are_read_quickly():
    huge = "<p>" + "word " * 200_000 + "</p>" + "<a " * 100_000
    feed = (
        '<rss version="2.0"><channel><item><title>Huge</title><description><![CDATA['
        + huge + "]]></description></item></channel></rss>"
    )
    start = time.perf_counter()
    (entry,) = parser.parse(feed).entries
    assert time.perf_counter() - start < 2
    assert entry.paper.abstract.startswith("word word")
