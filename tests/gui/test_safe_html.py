"""Untrusted markdown becomes inert HTML; only http(s) links ever reach the system browser."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QVBoxLayout, QWidget

from reader.gui.safe_html import (
    SafeTextBrowser,
    escape,
    is_safe_url,
    markdown_to_safe_html,
    open_external,
)



def test_script_tags_are_dropped_with_their_content() -> None:
    html = markdown_to_safe_html("before <script>alert('x')</script> after")
    assert "<script" not in html
    assert "alert" not in html
    assert "before" in html and "after" in html


def test_event_handler_attributes_are_stripped() -> None:
    html = markdown_to_safe_html('<b onclick="steal()" onmouseover="x()">bold</b>')
    assert "<b>bold</b>" in html
    assert "onclick" not in html and "onmouseover" not in html and "steal" not in html


def test_images_are_removed_so_nothing_is_fetched() -> None:
    html = markdown_to_safe_html('![t](https://evil.example/p.png) <img src="http://x/y.gif">')
    assert "<img" not in html
    assert "evil.example" not in html and "x/y.gif" not in html


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd",
     "relative/page.html", "vbscript:msgbox"],
)  # fmt: skip
def test_unsafe_links_lose_their_target(link: str) -> None:
    html = markdown_to_safe_html(f"[click me]({link}) and <a href=\"{link}\">raw</a>")
    assert "href" not in html
    assert "click me" in html and "raw" in html


def test_http_links_are_kept_with_noopener() -> None:
    html = markdown_to_safe_html("[paper](https://arxiv.org/abs/2410.07177) <http://example.org>")
    assert 'href="https://arxiv.org/abs/2410.07177"' in html
    assert 'href="http://example.org"' in html
    assert 'rel="noopener noreferrer"' in html


def test_tables_and_code_survive() -> None:
    text = "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n```\nx = '<b>'\n```\n\nand `inline`"
    html = markdown_to_safe_html(text)
    assert "<table>" in html and "<th" in html and "<td" in html
    assert "<pre><code>" in html
    assert "&lt;b&gt;" in html  # code keeps markup as text
    assert "<code>inline</code>" in html


def test_style_and_iframe_are_dropped() -> None:
    html = markdown_to_safe_html('<style>body{}</style><iframe src="https://x.org"></iframe>ok')
    assert "<style" not in html and "body{}" not in html and "<iframe" not in html
    assert "ok" in html


def test_empty_markdown_gives_empty_html() -> None:
    assert markdown_to_safe_html("") == ""
    assert markdown_to_safe_html("  \n ") == ""


def test_escape_makes_markup_text() -> None:
    assert escape('<a href="x">&') == "&lt;a href=&quot;x&quot;&gt;&amp;"


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://arxiv.org/abs/2410.07177", True),
        ("http://example.org", True),
        ("HTTPS://EXAMPLE.ORG/x", True),
        ("  https://example.org  ", True),
        (QUrl("https://github.com/x/y"), True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,hi", False),
        ("file:///etc/passwd", False),
        (QUrl("file:///etc/passwd"), False),
        ("ftp://example.org", False),
        ("mailto:a@b.org", False),
        ("//example.org/x", False),
        ("http:example.org", False),
        ("https://", False),
        ("https://example.org/\nx", False),
        ("", False),
        (None, False),
    ],
)
def test_is_safe_url(url: object, safe: bool) -> None:
    assert is_safe_url(url) is safe


def test_open_external_opens_only_http_links(opened: list[str]) -> None:
    assert open_external("javascript:alert(1)") is False
    assert open_external(QUrl("file:///etc/passwd")) is False
    assert open_external("data:text/html,x") is False
    assert opened == []
    assert open_external("https://arxiv.org/pdf/2410.07177") is True
    assert opened == ["https://arxiv.org/pdf/2410.07177"]


def test_browser_loads_no_resources(qtbot) -> None:
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    for url in ("https://evil.example/p.png", "file:///etc/passwd", "data:image/png;base64,AA"):
        kind = int(QTextDocument.ResourceType.ImageResource)
        # An empty answer, not None: None lets the document read the file itself.
        assert browser.loadResource(kind, QUrl(url)).isEmpty()
        assert browser.document().loadResource(kind, QUrl(url)).size().width() <= 1


def test_browser_never_follows_links_itself(qtbot) -> None:
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    assert not browser.openLinks()
    assert not browser.openExternalLinks()


def _click_anchor(qtbot, browser: SafeTextBrowser, text: str) -> None:
    """A real mouse click in the middle of the link whose text is given."""
    from PySide6.QtCore import Qt

    cursor = browser.document().find(text)
    assert not cursor.isNull(), f"link text {text!r} not in the document"
    cursor.setPosition(cursor.selectionStart() + len(text) // 2)
    point = browser.cursorRect(cursor).center()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)


@pytest.mark.parametrize("href", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x"])
def test_clicking_an_unsafe_link_that_slipped_through_opens_nothing(
    qtbot, opened: list[str], href: str
) -> None:
    # setHtml bypasses the sanitiser on purpose: the browser itself must still refuse.
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    browser.resize(400, 200)
    browser.show()
    qtbot.waitExposed(browser)
    browser.setHtml(f'<p><a href="{href}">dangerous link</a></p>')
    with qtbot.waitSignal(browser.anchorClicked, timeout=1000):
        _click_anchor(qtbot, browser, "dangerous link")
    assert opened == []


def test_clicking_an_https_link_opens_it(qtbot, opened: list[str]) -> None:
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    browser.resize(400, 200)
    browser.show()
    qtbot.waitExposed(browser)
    browser.set_markdown("see [the paper](https://arxiv.org/abs/2410.07177)")
    _click_anchor(qtbot, browser, "the paper")
    assert opened == ["https://arxiv.org/abs/2410.07177"]


def test_fit_content_browser_grows_with_its_text(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    browser = SafeTextBrowser(fit_content=True)
    layout.addWidget(browser)
    layout.addStretch(1)
    window.resize(300, 600)
    window.show()
    browser.set_markdown("one line")
    short = browser.height()
    browser.set_markdown("\n\n".join(f"paragraph {n}" for n in range(12)))
    assert browser.height() > short * 3

