"""Pin the public API: nothing leaks into it, nothing drops out of it unnoticed."""

from __future__ import annotations

import importlib
import inspect

import pwhygiene

EXPECTED = [
    "Accepted",
    "AmbiguousFormat",
    "AuditReport",
    "BadCorpus",
    "BadRangeResponse",
    "BlocklistSource",
    "BreachCount",
    "BreachLookupError",
    "BreachServiceUnavailable",
    "BreachSource",
    "CheckName",
    "CheckResult",
    "Checker",
    "CorruptIndex",
    "CrackTime",
    "CrackTimes",
    "ExportTooLarge",
    "Feedback",
    "Finding",
    "FormatInfo",
    "HashMode",
    "IgnoreFileError",
    "IndexInfo",
    "InvalidInput",
    "ItemKind",
    "MalformedExport",
    "OfflineIndex",
    "OfflineIndexError",
    "PasswordHistoryEntry",
    "PasswordRequired",
    "Policy",
    "PwhygieneError",
    "RangeCache",
    "RangeClient",
    "RangeProvider",
    "Segment",
    "Severity",
    "Strength",
    "Timestamp",
    "UnsupportedFormat",
    "Vault",
    "VaultError",
    "VaultItem",
    "Violation",
    "ViolationCode",
    "WrongPassword",
    "__version__",
    "audit",
    "build_index",
    "check",
    "estimate_strength",
    "formats",
    "ntlm_digest",
    "password_digest",
    "read_vault",
    "sha1_digest",
]


def test_all_is_exactly_the_pinned_list() -> None:
    """``__all__`` is sorted and equals the reviewed list: adding a public name is deliberate."""
    assert pwhygiene.__all__ == sorted(pwhygiene.__all__)
    assert pwhygiene.__all__ == EXPECTED


def test_every_exported_name_resolves_and_is_documented() -> None:
    """Each exported name exists, and every exported class or function has a docstring."""
    for name in pwhygiene.__all__:
        obj = getattr(pwhygiene, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), f"{name} has no docstring"


def test_no_public_module_attribute_escapes_all() -> None:
    """Names without a leading underscore on the package are in ``__all__`` or sub-packages."""
    submodules = {"testing", "hashing", "contrib"}
    public = {n for n in vars(pwhygiene) if not n.startswith("_")}
    assert public - set(pwhygiene.__all__) <= submodules


def test_errors_form_one_tree() -> None:
    """Every exported exception derives from ``PwhygieneError``; input errors are ValueErrors."""
    for name in pwhygiene.__all__:
        obj = getattr(pwhygiene, name)
        if inspect.isclass(obj) and issubclass(obj, BaseException):
            assert issubclass(obj, pwhygiene.PwhygieneError), name
    for name in ("InvalidInput", "MalformedExport", "UnsupportedFormat", "WrongPassword"):
        assert issubclass(getattr(pwhygiene, name), ValueError)


def test_documented_submodules_import() -> None:
    """The public sub-packages named in the package docstring import without extras."""
    for name in ("pwhygiene.testing", "pwhygiene.hashing", "pwhygiene.contrib"):
        assert importlib.import_module(name).__doc__
