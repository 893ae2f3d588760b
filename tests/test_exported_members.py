"""Pin the public API: nothing leaks into it, nothing drops out of it unnoticed."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

import pwhygiene

EXPECTED = [
    "Accepted",
    "AuditReport",
    "BreachSource",
    "CheckName",
    "CheckResult",
    "Checker",
    "Feedback",
    "Finding",
    "OfflineIndex",
    "Policy",
    "PwhygieneError",
    "RangeClient",
    "Severity",
    "Strength",
    "Vault",
    "VaultItem",
    "Violation",
    "ViolationCode",
    "__version__",
    "audit",
    "check",
    "estimate_strength",
    "read_vault",
    "render",
]
PUBLIC_MODULES = (
    "pwhygiene.breach",
    "pwhygiene.contrib",
    "pwhygiene.exceptions",
    "pwhygiene.hashing",
    "pwhygiene.report",
    "pwhygiene.strength",
    "pwhygiene.testing",
    "pwhygiene.vault",
)


def test_all_is_exactly_the_pinned_list() -> None:
    """``__all__`` is sorted and equals the reviewed list: adding a public name is deliberate."""
    assert pwhygiene.__all__ == sorted(pwhygiene.__all__)
    assert pwhygiene.__all__ == EXPECTED


def test_front_door_is_small() -> None:
    """The front door holds the verbs and the types a user holds: at most ~25 names."""
    assert len(pwhygiene.__all__) <= 25


def test_every_exported_name_resolves_and_is_documented() -> None:
    """Each exported name of every public module exists, sorted, with a docstring."""
    for module in (pwhygiene, *map(importlib.import_module, PUBLIC_MODULES)):
        names = getattr(module, "__all__", [])
        assert names == sorted(names, key=lambda n: (not n.isupper(), n)), module.__name__
        for name in names:
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                assert inspect.getdoc(obj), f"{module.__name__}.{name} has no docstring"
        assert set(names) <= set(dir(module))


def test_no_public_module_attribute_escapes_all() -> None:
    """Names without a leading underscore on the package are in ``__all__`` or sub-packages."""
    submodules = {name.rpartition(".")[2] for name in PUBLIC_MODULES}
    public = {n for n in vars(pwhygiene) if not n.startswith("_")}
    assert public - set(pwhygiene.__all__) <= submodules


def test_exceptions_module_holds_the_whole_tree() -> None:
    """Every error class lives in ``pwhygiene.exceptions`` under ``PwhygieneError``."""
    from pwhygiene import exceptions  # noqa: PLC0415

    errors = [obj for obj in vars(exceptions).values() if inspect.isclass(obj)]
    errors = [obj for obj in errors if issubclass(obj, BaseException)]
    assert len(errors) >= 16
    for error in errors:
        assert issubclass(error, exceptions.PwhygieneError), error
        assert error.__module__ == "pwhygiene.exceptions"
    for name in ("InvalidInput", "MalformedExport", "UnsupportedFormat", "WrongPassword"):
        assert issubclass(getattr(exceptions, name), ValueError)
    assert pwhygiene.PwhygieneError is exceptions.PwhygieneError


def test_documented_submodules_import() -> None:
    """The public modules named in the package docstring import without extras."""
    for name in PUBLIC_MODULES:
        assert importlib.import_module(name).__doc__
        assert name in (pwhygiene.__doc__ or "")


def test_checking_a_password_loads_no_heavy_dependency() -> None:
    """``import pwhygiene; pwhygiene.check(pw)`` loads neither numpy, requests, urllib3 nor rich."""
    probe = (
        "import sys, pwhygiene; pwhygiene.check('Tr0ub4dor&3', user_inputs=['alice']); "
        "print(sorted(m for m in ('numpy', 'requests', 'urllib3', 'rich') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"
