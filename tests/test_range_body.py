"""Range-body validation: oracle round-trips, padding, and corruption that must never parse."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pwhygiene._breach.range.body import _parse_lines, parse_range_body, validate_range_body
from pwhygiene.exceptions import BadRangeResponse, BreachLookupError
from strategies.range_bodies import GeneratedBody, foreign_bytes, range_bodies, suffixes

SHA1_ROW = "0018A45C4D1DEF81644B54AB7F969B88D65:1"


@given(range_bodies())
def test_parsed_rows_equal_generated_rows(generated: GeneratedBody) -> None:
    """Oracle: the parsed rows are exactly the generated real rows, whatever the layout."""
    parsed = parse_range_body(
        generated.body, mode=generated.mode, content_length=len(generated.body)
    )
    assert parsed == generated.real


@given(range_bodies())
def test_padding_rows_never_produce_a_hit(generated: GeneratedBody) -> None:
    """No count-0 padding suffix appears in the parsed rows."""
    parsed = parse_range_body(generated.body, mode=generated.mode)
    assert generated.padding.isdisjoint(parsed)
    assert all(count > 0 for count in parsed.values())


@given(range_bodies(), st.data())
def test_truncation_is_caught_by_content_length(
    generated: GeneratedBody, data: st.DataObject
) -> None:
    """A body cut short of its Content-Length is rejected, never read as fewer rows."""
    assume(generated.body)
    cut = data.draw(st.integers(0, len(generated.body) - 1))
    with pytest.raises(BadRangeResponse, match="Content-Length"):
        parse_range_body(
            generated.body[:cut], mode=generated.mode, content_length=len(generated.body)
        )


@given(range_bodies(), foreign_bytes, st.data())
def test_a_foreign_byte_anywhere_is_rejected(
    generated: GeneratedBody, foreign: bytes, data: st.DataObject
) -> None:
    """Inserting a byte that no row may contain, at any position, makes the body invalid."""
    at = data.draw(st.integers(0, len(generated.body)))
    corrupted = generated.body[:at] + foreign + generated.body[at:]
    with pytest.raises(BadRangeResponse):
        parse_range_body(corrupted, mode=generated.mode)


@given(range_bodies(), st.data())
def test_deleting_a_suffix_character_or_colon_is_rejected(
    generated: GeneratedBody, data: st.DataObject
) -> None:
    """Dropping a suffix digit or a ':' from any row makes the body invalid."""
    positions = [i for i, byte in enumerate(generated.body) if byte not in b"0123456789,\r\n"]
    assume(positions)
    at = data.draw(st.sampled_from(positions))
    with pytest.raises(BadRangeResponse):
        parse_range_body(generated.body[:at] + generated.body[at + 1 :], mode=generated.mode)


@given(range_bodies("sha1", max_padding=0))
def test_a_body_of_the_other_mode_is_rejected(generated: GeneratedBody) -> None:
    """SHA-1 rows are not accepted as NTLM rows (35 vs 27 hex), and the message says so."""
    assume(generated.real)
    with pytest.raises(BadRangeResponse, match="35-character suffix"):
        parse_range_body(generated.body, mode="ntlm")


@given(range_bodies())
def test_messages_never_quote_a_suffix(generated: GeneratedBody) -> None:
    """Error messages about a bad body name the line and the problem, never a row's suffix."""
    assume(generated.real)
    corrupted = generated.body.replace(b":", b";")
    with pytest.raises(BadRangeResponse) as info:
        parse_range_body(corrupted, mode=generated.mode)
    message = str(info.value).upper()
    assert all(suffix not in message for suffix in generated.real)
    assert "LINE 1" in message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (f"{SHA1_ROW[:-2]}:86,453".encode(), 86453),
        (f"{SHA1_ROW[:-2]}:1,234,567".encode(), 1234567),
        (f"{SHA1_ROW[:-2]}:007".encode(), 7),
        (f"{SHA1_ROW}\r\n".encode(), 1),
        (f"{SHA1_ROW.lower()}".encode(), 1),
        (f"\ufeff{SHA1_ROW}".encode(), 1),
    ],
)
def test_known_count_formats(body: bytes, expected: int) -> None:
    """Separators, leading zeros, a final CRLF, lower-case hex and a BOM are read correctly."""
    assert parse_range_body(body) == {SHA1_ROW[:35]: expected}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (f"{SHA1_ROW[:-2]}:86,45".encode(), "count that is not a number"),
        (f"{SHA1_ROW[:-2]}:1,2345".encode(), "count that is not a number"),
        (f"{SHA1_ROW[:-2]}:-1".encode(), "count that is not a number"),
        (f"{SHA1_ROW[:-2]}:".encode(), "no count"),
        (f"{SHA1_ROW[:-2]}".encode(), "no ':'"),
        (f"{SHA1_ROW}\r\n\r\n".encode(), "line 2"),
        (b"Z" * 35 + b":1", "not hexadecimal"),
        (f" {SHA1_ROW}".encode(), "36-character suffix"),
        (b"<html><body>Log in</body></html>", "markup"),
        (b"\xff\xfe\x00garbage", "line 1"),
    ],
)
def test_malformed_bodies_name_the_problem(body: bytes, problem: str) -> None:
    """Each malformation is a BadRangeResponse whose message says what was wrong."""
    with pytest.raises(BadRangeResponse, match=problem):
        parse_range_body(body)


def test_html_content_type_is_rejected_before_parsing() -> None:
    """A 200 text/html answer is a captive portal, even if its body looked like rows."""
    with pytest.raises(BadRangeResponse, match="text/html"):
        parse_range_body(SHA1_ROW.encode(), content_type="text/html; charset=utf-8")
    assert parse_range_body(SHA1_ROW.encode(), content_type="text/plain; charset=utf-8")


def test_conflicting_duplicate_rows_are_rejected() -> None:
    """The same suffix with two different counts cannot be trusted."""
    body = f"{SHA1_ROW}\r\n{SHA1_ROW[:-1]}2".encode()
    with pytest.raises(BadRangeResponse, match="twice"):
        parse_range_body(body)


def test_empty_body_is_an_answer_with_no_rows() -> None:
    """A complete empty body (Content-Length 0) means no digest under the prefix is known."""
    assert parse_range_body(b"", content_length=0) == {}


def test_bad_range_response_is_a_breach_lookup_error() -> None:
    """Callers catching BreachLookupError also catch bad bodies."""
    assert issubclass(BadRangeResponse, BreachLookupError)


@given(suffixes("ntlm"), st.integers(1, 10**6))
def test_ntlm_rows_parse_in_ntlm_mode(suffix: str, count: int) -> None:
    """27-hex NTLM rows parse in NTLM mode and are rejected in SHA-1 mode."""
    body = f"{suffix}:{count}".encode()
    assert parse_range_body(body, mode="ntlm") == {suffix: count}
    with pytest.raises(BadRangeResponse):
        parse_range_body(body, mode="sha1")


@given(range_bodies(max_rows=5, max_padding=5), st.data())
def test_fast_path_agrees_with_the_line_parser(
    generated: GeneratedBody, data: st.DataObject
) -> None:
    """Differential: after random edits from the row alphabet, both parsers agree or both fail."""
    body = bytearray(generated.body)
    for _ in range(data.draw(st.integers(0, 3))):
        at = data.draw(st.integers(0, len(body)))
        if body and data.draw(st.booleans()):
            del body[min(at, len(body) - 1)]
        else:
            body[at:at] = data.draw(
                st.sampled_from([b"\r", b"\n", b"\r\n", b":", b",", b"0", b"a"])
            )
    try:
        reference: dict[str, int] | None = _parse_lines(bytes(body), generated.mode)
    except BadRangeResponse:
        reference = None
    if reference is None:
        with pytest.raises(BadRangeResponse):
            parse_range_body(bytes(body), mode=generated.mode)
    else:
        assert parse_range_body(bytes(body), mode=generated.mode) == reference


@given(range_bodies(), st.data())
def test_looked_up_counts_equal_generated_rows(
    generated: GeneratedBody, data: st.DataObject
) -> None:
    """Oracle: looking a suffix up in the validated text gives its real count, padding 0."""
    rows = validate_range_body(generated.body, mode=generated.mode)
    other = data.draw(suffixes(generated.mode))
    for suffix in [*generated.real, *generated.padding, other]:
        expected = generated.real.get(suffix, 0)
        assert rows.get(suffix, 0) == expected
        assert rows.get(suffix.lower(), 0) == expected  # digests come in any case
        assert (suffix in rows) == (expected > 0)
    assert dict(rows) == generated.real


@given(suffixes("sha1"), st.integers(1, 10**6), st.integers(1, 10**6), st.booleans())
def test_a_suffix_listed_twice_is_never_read_as_one_count(
    suffix: str, first: int, second: int, padding_between: bool
) -> None:
    """A duplicate row with another count is a BadRangeResponse on lookup, never either count."""
    filler = ["F" * 35 + ":0"] if padding_between else []
    body = "\r\n".join([f"{suffix}:{first}", *filler, f"{suffix}:{second}"]).encode()
    rows = validate_range_body(body)
    if first == second:
        assert rows[suffix] == first
    else:
        with pytest.raises(BadRangeResponse, match="twice"):
            rows.get(suffix)
        # The repr is a row count and nothing else: no suffix, no count of either row.
        assert re.fullmatch(r"<RangeRows of \d+ rows>", repr(rows))
        assert suffix not in repr(rows)
