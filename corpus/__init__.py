"""Reading documents: loaders, cleaning, structure and chunking. Knows nothing of embeddings."""

from corpus.errors import UnreadableDocument
from corpus.records import Chunk, Document, Heading, Page, Sentence

__all__ = ["Chunk", "Document", "Heading", "Page", "Sentence", "UnreadableDocument"]
