"""A GOV.UK Content API item, checked field by field before sync uses any of it.

The API's JSON is data from a server: every field sync reads is checked for its type
here, and an item of the wrong shape (``details`` a list, ``base_path`` a number, an
attachment ``url`` that is not a string, ``links`` not an object...) raises
``MalformedItem`` naming the field, so that it is that page's failure with a reason.
Legacy publications list their attachments only as rendered HTML in
``details.documents``; ``legacy_attachments`` reads each attachment's link and its
title from there, skipping thumbnail links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class MalformedItem(ValueError):
    """The API sent JSON of a shape sync does not understand."""


@dataclass
class Attachment:
    """One attachment as listed by the API (``url`` may still be relative)."""

    url: str
    kind: str = "file"  # "file", "html" (a GOV.UK page of its own) or "external"
    title: str | None = None
    content_type: str | None = None


@dataclass
class ContentItem:
    """The fields of a content item that sync uses, each of a known type."""

    title: str | None = None
    base_path: str | None = None
    description: str | None = None
    body: str = ""
    first_published_at: str | None = None
    public_updated_at: str | None = None
    organisations: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def publisher(self) -> str | None:
        return ", ".join(o for o in self.organisations if o) or None


def _opt(obj: dict, key: str, kind: type, where: str):  # noqa: ANN202
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise MalformedItem(f"{where}{key} is {type(value).__name__}, "
                            f"not {'an object' if kind is dict else kind.__name__}")
    return value


def _opt_list(obj: dict, key: str, where: str) -> list:
    value = _opt(obj, key, list, where)
    return value or []


def parse_item(data: object) -> ContentItem:
    """Check the shape of a content item; raise ``MalformedItem`` naming a wrong field."""
    if not isinstance(data, dict):
        raise MalformedItem(f"the item is {type(data).__name__}, not an object")
    item = ContentItem(
        title=_opt(data, "title", str, ""),
        base_path=_opt(data, "base_path", str, ""),
        description=_opt(data, "description", str, ""),
        first_published_at=_opt(data, "first_published_at", str, ""),
        public_updated_at=_opt(data, "public_updated_at", str, ""),
    )
    if item.base_path is not None and (
        not item.base_path.startswith("/") or item.base_path.startswith("//")
        or _CONTROL.search(item.base_path) or ".." in item.base_path.split("/")
        or " " in item.base_path
    ):
        raise MalformedItem(f"base_path is not a GOV.UK path: {item.base_path!r}")
    details = _opt(data, "details", dict, "") or {}
    item.body = _opt(details, "body", str, "details.") or ""
    links = _opt(data, "links", dict, "") or {}
    for i, org in enumerate(_opt_list(links, "organisations", "links.")):
        if not isinstance(org, dict):
            raise MalformedItem(f"links.organisations[{i}] is {type(org).__name__}, "
                                f"not an object")
        item.organisations.append(_opt(org, "title", str, f"links.organisations[{i}].") or "")
    for i, att in enumerate(_opt_list(details, "attachments", "details.")):
        where = f"details.attachments[{i}]."
        if not isinstance(att, dict):
            raise MalformedItem(f"details.attachments[{i}] is {type(att).__name__}, "
                                f"not an object")
        url = _opt(att, "url", str, where)
        if not url:
            raise MalformedItem(f"{where}url is missing")
        item.attachments.append(Attachment(
            url=url, kind=_opt(att, "attachment_type", str, where) or "file",
            title=_opt(att, "title", str, where),
            content_type=_opt(att, "content_type", str, where)))
    if not item.attachments:
        for i, snippet in enumerate(_opt_list(details, "documents", "details.")):
            if not isinstance(snippet, str):
                raise MalformedItem(f"details.documents[{i}] is {type(snippet).__name__}, "
                                    f"not a string")
            item.attachments.extend(legacy_attachments(snippet))
    return item


# -- legacy publications: attachments as rendered HTML ------------------------------------

class _Links(HTMLParser):
    """Links of an attachment snippet: (href, text, inside an element of class "title")."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, bool]] = []
        self._stack: list[tuple[str, bool, bool]] = []  # (tag, title block, thumbnail)
        self._in_title = 0
        self._in_thumb = 0
        self._href: str | None = None
        self._skip = False
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "a":
            self._href = a.get("href") or None
            self._skip = ("thumbnail" in classes or a.get("aria-hidden") == "true"
                          or self._in_thumb > 0)
            self._text = []
            return
        if tag in ("br", "img", "hr", "meta", "link", "input", "source", "wbr"):
            return  # void elements have no end tag
        title = "title" in classes
        thumb = any(c.endswith("thumb") or c == "thumbnail" for c in classes)
        self._in_title += title
        self._in_thumb += thumb
        self._stack.append((tag, title, thumb))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            if self._href and not self._skip:
                text = " ".join("".join(self._text).split())
                self.links.append((self._href, text, self._in_title > 0))
            self._href = None
            return
        for i in range(len(self._stack) - 1, -1, -1):  # close up to the matching tag
            if self._stack[i][0] == tag:
                for _, title, thumb in self._stack[i:]:
                    self._in_title -= title
                    self._in_thumb -= thumb
                del self._stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)


def legacy_attachments(snippet: str) -> list[Attachment]:
    """Attachments in one ``details.documents`` HTML snippet, titled by their link text.

    Only the links in an attachment's title block are taken when there is one (not the
    thumbnail, not "request an accessible format" and the like); a file link (a name with
    an extension) is a ``file`` attachment, any other GOV.UK path an ``html`` one.
    """
    parser = _Links()
    parser.feed(snippet)
    parser.close()
    links = parser.links
    if any(in_title for _, _, in_title in links):
        links = [link for link in links if link[2]]
    out: list[Attachment] = []
    for href, text, _ in links:
        try:
            parts = urlsplit(href)
        except ValueError:
            parts = None
        if parts is None or parts.scheme.lower() not in ("", "http", "https"):
            continue  # mailto: and the like (a malformed one is left to the URL check)
        last = parts.path.rsplit("/", 1)[-1]
        kind = "file" if "." in last else "html"
        out.append(Attachment(url=href, kind=kind, title=text or None))
    return out
