"""``pwhygiene.audit`` end to end: real zxcvbn, a real loopback range server, real files."""

from __future__ import annotations

import gc
import json
import re
import sys
import threading
import types
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pwhygiene
import pwhygiene.strength
from pwhygiene import AuditReport, Policy, RangeClient, Vault, VaultItem, audit
from pwhygiene._audit import scoring
from pwhygiene._audit.ignore import parse_ignore
from pwhygiene._audit.sites import Sites
from pwhygiene._strength import estimate as _strength  # score_and_log10: no public name
from pwhygiene.breach import sha1_digest
from pwhygiene.exceptions import IgnoreFileError, InvalidInput, WrongPassword
from pwhygiene.testing import RangeServer
from strategies.audit_vaults import (
    AS_OF,
    Planted,
    clean_item,
    planted_vaults,
    unrelated_strong_item,
)
from strategies.passwords import ordinary_passwords, user_inputs
from strategies.vault_keepass import FIXTURE_PASSWORD

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SAMPLE = EXAMPLES / "sample-bitwarden.json"
SAMPLE_AS_OF = datetime(2026, 11, 25, tzinfo=timezone.utc)


def _checks(report: AuditReport) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for item in report.items:
        if item.findings:
            out[item.title] = {f.check for f in item.findings}
    return out


def test_sample_export_fires_every_check_on_the_intended_items() -> None:
    """The bundled sample shows each check, offline, on exactly the items built for it."""
    report = audit(SAMPLE, as_of=SAMPLE_AS_OF)
    assert _checks(report) == {
        "Gmail": {"reused"},
        "ShopMart": {"reused", "duplicate"},
        "Hobby forum": {"reused", "insecure_url"},
        "Example Bank": {"weak", "similar"},
        "Work VPN": {"weak", "similar"},
        "StreamFlix": {"breached", "weak"},
        "Photo sharing": {"weak", "personal_info"},
        "Code hosting": {"history_reuse"},
        "Old newsletter": {"old"},
        "ShopMart (second copy)": {"duplicate"},
        "Home Wi-Fi router": {"empty"},
    }
    assert report.summary.items_total == 15
    assert report.summary.items_audited == 13
    assert report.breach.source == "blocklist"
    assert any("blocklist" in w for w in report.warnings)
    assert {f.severity.value for f in report.item(_id(report, "Gmail")).findings} == {"critical"}


def _id(report: AuditReport, title: str) -> str:
    return next(i.id for i in report.items if i.title == title)


def test_breach_counts_come_from_the_range_server_one_lookup_per_password() -> None:
    """Counts are the server's; a password shared by items is looked up once; clean is 0."""
    a, b, c = (clean_item(n, n + 7) for n in range(3))
    b = replace(b, password=a.password)
    counts = {a.password or "": 1234}
    with RangeServer.from_passwords(counts) as server, RangeClient(server.url) as client:
        report = audit(Vault((a, b, c), "generated"), breach=client, as_of=AS_OF)
        prefixes = [r.prefix for r in server.requests]
    assert [i.breach_count for i in report.items] == [1234, 1234, 0]
    assert [i.breach_status for i in report.items] == ["breached", "breached", "clean"]
    assert sorted(p for p in prefixes if p) == sorted(
        {sha1_digest(a.password or "")[:5], sha1_digest(c.password or "")[:5]}
    )
    assert report.breach.source == "range"
    assert report.breach.unknown == 0


def test_a_failing_breach_service_gives_unknown_never_clean() -> None:
    """When every lookup fails: unknown status, a warning, blocklisted passwords blocklisted."""
    strong = clean_item(0, 1)
    common = replace(clean_item(1, 2), password="password123")
    with (
        RangeServer.from_passwords({}, fault_rate=1.0, fault_kinds=["unavailable"]) as server,
        RangeClient(server.url, retries=0) as client,
    ):
        report = audit(Vault((strong, common), "generated"), breach=client, as_of=AS_OF)
    first, second = report.items
    assert (first.breach_status, first.breach_count) == ("unknown", None)
    assert (second.breach_status, second.breach_count) == ("blocklisted", None)
    assert "breached" in [f.check for f in second.findings]
    assert "blocklist" in second.findings[0].details["source"]  # type: ignore[operator]
    assert report.breach.unknown == 1
    assert report.summary.breach_unknown == 1
    assert any("failed" in w and "unknown" in w for w in report.warnings)


def test_blocklisted_and_unknown_are_distinct_states_of_the_one_status_type() -> None:
    """Offline, a common password is ``blocklisted`` and another ``unknown``: never one None."""
    strong = clean_item(0, 1)
    common = replace(clean_item(1, 2), password="iloveyou")
    report = pwhygiene.audit(Vault((strong, common), "generated"), as_of=AS_OF, workers=1)
    data = json.loads(pwhygiene.render(report, "json"))
    statuses = [(i["breach_status"], i["breach_count"]) for i in data["items"]]
    assert statuses == [("unknown", None), ("blocklisted", None)]
    assert {status for status, _ in statuses} <= set(get_args(pwhygiene.strength.BreachStatus))
    assert [f.check for f in report.items[1].findings if f.check == "breached"] == ["breached"]
    assert report.summary.breach_unknown == 1


def test_a_count_is_given_exactly_for_breached_and_clean() -> None:
    """``breach_count`` is an int for ``breached``/``clean`` and None for every other state."""
    counted, absent, common = clean_item(0, 1), clean_item(1, 2), clean_item(2, 3)
    common = replace(common, password="iloveyou")
    empty = replace(clean_item(3, 4), password=None)
    items = (counted, absent, common, empty)
    with (
        RangeServer.from_passwords({counted.password or "": 9}) as server,
        RangeClient(server.url) as client,
    ):
        report = pwhygiene.audit(Vault(items, "generated"), breach=client, as_of=AS_OF, workers=1)
    assert [(i.breach_status, i.breach_count) for i in report.items] == [
        ("breached", 9),
        ("clean", 0),
        ("clean", 0),  # the full corpus answered: the blocklist is not consulted
        ("not_checked", None),
    ]


def test_ignore_rules_suppress_by_id_or_fingerprint_and_expire() -> None:
    """A rule silences its finding (kept with its reason); an expired one warns and lapses."""
    report = audit(SAMPLE, as_of=SAMPLE_AS_OF)
    shop = report.item(_id(report, "ShopMart"))
    old = report.item(_id(report, "Old newsletter"))
    rules = parse_ignore(
        json.dumps(
            {
                "version": 1,
                "ignore": [
                    {"item": shop.fingerprint, "check": "duplicate", "reason": "two shops"},
                    {"item": old.id, "check": "*", "reason": "later", "expires": "2026-01-01"},
                ],
            }
        )
    )
    waived = audit(SAMPLE, as_of=SAMPLE_AS_OF, ignore=rules)
    assert {f.check for f in waived.item(shop.id).findings} == {"reused"}
    assert [(s.finding.check, s.reason) for s in waived.suppressed] == [("duplicate", "two shops")]
    assert {f.check for f in waived.item(old.id).findings} == {"old"}
    assert any("expired on 2026-01-01" in w for w in waived.warnings)
    assert waived.summary.suppressed == 1


def test_the_bundled_ignore_example_parses_and_applies() -> None:
    """examples/sample-ignore.toml is valid and waives what it says."""
    report = audit(SAMPLE, as_of=SAMPLE_AS_OF, ignore=EXAMPLES / "sample-ignore.toml")
    assert {(s.finding.check) for s in report.suppressed} == {"duplicate", "old"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[", "not valid JSON (line 1"),
        ('{"version": 2}', "version 2 is not supported"),
        ('{"ignore": [{"item": "x", "check": "wek", "reason": "r"}]}', "ignore[0].check"),
        ('{"ignore": [{"item": "x", "check": "old"}]}', "ignore[0].reason: required"),
        (
            '{"ignore": [{"item": "x", "check": "old", "reason": "r", "expires": "soon"}]}',
            "ignore[0].expires",
        ),
        ('{"ignore": [{"item": "x", "check": "old", "reason": "r", "why": 1}]}', "unknown field"),
    ],
)
def test_bad_ignore_files_name_the_entry_and_field(text: str, message: str) -> None:
    """Malformed ignore files raise IgnoreFileError (a ValueError) saying where."""
    with pytest.raises(IgnoreFileError, match=re.escape(message)):
        parse_ignore(text)
    assert issubclass(IgnoreFileError, ValueError)


def test_negative_max_age_is_rejected() -> None:
    """A negative age limit is a usage error, not an empty audit."""
    with pytest.raises(InvalidInput, match="max_age_days"):
        audit(Vault((), "generated"), max_age_days=-1)


def test_parallel_scoring_matches_in_process_scoring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scoring on a process pool gives the same strengths, in the same order, as in-process."""
    items = (
        *tuple(clean_item(n, n) for n in range(12)),
        replace(clean_item(12, 99), password="Summer2024!"),
    )
    vault = Vault(items, "generated")
    serial = audit(vault, as_of=AS_OF, workers=1)
    monkeypatch.setattr(scoring, "PARALLEL_MIN_JOBS", 2)
    monkeypatch.setattr(scoring, "CHUNK", 3)
    parallel = audit(vault, as_of=AS_OF, workers=2)
    assert [i.strength for i in parallel.items] == [i.strength for i in serial.items]


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0134@!.", min_size=3, max_size=10)


@settings(max_examples=30)
@given(words, words, words, st.text(alphabet="xyz0123456789!", max_size=6), st.booleans())
def test_item_words_are_dropped_only_when_they_cannot_change_the_estimate(
    user: str, title: str, host: str, extra: str, embed: bool
) -> None:
    """Oracle: scoring with the reduced inputs equals scoring with all of the item's words."""
    password = (user[::-1] if embed else "Qv") + extra + title[:4]
    item = VaultItem(
        id="i",
        title=title,
        source_format="t",
        username=user,
        password=password,
        urls=(f"https://{host.strip('.@!') or 'h'}.test",),
    )
    full = pwhygiene.estimate_strength(password, user_inputs=Sites().user_inputs(item))
    _, used = scoring.score_job(item, Sites())
    reduced = pwhygiene.estimate_strength(password, user_inputs=used)
    assert (reduced.score, reduced.guesses_log10) == (full.score, full.guesses_log10)


@given(ordinary_passwords(), user_inputs())
def test_bulk_scores_equal_the_full_estimate(password: str, inputs: list[str]) -> None:
    """Oracle: the audit's lean scorer gives exactly estimate()'s score and log10 guesses."""
    full = pwhygiene.estimate_strength(password, user_inputs=inputs)
    assert _strength.score_and_log10(password, inputs) == (full.score, full.guesses_log10)


@settings(max_examples=10)
@given(planted_vaults(max_clean=3))
def test_every_audited_login_is_reported_once_in_vault_order(plan: Planted) -> None:
    """Items are all logins, clean ones included, each once, excluded ones left out."""
    vault = plan.vault
    report = audit(vault, as_of=AS_OF, workers=1)
    assert [i.id for i in report.items] == [i.id for i in vault.logins() if not i.excluded]
    assert 0 <= report.summary.score <= 100


def test_a_policy_sets_the_weak_line_and_length() -> None:
    """With Policy.nist(), a strong but short password is weak; without, it is not."""
    item = replace(clean_item(0, 1), password="Zq8#vLp2xW!m")  # 12 characters, high score
    vault = Vault((item,), "generated")
    assert audit(vault, as_of=AS_OF, workers=1).findings == ()
    (finding,) = audit(vault, as_of=AS_OF, workers=1, policy=Policy.nist()).findings
    assert finding.check == "weak"
    assert (finding.details["length"], finding.details["min_length"]) == (12, 15)


def test_progress_hook_reports_both_phases_to_completion() -> None:
    """The hook sees scoring and breach lookups reach their totals."""
    seen: dict[str, tuple[int, int]] = {}
    items = tuple(clean_item(n, n + 50) for n in range(5))
    with RangeServer.from_passwords({}) as server, RangeClient(server.url) as client:
        audit(
            Vault(items, "generated"),
            breach=client,
            as_of=AS_OF,
            workers=1,
            progress=lambda phase, done, total: seen.__setitem__(phase, (done, total)),
        )
    assert seen == {"score": (5, 5), "breach": (5, 5)}


@settings(max_examples=10)
@given(planted_vaults(max_clean=3), st.integers(0, 2**40))
def test_end_to_end_an_unrelated_strong_item_changes_no_other_finding(
    plan: Planted, seed: int
) -> None:
    """Metamorphic, with real zxcvbn and the blocklist: other items' findings stay the same."""
    before = audit(plan.vault, as_of=AS_OF, workers=1)
    plan.items.append(unrelated_strong_item(seed))
    after = audit(plan.vault, as_of=AS_OF, workers=1)
    assert after.items[-1].findings == ()
    assert [i.findings for i in after.items[:-1]] == [i.findings for i in before.items]


KEEPASS = Path(__file__).resolve().parent / "fixtures" / "vault" / "keepass"


def test_audit_opens_a_keepass_database_with_password_and_key_file() -> None:
    """``key_file=`` reaches read_vault: without it the database stays shut, with it it audits."""
    path = KEEPASS / "kdbx3-aeskdf-aes-keyfile.kdbx"
    with pytest.raises(WrongPassword):
        audit(path, password=FIXTURE_PASSWORD)
    report = audit(path, password=FIXTURE_PASSWORD, key_file=KEEPASS / "keyfile-v2.keyx")
    assert report.source_format == "keepass-kdbx"
    assert report.items
    assert FIXTURE_PASSWORD not in pwhygiene.render(report, "json")


def _marked_vault(marker: str) -> Vault:
    """Items whose username, title and host all carry ``marker`` (lower-case letters only)."""
    items = tuple(
        replace(
            clean_item(n, n + 300),
            username=f"{marker}{n}@example.org",
            title=f"{marker} portal",
            urls=(f"https://{marker}.example/login",),
        )
        for n in range(3)
    )
    return Vault(items, "generated")


def _audit_state_holds(marker: str) -> bool:
    """Whether anything reachable from the audit wing's modules is a string containing ``marker``.

    Walks referents (``gc.get_referents`` also sees the tuples and dicts of strings that the
    collector stops tracking) from every ``pwhygiene._audit`` module, without entering other
    modules' namespaces or callables: the question is what the audit wing keeps, not what
    zxcvbn or the standard library do (``urlsplit`` keeps its own small cache).
    """
    modules = [m for name, m in sys.modules.items() if name.startswith("pwhygiene._audit")]
    foreign = {id(vars(m)) for m in list(sys.modules.values()) if m not in modules and m}
    pending: list[object] = [vars(m) for m in modules]
    seen: set[int] = set()
    while pending:
        obj = pending.pop()
        if id(obj) in seen or id(obj) in foreign or isinstance(obj, types.ModuleType):
            continue
        if callable(obj) and not str(getattr(obj, "__module__", "")).startswith("pwhygiene"):
            continue
        seen.add(id(obj))
        if isinstance(obj, str):
            if marker in obj:
                return True
            continue
        pending.extend(gc.get_referents(obj))
    return False


def test_nothing_of_a_vault_outlives_its_audit() -> None:
    """Hosts, titles and usernames parsed for a run are gone once it returns: no module cache."""
    marker = "".join(["qz", "vault", "marker", "wq"])  # built at run time: not a code constant
    vault = _marked_vault(marker)
    report = pwhygiene.audit(vault, as_of=AS_OF, workers=1)
    assert report.items
    del vault, report
    gc.collect()
    assert not _audit_state_holds(marker)


def test_two_interleaved_audits_get_their_own_answers() -> None:
    """One audit finishing in the middle of another changes neither report (no shared state)."""
    first, second = _marked_vault("alphasite"), _marked_vault("betasite")
    alone = [
        pwhygiene.render(pwhygiene.audit(v, as_of=AS_OF, workers=1), "json")
        for v in (first, second)
    ]
    second_done = threading.Event()
    paused = threading.Event()
    results: dict[str, str] = {}

    def hold(phase: str, done: int, total: int) -> None:
        if phase == "score" and not paused.is_set():
            paused.set()
            assert second_done.wait(timeout=120)  # a guard against a hang, not a timing

    def run_first() -> None:
        report = pwhygiene.audit(first, as_of=AS_OF, workers=1, progress=hold)
        results["first"] = pwhygiene.render(report, "json")

    thread = threading.Thread(target=run_first)
    thread.start()
    assert paused.wait(timeout=120)  # the first audit is now stopped mid-run
    results["second"] = pwhygiene.render(pwhygiene.audit(second, as_of=AS_OF, workers=1), "json")
    second_done.set()
    thread.join()
    assert [results["first"], results["second"]] == alone
