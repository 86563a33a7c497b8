"""Markdown and HTML digests as one element tree, with heading sections made explicit."""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
from markdown_it import MarkdownIt

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Elements whose content is never digest text (styles, scripts, page chrome).
# (Not <nav>: one generator puts its whole reading queue in a <nav>.)
DROPPED_TAGS = ("script", "style", "noscript", "template", "svg", "head", "iframe", "footer")
HTML_START_RE = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)
LEADING_FRONT_MATTER_RE = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def _markdown() -> MarkdownIt:
    # markdown-it-py: CommonMark with GitHub tables and inline HTML. Indented code blocks
    # are off: digests indent HTML blocks and continuation lines, never code.
    return MarkdownIt("commonmark", {"html": True}).enable("table").disable("code")


MARKDOWN = _markdown()


def is_html_document(text: str) -> bool:
    return bool(HTML_START_RE.match(text[:4096]))


def build_tree(text: str) -> lxml.html.HtmlElement:
    """The `<body>` of `text` read as an HTML page, or as Markdown (with inline HTML)."""
    if is_html_document(text):
        html = text
    else:
        # An explicit body: otherwise a digest that opens with <style> lands in <head>.
        html = "<html><body>" + MARKDOWN.render(LEADING_FRONT_MATTER_RE.sub("", text, count=1)) + "</body></html>"
    try:
        document = lxml.html.document_fromstring(html or "<p></p>")
    except (lxml.etree.ParserError, ValueError):
        document = lxml.html.document_fromstring("<p></p>")
    body = document.find("body")
    if body is None:
        body = document
    for element in list(body.iter(*DROPPED_TAGS)):
        _drop(element)
    for element in list(body.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
        _drop(element)
    sectionize(body)
    return body


def _drop(element) -> None:
    """Remove `element` but keep the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    parent.remove(element)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def sectionize(root) -> None:
    """Wrap each heading and the siblings after it (up to the next heading of the same or a
    higher level) in a `<section>`, in every container, so a heading section is a subtree."""
    for container in list(root.iter()):
        if not isinstance(container.tag, str):
            continue
        children = list(container)
        if not any(isinstance(child.tag, str) and child.tag in HEADINGS for child in children):
            continue
        stack: list[tuple[int, object]] = []  # (level, section element)
        for child in children:
            tag = child.tag if isinstance(child.tag, str) else ""
            level = HEADINGS.get(tag)
            if level is not None:
                while stack and stack[-1][0] >= level:
                    stack.pop()
                section = lxml.html.Element("section")
                section.set("data-level", str(level))
                host = stack[-1][1] if stack else None
                if host is None:
                    child.addprevious(section)
                else:
                    host.append(section)
                section.append(child)
                stack.append((level, section))
            elif stack:
                stack[-1][1].append(child)


def text_of(element) -> str:
    """The element's visible text, whitespace collapsed."""
    return " ".join(element.text_content().split())
