"""Passwords a user could type or paste, the nasty strings an attacker would, and user inputs.

* :func:`ordinary_passwords`: ASCII, at most 64 characters, built from the things people
  actually use (common passwords, words, names, years, keyboard rows, symbols) or random.
* :func:`adversarial_passwords`: any code point including lone surrogates and NUL, huge
  repeats, the ACsploit l33t string, emoji, combining marks, right-to-left and full-width text.
* :func:`emails` / :func:`user_inputs`: what an application knows about its user.
"""

from __future__ import annotations

import string

from hypothesis import strategies as st

ACSPLOIT = "4@8({[</369&#!1/|0$5+7%2/"
"""Every l33t symbol zxcvbn knows: its l33t matcher tries every combination of them."""

WORDS = (
    "password", "dragon", "monkey", "letmein", "sunshine", "princess", "qwerty", "iloveyou",
    "correct", "horse", "battery", "staple", "rooster", "alice", "wonderland", "jennifer",
    "smith", "summer", "football", "trustno1", "superman", "abc", "zxcvbn", "asdfgh",
)  # fmt: skip
SYMBOLS = "!@#$%^&*()-_=+[]{};:'\",.<>/?\\|`~ "
PRINTABLE = string.ascii_letters + string.digits + SYMBOLS

any_character = st.characters(codec=None, exclude_categories=())
"""Every code point Hypothesis can draw, lone surrogates and NUL included."""


@st.composite
def _composed(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(
            st.one_of(
                st.sampled_from(WORDS),
                st.sampled_from(WORDS).map(str.capitalize),
                st.integers(0, 9999).map(str),
                st.text(SYMBOLS, min_size=1, max_size=2),
                st.text(string.ascii_lowercase, min_size=1, max_size=5),
            ),
            min_size=1,
            max_size=6,
        )
    )
    return "".join(parts)[:64]


def ordinary_passwords() -> st.SearchStrategy[str]:
    """ASCII passwords of at most 64 characters, realistic or random."""
    return st.one_of(_composed(), st.text(PRINTABLE, max_size=64))


def _repeated(unit: st.SearchStrategy[str], max_count: int) -> st.SearchStrategy[str]:
    return st.tuples(unit, st.integers(1, max_count)).map(lambda pair: pair[0] * pair[1])


def adversarial_passwords() -> st.SearchStrategy[str]:
    """Strings chosen to crash or stall a strength estimator."""
    marks = st.text(st.characters(categories=["Mn", "Me"]), min_size=1, max_size=8)
    return st.one_of(
        st.text(any_character, max_size=80),
        st.text(any_character, min_size=60, max_size=300),
        _repeated(st.text(any_character, min_size=1, max_size=4), 3000),
        _repeated(st.sampled_from([ACSPLOIT, ACSPLOIT[::-1], "p@$$w0rd", "1|!7"]), 50),
        st.integers(0, 200).map(lambda n: (ACSPLOIT * 3)[n : n + 72]),
        st.sampled_from(["", " ", "\t\n", "\x00" * 70, "😀" * 40, "\u202e" + "drowssap"]),
        st.tuples(st.sampled_from(WORDS), marks).map("".join),
        st.text(st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E), max_size=70),
        st.text(st.characters(min_codepoint=0x0590, max_codepoint=0x06FF), max_size=70),
        st.sampled_from(["0123456789" * 30, "qwertyuiop" * 30, "\ufdfa" * 500]),
    )


def secrets() -> st.SearchStrategy[str]:
    """Passwords that no legitimate output can contain by chance.

    Every message, field name and number pwhygiene prints is ASCII, so a password holding a
    non-ASCII letter (placed anywhere) can only show up in an output by leaking; tests then
    need no "unless it happens to be a common word" escape hatch.
    """
    marker = st.sampled_from("ζλψЖж丁ß")
    return st.tuples(
        st.text(any_character, max_size=40), marker, st.text(any_character, max_size=40)
    ).map("".join)


def leaked(password: str, output: str) -> bool:
    """Whether ``output`` shows ``password``, raw or as ``repr`` escapes it."""
    return password in output or repr(password)[1:-1] in output


def emails() -> st.SearchStrategy[str]:
    """Plausible e-mail addresses with ASCII or accented local parts."""
    label = st.text(string.ascii_lowercase + "éü", min_size=1, max_size=10)
    local = st.lists(label, min_size=1, max_size=3).map(".".join)
    domain = st.lists(
        st.text(string.ascii_lowercase, min_size=2, max_size=8), min_size=2, max_size=3
    )
    return st.tuples(local, domain.map(".".join)).map(lambda p: f"{p[0]}@{p[1]}")


def user_inputs() -> st.SearchStrategy[list[str]]:
    """What a signup form knows: e-mail, names, usernames, any text."""
    name = st.text(string.ascii_letters + " -'", min_size=1, max_size=20)
    return st.lists(st.one_of(emails(), name, st.text(any_character, max_size=30)), max_size=4)
