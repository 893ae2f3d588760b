"""check() and Checker: the rules together, breach wiring, no secret in any output."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
import unicodedata
from collections.abc import Iterable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pwhygiene import Accepted, BreachSource, Checker, CheckResult, Policy, ViolationCode, check
from pwhygiene._breach.digests import ntlm_digest, sha1_digest
from pwhygiene.breach import BlocklistSource, HashMode
from pwhygiene.exceptions import BreachServiceUnavailable, InvalidInput
from pwhygiene.hashing import verify
from strategies.passwords import (
    adversarial_passwords,
    any_character,
    emails,
    leaked,
    ordinary_passwords,
    secrets,
)

STRONG = "mossy tavern oblong crushable"  # four EFF words: 10^16, accepted


class DictSource:
    """A real BreachSource over a dict of digest -> count; records what it was asked."""

    def __init__(self, counts: dict[str, int], mode: HashMode = "sha1") -> None:
        self.counts = {k.upper(): v for k, v in counts.items()}
        self._mode: HashMode = mode
        self.asked: list[str] = []

    @property
    def mode(self) -> HashMode:
        """The digest kind this source holds."""
        return self._mode

    def count(self, digest: str) -> int:
        """The stored count, 0 when absent."""
        self.asked.append(digest)
        return self.counts.get(digest.upper(), 0)

    def count_many(self, digests: Iterable[str]) -> dict[str, int]:
        """Counts keyed by upper-cased digest."""
        return {d.upper(): self.count(d) for d in digests}


class DownSource(DictSource):
    """A source whose service is down: every lookup raises BreachServiceUnavailable."""

    def count(self, digest: str) -> int:
        """Always fails, as a dead service does."""
        self.asked.append(digest)
        raise BreachServiceUnavailable("range service unreachable after 3 attempts")


def _outputs(result: CheckResult) -> str:
    """Everything a caller could print or store about a result."""
    return "\n".join(
        [repr(result), str(result), json.dumps(result.to_dict(), ensure_ascii=False)]
        + [v.message for v in result.violations]
        + [result.feedback.warning, *result.feedback.suggestions]
    )


# --- the rules together ---------------------------------------------------------------------


def test_strong_passphrase_is_acceptable() -> None:
    """A four-word passphrase passes every rule of the single-factor preset."""
    result = check(STRONG)
    assert result.acceptable
    assert (result.violations, result.breach_status, result.breach_count) == (
        (),
        "not_checked",
        None,
    )
    assert result.score == 4


def test_common_short_password_lists_every_problem_in_order() -> None:
    """`password`: too short, on the blocklist, and weak; zxcvbn's warning leads the feedback."""
    result = check("password")
    assert result.codes == (ViolationCode.TOO_SHORT, ViolationCode.COMMON, ViolationCode.WEAK)
    assert result.feedback.warning == "This is a top-10 common password."
    assert "Avoid common passwords." in result.feedback.suggestions


def test_blocklist_compares_the_whole_password_case_and_width_folded() -> None:
    """`PASSWORD` and full-width `password` are common; `password-x` is not."""
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "password")
    assert ViolationCode.COMMON in check("PASSWORD").codes
    assert ViolationCode.COMMON in check(full_width).codes
    assert ViolationCode.COMMON not in check("password-x").codes


def test_mfa_preset_accepts_eight_strong_characters() -> None:
    """With a second factor, 8 characters suffice if zxcvbn rates them 3 or more."""
    assert check("xK9#mQ2$vL", policy=Policy.nist(mfa=True)).acceptable
    assert check("xK9#mQ2$vL").codes == (ViolationCode.TOO_SHORT,)


def test_too_long_is_refused_but_still_scored() -> None:
    """Over the maximum is `too_long`; a 1 MiB input is answered like any other."""
    result = check("correct horse battery staple " * 40_000)
    assert ViolationCode.TOO_LONG in result.codes
    assert 0 <= result.score <= 4


def test_password_built_from_the_email_is_context() -> None:
    """`alice.wonderland.1987` for alice.wonderland@example.org violates `context`."""
    email = "alice.wonderland@example.org"
    assert check("alice.wonderland.1987").acceptable
    assert ViolationCode.CONTEXT in check("alice.wonderland.1987", user_inputs=[email]).codes


def test_strong_only_thanks_to_own_details_is_context() -> None:
    """`iloveyou wonderland!` scores 4, but without `wonderland` (the user's name) it is weak."""
    assert check("iloveyou wonderland!").acceptable
    result = check("iloveyou wonderland!", user_inputs=["Wonderland"])
    assert result.score >= 3
    assert result.codes == (ViolationCode.CONTEXT,)


def test_strong_password_containing_a_name_is_still_fine() -> None:
    """A name inside an otherwise strong passphrase is not a context violation."""
    result = check("Alice likes purple tractor batteries", user_inputs=["Alice Smith"])
    assert result.acceptable


@given(ordinary_passwords(), emails())
def test_appending_the_own_email_never_rescues_a_weak_password(password: str, email: str) -> None:
    """Metamorphic: a password refused as weak stays refused with the user's e-mail appended."""
    assume(ViolationCode.WEAK in check(password, user_inputs=[email]).codes)
    assert not check(password + email, user_inputs=[email]).acceptable


@given(adversarial_passwords())
def test_acceptable_exactly_when_no_violation(password: str) -> None:
    """`acceptable` is `not violations`; the dict says the same and is JSON."""
    result = check(password)
    assert result.acceptable == (not result.violations)
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["acceptable"] == result.acceptable
    assert [v["code"] for v in data["violations"]] == [c.value for c in result.codes]


@given(st.text(any_character, max_size=40), st.sampled_from(["NFC", "NFD", "NFKC"]))
def test_equivalent_unicode_spellings_get_equal_results(text: str, form: str) -> None:
    """Normalisation happens before every rule, so equivalent spellings get equal verdicts."""
    assert check(unicodedata.normalize(form, text)) == check(text)  # type: ignore[arg-type]


# --- secrets --------------------------------------------------------------------------------


@given(secrets(), st.lists(emails(), max_size=2))
def test_no_output_contains_the_password(password: str, inputs: list[str]) -> None:
    """repr, str, to_dict, messages and feedback never include the password."""
    assert not leaked(password, _outputs(check(password, user_inputs=inputs)))


def test_no_output_contains_a_known_secret_even_when_breached() -> None:
    """Breach counts and messages carry a number, never the password or its digest."""
    secret = "Hunter2-Hunter2-Hunter2"
    source = DictSource({sha1_digest(secret): 12345})
    result = Checker(breach=source).check(secret)
    text = _outputs(result)
    assert secret not in text
    assert sha1_digest(secret) not in text.upper()
    assert "12,345 times" in text


# --- breach wiring --------------------------------------------------------------------------


def test_breached_password_gets_the_count() -> None:
    """A count > 0 is a `breached` violation with the count; the source sees only a digest."""
    source = DictSource({sha1_digest(STRONG): 42})
    result = Checker(breach=source).check(STRONG)
    assert result.codes == (ViolationCode.BREACHED,)
    assert (result.breach_count, result.breach_status) == (42, "breached")
    assert result.violations[0].message == "Found in data breaches (42 times)."
    assert source.asked == [sha1_digest(STRONG)]


def test_clean_password_is_clean() -> None:
    """A count of 0 means known absent: status `clean`, count 0."""
    result = Checker(breach=DictSource({})).check(STRONG)
    assert result.acceptable
    assert (result.breach_count, result.breach_status) == (0, "clean")


def test_ntlm_source_gets_an_ntlm_digest() -> None:
    """The digest follows the source's mode."""
    source = DictSource({ntlm_digest(STRONG): 1}, mode="ntlm")
    result = Checker(breach=source).check(STRONG)
    assert source.asked == [ntlm_digest(STRONG)]
    assert result.violations[0].message == "Found in data breaches (once)."


def test_non_normalised_password_is_looked_up_in_both_forms() -> None:
    """A decomposed password is looked up as typed and as NFKC; the larger count wins."""
    typed = unicodedata.normalize("NFD", "pässwörd-Ünïcödé-2024!")
    nfkc = unicodedata.normalize("NFKC", typed)
    source = DictSource({sha1_digest(nfkc): 7})
    result = Checker(breach=source).check(typed)
    assert source.asked == [sha1_digest(typed), sha1_digest(nfkc)]
    assert result.breach_count == 7


@pytest.mark.parametrize(
    ("on_unavailable", "status", "codes"),
    [
        ("fallback", "fallback", ()),
        ("allow", "unknown", ()),
        ("reject", "unknown", (ViolationCode.BREACH_UNKNOWN,)),
    ],
)
def test_breach_outage_follows_the_configured_policy(
    on_unavailable: str, status: str, codes: tuple[ViolationCode, ...]
) -> None:
    """Outage: fallback (blocklist only), allow (unknown), or reject (`breach_unknown`)."""
    checker = Checker(breach=DownSource({}), on_unavailable=on_unavailable)  # type: ignore[arg-type]
    result = checker.check(STRONG)
    assert (result.breach_status, result.breach_count, result.codes) == (status, None, codes)


def test_fallback_still_refuses_blocklisted_passwords() -> None:
    """When the service is down, the embedded blocklist keeps refusing common passwords."""
    result = Checker(Policy.nist(mfa=True), breach=DownSource({})).check("iloveyou")
    assert ViolationCode.COMMON in result.codes
    assert result.breach_status == "fallback"


def test_non_string_password_is_a_clear_error() -> None:
    """Bytes or None are a programming error: InvalidInput naming the type, not a crash."""
    with pytest.raises(InvalidInput, match="password must be a str, not bytes"):
        check(b"hunter2")  # type: ignore[arg-type]


def test_unknown_on_unavailable_is_refused() -> None:
    """A typo in on_unavailable is an InvalidInput naming the choices."""
    with pytest.raises(InvalidInput, match="reject, allow, fallback"):
        Checker(on_unavailable="ignore")  # type: ignore[arg-type]


def test_blocklist_source_speaks_the_breach_protocol() -> None:
    """BlocklistSource is a BreachSource: 1 for listed passwords (common casings), 0 otherwise."""
    source = BlocklistSource()
    assert isinstance(source, BreachSource)
    assert source.count(sha1_digest("password")) == 1
    assert source.count(sha1_digest("Password").lower()) == 1
    assert source.count(sha1_digest(STRONG)) == 0
    digest = sha1_digest("dragon").lower()
    assert source.count_many([digest]) == {digest.upper(): 1}
    with pytest.raises(InvalidInput):
        source.count("not-a-digest")
    with pytest.raises(InvalidInput, match="'sha1' or 'ntlm'"):
        BlocklistSource("md5")  # type: ignore[arg-type]


def test_blocklist_source_can_stand_in_for_the_range_service() -> None:
    """Used as the Checker's source, the blocklist answers offline like a breach corpus."""
    result = Checker(Policy.nist(mfa=True), breach=BlocklistSource()).check("Sunshine")
    assert (result.breach_status, result.breach_count) == ("breached", 1)


# --- async, accept, threads -----------------------------------------------------------------


def test_acheck_runs_the_lookup_off_the_event_loop() -> None:
    """While a lookup blocks, other coroutines run: the loop itself is never blocked."""
    release = threading.Event()

    class SlowSource(DictSource):
        def count(self, digest: str) -> int:
            if not release.wait(timeout=30):
                raise BreachServiceUnavailable("never released")
            return super().count(digest)

    async def scenario() -> CheckResult:
        task = asyncio.ensure_future(Checker(breach=SlowSource({})).acheck(STRONG))
        await asyncio.sleep(0)  # the loop is free while the worker thread waits
        release.set()
        return await task

    result = asyncio.run(scenario())
    assert result == Checker(breach=DictSource({})).check(STRONG)


def test_accept_hashes_acceptable_passwords_only() -> None:
    """An acceptable password comes back with an argon2id hash that verifies; others with None."""
    accepted = Checker().accept(STRONG)
    assert accepted.result.acceptable
    assert accepted.hash is not None
    assert accepted.hash.startswith("$argon2id$")
    assert verify(accepted.hash, STRONG)
    assert accepted.hash not in repr(accepted)
    assert Checker().accept("password") == Accepted(check("password"), None)


def test_checks_from_many_threads_equal_single_threaded_ones() -> None:
    """A shared Checker gives each thread exactly its single-threaded results."""
    checker = Checker()
    cases = [
        (f"{name}.wonderland.{year}", [f"{name}.wonderland@example.org"] if i % 2 else [])
        for i, (name, year) in enumerate([("alice", 1987), ("bob", 2001), ("carol", 1975)] * 2)
    ]
    expected = [checker.check(pw, user_inputs=inputs) for pw, inputs in cases]
    failures: list[int] = []
    barrier = threading.Barrier(6)

    def worker(offset: int) -> None:
        barrier.wait()
        for n in range(20):
            index = (offset + n) % len(cases)
            if checker.check(cases[index][0], user_inputs=cases[index][1]) != expected[index]:
                failures.append(index)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_result_is_frozen() -> None:
    """Results cannot be edited after the fact."""
    result = check(STRONG)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.score = 0  # type: ignore[misc]
