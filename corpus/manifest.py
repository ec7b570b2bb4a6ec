"""Per-folder document metadata (``manifest.toml``) and the bundled corpus.

A folder may hold a ``manifest.toml`` describing its files::

    [[document]]
    file = "partnerships.pdf"
    id = "partnerships-for-better-public-services"   # optional stable doc id
    title = "Partnerships for Better Public Services"
    url = "https://www.gov.uk/government/publications/partnerships-for-better-public-services"
    publisher = "Department for Digital, Culture, Media & Sport"
    published = "2018-05-29"
    updated = "2018-05-29"                            # optional
    licence = "Open Government Licence v3.0"

Citations show these fields; files without an entry get what the loader finds.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.toml"
BUNDLED_DIR = Path(__file__).resolve().parent / "documents"


@dataclass(frozen=True)
class DocMeta:
    """Metadata a manifest gives one file."""

    file: str
    doc_id: str | None = None
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: str | None = None
    updated: str | None = None
    licence: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "doc_id": self.doc_id, "title": self.title, "url": self.url,
            "publisher": self.publisher, "published": self.published,
            "updated": self.updated, "licence": self.licence,
        }


class ManifestError(ValueError):
    """A manifest.toml that cannot be read."""


def read_manifest(folder: Path) -> dict[str, DocMeta]:
    """Entries of ``folder/manifest.toml`` by file name (empty if there is none)."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(f"{path}: {exc}") from exc
    out: dict[str, DocMeta] = {}
    for entry in data.get("document", []):
        if not isinstance(entry, dict) or "file" not in entry:
            continue
        fields = {k: (str(v) if v is not None else None) for k, v in entry.items()}
        out[fields["file"]] = DocMeta(
            file=fields["file"],
            doc_id=fields.get("id"),
            title=fields.get("title"),
            url=fields.get("url"),
            publisher=fields.get("publisher"),
            published=fields.get("published"),
            updated=fields.get("updated"),
            licence=fields.get("licence"),
        )
    return out
