"""`pwhygiene check`: the password comes from a prompt or stdin, the verdict is the exit code."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pwhygiene._cli import main
from pwhygiene._cli.check import read_password
from strategies.passwords import leaked, secrets

STRONG = "mossy tavern oblong crushable"  # four EFF words: 10^16, accepted


class FakeTTY(io.StringIO):
    """A stdin that claims to be a terminal, so the prompt path is taken."""

    def isatty(self) -> bool:
        """Always a terminal."""
        return True


def _run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stdin: str,
    *args: str,
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_acceptable_password_exits_zero(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A strong passphrase on stdin: exit 0 and a one-line verdict."""
    code, out, _ = _run(monkeypatch, capsys, STRONG + "\n")
    assert code == 0
    assert out.startswith("Password is acceptable")


def test_unacceptable_password_exits_one_and_names_the_rules(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`iloveyou`: exit 1, each violated rule listed by code, the password never printed back."""
    code, out, err = _run(monkeypatch, capsys, "iloveyou\n")
    assert code == 1
    assert "[too_short]" in out
    assert "[common]" in out
    assert "[weak]" in out
    assert "iloveyou" not in (out + err).lower()


def test_json_output_is_the_result_dict(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json prints CheckResult.to_dict() as JSON."""
    code, out, _ = _run(monkeypatch, capsys, "hunter2\n", "--json")
    data = json.loads(out)
    assert code == 1
    assert data["acceptable"] is False
    assert [v["code"] for v in data["violations"]][:1] == ["too_short"]
    assert data["breach_status"] == "not_checked"


def test_user_inputs_mfa_and_min_score_reach_the_policy(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--user-input feeds the context rule; --mfa lowers the length; --min-score raises the bar."""
    args = ("--json", "--user-input", "alice.wonderland@example.org")
    code, out, _ = _run(monkeypatch, capsys, "alice.wonderland.1987\n", *args)
    assert code == 1
    assert "context" in [v["code"] for v in json.loads(out)["violations"]]
    assert _run(monkeypatch, capsys, "xK9#mQ2$vL\n", "--mfa")[0] == 0
    assert _run(monkeypatch, capsys, "xK9#mQ2$vL\n", "--mfa", "--min-score", "4")[0] == 1


def test_locale_and_languages_reach_the_checker(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--locale de prints German messages under the same codes; --language de scores lower."""
    code, out, _ = _run(monkeypatch, capsys, "iloveyou\n", "--locale", "de")
    assert code == 1
    assert "[too_short] Zu kurz" in out
    strong = _run(monkeypatch, capsys, "Schmetterling2024\n", "--mfa", "--json")
    german = _run(monkeypatch, capsys, "Schmetterling2024\n", "--mfa", "--json", "--language", "de")
    assert json.loads(german[1])["score"] < json.loads(strong[1])["score"]
    assert _run(monkeypatch, capsys, "x\n", "--language", "klingon")[0] == 2


def test_only_the_line_ending_is_stripped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spaces are part of the password; the line ending is not; later lines are ignored."""
    for raw, expected in [(" pw \n", " pw "), ("pw\r\n", "pw"), ("pw", "pw"), ("a\nb\n", "a")]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(raw))
        assert read_password() == expected


def test_empty_stdin_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No line at all: exit 2 with advice on stderr (an empty line is an empty password)."""
    code, out, err = _run(monkeypatch, capsys, "")
    assert (code, out) == (2, "")
    assert "no password on stdin" in err
    assert _run(monkeypatch, capsys, "\n")[0] == 1


def test_terminal_prompts_without_echo(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a TTY the password is read with getpass, not from the stdin stream."""
    prompts: list[str] = []

    def fake_getpass(prompt: str = "Password: ") -> str:
        prompts.append(prompt)
        return STRONG

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    monkeypatch.setattr(sys, "stdin", FakeTTY("this line must not be read\n"))
    assert main(["check"]) == 0
    assert prompts == ["Password: "]
    capsys.readouterr()


def test_password_is_never_accepted_from_argv(capsys: pytest.CaptureFixture[str]) -> None:
    """A password given as an argument is a usage error: argv is visible to other users."""
    assert main(["check", "hunter2"]) == 2
    assert "unrecognized arguments" in capsys.readouterr().err


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(secrets().filter(lambda p: "\n" not in p and "\r" not in p), st.booleans())
def test_no_output_repeats_the_password(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    password: str,
    as_json: bool,
) -> None:
    """Neither the summary nor the JSON ever contains the password."""
    _, out, err = _run(monkeypatch, capsys, password + "\n", *(["--json"] if as_json else []))
    assert not leaked(password, out + err)


def test_module_entry_point_reads_stdin() -> None:
    """`python -m pwhygiene check` in a real subprocess: stdin in, verdict and exit code out."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "pwhygiene", "check", "--json"],
        input="Tr0ub4dour&3\n",
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["score"] == 2


def test_an_endless_stdin_is_a_bounded_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``check < /dev/zero``: exit 2 after reading at most one line's cap, no MemoryError."""
    with open("/dev/zero", encoding="utf-8") as zero:
        monkeypatch.setattr(sys, "stdin", zero)
        assert main(["check"]) == 2
    assert "longer than 65,536 characters" in capsys.readouterr().err


def test_a_password_of_the_longest_line_is_still_checked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line of exactly the cap (65,536 characters) is a password, judged as too long."""
    code, out, _ = _run(monkeypatch, capsys, "a" * 65_536 + "\n", "--json")
    assert code == 1
    assert "too_long" in json.loads(out)["violations"][0]["code"]
