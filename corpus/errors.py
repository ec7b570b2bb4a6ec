"""The one error type loaders raise."""


class UnreadableDocument(Exception):
    """A file that cannot be turned into a Document.

    ``reason`` is one line a maintainer can act on, e.g. "needs a password".
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
