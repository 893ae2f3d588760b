"""``pwhygiene data``: which data sets the audit can use, and ``data update`` to refresh them.

``pwhygiene data`` lists each data set with where it was loaded from, its date, entry count
and licence, or why it is missing (the checks that need it then do not run, and the audit
report says so). ``pwhygiene data update`` fetches fresh copies from the public sources, or
from ``--from DIR`` holding ``2fa.json``, ``passkeys.json`` and ``breaches.json`` that a user
mirrored, into the user's data directory.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pwhygiene._data.sets import DATA_SETS
from pwhygiene._data.store import LoadedDataSet, load, user_dir
from pwhygiene._data.update import update
from pwhygiene.exceptions import InvalidInput


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``data`` sub-command (and ``data update``) to the parser."""
    p = sub.add_parser(
        "data",
        help="show the data sets the audit uses (2FA, passkeys, breaches); refresh them",
        description="Show each data set's source, date, size and licence, or why it is missing.",
    )
    p.set_defaults(handler=show)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    u = actions.add_parser("update", help="fetch fresh copies into the user data directory")
    u.add_argument("--from", dest="source_dir", type=Path, help="read DIR/NAME.json instead")
    u.add_argument("--only", action="append", choices=sorted(DATA_SETS), help="one data set")
    u.add_argument(
        "--url", action="append", default=[], metavar="NAME=URL", help="another source URL"
    )
    u.set_defaults(handler=run_update)


def show(args: argparse.Namespace) -> int:
    """Print one line per data set; exit 0 even when some are missing (that is information)."""
    print(f"user data directory: {user_dir()}")
    for name, spec in DATA_SETS.items():
        state = load(name)
        if isinstance(state, LoadedDataSet):
            record = state.provenance
            print(
                f"{name:9} {spec.title}: {record.entries} entries, fetched {record.fetched} "
                f"({state.location} copy), {record.licence}, from {record.source}"
            )
        else:
            print(f"{name:9} {spec.title}: MISSING, {state.reason}")
    return 0


def run_update(args: argparse.Namespace) -> int:
    """Fetch and store the chosen data sets; a failure leaves the previous copy in place."""
    urls = {}
    for pair in args.url:
        name, sep, url = pair.partition("=")
        if not sep or name not in DATA_SETS:
            raise InvalidInput(f"--url takes NAME=URL with NAME one of {', '.join(DATA_SETS)}")
        urls[name] = url
    for record in update(args.only, source_dir=args.source_dir, urls=urls):
        print(f"{record.name}: {record.entries} entries from {record.source}", file=sys.stderr)
    return 0
