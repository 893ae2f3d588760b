"""``pwhygiene audit`` through ``main(argv)``: outputs, files, exit codes, environment."""

from __future__ import annotations

import functools
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import pwhygiene
from pwhygiene._breach.range import client as range_client
from pwhygiene._cli import main
from pwhygiene.breach import build_index, sha1_digest
from pwhygiene.exceptions import IgnoreFileError
from pwhygiene.testing import HostileServer, RangeServer, RawAnswer

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "examples" / "sample-bitwarden.json")
ENCRYPTED = ROOT / "tests" / "fixtures" / "vault" / "bitwarden" / "encrypted-pbkdf2.json"
AS_OF = ["--as-of", "2026-11-25"]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No PWHYGIENE_* variable from the developer's shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith("PWHYGIENE_"):
            monkeypatch.delenv(name)


def _clean_vault(tmp_path: Path) -> str:
    """A one-item Bitwarden export with nothing to report."""
    path = tmp_path / "clean.json"
    item = {
        "id": "c1",
        "type": 1,
        "name": "Tax portal",
        "revisionDate": "2026-09-14T08:00:00.000Z",
        "creationDate": "2026-09-14T08:00:00.000Z",
        "deletedDate": None,
        "login": {
            "username": "AD-449120",
            "password": "wX7#qL9v$Rt2&mZp",
            "uris": [{"uri": "https://tax.gov.example/"}],
            "passwordRevisionDate": "2026-09-14T08:00:00.000Z",
        },
    }
    path.write_text(json.dumps({"encrypted": False, "folders": [], "items": [item]}))
    return str(path)


def test_sample_audit_prints_a_table_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    """Findings exist, so the default --fail-on (any) gives exit code 1; no ANSI off a TTY."""
    assert main(["audit", SAMPLE, "--no-breach", *AS_OF]) == 1
    out = capsys.readouterr().out
    assert "Vault health" in out
    assert "reused" in out
    assert "\x1b[" not in out


def test_a_clean_export_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No findings: exit code 0 and "No findings"."""
    assert main(["audit", _clean_vault(tmp_path), "--no-breach", *AS_OF]) == 0
    assert "No findings" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [
        ("none", 0),
        ("any", 1),
        ("critical", 1),
        ("old", 1),
        ("old,duplicate", 1),
        ("weak,high", 1),
    ],
)
def test_fail_on_selects_checks_and_severities(fail_on: str, code: int) -> None:
    """--fail-on takes check names and/or one severity threshold, or any/none."""
    assert main(["audit", SAMPLE, "--no-breach", *AS_OF, "--fail-on", fail_on]) == code


def test_fail_on_ignored_checks_passes(tmp_path: Path) -> None:
    """Findings silenced by the ignore file do not fail the run."""
    ignore = ROOT / "examples" / "sample-ignore.toml"
    args = ["audit", SAMPLE, "--no-breach", *AS_OF, "--ignore", str(ignore)]
    assert main([*args, "--fail-on", "duplicate"]) == 0
    assert main([*args, "--fail-on", "reused"]) == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["audit", "does-not-exist.json"],
        ["audit", SAMPLE, "--fail-on", "nonsense"],
        ["audit", SAMPLE, "--fail-on", "high,low"],
        ["audit", SAMPLE, "--output", "pdf"],
        ["audit", SAMPLE, "--max-age", "-3"],
        ["audit", SAMPLE, "--as-of", "yesterday"],
        ["audit", SAMPLE, "--no-breach", "--require-breach"],
        ["audit", SAMPLE, "--no-breach", "--range-url", "http://127.0.0.1:9"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Bad arguments or a missing file: exit code 2 with a message on stderr."""
    assert main(argv) == 2
    assert capsys.readouterr().err


def test_a_bad_environment_default_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An invalid PWHYGIENE_OUTPUT is a usage error naming the variable."""
    monkeypatch.setenv("PWHYGIENE_OUTPUT", "pdf")
    assert main(["audit", SAMPLE, "--no-breach"]) == 2
    assert "PWHYGIENE_OUTPUT" in capsys.readouterr().err


def test_a_malformed_ignore_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken ignore file is reported with its name and the entry, exit code 2."""
    bad = tmp_path / "ignore.json"
    bad.write_text('{"ignore": [{"item": "x", "check": "old"}]}')
    assert main(["audit", SAMPLE, "--no-breach", "--ignore", str(bad)]) == 2
    assert "ignore[0].reason" in capsys.readouterr().err


@pytest.mark.parametrize("output", ["json", "html", "markdown", "sarif", "table"])
def test_output_file_is_written_atomically_with_mode_0600(
    output: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o FILE: the report lands in FILE (mode 0600, nothing left beside it), summary on stderr."""
    target = tmp_path / f"report.{output}"
    assert (
        main(["audit", SAMPLE, "--no-breach", *AS_OF, "--output", output, "-o", str(target)]) == 1
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "score" in captured.err
    if output in ("json", "sarif"):
        json.loads(target.read_text())


def test_environment_variables_give_defaults(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """PWHYGIENE_OUTPUT, _NO_BREACH, _FAIL_ON and _AS_OF act like their options."""
    monkeypatch.setenv("PWHYGIENE_OUTPUT", "json")
    monkeypatch.setenv("PWHYGIENE_NO_BREACH", "1")
    monkeypatch.setenv("PWHYGIENE_FAIL_ON", "none")
    monkeypatch.setenv("PWHYGIENE_AS_OF", "2019-06-01")
    assert main(["audit", SAMPLE]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["breach"]["source"] == "blocklist"
    assert data["summary"]["by_check"]["old"] == 0
    assert data["as_of"].startswith("2019-06-01")


def test_breach_required_but_unavailable_exits_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A range service that always fails: exit 3 with --require-breach, else findings (1)."""
    fast = functools.partial(range_client.RangeClient, retries=0)  # skip the retry back-off
    monkeypatch.setattr(range_client, "RangeClient", fast)
    with RangeServer.from_passwords({}, fault_rate=1.0, fault_kinds=["garbage"]) as server:
        base = ["audit", SAMPLE, "--range-url", server.url, *AS_OF]
        assert main([*base, "--require-breach"]) == 3
        assert "breach status unavailable" in capsys.readouterr().err
        assert main([*base, "--output", "json"]) == 1
        data = json.loads(capsys.readouterr().out)
    assert data["breach"]["unknown"] > 0
    statuses = {i["title"]: i["breach_status"] for i in data["items"]}
    assert statuses["StreamFlix"] == "blocklisted"
    assert statuses["Tax portal"] == "unknown"


def test_breach_counts_from_a_range_server(capsys: pytest.CaptureFixture[str]) -> None:
    """With a working range server, counts appear and --require-breach is satisfied."""
    with RangeServer.from_passwords({"Summer2024!": 4242}) as server:
        argv = ["audit", SAMPLE, "--range-url", server.url, *AS_OF, "--output", "json"]
        assert main([*argv, "--require-breach"]) == 1
    data = json.loads(capsys.readouterr().out)
    counts = {i["title"]: i["breach_count"] for i in data["items"]}
    assert counts["Work VPN"] == 4242
    assert counts["Tax portal"] == 0
    assert counts["Home Wi-Fi router"] is None


def test_encrypted_export_password_from_env_or_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The export password comes from --password-file or PWHYGIENE_EXPORT_PASSWORD, not argv."""
    argv = ["audit", str(ENCRYPTED), "--no-breach", "--output", "json", "--fail-on", "none"]
    assert main(argv) == 2
    assert "password" in capsys.readouterr().err
    secret = tmp_path / "pw.txt"
    secret.write_text("fixture-password\n")
    assert main([*argv, "--password-file", str(secret)]) == 0
    assert json.loads(capsys.readouterr().out)["source"]["format"].startswith("bitwarden")
    monkeypatch.setenv("PWHYGIENE_EXPORT_PASSWORD", "fixture-password")
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "fixture-password" not in out


def test_breach_counts_from_an_offline_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--offline INDEX answers from disk: counts for listed passwords, 0 for the rest."""
    rows = sorted(f"{sha1_digest(pw)}:{n}" for pw, n in {"Summer2024!": 77, "x-y-z": 5}.items())
    corpus = tmp_path / "pwned.txt"
    corpus.write_text("\n".join(rows) + "\n")
    index = tmp_path / "pwned.idx"
    build_index(corpus, index)
    argv = ["audit", SAMPLE, "--offline", str(index), *AS_OF, "--output", "json"]
    assert main([*argv, "--require-breach"]) == 1
    data = json.loads(capsys.readouterr().out)
    counts = {i["title"]: i["breach_count"] for i in data["items"]}
    assert counts["Work VPN"] == 77
    assert counts["Tax portal"] == 0
    assert data["breach"]["source"] == "offline"


def test_keepass_key_file_from_option_or_env(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--key-file (or PWHYGIENE_KEY_FILE) opens a key-file-only KDBX; without it, exit 2."""
    keepass = ROOT / "tests" / "fixtures" / "vault" / "keepass"
    key = str(keepass / "keyfile-v2.keyx")
    argv = ["audit", str(keepass / "kdbx4-keyfile-only.kdbx"), "--no-breach", "--output", "json"]
    argv += ["--fail-on", "none"]
    assert main(argv) == 2
    capsys.readouterr()
    assert main([*argv, "--key-file", key]) == 0
    assert json.loads(capsys.readouterr().out)["source"]["format"] == "keepass-kdbx"
    monkeypatch.setenv("PWHYGIENE_KEY_FILE", key)
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["items"]


def test_unreadable_password_file_error_carries_no_password_bytes(tmp_path: Path) -> None:
    """A non-UTF-8 --password-file fails with its name only; the bytes are not chained."""
    import argparse  # noqa: PLC0415 -- only this test builds a namespace by hand

    from pwhygiene._cli.audit import _export_password  # noqa: PLC0415
    from pwhygiene.exceptions import InvalidInput  # noqa: PLC0415

    secret = tmp_path / "pw.txt"
    secret.write_bytes(b"Hunter-Secret-\xff\xfe-9\n")
    with pytest.raises(InvalidInput) as caught:
        _export_password(argparse.Namespace(password_file=str(secret)))
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None
    assert "Hunter-Secret" not in str(caught.value)


def test_a_cut_range_answer_fails_require_breach(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every answer cut inside its header block: exit 3, not a clean bill of health."""
    fast = functools.partial(range_client.RangeClient, retries=0)  # skip the retry back-off
    monkeypatch.setattr(range_client, "RangeClient", fast)
    with HostileServer(default=RawAnswer(b"HTTP/1.1 200 OK\r\n")) as hostile:
        argv = ["audit", SAMPLE, "--range-url", hostile.url, *AS_OF, "--require-breach"]
        assert main(argv) == 3
        assert hostile.connections >= 1
    assert "breach status unavailable" in capsys.readouterr().err


def _big_export(tmp_path: Path, n: int = 3000) -> str:
    """A Bitwarden export whose JSON report is megabytes: more than any pipe buffers."""
    items = [
        {
            "id": f"big-{k}",
            "type": 1,
            "name": f"Item {k} " + "x" * 400,
            "login": {"username": f"user{k}", "password": None, "uris": []},
        }
        for k in range(n)
    ]
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"encrypted": False, "folders": [], "items": items}))
    return str(path)


def test_a_reader_that_stops_early_ends_the_run_quietly(tmp_path: Path) -> None:
    """``pwhygiene audit ... | head``: no BrokenPipeError traceback, exit 141 like SIGPIPE."""
    argv = ["audit", _big_export(tmp_path), "--no-breach", "--output", "json", *AS_OF]
    proc = subprocess.Popen(
        [sys.executable, "-m", "pwhygiene", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={k: v for k, v in os.environ.items() if not k.startswith("PWHYGIENE_")},
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    assert proc.stdout.read(1024).startswith(b"{")  # the report has started...
    proc.stdout.close()  # ...and its reader goes away, as `head -c 1024` does
    err = proc.stderr.read().decode()
    assert proc.wait() == 141
    assert err == ""


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("deep.toml", "a = " + "[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("big.json", '{"version": ' + "9" * 5000 + "}", "not a valid ignore file"),
        ("big.toml", "version = " + "9" * 5000, "not a valid ignore file"),
    ],
)
def test_a_hostile_ignore_file_is_an_ignore_file_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, says: str
) -> None:
    """Deep nesting (RecursionError) or a 5,000-digit number (ValueError): exit 2, file named."""
    bad = tmp_path / name
    bad.write_text(text)
    assert main(["audit", SAMPLE, "--no-breach", "--ignore", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err
    assert says in err
    with pytest.raises(IgnoreFileError, match=says):
        pwhygiene.audit(SAMPLE, ignore=bad)


def _fifo(tmp_path: Path) -> str:
    path = tmp_path / "fifo"
    os.mkfifo(path)
    return str(path)


@pytest.mark.parametrize(
    ("option", "source", "says"),
    [
        ("--password-file", "zero", "longer than 65,536 characters"),
        ("--key-file", "zero", "expected a regular file"),
        ("--key-file", "fifo", "expected a regular file"),
        ("--ignore", "zero", "expected a regular file"),
        ("--ignore", "fifo", "expected a regular file"),
    ],
)
def test_endless_or_blocking_input_files_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, source: str, says: str
) -> None:
    """/dev/zero and a FIFO with no writer: a bounded, named error (2), no MemoryError or hang."""
    path = "/dev/zero" if source == "zero" else _fifo(tmp_path)
    assert main(["audit", SAMPLE, "--no-breach", option, path]) == 2
    err = capsys.readouterr().err
    assert option in err or path in err
    assert says in err


def test_max_kdf_seconds_bounds_a_keepass_key_derivation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--max-kdf-seconds`` reaches the reader: a tiny bound refuses before deriving (exit 2)."""
    database = ROOT / "tests" / "fixtures" / "vault" / "keepass" / "kdbx4-argon2id-aes.kdbx"
    secret = tmp_path / "password.txt"
    secret.write_text("not the password\n")
    argv = ["audit", str(database), "--password-file", str(secret), "--no-breach"]
    assert main([*argv, "--max-kdf-seconds", "0.000001"]) == 2
    assert "max-kdf-seconds" in capsys.readouterr().err
    assert main([*argv, "--max-kdf-seconds", "-1"]) == 2
    assert "positive" in capsys.readouterr().err


def test_output_to_a_fifo_or_device_writes_into_it_instead_of_replacing_it(tmp_path: Path) -> None:
    """``-o`` on a FIFO (as on ``/dev/null``) writes through it; it stays a FIFO, not a file.

    Real-world shape: ``pwhygiene audit ... -o /dev/null`` run as root used to rename a regular
    file over the device node, leaving every other program writing into a file.
    """
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code = main(["audit", SAMPLE, "--no-breach", *AS_OF, "--output", "json", "-o", str(fifo)])
    reader.join()
    assert code == 1
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert json.loads(received[0])["items"]
