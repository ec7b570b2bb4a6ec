"""A quote shown as evidence is a verbatim slice of its passage (``verify_quote``)."""

import pytest

from assistant.answer import QuoteMismatch, verify_quote


def test_quote_must_be_verbatim():
    chunk = "Partnerships offer scale. They also spread risk."
    verify_quote("They also spread risk.", chunk)
    with pytest.raises(QuoteMismatch):
        verify_quote("They also spread the risk.", chunk)
    with pytest.raises(QuoteMismatch):
        verify_quote("", chunk)
