"""pwhygiene.contrib.options: the checking options every integration shares, declared once."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from option_probes import PROBES
from pwhygiene import Checker, Policy
from pwhygiene.contrib import options as options_module
from pwhygiene.contrib.options import OPTIONS, build_checker, option_defaults, resolve
from pwhygiene.exceptions import InvalidInput

DOCS = Path(__file__).resolve().parents[1] / "docs" / "integrations.md"


def test_probes_cover_every_option() -> None:
    """Every option has a probe in option_probes: a new option needs a way to see it work."""
    assert [probe.option for probe in PROBES] == list(OPTIONS)


def _shown(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def test_the_docs_table_lists_every_option_with_its_default() -> None:
    """docs/integrations.md's table has one row per option, in order, with the real default."""
    rows = re.findall(r"^\| `(\w+)` +\| `([^`]*)` +\|", DOCS.read_text("utf-8"), re.MULTILINE)
    assert rows == [(name, _shown(option.default)) for name, option in OPTIONS.items()]


def test_defaults_suit_a_person_waiting_on_a_form() -> None:
    """The defaults: NIST preset, lookups on, 2 s per request, one retry, 3 s in all, fallback."""
    assert option_defaults() == {
        "policy": "nist",
        "min_score": None,
        "breach": True,
        "range_url": None,
        "offline_index": None,
        "timeout": 2.0,
        "retries": 1,
        "deadline": 3.0,
        "on_unavailable": "fallback",
        "locale": None,
        "languages": None,
    }


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("policy", "strict"),
        ("min_score", 5),
        ("min_score", True),
        ("breach", "yes"),
        ("range_url", 8080),
        ("offline_index", 3),
        ("timeout", 0),
        ("timeout", True),
        ("retries", -1),
        ("retries", 11),
        ("on_unavailable", "ignore"),
    ],
)
def test_a_bad_value_names_the_option(name: str, value: object) -> None:
    """A wrong value is an InvalidInput (a ValueError) naming the option and what it takes."""
    with pytest.raises(InvalidInput, match=f"option '{name}': expected ") as info:
        resolve({name: value})
    assert isinstance(info.value, ValueError)


def test_a_misspelt_option_is_refused_naming_the_real_ones() -> None:
    """An unknown name (``retires``) is refused, listing the options, never silently ignored."""
    with pytest.raises(InvalidInput, match=r"unknown option 'retires'; the options are 'policy'"):
        build_checker(retires=0)  # type: ignore[call-arg]


def test_range_url_and_offline_index_exclude_each_other() -> None:
    """Both a range API and an offline index is a contradiction, refused at start-up."""
    with pytest.raises(InvalidInput, match="exclude each other"):
        resolve({"range_url": "http://127.0.0.1:9", "offline_index": "x.idx"})


def test_build_checker_applies_the_policy_options() -> None:
    """Policy and min_score make the checker's Policy; breach=False means no breach source."""
    checker = build_checker(policy="nist_mfa", min_score=2, breach=False, on_unavailable="allow")
    assert checker.policy == Policy(min_length=8, min_score=2)
    assert checker.breach is None
    assert checker.on_unavailable == "allow"
    assert build_checker(policy=Policy(min_length=20), breach=False).policy.min_length == 20
    assert isinstance(build_checker(breach=False), Checker)


def test_the_module_exports_documented_names() -> None:
    """pwhygiene.contrib.options exports a sorted __all__ of documented names."""
    names = options_module.__all__
    assert names == sorted(names, key=lambda n: (not n.isupper(), n))
    for name in names:
        obj = getattr(options_module, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), name


def test_options_without_lookups_load_no_http_client() -> None:
    """build_checker(breach=False) loads no requests or numpy: a form pays only for its use."""
    probe = (
        "import sys; from pwhygiene.contrib.options import build_checker; "
        "build_checker(breach=False).check('quill-oxbow-nimbus-sprocket'); "
        "print(sorted(m for m in ('numpy', 'requests', 'urllib3') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"
