"""pwhygiene.hashing: argon2id storage (hash / verify / needs_rehash) and legacy-hash assessment."""

from __future__ import annotations

import hashlib
import re

import pytest
from argon2 import Parameters, PasswordHasher, Type
from argon2.profiles import RFC_9106_LOW_MEMORY
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    MD5PasswordHasher,
    PBKDF2PasswordHasher,
    PBKDF2SHA1PasswordHasher,
    ScryptPasswordHasher,
)
from hypothesis import assume, given
from hypothesis import strategies as st
from werkzeug.security import generate_password_hash

from pwhygiene import hashing
from pwhygiene.exceptions import InvalidInput
from pwhygiene.hashing import HashAssessment, Hasher, assess
from strategies.hashes import (
    StoredHash,
    argon2_hashes,
    bcrypt_hashes,
    fast_hashes,
    pbkdf2_hashes,
    scrypt_hashes,
    stored_hashes,
)

# A deliberately cheap profile so property tests exercise the real code path quickly.
CHEAP = Hasher(
    Parameters(
        type=Type.ID,
        version=19,
        salt_len=16,
        hash_len=32,
        time_cost=1,
        memory_cost=8,
        parallelism=1,
    )
)
passwords = st.text(max_size=80)


def _outputs(verdict: HashAssessment) -> str:
    return "\n".join([repr(verdict), str(verdict), *verdict.reasons])


# --- hash / verify / needs_rehash -----------------------------------------------------------


def test_default_profile_is_rfc_9106_memory_constrained() -> None:
    """The default hash is argon2id, 64 MiB, 3 passes, 4 lanes, and round-trips."""
    stored = hashing.hash("correct horse battery staple")
    assert hashing.PROFILE == RFC_9106_LOW_MEMORY
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert hashing.verify(stored, "correct horse battery staple")
    assert not hashing.verify(stored, "correct horse battery stapler")
    assert not hashing.needs_rehash(stored)
    assert assess(stored).ok


def test_default_hash_verifies_with_argon2_cffi_and_django() -> None:
    """Hashes are interchangeable with argon2-cffi and Django's Argon2PasswordHasher."""
    stored = hashing.hash("pässwörd")
    assert PasswordHasher().verify(stored, "pässwörd")
    assert Argon2PasswordHasher().verify("pässwörd", "argon2" + stored)


@given(passwords)
def test_verify_accepts_what_hash_made(password: str) -> None:
    """verify(hash(p), p) is True for every password, and each hash has a fresh salt."""
    first, second = CHEAP.hash(password), CHEAP.hash(password)
    assert first != second
    assert CHEAP.verify(first, password)
    assert CHEAP.verify(second, password)


@given(passwords, passwords)
def test_verify_rejects_any_other_password(password: str, other: str) -> None:
    """A different password is a plain False, never an exception."""
    assume(password != other)
    assert CHEAP.verify(CHEAP.hash(password), other) is False


@given(passwords)
def test_needs_rehash_flags_other_profiles(password: str) -> None:
    """A hash from another profile needs a rehash under the default; its own profile does not."""
    stored = CHEAP.hash(password)
    assert hashing.needs_rehash(stored)
    assert not CHEAP.needs_rehash(stored)


@given(st.one_of(bcrypt_hashes(), scrypt_hashes(), pbkdf2_hashes(), fast_hashes()), passwords)
def test_verify_refuses_non_argon2_hashes_without_echoing_them(
    stored: StoredHash, password: str
) -> None:
    """Legacy hashes raise InvalidInput (pointing at assess()), never a leak or a False."""
    with pytest.raises(InvalidInput, match=r"assess\(\)") as info:
        CHEAP.verify(stored.text, password)
    with pytest.raises(InvalidInput, match=r"assess\(\)") as again:
        CHEAP.needs_rehash(stored.text)
    for message in (str(info.value), str(again.value)):
        assert stored.text not in message
        assert all(secret not in message for secret in stored.secrets)


@given(passwords, st.data())
def test_verify_refuses_damaged_argon2_hashes(password: str, data: st.DataObject) -> None:
    """A truncated or corrupted argon2 hash is InvalidInput with no part of the hash in it."""
    stored = CHEAP.hash(password)
    cut = data.draw(st.integers(1, len(stored) - 1))
    damaged = data.draw(
        st.sampled_from([stored[:cut], stored[:cut] + "!" + stored[cut + 1 :], stored + "$x"])
    )
    assume(damaged != stored)
    try:
        result = CHEAP.verify(damaged, password)
    except InvalidInput as exc:
        message = str(exc)
        assert stored.rsplit("$", 2)[-1] not in message
        assert stored.rsplit("$", 2)[-2] not in message
    else:
        # Some cuts leave a well-formed shorter tag (base64 stays valid); that is a mismatch.
        assert result is False


@pytest.mark.parametrize("bad", [b"bytes", None, 42])
def test_non_text_arguments_are_invalid_input(bad: object) -> None:
    """Passing bytes or None where text belongs is InvalidInput, a ValueError."""
    stored = CHEAP.hash("x")
    with pytest.raises(InvalidInput):
        CHEAP.hash(bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        CHEAP.verify(stored, bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must be str"):
        CHEAP.verify(bad, "x")  # type: ignore[arg-type]


def test_impossible_parameters_are_invalid_input() -> None:
    """Parameters argon2-cffi cannot use are refused when the Hasher is built."""
    with pytest.raises(InvalidInput, match="unsupported"):
        Hasher(Parameters(Type.ID, 99, 16, 32, 1, 8, 1))


def test_hasher_repr_names_the_profile() -> None:
    """The repr shows the cost parameters so a misconfigured profile is visible in logs."""
    assert repr(Hasher()) == "Hasher(type=ID, memory_kib=65536, time_cost=3, parallelism=4)"


# --- assess: oracles and invariants ------------------------------------------------------------


@given(stored_hashes())
def test_assess_recovers_algorithm_and_parameters(stored: StoredHash) -> None:
    """assess() names the algorithm and cost parameters the hash was built with."""
    verdict = assess(stored.text)
    assert verdict.algorithm == stored.algorithm
    assert verdict.parameters == stored.parameters or dict(verdict.parameters) == dict(
        stored.parameters
    )
    assert assess(stored.text.encode()) == verdict


@given(stored_hashes())
def test_verdict_is_consistent(stored: StoredHash) -> None:
    """The verdict is ok exactly when the action is "none" and there is no reason."""
    verdict = assess(stored.text)
    assert verdict.ok == (verdict.action == "none") == (verdict.reasons == ())


@given(stored_hashes())
def test_verdict_never_contains_the_hash(stored: StoredHash) -> None:
    """No repr, str or reason contains the stored hash, its salt or its digest."""
    output = _outputs(assess(stored.text))
    assert stored.text not in output
    for secret in stored.secrets:
        assert secret not in output


@given(st.one_of(st.text(), st.binary()))
def test_assess_never_raises_on_arbitrary_text(value: str | bytes) -> None:
    """Any text or bytes gets a verdict; an unrecognised one is "review"."""
    verdict = assess(value)
    if verdict.algorithm == "unknown":
        assert verdict.action == "review"
        assert not verdict.ok


@given(st.text(alphabet="ghijklmnopqrstuvwxyz$:!_-.0123", min_size=16))
def test_unknown_values_are_not_echoed(value: str) -> None:
    """Unrecognised values never appear in the verdict."""
    assert value not in _outputs(assess(value))


@given(argon2_hashes(), st.integers(0, 2**20), st.integers(0, 8))
def test_more_argon2_work_never_lowers_the_verdict(
    stored: StoredHash, extra_memory: int, extra_passes: int
) -> None:
    """Metamorphic: raising argon2 memory or passes cannot turn an ok verdict bad."""
    before = assess(stored.text)
    params = dict(stored.parameters)
    stronger = re.sub(
        r"m=\d+,t=\d+",
        f"m={params['memory_kib'] + extra_memory},t={params['time_cost'] + extra_passes}",
        stored.text,
    )
    after = assess(stronger)
    if before.ok:
        assert after.ok
    assert len(after.reasons) <= len(before.reasons)


@given(scrypt_hashes())
def test_scrypt_verdict_follows_the_owasp_table(stored: StoredHash) -> None:
    """Oracle: scrypt is ok iff N*r/8 and p reach one of OWASP's five equivalent rows."""
    n, r, p = (value for _, value in stored.parameters)
    rows = [(2**17, 1), (2**16, 2), (2**15, 3), (2**14, 5), (2**13, 10)]
    assert assess(stored.text).ok == any(n * r // 8 >= rn and p >= rp for rn, rp in rows)


@given(pbkdf2_hashes())
def test_pbkdf2_verdict_follows_the_owasp_minimum(stored: StoredHash) -> None:
    """Oracle: PBKDF2 is ok iff iterations reach OWASP's minimum for its digest."""
    minimum = {"pbkdf2_sha1": 1_300_000, "pbkdf2_sha256": 600_000, "pbkdf2_sha512": 210_000}
    verdict = assess(stored.text)
    iterations = verdict.parameter("iterations")
    assert iterations is not None
    assert verdict.ok == (iterations >= minimum[stored.algorithm])
    assert verdict.action in ("none", "rehash_on_login")


@given(fast_hashes())
def test_fast_hashes_need_a_password_reset(stored: StoredHash) -> None:
    """Every MD5/SHA digest, salted or not, is "reset_password"."""
    verdict = assess(stored.text)
    assert verdict.action == "reset_password"
    assert "fast" in verdict.reasons[0]


# --- assess: known answers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "ok"),
    [
        ("m=19456,t=2,p=1", True),
        ("m=19455,t=2,p=1", False),
        ("m=47104,t=1,p=1", True),
        ("m=47103,t=1,p=1", False),
        ("m=7168,t=5,p=1", True),
        ("m=7168,t=4,p=1", False),
        ("m=65536,t=3,p=4", True),
    ],
)
def test_argon2id_owasp_boundaries(params: str, ok: bool) -> None:
    """argon2id passes exactly at OWASP's published (memory, passes) rows."""
    stored = f"$argon2id$v=19${params}$c2FsdHNhbHRzYWx0$" + "A" * 43
    assert assess(stored).ok is ok


@pytest.mark.parametrize(
    ("stored", "reason"),
    [
        ("$argon2i$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$" + "A" * 43, "argon2id"),
        ("$argon2d$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$" + "A" * 43, "side-channel"),
        ("$argon2id$m=65536,t=3,p=4$c2FsdHNhbHQ$" + "A" * 43, "v=16"),
        ("$2b$09$" + "a" * 53, "cost 9"),
        ("$2x$12$" + "a" * 53, None),
        ("$6$rounds=656000$saltsalt$" + "a" * 86, "not memory-hard"),
    ],
)
def test_weak_slow_hashes_are_rehashed_on_login(stored: str, reason: str | None) -> None:
    """Slow but dated hashes get "rehash_on_login" with a reason saying why."""
    verdict = assess(stored)
    if reason is None:
        assert verdict.ok  # $2x$ is format-valid; the verdict is about cost only
        return
    assert verdict.action == "rehash_on_login"
    assert any(reason in text for text in verdict.reasons)


def test_bcrypt_cost_ten_is_the_floor() -> None:
    """A bcrypt cost of 10 is ok, cost 9 is not (OWASP minimum)."""
    assert assess("$2b$10$" + "a" * 53).ok
    assert not assess("$2y$09$" + "a" * 53).ok


def test_real_django_hashes() -> None:
    """Hashes written by Django's own hashers are read in its encoding and judged."""
    pbkdf2 = PBKDF2PasswordHasher()
    cases = {
        pbkdf2.encode("pw", pbkdf2.salt(), iterations=1000): ("pbkdf2_sha256", False),
        PBKDF2SHA1PasswordHasher().encode("pw", pbkdf2.salt(), iterations=1000): (
            "pbkdf2_sha1",
            False,
        ),
        ScryptPasswordHasher().encode("pw", pbkdf2.salt()): ("scrypt", True),
        Argon2PasswordHasher().encode("pw", pbkdf2.salt()): ("argon2id", True),
        MD5PasswordHasher().encode("pw", pbkdf2.salt()): ("md5", False),
    }
    for stored, (algorithm, ok) in cases.items():
        verdict = assess(stored)
        assert (verdict.algorithm, verdict.encoding, verdict.ok) == (algorithm, "django", ok)


def test_real_werkzeug_hashes() -> None:
    """Flask's werkzeug.security hashes are read; its scrypt default (N=2^15, p=1) is weak."""
    default = assess(generate_password_hash("pw"))
    assert (default.algorithm, default.encoding, default.ok) == ("scrypt", "werkzeug", False)
    pbkdf2 = assess(generate_password_hash("pw", method="pbkdf2:sha256:600000"))
    assert (pbkdf2.algorithm, pbkdf2.ok) == ("pbkdf2_sha256", True)


@pytest.mark.parametrize(
    ("digest", "algorithm"),
    [
        (hashlib.md5(b"pw").hexdigest(), "md5"),
        (hashlib.sha1(b"pw").hexdigest().upper(), "sha1"),
        (hashlib.sha256(b"pw").hexdigest(), "sha256"),
        ("sha1$$" + hashlib.sha1(b"pw").hexdigest(), "sha1"),
        ("md5$$" + hashlib.md5(b"pw").hexdigest(), "md5"),
        ("$1$saltsalt$" + "a" * 22, "md5_crypt"),
        ("crypt$$ab" + "c" * 11, "des_crypt"),
    ],
)
def test_fast_digests_known_answers(digest: str, algorithm: str) -> None:
    """Real MD5/SHA digests and crypt(3) forms are named and marked for a reset."""
    verdict = assess(digest)
    assert (verdict.algorithm, verdict.action) == (algorithm, "reset_password")


@pytest.mark.parametrize(
    ("stored", "algorithm"),
    [
        ("$2b$12$tooshort", "bcrypt"),
        ("pbkdf2_sha256$many$salt$hash", "pbkdf2_sha256"),
        ("$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA", "argon2id"),  # m < 8p
        ("$scrypt$ln=3,r=0,p=1$c2FsdA$aGFzaA", "scrypt"),
    ],
)
def test_malformed_hash_of_a_known_scheme_asks_for_review(stored: str, algorithm: str) -> None:
    """A hash that names a scheme but breaks it is "review", with the scheme named."""
    verdict = assess(stored)
    assert (verdict.algorithm, verdict.action, verdict.ok) == (algorithm, "review", False)
    assert "format" in verdict.reasons[0]


def test_django_unusable_password_is_fine() -> None:
    """Django's set_unusable_password() marker is no hash to upgrade."""
    verdict = assess("!" + "x" * 40)
    assert (verdict.algorithm, verdict.ok) == ("unusable", True)


def test_non_text_is_invalid_input() -> None:
    """Only a value that is not str or bytes raises (InvalidInput)."""
    with pytest.raises(InvalidInput, match="str or bytes"):
        assess(None)  # type: ignore[arg-type]
