"""No password, password-derived value or decrypted secret leaks through any output.

Cross-cutting property tests: each drives a public entry point with a generated secret (see
``strategies.leaks``) and searches everything the call produced or left behind -- results and
their ``repr``/``str``, exceptions with their whole ``__cause__``/``__context__`` chain and
formatted traceback, DEBUG logs, stdout/stderr, warnings and temporary files -- for the secret,
its escapes and its full SHA-1/NTLM digests.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import pytest
from argon2.profiles import CHEAPEST
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kdbx_writer import Entry, Group, KdfSpec, Snapshot, build_xml, write_kdbx4
from pwhygiene import (
    Checker,
    Policy,
    PwhygieneError,
    RangeClient,
    Vault,
    VaultItem,
    check,
    estimate_strength,
    read_vault,
)
from pwhygiene._breach.digests import normalize_digest
from pwhygiene._cli import main
from pwhygiene._cli.check import read_password
from pwhygiene._vault.io import CsvRow
from pwhygiene._vault.kdbx.history import EntryVersion
from pwhygiene._vault.registry import Sample
from pwhygiene.breach import HashMode, RangeCache, ntlm_digest, sha1_digest
from pwhygiene.exceptions import BreachLookupError, InvalidInput, VaultError, WrongPassword
from pwhygiene.hashing import Hasher, assess
from pwhygiene.testing import FAULT_KINDS, FaultKind, InMemoryCorpus, RangeServer
from strategies.leaks import Secret, exception_outputs, files_under, secrets
from strategies.vault_core import PBKDF2_FAST, bitwarden_key, encstring

# Each example resets the captured logs, output and temp directory itself (see Watch.around).
_SUPPRESSED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
leak_settings = settings(suppress_health_check=_SUPPRESSED)
heavy_settings = settings(suppress_health_check=_SUPPRESSED, max_examples=15)
LONE_SURROGATE = "S3cr3t-\ud800-pasted from a broken clipboard"
neutral = st.sampled_from(["alice@example.com", "Alice Liddell", "wonderland", "1987"])


class Watch:
    """Captures every side channel of one example: logs, stdout/stderr, warnings, temp files."""

    def __init__(
        self,
        caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str],
        tempdir: Path,
    ) -> None:
        self.caplog = caplog
        self.capsys = capsys
        self.tempdir = tempdir

    @contextmanager
    def around(self, *hidden: Secret) -> Iterator[list[str | bytes]]:
        """Yield a list to put direct outputs in; on exit, search them and every side channel."""
        self.caplog.clear()
        self.capsys.readouterr()
        for path in self.tempdir.rglob("*"):
            if path.is_file():
                path.unlink()
        outputs: list[str | bytes] = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield outputs
        out, err = self.capsys.readouterr()
        logged = [self.caplog.text] + [repr(r.args) for r in self.caplog.records]
        written = list(files_under(self.tempdir))
        for secret in hidden:
            secret.assert_absent(outputs, "a result, repr or exception")
            secret.assert_absent(logged, "the log")
            secret.assert_absent([out, err], "stdout/stderr")
            secret.assert_absent([str(w.message) for w in caught], "a warning")
            secret.assert_absent(written, "a temporary file")


@pytest.fixture
def watch(
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Watch:
    """A Watch whose temp directory is where :mod:`tempfile` now puts everything."""
    caplog.set_level(logging.DEBUG)
    tempdir = tmp_path / "tempfiles"
    tempdir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tempdir))
    return Watch(caplog, capsys, tempdir)


def run(call: Callable[[], object], outputs: list[str | bytes]) -> object:
    """Call, keeping the result's (or the exception's) every output; return it either way."""
    try:
        result = call()
    except Exception as exc:
        outputs.extend(exception_outputs(exc))
        return exc
    outputs += [repr(result), str(result)]
    for item in getattr(result, "items", ()) if not isinstance(result, dict) else ():
        outputs += [repr(item), str(item)]
    outputs.extend(getattr(result, "warnings", ()))
    return result


# --- strength, policy, check ----------------------------------------------------------------


@leak_settings
@given(secret=secrets(), inputs=st.lists(neutral, max_size=3), mfa=st.booleans())
def test_check_and_strength_results_never_show_the_password(
    watch: Watch, secret: str, inputs: list[str], mfa: bool
) -> None:
    """CheckResult, its JSON form, Violation messages and Strength hold no trace of it."""
    hidden = Secret(secret)
    with watch.around(hidden) as outputs:
        result = Checker(Policy.nist(mfa=mfa)).check(secret, user_inputs=inputs)
        outputs += [repr(result), str(result), json.dumps(result.to_dict())]
        outputs.append(json.dumps(result.to_dict(), ensure_ascii=False))
        outputs.extend([v.message for v in result.violations] + [repr(result.feedback)])
        run(lambda: check(secret, user_inputs=inputs), outputs)
        run(lambda: estimate_strength(secret, inputs), outputs)


@heavy_settings  # each example runs the default argon2id profile (64 MiB)
@given(secret=secrets())
@example(secret=LONE_SURROGATE)
def test_accepted_hides_the_password_and_its_hash(watch: Watch, secret: str) -> None:
    """Checker.accept: neither the password nor the argon2 hash shows in repr or str."""
    hidden = Secret(secret)
    with watch.around(hidden) as outputs:
        accepted = run(lambda: Checker(Policy(min_length=8, min_score=0)).accept(secret), outputs)
    stored = getattr(accepted, "hash", None)
    if stored is not None:
        Secret(stored).assert_absent([repr(accepted), str(accepted)], "repr(Accepted)")


# --- hashing --------------------------------------------------------------------------------

_CHEAP = Hasher(CHEAPEST)
_GARBAGE = (
    "{}",
    "$argon2id$v=19$m=8,t=1,p=1${}${}",
    "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ${}",
    "pbkdf2_sha256$100${}$abc",
    "$2b$10${}",
    "sha1${}$0123",
    "bcrypt${}",
    "scrypt:{}:8:1$x$00",
)


@leak_settings
@given(secret=secrets(), template=st.sampled_from(_GARBAGE))
@example(secret=LONE_SURROGATE, template="{}")
def test_hashing_never_shows_the_password_or_the_stored_value(
    watch: Watch, secret: str, template: str
) -> None:
    """verify/needs_rehash/assess on garbage holding the secret: errors and verdicts hide it."""
    hidden = Secret(secret)
    garbage = template.replace("{}", secret)
    with watch.around(hidden) as outputs:
        run(lambda: _CHEAP.verify(garbage, secret), outputs)
        run(lambda: _CHEAP.needs_rehash(garbage), outputs)
        run(lambda: assess(garbage), outputs)
        run(lambda: assess(garbage.encode("utf-8", "surrogatepass")), outputs)
        for digest in (sha1_digest(secret), ntlm_digest(secret).lower()):
            run(lambda digest=digest: assess(digest), outputs)  # type: ignore[misc]
        stored = _CHEAP.hash("another password")
        run(lambda: _CHEAP.verify(stored, secret), outputs)


@heavy_settings  # each example runs the default argon2id profile (64 MiB)
@given(secret=secrets())
@example(secret=LONE_SURROGATE)
def test_default_hash_and_verify_never_raise_with_the_password(watch: Watch, secret: str) -> None:
    """hashing.hash/verify take any str: no encoding error carries the password out."""
    from pwhygiene import hashing  # noqa: PLC0415

    hidden = Secret(secret)
    with watch.around(hidden) as outputs:
        stored = run(lambda: hashing.hash(secret), outputs)
        assert isinstance(stored, str)
        assert hashing.verify(stored, secret)


# --- CLI ------------------------------------------------------------------------------------


@leak_settings
@given(
    secret=secrets().filter(lambda s: "\n" not in s and "\r" not in s),
    as_json=st.booleans(),
)
@example(secret=LONE_SURROGATE, as_json=True)
def test_cli_check_never_prints_the_password(
    watch: Watch, monkeypatch: pytest.MonkeyPatch, secret: str, as_json: bool
) -> None:
    """``pwhygiene check`` prints the verdict only, whatever bytes arrive on stdin."""
    hidden = Secret(secret)
    raw = secret.encode("utf-8", "surrogatepass") + b"\n"  # a lone surrogate: invalid UTF-8
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
    with watch.around(hidden) as outputs:
        code = run(lambda: main(["check", *(["--json"] if as_json else [])]), outputs)
        sys.stdin.seek(0)
        try:
            read_password()  # returns the password itself, so only its error is searched
        except InvalidInput as exc:
            outputs.extend(exception_outputs(exc))
    assert code in (0, 1, 2)


# --- breach lookups -------------------------------------------------------------------------


class SwappableCorpus:
    """A SHA-1 range provider whose corpus each example replaces."""

    mode: HashMode = "sha1"

    def __init__(self) -> None:
        self.corpus = InMemoryCorpus({})

    def range(self, prefix: str) -> list[tuple[str, int]]:
        """The current corpus's rows."""
        return self.corpus.range(prefix)


@pytest.fixture(scope="module")
def swappable() -> SwappableCorpus:
    """One corpus object shared by the module's server."""
    return SwappableCorpus()


@pytest.fixture(scope="module")
def server(swappable: SwappableCorpus) -> Iterator[RangeServer]:
    """A loopback range server for the whole module (faults are injected per example)."""
    with RangeServer(swappable, padding_rows=(20, 40), hang_seconds=2.0, seed=7) as running:
        yield running


_QUICK_FAULTS = [f for f in FAULT_KINDS if f != "hang"]


@leak_settings
@given(
    secret=secrets(),
    fault=st.sampled_from([*_QUICK_FAULTS, None]),
    breached=st.booleans(),
    on_unavailable=st.sampled_from(["reject", "allow", "fallback"]),
)
def test_breach_lookups_reveal_only_the_prefix(
    watch: Watch,
    *,
    server: RangeServer,
    swappable: SwappableCorpus,
    secret: str,
    fault: FaultKind | None,
    breached: bool,
    on_unavailable: str,
) -> None:
    """Faults, retries, errors, the request log and the disk cache never hold the full digest."""
    hidden = Secret(secret)
    swappable.corpus = InMemoryCorpus.from_passwords({secret: 3} if breached else {})
    server.clear_log()
    cache = RangeCache(directory=watch.tempdir / "cache")
    with watch.around(hidden) as outputs:
        server.inject(*[fault] * 4)
        with RangeClient(server.url, retries=1, backoff=0.0, timeout=2.0, cache=cache) as client:
            checker = Checker(breach=client, on_unavailable=on_unavailable)  # type: ignore[arg-type]
            result = run(lambda: checker.check(secret), outputs)
            outputs.append(json.dumps(getattr(result, "to_dict", dict)()))
            cache.clear()
            run(lambda: client.count(sha1_digest(secret)), outputs)
            for answer in client.iter_counts([sha1_digest(secret).lower()]):
                outputs.append(repr(answer))
                if answer.error is not None:
                    outputs.extend(exception_outputs(answer.error))
            outputs += [repr(client), repr(cache), repr(server), repr(checker)]
        for request in server.requests:
            outputs += [request.path, request.query, repr(request)]
            outputs += [value for _, value in request.headers]
            assert request.prefix is not None


def test_a_hanging_server_error_reveals_only_the_prefix(watch: Watch) -> None:
    """A read timeout, retried and given up on, names neither the password nor its digest."""
    secret = "S3cr3t-hanging line"
    hidden = Secret(secret)
    with (
        watch.around(hidden) as outputs,
        RangeServer.from_passwords({}, hang_seconds=2.0) as server,
    ):
        server.inject("hang", "hang")
        with RangeClient(server.url, retries=1, backoff=0.0, timeout=(1.0, 0.1)) as client:
            error = run(lambda: client.count(sha1_digest(secret)), outputs)
    assert isinstance(error, BreachLookupError)


@leak_settings
@given(
    secret=secrets(file_safe=True),  # quote() cannot encode a lone surrogate
    fault=st.sampled_from(["unavailable", "html", "reset", None]),
)
def test_credentials_in_the_range_url_stay_hidden(
    watch: Watch, server: RangeServer, secret: str, fault: FaultKind | None
) -> None:
    """A mirror URL like ``https://user:pass@host`` shows neither pass in repr nor in errors.

    Both paths are driven: a single ``count`` and a ``count_many`` batch (one request plan
    shared by every prefix).
    """
    hidden, quoted = Secret(secret), Secret(quote(secret, safe=""))
    base = server.url.replace("http://", f"http://user:{quote(secret, safe='')}@")
    batch = [sha1_digest("batch one"), sha1_digest("batch two")]
    with watch.around(hidden, quoted) as outputs:
        server.inject(fault, fault)
        client = run(lambda: RangeClient(base, retries=1, backoff=0.0, cache=False), outputs)
        if isinstance(client, RangeClient):  # else InvalidInput: not Latin-1, so no Basic auth
            with client:
                run(lambda: client.count(sha1_digest("another password")), outputs)
                server.inject(fault, fault)
                run(lambda: client.count_many(batch), outputs)
                run(lambda: list(client.iter_counts(batch)), outputs)
                run(client._fetcher.plan, outputs)  # the plan holds the URL with credentials


@given(
    digest=st.sampled_from(["sha1", "ntlm"]).flatmap(
        lambda mode: st.tuples(
            st.just(mode), st.text("0123456789abcdefXYZ-", min_size=20, max_size=50)
        )
    )
)
def test_digest_errors_never_repeat_the_digest(digest: tuple[str, str]) -> None:
    """normalize_digest refuses a malformed digest without quoting it."""
    mode, text = digest
    try:
        normalize_digest(text, mode)  # type: ignore[arg-type]
    except InvalidInput as exc:
        Secret(text).assert_absent(exception_outputs(exc), "a digest error")


# --- vault readers: CSV ---------------------------------------------------------------------


def _columns(names: str) -> list[str]:
    return names.split()


_URL, _USER, _TITLE, _WHEN = "https://example.com/login", "alice", "Example", "1600000000000"
_CSV_FORMATS: dict[str, tuple[list[str], Callable[[str], list[str]], int | None]] = {
    # name: (header, row holding the secret in every secret-bearing cell, a validated column)
    "bitwarden-csv": (
        [
            "folder",
            "favorite",
            "type",
            "name",
            "notes",
            "fields",
            "reprompt",
            "login_uri",
            "login_username",
            "login_password",
            "login_totp",
        ],
        lambda s: ["", "", "login", _TITLE, s, f"pin: {s}", "0", _URL, _USER, s, s],
        2,
    ),
    "1password-csv": (
        [
            "Title",
            "Url",
            "Username",
            "Password",
            "OTPAuth",
            "Favorite",
            "Archived",
            "Tags",
            "Notes",
        ],
        lambda s: [_TITLE, _URL, _USER, s, s, "false", "false", "", s],
        None,
    ),
    "lastpass-csv": (
        ["url", "username", "password", "totp", "extra", "name", "grouping", "fav"],
        lambda s: [_URL, _USER, s, s, s, _TITLE, "", "0"],
        None,
    ),
    "chrome-csv": (
        ["name", "url", "username", "password", "note"],
        lambda s: [_TITLE, _URL, _USER, s, s],
        None,
    ),
    "firefox-csv": (
        [
            "url",
            "username",
            "password",
            "httpRealm",
            "formActionOrigin",
            "guid",
            "timeCreated",
            "timeLastUsed",
            "timePasswordChanged",
        ],
        lambda s: [_URL, _USER, s, "", "", "{g-1}", _WHEN, _WHEN, _WHEN],
        6,
    ),
    "safari-csv": (
        ["Title", "URL", "Username", "Password", "Notes", "OTPAuth"],
        lambda s: [_TITLE, _URL, _USER, s, s, s],
        None,
    ),
    "keepassxc-csv": (
        [
            "Group",
            "Title",
            "Username",
            "Password",
            "URL",
            "Notes",
            "TOTP",
            "Icon",
            "Last Modified",
            "Created",
        ],
        lambda s: ["Root", _TITLE, _USER, s, _URL, s, s, "0", "2021-01-01T00:00:00Z", ""],
        9,
    ),
    "keepass-csv": (
        ["Account", "Login Name", "Password", "Web Site", "Comments"],
        lambda s: [_TITLE, _USER, s, _URL, s],
        None,
    ),
}
_CSV_BREAKAGES = ("short", "long", "bad_cell", "open_quote", "bad_utf8", "headerless", "none")


def _csv(name: str, rows: list[list[str]]) -> str:
    buf = io.StringIO()
    if name == "keepass-csv":  # KeePass 1.x style: backslash escapes, every cell quoted
        writer = csv.writer(
            buf, doublequote=False, escapechar="\\", quoting=csv.QUOTE_ALL, lineterminator="\r\n"
        )
    else:
        writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(rows)
    return buf.getvalue()


def broken_csv(name: str, breakage: str, secret: str) -> bytes:
    """A CSV export: a row holding the secret next to a row broken in the way named."""
    header, row, validated = _CSV_FORMATS[name]
    good = row(secret)
    rows = [header, good]
    tail = ""
    if breakage == "short":
        rows.append([secret, secret])
    elif breakage == "long":
        rows.append([*good, secret])
    elif breakage == "bad_cell":
        bad = list(good)
        if validated is not None:  # a cell the reader parses (a type, a date) holds the secret
            bad[validated] = secret
        rows.append(bad)
    elif breakage == "open_quote":
        tail = f'"{secret},{secret}'
    elif breakage == "headerless":
        rows = [good, [secret, secret]]
    data = (_csv(name, rows) + tail).encode("utf-8")
    if breakage == "bad_utf8":
        marker = secret.encode("utf-8")
        data = data.replace(marker, marker + b"\xff", 1)
    return data


@leak_settings
@given(
    secret=secrets(file_safe=True),
    name=st.sampled_from(sorted(_CSV_FORMATS)),
    breakage=st.sampled_from(_CSV_BREAKAGES),
    strict=st.booleans(),
)
@example(secret="S3cr3t-first row", name="1password-csv", breakage="headerless", strict=True)
def test_csv_readers_never_show_a_password(
    watch: Watch, tmp_path: Path, *, secret: str, name: str, breakage: str, strict: bool
) -> None:
    """A broken CSV row next to (or made of) secrets: errors, warnings and items hide them."""
    hidden = Secret(secret)
    export = tmp_path / "export.csv"
    export.write_bytes(broken_csv(name, breakage, secret))
    with watch.around(hidden) as outputs:
        outcome = run(lambda: read_vault(export, format=name, strict=strict), outputs)
    assert not isinstance(outcome, Exception) or isinstance(outcome, VaultError), repr(
        type(outcome)
    )


# --- vault readers: JSON and zip ------------------------------------------------------------


def _bitwarden_item(secret: str, n: int) -> dict[str, object]:
    return {
        "id": f"item-{n}",
        "type": 1,
        "name": _TITLE,
        "notes": secret,
        "creationDate": "2020-01-01T00:00:00.000Z",
        "revisionDate": "2021-01-01T00:00:00.000Z",
        "fields": [{"name": "pin", "value": secret, "type": 1}],
        "passwordHistory": [{"lastUsedDate": "2020-06-01T00:00:00.000Z", "password": secret}],
        "login": {"uris": [{"uri": _URL}], "username": _USER, "password": secret, "totp": secret},
    }


def _break_bitwarden(item: dict[str, object], breakage: str, secret: str) -> None:
    login = item["login"]
    assert isinstance(login, dict)
    if breakage == "bad_date":
        item["creationDate"] = secret
        login["passwordRevisionDate"] = secret
    elif breakage == "wrong_type":
        item["passwordHistory"] = [{"password": 1234, "lastUsedDate": secret}]
    elif breakage == "bad_kind":
        item["type"] = secret
    elif breakage == "bad_collections":
        item["collectionIds"] = [secret, 5]


def _truncate_after(text: str, secret: str) -> str:
    """``text`` cut inside the last copy of ``secret`` (a transfer that broke off)."""
    cut = text.rfind(json.dumps(secret)[1:-1])
    return text[: max(cut, 0) + max(1, len(json.dumps(secret)) // 2)]


_JSON_BREAKAGES = ("bad_date", "wrong_type", "bad_kind", "bad_collections", "truncated", "none")


def bitwarden_document(secret: str, breakage: str) -> str:
    """A Bitwarden JSON export: an item holding the secret next to one broken as named."""
    broken = _bitwarden_item(secret, 2)
    _break_bitwarden(broken, breakage, secret)
    doc = {"encrypted": False, "folders": [], "items": [_bitwarden_item(secret, 1), broken]}
    text = json.dumps(doc)
    return _truncate_after(text, secret) if breakage == "truncated" else text


def onepux_document(secret: str, breakage: str) -> bytes:
    """A 1PUX archive: an item holding the secret next to one broken as named."""

    def item(n: int) -> dict[str, object]:
        return {
            "uuid": f"u{n}",
            "createdAt": 1600000000,
            "updatedAt": 1600000000,
            "state": "active",
            "categoryUuid": "001",
            "details": {
                "loginFields": [
                    {"value": _USER, "designation": "username"},
                    {"value": secret, "designation": "password"},
                ],
                "notesPlain": secret,
                "sections": [{"fields": [{"value": {"totp": secret}}]}],
                "passwordHistory": [{"value": secret, "time": 1500000000}],
            },
            "overview": {"title": _TITLE, "url": _URL},
        }

    broken = item(2)
    if breakage == "bad_date":
        broken["createdAt"] = secret
    elif breakage == "wrong_type":
        broken["details"] = {"passwordHistory": [{"value": 5, "time": secret}]}
    elif breakage == "bad_kind":
        broken["overview"] = secret
    elif breakage == "bad_collections":
        broken["details"] = {"loginFields": [{"value": [secret], "designation": "password"}]}
    doc = {"accounts": [{"vaults": [{"attrs": {"name": "V"}, "items": [item(1), broken]}]}]}
    text = json.dumps(doc)
    if breakage == "truncated":
        text = _truncate_after(text, secret)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("export.attributes", "{}")
        archive.writestr("export.data", text)
    return buf.getvalue()


@leak_settings
@given(
    secret=secrets(file_safe=True),
    name=st.sampled_from(["bitwarden-json", "1password-1pux"]),
    breakage=st.sampled_from(_JSON_BREAKAGES),
    strict=st.booleans(),
)
def test_json_readers_never_show_a_password(
    watch: Watch, tmp_path: Path, *, secret: str, name: str, breakage: str, strict: bool
) -> None:
    """A broken JSON item or a truncated document: errors, warnings and items hide secrets."""
    hidden = Secret(secret)
    export = tmp_path / "export.bin"
    if name == "bitwarden-json":
        export.write_text(bitwarden_document(secret, breakage), encoding="utf-8")
    else:
        export.write_bytes(onepux_document(secret, breakage))
    with watch.around(hidden) as outputs:
        outcome = run(lambda: read_vault(export, format=name, strict=strict), outputs)
    assert not isinstance(outcome, Exception) or isinstance(outcome, VaultError), repr(
        type(outcome)
    )


# --- vault readers: encrypted exports -------------------------------------------------------

_EXPORT_PASSWORD = "correct horse battery staple"


def encrypted_bitwarden(inner: bytes) -> str:
    """A password-protected Bitwarden export whose decrypted payload is ``inner`` as is."""
    salt = "c2FsdHNhbHRzYWx0"
    enc, mac = bitwarden_key(_EXPORT_PASSWORD, salt, PBKDF2_FAST)
    return json.dumps(
        {
            "encrypted": True,
            "passwordProtected": True,
            "salt": salt,
            **PBKDF2_FAST,
            "encKeyValidation_DO_NOT_EDIT": encstring(b"validation", enc, mac),
            "data": encstring(inner, enc, mac),
        }
    )


@leak_settings
@given(
    secret=secrets(),
    breakage=st.sampled_from(_JSON_BREAKAGES),
    strict=st.booleans(),
)
@example(secret=LONE_SURROGATE, breakage="none", strict=True)
def test_bitwarden_encrypted_never_shows_the_export_password_or_the_data(
    watch: Watch, tmp_path: Path, secret: str, breakage: str, strict: bool
) -> None:
    """A wrong guess (the secret) is WrongPassword; broken decrypted data hides its contents."""
    hidden = Secret(secret)
    export = tmp_path / "export.json"
    stored = "S3cr3t-placeholder" if _has_surrogate(secret) else secret  # UTF-8 cannot hold it
    document = bitwarden_document(stored, breakage)
    export.write_text(encrypted_bitwarden(document.encode()), encoding="utf-8")
    with watch.around(hidden) as outputs:
        wrong = run(lambda: read_vault(export, password=secret), outputs)
        assert isinstance(wrong, WrongPassword)
        opened = run(lambda: read_vault(export, password=_EXPORT_PASSWORD, strict=strict), outputs)
    assert not isinstance(opened, Exception) or isinstance(opened, VaultError)


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


def _entries(secret: str) -> list[Entry]:
    when = datetime(2020, 1, 1, tzinfo=timezone.utc)
    keep = Entry(_TITLE, username=_USER, password=secret, url=_URL, notes=secret, otp=secret)
    keep.history = [Snapshot(secret, when), Snapshot(secret + "-old", when)]
    broken = Entry(
        "Broken",
        username=_USER,
        password=secret,
        created=datetime(1999, 9, 9, 9, 9, 9, tzinfo=timezone.utc),
    )
    return [keep, broken]


@leak_settings
@given(
    secret=secrets(file_safe=True),
    breakage=st.sampled_from(["bad_time", "truncated", "none"]),
    strict=st.booleans(),
)
def test_keepass_xml_never_shows_a_password(
    watch: Watch, tmp_path: Path, secret: str, breakage: str, strict: bool
) -> None:
    """A KeePass XML export with a broken entry or cut short: errors and items hide secrets."""
    hidden = Secret(secret)
    xml = build_xml(Group("Root", entries=_entries(secret)), binary_times=False).decode("utf-8")
    if breakage == "bad_time":
        escaped = secret.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        xml = xml.replace("1999-09-09T09:09:09Z", escaped)
    elif breakage == "truncated":
        xml = xml[: xml.rfind("<Value>") + 7 + max(1, len(secret) // 2)]
    export = tmp_path / "export.xml"
    export.write_text(xml, encoding="utf-8")
    with watch.around(hidden) as outputs:
        outcome = run(lambda: read_vault(export, format="keepass-xml", strict=strict), outputs)
    assert not isinstance(outcome, Exception) or isinstance(outcome, VaultError)


@pytest.fixture(scope="module")
def kdbx_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A KDBX 4 database (cheap AES-KDF) whose entries hold a fixed secret."""
    path = tmp_path_factory.mktemp("kdbx") / "vault.kdbx"
    data = write_kdbx4(
        Group("Root", entries=_entries("S3cr3t-stored in the database")),
        password=_EXPORT_PASSWORD,
        kdf=KdfSpec(kind="aes", rounds=16),
    )
    path.write_bytes(data)
    return path


@leak_settings
@given(secret=secrets(), as_key_file=st.sampled_from([None, "raw", "xml"]))
@example(secret=LONE_SURROGATE, as_key_file=None)
def test_kdbx_never_shows_a_wrong_password_or_key_file(
    watch: Watch, tmp_path: Path, kdbx_file: Path, secret: str, as_key_file: str | None
) -> None:
    """A wrong password or key file (the secret) fails as WrongPassword or a key-file error."""
    hidden = Secret(secret)
    key_file = None
    if as_key_file is not None:
        key_file = tmp_path / "key.keyx"
        content = secret.encode("utf-8", "surrogatepass")
        if as_key_file == "xml":
            content = (
                b"<KeyFile><Meta><Version>2.0</Version></Meta><Key><Data>"
                + content.replace(b"&", b"&amp;").replace(b"<", b"&lt;")
                + b"</Data></Key></KeyFile>"
            )
        key_file.write_bytes(content)
    with watch.around(hidden) as outputs:
        outcome = run(lambda: read_vault(kdbx_file, password=secret, key_file=key_file), outputs)
    assert isinstance(outcome, PwhygieneError), repr(type(outcome))


def test_kdbx_items_and_history_hide_their_passwords(watch: Watch, kdbx_file: Path) -> None:
    """Opened with the right password, items, history and warnings show no stored secret."""
    hidden = Secret("S3cr3t-stored in the database")
    with watch.around(hidden) as outputs:
        vault = run(lambda: read_vault(kdbx_file, password=_EXPORT_PASSWORD), outputs)
        for item in getattr(vault, "items", ()):
            outputs.extend([repr(h) for h in item.history] + [repr(item.history)])
    assert len(getattr(vault, "items", ())) == 2


def test_range_client_masks_url_credentials_but_still_sends_them() -> None:
    """``user:pass@`` shows as ``***@`` in base_url and repr, and still reaches the server."""
    with RangeServer.from_passwords({}) as server:
        base = server.url.replace("http://", "http://mirror:S3cr3t-basic@")
        with RangeClient(base, retries=0, cache=False) as client:
            assert client.base_url == server.url.replace("http://", "http://***@")
            assert "S3cr3t" not in repr(client)
            client.count(sha1_digest("another password"))
        assert (server.requests[-1].header("Authorization") or "").startswith("Basic ")


@given(secret=secrets())
def test_internal_records_of_export_contents_hide_them_in_repr(secret: str) -> None:
    """CSV rows, sniffing samples and KeePass entry versions: repr shows no cell or byte."""
    hidden = Secret(secret)
    raw = secret.encode("utf-8", "surrogatepass")
    records = [
        CsvRow(7, {"password": secret}, (secret,)),
        Sample(Path("export.csv"), raw, secret, None),
        EntryVersion({"Password": secret}, None, None, None),
    ]
    hidden.assert_absent([repr(r) for r in records] + [str(r) for r in records], "a repr")


@leak_settings
@given(
    digit=st.sampled_from([chr(c) for c in range(0x80, 0x10000) if chr(c).isdecimal()]),
    spot=st.sampled_from(["m=8", "t=1", "p=1", "v=19"]),
)
def test_stored_hashes_with_non_ascii_digits_are_refused_without_echo(
    watch: Watch, digit: str, spot: str
) -> None:
    """A stored hash with a non-ASCII digit is InvalidInput; no UnicodeError carries it out."""
    password = "S3cr3t-the user's password"  # a traceback shows the lines below, not this one
    good = _CHEAP.hash(password)
    name, _, value = spot.partition("=")
    stored = good.replace(spot, f"{name}={digit * len(value)}", 1)
    with watch.around(Secret(stored), Secret(password)) as outputs:
        verdict = run(lambda: _CHEAP.verify(stored, password), outputs)
        rehash = run(lambda: _CHEAP.needs_rehash(stored), outputs)
        outputs.append(repr(assess(stored)))
    assert isinstance(verdict, InvalidInput)
    assert isinstance(rehash, InvalidInput)


@leak_settings
@given(secret=secrets(file_safe=True), breakage=st.sampled_from(["truncated", "not_utf8"]))
def test_decrypted_data_is_not_kept_alive_by_an_error(secret: str, breakage: str) -> None:
    """A broken decrypted Bitwarden payload: no exception in the chain, hidden or not, holds it."""
    document = bitwarden_document(secret, "truncated" if breakage == "truncated" else "none")
    inner = document.encode() + (b"\xff" if breakage == "not_utf8" else b"")
    with tempfile.TemporaryDirectory() as directory:
        export = Path(directory) / "export.json"
        export.write_text(encrypted_bitwarden(inner), encoding="utf-8")
        with pytest.raises(VaultError) as caught:
            read_vault(export, password=_EXPORT_PASSWORD)
    outputs = exception_outputs(caught.value)
    Secret(secret).assert_absent(outputs, "an exception's (hidden) context")


@given(secret=secrets(file_safe=True))
def test_vault_items_hide_url_credentials(secret: str) -> None:
    """A login URL carrying ``user:password@`` shows neither in a VaultItem's or Vault's repr."""
    hidden, quoted = Secret(secret), Secret(quote(secret, safe=""))
    item = VaultItem(
        id="i1",
        title=_TITLE,
        source_format="test",
        urls=(f"https://{_USER}:{quote(secret, safe='')}@example.com/", f"ftp://x:{secret}@h"),
    )
    vault = Vault((item,), "test")
    outputs = [repr(item), str(item), repr(vault), str(vault)]
    hidden.assert_absent(outputs, "a VaultItem repr")
    quoted.assert_absent(outputs, "a VaultItem repr")


@leak_settings
@given(
    secret=secrets(file_safe=True).filter(lambda s: "\n" not in s and "\r" not in s),
    template=st.sampled_from(["https://alice:{}@[::1/login", "https://alice:{}@", "x://u:{}@"]),
)
@example(secret="S3cr3t-with/slash", template="https://alice:{}@[::1/login")
def test_firefox_titles_never_show_url_credentials(
    watch: Watch, tmp_path: Path, secret: str, template: str
) -> None:
    """Firefox has no titles: one made from a URL that does not parse drops ``user:pass@``."""
    hidden = Secret(secret)
    header, row, _ = _CSV_FORMATS["firefox-csv"]
    cells = row("S3cr3t-the password cell")
    cells[0] = template.replace("{}", secret)
    export = tmp_path / "firefox.csv"
    export.write_text(_csv("firefox-csv", [header, cells]), encoding="utf-8")
    with watch.around(hidden) as outputs:
        vault = run(lambda: read_vault(export, format="firefox-csv"), outputs)
        outputs.extend(item.title for item in getattr(vault, "items", ()))
