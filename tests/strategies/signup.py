"""What people type into signup forms: passwords of every kind, and who they are.

``typed_passwords`` is any text a user could type or paste (the property "no message contains
the password" must hold for all of it); ``passphrases`` are long random word sequences a NIST
policy accepts; ``identities`` are username/e-mail pairs to use as context;
``non_string_secrets`` are the numbers, arrays and objects a client can send where the password
belongs.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from hypothesis import strategies as st

# Words no zxcvbn dictionary ranks highly; four of them clear the NIST 15-character minimum.
_WORDS = (
    "quill",
    "fjord",
    "zephyr",
    "marrow",
    "glyph",
    "tundra",
    "oxbow",
    "nimbus",
    "quartz",
    "sprocket",
    "wombat",
    "larch",
    "cobalt",
    "vortex",
    "pylon",
    "bramble",
)


@dataclass(frozen=True)
class Identity:
    """A user as a signup form sees them."""

    username: str
    email: str


def typed_passwords() -> st.SearchStrategy[str]:
    """Any text a user could type or paste: ASCII, accents, emoji, spaces, 1 to 40 characters."""
    return st.one_of(
        st.text(string.printable.strip() + " ", min_size=1, max_size=40),
        st.text(
            st.characters(codec="utf-8", exclude_characters="\x00"),
            min_size=1,
            max_size=40,
        ),
    )


def passphrases() -> st.SearchStrategy[str]:
    """Four to six uncommon words joined by a separator: acceptable under ``Policy.nist()``."""
    return st.builds(
        lambda words, sep: sep.join(words),
        st.lists(st.sampled_from(_WORDS), min_size=4, max_size=6, unique=True),
        st.sampled_from(["-", " ", ".", "_"]),
    )


def identities() -> st.SearchStrategy[Identity]:
    """Lower-case usernames of 4-12 letters with a matching e-mail address."""
    return st.builds(
        lambda name, domain: Identity(name, f"{name}@{domain}.example"),
        st.text(string.ascii_lowercase, min_size=4, max_size=12),
        st.sampled_from(["mail", "corp", "uni"]),
    )


# Passwords and contexts that between them trigger every violation code's message.
_PROBES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("a", ()),
    ("password", ()),
    ("x" * 80, ()),
    ("abcabcabcabcabcabc", ()),
    ("qwertyuiopasdfghjkl", ()),
    ("Marmaduke1987Marmaduke", ("marmaduke", "marmaduke@mail.example")),
)


def message_corpus() -> str:
    """Every sentence a violation can say, with typical numbers filled in.

    A generated password that is a substring of this text proves nothing when found in a message
    (``"simi"`` is in "too similar"); property tests skip those with :func:`coincides`.
    """
    from pwhygiene import Checker  # noqa: PLC0415  # reason: strategies stay light
    from pwhygiene._strength.policy import (  # noqa: PLC0415  # reason: no public name for these
        SUGGESTIONS,
        breach_unknown_violation,
        breached_violation,
        common_violation,
        context_violation,
    )

    checker = Checker()
    texts = [
        v.message for pw, ctx in _PROBES for v in checker.check(pw, user_inputs=ctx).violations
    ]
    texts += [breached_violation(n).message for n in (1, 42, 1234)]
    texts += [breach_unknown_violation().message, common_violation().message]
    texts += [context_violation().message, *SUGGESTIONS.values()]
    return "\n".join(texts)


def coincides(password: str, corpus: str) -> bool:
    """True when *password* could appear in an output by coincidence, not by leaking.

    That is: it is part of a fixed sentence, or it is a short run of digits and punctuation
    (messages contain lengths, scores and counts).
    """
    return password in corpus or re.fullmatch(r"[\d\W_]{1,8}", password) is not None


# Any JSON value: scalars, and lists and objects of them, a few levels deep (built once: a
# recursive strategy is costly to validate, and composite strategies draw it per example).
_JSON_VALUES: st.SearchStrategy[object] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def non_string_secrets(draw: st.DrawFn) -> tuple[object, tuple[str, ...]]:
    """A JSON value other than a string sent as a password, and the secret text it holds.

    Stands for a client that sends the password field as a number (a PIN typed into a numeric
    input), an array or an object (a form serialiser bug, or someone probing the API): the
    secret is the number's digits, or a marker string somewhere inside the structure.
    """
    kind = draw(st.sampled_from(["integer", "float", "structure"]))
    if kind == "integer":
        number = draw(
            st.integers(min_value=10**6, max_value=10**30) | st.integers(max_value=-(10**6))
        )
        return number, (str(number),)
    if kind == "float":
        real = draw(st.floats(min_value=1000.0, max_value=1e12).filter(lambda f: f != int(f)))
        return real, (repr(real),)
    marker = draw(st.text(string.ascii_letters + string.digits + "-_!", min_size=8, max_size=24))
    others = draw(st.lists(_JSON_VALUES, max_size=3))
    shape = draw(st.sampled_from(["in_list", "as_value", "as_key"]))
    if shape == "in_list":
        value: object = [*others[:1], marker, *others[1:]]
    elif shape == "as_value":
        value = {**{f"k{i}": other for i, other in enumerate(others)}, "value": marker}
    else:
        value = {marker: others}
    if draw(st.booleans()):
        value = draw(st.sampled_from([[value], {"inner": value}]))
    return value, (marker,)
