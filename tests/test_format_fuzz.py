"""One fuzz test for every format: random bytes and corrupted fixtures fail cleanly.

It runs over ``pwhygiene.vault.formats()``, so a new format is fuzzed the day it is added.
A read may succeed or raise a :class:`PwhygieneError` subclass, nothing else, and no password
of the fixture it started from may appear in the error or in a lenient read's warnings.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene import PwhygieneError, read_vault
from pwhygiene.vault import formats
from strategies.vault_core import mutations

FIXTURES = Path(__file__).parent / "fixtures" / "vault"
FORMATS = [f.name for f in formats()]
_PROBE_PASSWORD = "fuzz-probe"  # opens nothing: encrypted formats fail as wrong passwords


def _plain_fixtures() -> dict[str, list[tuple[Path, frozenset[str]]]]:
    """Each unencrypted fixture under the format it reads as, with the passwords it holds.

    Encrypted fixtures are left out: mutating them only re-runs a slow KDF, and their own
    test files mutate them where it matters (past the header checks).
    """
    found: dict[str, list[tuple[Path, frozenset[str]]]] = defaultdict(list)
    for path in sorted(p for p in FIXTURES.rglob("*") if p.is_file()):
        try:
            vault = read_vault(path)
        except PwhygieneError:
            continue
        if vault.encrypted:
            continue
        secrets = {
            p
            for item in vault.items
            for p in (item.password, *(h.password for h in item.history))
            if p is not None and len(p) >= 6
        }
        found[vault.source_format].append((path, frozenset(secrets)))
    return found


PLAIN = _plain_fixtures()


def test_fuzzing_covers_fixtures_of_most_formats() -> None:
    """The fixture map is not silently empty: most formats have a fixture to corrupt."""
    assert len(PLAIN) >= len(FORMATS) // 2


def _attempt(path: Path, fmt: str, secrets: frozenset[str]) -> None:
    for strict in (True, False):
        said: tuple[str, ...]
        try:
            said = read_vault(path, format=fmt, strict=strict, password=_PROBE_PASSWORD).warnings
        except PwhygieneError as exc:
            said = (str(exc),)
        assert not any(s in text for text in said for s in secrets)


@pytest.mark.parametrize("fmt", FORMATS)
@given(data=st.data())
def test_any_input_fails_only_with_our_errors_and_no_secret(
    tmp_path_factory: pytest.TempPathFactory, fmt: str, data: st.DataObject
) -> None:
    """Random bytes or a corrupted fixture, read as each format, raise only PwhygieneError."""
    sources: list[tuple[Path, frozenset[str]]] = PLAIN.get(fmt, [])
    corrupt: bool = data.draw(st.booleans(), label="corrupt a fixture")
    if sources and corrupt:
        source, secrets = data.draw(st.sampled_from(sources), label="fixture")
        payload = data.draw(mutations(source.read_bytes()), label="mutated")
        name = source.name
    else:
        payload, secrets = data.draw(st.binary(max_size=512), label="bytes"), frozenset()
        name = data.draw(st.sampled_from(["x", "x.csv", "x.json", "x.zip", "x.1pux"]))
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(payload)
    _attempt(path, fmt, secrets)
    _attempt(path, "auto", secrets)
