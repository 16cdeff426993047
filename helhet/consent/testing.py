"""Moved: the consent builder is ``helhet.testing.consent``.

Kept for a short while so tests written against the old place still import;
new tests use ``helhet.testing``.
"""

from helhet.testing import consent

__all__ = ["consent"]
