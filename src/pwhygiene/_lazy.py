"""Lazy re-exports for the public namespaces, so an import costs only what is used.

A Django app that only validates passwords must not pay for numpy (the offline index), requests
(the range client) or rich (terminal tables). Each public module lists its names once, as
``"name": "module:attribute"``; :func:`exports` gives it the PEP 562 ``__getattr__`` and
``__dir__`` that import a name's module on first use and cache the value on the package.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def exports(
    package: str, table: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package`` serving the names in ``table``."""

    def __getattr__(name: str) -> object:  # noqa: N807  # reason: the PEP 562 hook's name
        target = table.get(name)
        if target is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attribute = target.partition(":")
        value = getattr(importlib.import_module(module), attribute)
        setattr(sys.modules[package], name, value)  # the next lookup skips this hook
        return value

    def __dir__() -> list[str]:  # noqa: N807  # reason: the PEP 562 hook's name
        return sorted(set(vars(sys.modules[package])) | set(table))

    return __getattr__, __dir__
