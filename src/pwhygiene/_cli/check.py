"""``pwhygiene check``: judge one password read from a prompt or stdin, never from argv.

A password on the command line is visible to every user of the machine (``ps``, shell history),
so there is no option for it: on a terminal it is prompted for without echo, otherwise the first
line of stdin is read (only the line ending is removed). Exit status 0 means acceptable, 1 not.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import sys

from pwhygiene._cli.exit_codes import ExitCode
from pwhygiene._cli.inputs import first_line
from pwhygiene._strength.checker import Checker, CheckResult
from pwhygiene._strength.policy import Policy
from pwhygiene.exceptions import InvalidInput


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``check`` to the parser."""
    parser = sub.add_parser(
        "check",
        help="check one password (prompted, or the first line of stdin)",
        description="Check one password against the NIST SP 800-63B-4 policy: length, "
        "zxcvbn strength, the embedded blocklist and your own details. The password is "
        "prompted for on a terminal or read from the first line of stdin; never pass it "
        "as an argument. Exit status: 0 acceptable, 1 not acceptable, 2 usage error.",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--user-input",
        action="append",
        default=[],
        dest="user_inputs",
        metavar="TEXT",
        help="something an attacker may know about the user (e-mail, name); repeatable",
    )
    parser.add_argument(
        "--mfa",
        action="store_true",
        help="the password is one of two factors: minimum length 8 instead of 15",
    )
    parser.add_argument(
        "--min-score",
        type=int,
        choices=range(5),
        metavar="N",
        help="lowest acceptable zxcvbn score, 0-4 (default: 3)",
    )
    parser.add_argument(
        "--locale",
        metavar="LANG",
        help="language of the messages and feedback: de, es, fr, it, nl or pt-BR "
        "(default: English; the codes never change)",
    )
    parser.add_argument(
        "--language",
        action="append",
        dest="languages",
        metavar="LANG",
        help="also match the words and names of this language (de, es, fr, it, nl, pt); repeatable",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Read the password, check it, print the verdict; 0 when acceptable, 1 when not."""
    policy = Policy.nist(mfa=args.mfa)
    if args.min_score is not None:
        policy = dataclasses.replace(policy, min_score=args.min_score)
    password = read_password()
    checker = Checker(policy, locale=args.locale, languages=args.languages)
    result = checker.check(password, user_inputs=args.user_inputs)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(render(result, policy))
    return ExitCode.OK if result.acceptable else ExitCode.FINDINGS


def read_password() -> str:
    """Prompt without echo on a terminal; otherwise the first line of stdin, minus its ending."""
    stdin = sys.stdin
    if stdin is not None and stdin.isatty():
        try:
            return getpass.getpass("Password: ")
        except EOFError as exc:
            raise InvalidInput("no password entered") from exc
    line = first_line(stdin, "stdin") if stdin is not None else None
    if line is None:
        raise InvalidInput(
            "no password on stdin: pipe one line (e.g. from a password manager's CLI), "
            "or run in a terminal to be prompted"
        )
    return line


def render(result: CheckResult, policy: Policy) -> str:
    """A short human summary; it names rules and numbers, never the password."""
    verdict = "acceptable" if result.acceptable else "NOT acceptable"
    slow = result.crack_times.offline_slow_hashing_1e4_per_second.display
    lines = [
        f"Password is {verdict} (minimum {policy.min_length} characters, score "
        f"{policy.min_score}/4).",
        f"Strength: {result.score}/4, about 10^{result.guesses_log10:.1f} guesses "
        f"({slow} against a slow hash).",
    ]
    if result.violations:
        lines.append("Problems:")
        lines += [f"  - [{v.code.value}] {v.message}" for v in result.violations]
    if result.feedback.warning and not result.violations:
        lines.append(f"Warning: {result.feedback.warning}")
    if result.feedback.suggestions:
        lines.append("Suggestions:")
        lines += [f"  - {s}" for s in result.feedback.suggestions]
    return "\n".join(lines)
