"""Helpers shared by the benchmark scripts: paths, the real model, CISI parsing, tables."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

BENCH_DIR = ROOT / ".bench"  # gitignored: generated documents and indexes live here
CISI_DIR = Path(os.environ.get("CISI_DIR", ROOT.parent / "shared" / "benchmarks" / "cisi"))


def real_embedder():  # noqa: ANN201 - index.embedder.SentenceTransformerEmbedder
    """The bundled all-MiniLM-L6-v2, loaded from its local package (never the network)."""
    from index.embedder import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder()
    emb.load()
    return emb


# -- CISI -----------------------------------------------------------------------------

@dataclass
class CisiDoc:
    id: int
    title: str
    text: str


def _records(raw: str) -> list[tuple[int, dict[str, str]]]:
    """Split a SMART-format file into (id, {field letter: text}) records."""
    out: list[tuple[int, dict[str, str]]] = []
    for block in re.split(r"^\.I\s+", raw, flags=re.MULTILINE)[1:]:
        head, _, body = block.partition("\n")
        fields: dict[str, str] = {}
        for m in re.finditer(r"^\.([A-Z])[^\n]*\n(.*?)(?=^\.[A-Z]\b|\Z)", body,
                             flags=re.MULTILINE | re.DOTALL):
            fields[m.group(1)] = m.group(2)
        out.append((int(head.split()[0]), fields))
    return out


def _clean(text: str) -> str:
    return " ".join(text.split())


def load_cisi(folder: Path = CISI_DIR) -> tuple[list[CisiDoc], dict[int, str], dict[int, set[int]]]:
    """Documents, queries (id -> text) and judgements (query id -> relevant doc ids)."""
    read = lambda name: (folder / name).read_text(encoding="utf-8", errors="replace")  # noqa: E731
    docs = [CisiDoc(i, _clean(f.get("T", "")), _clean(f.get("W", "")))
            for i, f in _records(read("CISI.ALL"))]
    queries = {i: _clean(f.get("W", "")) for i, f in _records(read("CISI.QRY"))}
    qrels: dict[int, set[int]] = {}
    for line in read("CISI.REL").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            qrels.setdefault(int(parts[0]), set()).add(int(parts[1]))
    return docs, queries, qrels


def write_cisi_files(docs: list[CisiDoc], folder: Path) -> None:
    """One ``.txt`` file per document: the title, a blank line, the abstract.

    Files are only rewritten when their text changes, so the incremental indexer sees
    them as unchanged on the next run.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for d in docs:
        path = folder / f"cisi-{d.id:04d}.txt"
        body = f"{d.title}\n\n{d.text}\n" if d.text else f"{d.title}\n"
        if not path.exists() or path.read_text(encoding="utf-8") != body:
            path.write_text(body, encoding="utf-8")


# -- printing -------------------------------------------------------------------------

def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (readable in a terminal too)."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "| " + " | ".join(  # noqa: E731
        str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), sep, *(line(r) for r in rows)])


def fresh_build(index_dir: Path, embedder, sources: list[Path]):  # noqa: ANN001, ANN201
    """Index ``sources`` from scratch with today's code, reusing only the embedding cache.

    An incremental build would keep the sentences an older version of the loaders or the
    chunker cut from unchanged files; a benchmark must measure the current code.
    """
    import shutil

    from index.builder import build
    from index.layout import IndexLayout

    layout = IndexLayout(index_dir)
    shutil.rmtree(layout.generations, ignore_errors=True)
    (index_dir / "CURRENT").unlink(missing_ok=True)
    return build(layout, embedder, sources=sources)
