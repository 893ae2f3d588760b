"""Finding details are stored compactly but behave exactly like a read-only dict."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene import Finding, Severity
from pwhygiene._audit.report import FrozenDetails

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
details = st.dictionaries(st.text(max_size=10), values, max_size=6)


@given(details)
def test_frozen_details_equal_the_dict_they_were_made_from(d: dict[str, object]) -> None:
    """Equality both ways, same keys in order, same lookups, same JSON."""
    frozen = FrozenDetails(d)  # type: ignore[arg-type]
    assert frozen == d
    assert d == frozen
    assert list(frozen) == list(d)
    assert len(frozen) == len(d)
    for key, value in d.items():
        assert frozen[key] == value
    assert json.dumps(dict(frozen), sort_keys=True) == json.dumps(d, sort_keys=True)


@given(details)
def test_frozen_details_are_a_copy_and_read_only(d: dict[str, object]) -> None:
    """Later changes to the caller's dict do not show through, and nothing can be assigned."""
    frozen = FrozenDetails(d)  # type: ignore[arg-type]
    before = dict(frozen)
    d["__added__"] = 1
    assert dict(frozen) == before
    with pytest.raises(TypeError):
        frozen["x"] = 1  # type: ignore[index]
    with pytest.raises(KeyError):
        frozen["__missing__"]


def test_findings_with_the_same_keys_share_one_key_tuple() -> None:
    """The compactness the audit relies on: one key tuple per detail shape."""
    a = Finding("1", "old", Severity.LOW, "m", {"days": 1, "source": "x"})
    b = Finding("2", "old", Severity.LOW, "m", {"days": 2, "source": "y"})
    assert isinstance(a.details, FrozenDetails)
    assert isinstance(b.details, FrozenDetails)
    assert a.details._keys is b.details._keys
    assert a.details == {"days": 1, "source": "x"}
