"""Turning chunks into a searchable, versioned index on disk. Knows nothing of questions."""
