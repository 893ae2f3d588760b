"""Hypothesis strategies shared by the test-suite, one module per domain.

``passwords`` (any text a user could type or paste), ``range_bodies`` (Pwned Passwords range
answers), ``vaults`` (generated vault items), ``corpora`` (offline-index sources).
"""
