"""Browser password exports: Chromium (Chrome, Edge, Brave), Firefox and Safari / Passwords.

All three are flat CSVs of logins. Chromium browsers share one exporter, hence one spec; its
header is generic, so only the exact 4- or 5-column header claims a file. Firefox writes
epoch-millisecond timestamps and a ``guid`` we use as the id; its own Firefox Accounts entry
(``chrome://FirefoxAccounts``) is an internal credential, not a website login, and is skipped
with a warning.
"""

from __future__ import annotations

from pathlib import Path

from pwhygiene._vault.formats._common import (
    checked_rows,
    collect,
    header_has,
    header_of,
    make_vault,
    password_or_none,
    read_checked_csv,
    rows_of,
    split_urls,
    text_or_none,
    timestamp,
    title_from_url,
)
from pwhygiene._vault.io import CsvRow, csv_header
from pwhygiene._vault.model import Vault, VaultItem, fingerprint
from pwhygiene._vault.registry import Detection, FormatSpec, ReadOptions, Sample, register

CHROME = "chrome-csv"
FIREFOX = "firefox-csv"
SAFARI = "safari-csv"

_CHROME_HEADERS = (
    ["name", "url", "username", "password"],
    ["name", "url", "username", "password", "note"],
)
_FIREFOX_REQUIRED = ("url", "username", "password", "httpRealm", "formActionOrigin", "guid")
_FIREFOX_ACCOUNTS = "chrome://FirefoxAccounts"
_SAFARI_REQUIRED = ("Title", "URL", "Username", "Password")


def _login(
    name: str,
    *,
    title: str,
    url: str,
    username: str,
    password: str,
    notes: str,
    totp: bool = False,
) -> VaultItem:
    urls = split_urls(url)
    user = text_or_none(username)
    return VaultItem(
        id=fingerprint(title, user, *urls),
        title=title,
        source_format=name,
        username=user,
        password=password_or_none(password),
        urls=urls,
        totp=totp,
        notes_present=bool(notes.strip()),
    )


# --- Chromium -------------------------------------------------------------------------------


def read_chrome(path: Path, options: ReadOptions) -> Vault:
    """Read a Chrome / Edge / Brave CSV (with or without the ``note`` column)."""
    warnings: list[str] = []
    rows = checked_rows(rows_of(path, options, warnings), path, _CHROME_HEADERS[0], "Chromium CSV")
    items = collect(
        rows,
        lambda row: _login(
            CHROME,
            title=row.values["name"],
            url=row.values["url"],
            username=row.values["username"],
            password=row.values["password"],
            notes=row.values.get("note", ""),
        ),
        strict=options.strict,
        warnings=warnings,
    )
    return make_vault(items, CHROME, path, warnings)


def sniff_chrome(sample: Sample) -> Detection:
    """YES only for the exact Chromium header; a superset belongs to another exporter."""
    header = csv_header(sample.path, sample.text)
    return Detection.YES if header in _CHROME_HEADERS else Detection.NO


# --- Firefox --------------------------------------------------------------------------------


def _firefox_item(row: CsvRow, path: Path, warnings: list[str]) -> VaultItem | None:
    values = row.values
    url = values["url"].strip()
    if url.startswith(_FIREFOX_ACCOUNTS):
        warnings.append(
            f"line {row.line}: skipped the Firefox Accounts sign-in entry ({_FIREFOX_ACCOUNTS}); "
            "it is the browser's own credential, not a website login"
        )
        return None
    where = f"line {row.line}"
    created = timestamp(values.get("timeCreated"), "timeCreated", path, where)
    changed = timestamp(values.get("timePasswordChanged"), "timePasswordChanged", path, where)
    username = text_or_none(values["username"])
    title = title_from_url(url)
    return VaultItem(
        id=text_or_none(values["guid"].strip()) or fingerprint(title, username, url),
        title=title,
        source_format=FIREFOX,
        username=username,
        password=password_or_none(values["password"]),
        urls=(url,) if url else (),
        created=created,
        modified=changed,
        password_changed=changed or created,
    )


def read_firefox(path: Path, options: ReadOptions) -> Vault:
    """Read a Firefox CSV export (epoch-ms times; the Firefox Accounts entry skipped)."""
    warnings: list[str] = []
    rows = checked_rows(rows_of(path, options, warnings), path, _FIREFOX_REQUIRED, "Firefox CSV")
    items = collect(
        rows,
        lambda row: _firefox_item(row, path, warnings),
        strict=options.strict,
        warnings=warnings,
    )
    return make_vault(items, FIREFOX, path, warnings)


def sniff_firefox(sample: Sample) -> Detection:
    """YES for Firefox's ``httpRealm``/``formActionOrigin``/``guid`` columns."""
    return Detection.YES if header_has(sample, _FIREFOX_REQUIRED) else Detection.NO


# --- Safari / Apple Passwords ---------------------------------------------------------------


def _safari_item(row: CsvRow) -> VaultItem:
    values = row.values
    return _login(
        SAFARI,
        title=values["Title"],
        url=values["URL"],
        username=values["Username"],
        password=values["Password"],
        notes=values.get("Notes", ""),
        totp=bool(values.get("OTPAuth", "").strip()),
    )


def read_safari(path: Path, options: ReadOptions) -> Vault:
    """Read a Safari or Apple Passwords CSV export."""
    return read_checked_csv(
        path,
        options,
        name=SAFARI,
        what="Safari CSV",
        required=_SAFARI_REQUIRED,
        convert=_safari_item,
    )


_SAFARI_COLUMNS = frozenset((*_SAFARI_REQUIRED, "Notes", "OTPAuth"))


def sniff_safari(sample: Sample) -> Detection:
    """YES for Apple's ``Title,URL,Username,Password`` (``URL`` upper-case) with ``OTPAuth``.

    A header with a column Apple never writes (1Password 7's ``Type``, say) is not Safari's;
    one with only the four shared columns (and ``Notes``) is a MAYBE, which 1Password 7's
    CSV shares, so the user is asked to name the format instead of getting the wrong items.
    """
    header = set(header_of(sample))
    if not header >= set(_SAFARI_REQUIRED) or not header <= _SAFARI_COLUMNS:
        return Detection.NO
    return Detection.YES if "OTPAuth" in header else Detection.MAYBE


register(
    FormatSpec(
        name=CHROME,
        description="Chrome, Edge and Brave CSV export (one Chromium exporter; 4 or 5 columns)",
        detection="CSV header exactly name,url,username,password (optionally ,note)",
        sniff=sniff_chrome,
        read=read_chrome,
        extensions=(".csv",),
    )
)
register(
    FormatSpec(
        name=FIREFOX,
        description="Firefox CSV export (epoch-ms timestamps; Firefox Accounts entry skipped)",
        detection="CSV header with url, username, password, httpRealm, formActionOrigin, guid",
        sniff=sniff_firefox,
        read=read_firefox,
        extensions=(".csv",),
    )
)
register(
    FormatSpec(
        name=SAFARI,
        description="Safari / Apple Passwords CSV export (logins with notes and TOTP)",
        detection="CSV header with Title, URL, Username, Password and OTPAuth",
        sniff=sniff_safari,
        read=read_safari,
        extensions=(".csv",),
    )
)
