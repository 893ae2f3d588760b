"""A test-side writer for Dashlane's legacy JSON export (``AUTHENTIFIANT`` and friends).

Written from the legacy export's layout (an object of typed lists; credentials with
``title``, ``domain``, ``login``, ``email``, ``secondaryLogin``, ``password``, ``note``).
"""

from __future__ import annotations

from collections.abc import Sequence

from strategies.vault_core import Login


def dashlane_legacy_json(logins: Sequence[Login]) -> dict[str, object]:
    """Every login as an ``AUTHENTIFIANT`` entry (first URL as ``domain``), plus a card."""
    return {
        "AUTHENTIFIANT": [
            {
                "title": login.title,
                "domain": login.urls[0] if login.urls else "",
                "login": login.username,
                "email": "",
                "secondaryLogin": "",
                "password": login.password,
                "note": login.notes,
            }
            for login in logins
        ],
        "PAYMENTMEANS_CREDITCARD": [{"name": "Card", "cardNumber": "4111111111111111"}],
    }
