"""Responses shaped like the documented arXiv Atom API and Crossref REST API, written by hand."""

from __future__ import annotations

import json

FEED_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query%3D%26id_list%3D2401.00001%26start%3D0%26max_results%3D10" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=&amp;id_list=2401.00001&amp;start=0&amp;max_results=10</title>
  <id>http://arxiv.org/api/cHxbiOdZaP56ODnBPIenZhzg5f8</id>
  <updated>2024-01-05T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{total}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{total}</opensearch:itemsPerPage>
"""

ENTRY = """  <entry>
    <id>http://arxiv.org/abs/{id}v{version}</id>
    <updated>{updated}T17:59:59Z</updated>
    <published>{published}T18:00:00Z</published>
    <title>{title}</title>
    <summary>  {abstract}
</summary>
{authors}
{extra}
    <link href="http://arxiv.org/abs/{id}v{version}" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{id}v{version}" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="{primary}" scheme="http://arxiv.org/schemas/atom"/>
{categories}
  </entry>
"""

EXTRA = """    <arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">{doi}</arxiv:doi>
    <link title="doi" href="http://dx.doi.org/{doi}" rel="related"/>
    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">12 pages, 3 figures</arxiv:comment>
    <arxiv:journal_ref xmlns:arxiv="http://arxiv.org/schemas/atom">{journal_ref}</arxiv:journal_ref>"""

ERROR_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query%3D%26id_list%3D1234.1234%26start%3D0%26max_results%3D10" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=&amp;id_list=1234.1234&amp;start=0&amp;max_results=10</title>
  <id>http://arxiv.org/api/kvuntZ8c9a4Eq5CF7KY03nMug+Q</id>
  <updated>2024-01-05T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:itemsPerPage>
  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.1234</id>
    <title>Error</title>
    <summary>incorrect id format for 1234.1234</summary>
    <updated>2024-01-05T00:00:00-05:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_1234.1234" rel="alternate" type="text/html"/>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>
</feed>
"""

ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE feed [
  <!ENTITY a "lollollollollollollollollollol">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
  <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry>
    <id>http://arxiv.org/abs/2401.00001v1</id>
    <title>&g;</title>
  </entry>
</feed>
"""


def external_entity(target: str) -> bytes:
    """A feed whose title is an external entity pointing at `target` (a file or a URL)."""
    return f"""<?xml version="1.0"?>
<!DOCTYPE feed [ <!ENTITY xxe SYSTEM "{target}"> ]>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry>
    <id>http://arxiv.org/abs/2401.00001v1</id>
    <title>&xxe;</title>
  </entry>
</feed>
""".encode()


def external_dtd(url: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE feed SYSTEM "{url}">
<feed xmlns="http://www.w3.org/2005/Atom"></feed>
""".encode()


def entry(
    arxiv_id: str,
    title: str,
    *,
    version: int = 1,
    authors: tuple[str, ...] = ("Ada Lovelace", "Alan Turing"),
    published: str = "2024-01-02",
    updated: str | None = None,
    abstract: str = "We study things.\n  Over two lines.",
    primary: str = "cs.CL",
    categories: tuple[str, ...] = ("cs.CL", "cs.AI"),
    doi: str | None = None,
    journal_ref: str | None = None,
) -> str:
    author_xml = "\n".join(
        f"    <author>\n      <name>{name}</name>\n    </author>" for name in authors
    )
    extra = EXTRA.format(doi=doi, journal_ref=journal_ref or "") if doi else ""
    category_xml = "\n".join(
        f'    <category term="{term}" scheme="http://arxiv.org/schemas/atom"/>' for term in categories
    )
    return ENTRY.format(
        id=arxiv_id, version=version, updated=updated or published, published=published, title=title,
        abstract=abstract, authors=author_xml, extra=extra, primary=primary, categories=category_xml,
    )


def feed(*entries: str, total: int | None = None) -> bytes:
    head = FEED_HEAD.format(total=len(entries) if total is None else total)
    return (head + "".join(entries) + "</feed>\n").encode()


def crossref_work(doi: str, **overrides) -> bytes:
    message = {
        "indexed": {"date-parts": [[2024, 3, 1]], "date-time": "2024-03-01T00:00:00Z", "timestamp": 1709251200000},
        "reference-count": 42,
        "publisher": "Springer Science and Business Media LLC",
        "issue": "7829",
        "DOI": doi,
        "type": "journal-article",
        "created": {"date-parts": [[2020, 10, 14]], "date-time": "2020-10-14T10:00:00Z", "timestamp": 1602669600000},
        "page": "123-127",
        "source": "Crossref",
        "title": ["Deep learning for <i>everything</i>"],
        "prefix": doi.split("/")[0],
        "volume": "586",
        "author": [
            {"given": "Grace", "family": "Hopper", "sequence": "first", "affiliation": []},
            {"given": "Edsger W.", "family": "Dijkstra", "sequence": "additional", "affiliation": []},
            {"name": "The Example Consortium", "sequence": "additional", "affiliation": []},
        ],
        "member": "297",
        "container-title": ["Nature"],
        "abstract": "<jats:title>Abstract</jats:title><jats:p>First paragraph &amp; more.</jats:p>"
                    "<jats:p>Second <jats:italic>paragraph</jats:italic>.</jats:p>",
        "URL": f"https://doi.org/{doi}",
        "published": {"date-parts": [[2020, 10]]},
        "issued": {"date-parts": [[2020, 10]]},
    }
    message.update(overrides)
    return json.dumps({"status": "ok", "message-type": "work", "message-version": "1.0.0",
                       "message": message}).encode()
