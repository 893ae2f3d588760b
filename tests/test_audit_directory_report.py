"""The directory checks through ``pwhygiene.audit``: findings, honest absence, provenance."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pwhygiene import AuditReport, Vault, VaultItem, audit
from pwhygiene._data.update import update
from pwhygiene._vault.model import Timestamp
from pwhygiene.report import SCHEMA_VERSION, Severity, render

FIXTURES = Path(__file__).parent / "fixtures" / "data"
AS_OF = datetime(2026, 12, 1, tzinfo=timezone.utc)
DIRECTORY_CHECKS = ("two_factor_available", "passkey_available", "site_breached")
STRONG = "Vq8#mZ2!rT6@wK4$"  # one strong password per item (suffixed) so no other check fires


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture data sets (tests/fixtures/data, our own files) stored as an update does."""
    directory = tmp_path_factory.mktemp("data")
    update(source_dir=FIXTURES, target=directory, now=datetime(2026, 11, 30, tzinfo=timezone.utc))
    return directory


def item(
    item_id: str,
    url: str,
    *,
    totp: bool = False,
    passkey: bool = False,
    changed: datetime | None = None,
    username: str = "someone",
    excluded: bool = False,
) -> VaultItem:
    """A login on ``url`` with a strong, distinct password and an optional change date."""
    return VaultItem(
        id=item_id,
        title=f"Item {item_id}",
        source_format="test",
        username=username,
        password=STRONG + item_id,
        urls=(url,),
        totp=totp,
        passkey=passkey,
        password_changed=None if changed is None else Timestamp(changed, "revisionDate"),
        excluded=excluded,
    )


def run(items: list[VaultItem], data_dir: Path) -> AuditReport:
    """Audit ``items`` offline with the fixture data sets only."""
    return audit(Vault(tuple(items), "test"), as_of=AS_OF, data_dir=data_dir, max_age_days=100_000)


def found(report: AuditReport) -> dict[str, dict[str, Severity]]:
    """``{item id: {directory check: severity}}`` of the active findings."""
    out: dict[str, dict[str, Severity]] = {}
    for result in report.items:
        for f in result.findings:
            if f.check in DIRECTORY_CHECKS:
                out.setdefault(result.id, {})[f.check] = f.severity
    return out


def test_each_directory_check_fires_exactly_where_true(data_dir: Path) -> None:
    """Planted items: 2FA/passkey/breach findings on listed sites only, at their severities."""
    recent = datetime(2026, 6, 1, tzinfo=timezone.utc)  # after every fixture breach
    old = datetime(2020, 1, 1, tzinfo=timezone.utc)  # before them
    report = run(
        [
            item("mail-bare", "https://mailbox.example/login", changed=recent),
            item("mail-totp", "https://mail.mailbox.example/", totp=True, changed=recent),
            item("mail-key", "https://mailbox.example/", passkey=True, changed=recent),
            item("bank", "https://www.northbank.co.uk/", changed=recent),
            item("shop-old", "https://shopfront.example/", changed=old),
            item("shop-unknown", "https://shopfront.example/account"),
            item("shop-new", "https://shopfront.example/", changed=recent),
            item("unlisted", "https://unlisted.example/", changed=old),
            item("silent", "https://silentforum.example/", changed=old),
            item("skipped", "https://mailbox.example/", excluded=True),
        ],
        data_dir,
    )
    assert found(report) == {
        "mail-bare": {"two_factor_available": Severity.MEDIUM, "passkey_available": Severity.LOW},
        "mail-totp": {"passkey_available": Severity.LOW},
        "bank": {"two_factor_available": Severity.LOW},  # SMS and calls only
        "shop-old": {
            "two_factor_available": Severity.MEDIUM,
            "passkey_available": Severity.INFO,  # passkey as a second factor only
            "site_breached": Severity.HIGH,  # passwords exposed, after the change
        },
        "shop-unknown": {
            "two_factor_available": Severity.MEDIUM,
            "passkey_available": Severity.INFO,
            "site_breached": Severity.HIGH,  # age unknown: the breach may be after it
        },
        "shop-new": {"two_factor_available": Severity.MEDIUM, "passkey_available": Severity.INFO},
    }
    assert report.checks_not_run == {}
    assert [d.name for d in report.data_sets] == ["2fa", "passkeys", "breaches"]


def test_a_breach_without_passwords_is_one_step_lower(data_dir: Path) -> None:
    """A breach that exposed no passwords is medium, and the finding names the breach."""
    report = run([item("m", "https://mailbox.example/", changed=datetime(2020, 1, 1))], data_dir)
    (breach,) = [f for f in report.item("m").findings if f.check == "site_breached"]
    assert breach.severity is Severity.MEDIUM
    assert breach.details["breach"] == "MailboxScrape"
    assert breach.details["breach_date"] == "2024-06-15"


def test_private_suffix_subdomains_are_separate_sites(data_dir: Path) -> None:
    """alice.github.io and bob.github.io are two sites: no duplicate, no shared listing."""
    report = run(
        [
            item("a", "https://alice.github.io/", username="me"),
            item("b", "https://bob.github.io/", username="me"),
            item("c", "https://pages.cloudhost.example/", username="me"),
        ],
        data_dir,
    )
    assert all(f.check != "duplicate" for r in report.items for f in r.findings)
    assert found(report) == {"c": {"two_factor_available": Severity.MEDIUM}}


def test_missing_data_sets_say_which_checks_did_not_run(tmp_path: Path) -> None:
    """Without data sets every directory check is "not run", in the report and every format."""
    report = run([item("m", "https://mailbox.example/")], tmp_path)
    assert set(report.checks_not_run) == set(DIRECTORY_CHECKS)
    assert report.data_sets == ()
    document = json.loads(render(report, "json"))
    assert document["schema_version"] == SCHEMA_VERSION == "1.2"
    assert set(document["checks_not_run"]) == set(DIRECTORY_CHECKS)
    assert all(document["summary"]["by_check"][c] is None for c in DIRECTORY_CHECKS)
    for fmt in ("table", "markdown", "html"):
        text = render(report, fmt)
        assert "No findings." not in text, fmt
        for check in DIRECTORY_CHECKS:
            assert check in text, (fmt, check)
        assert "pwhygiene data update" in text, fmt


def test_partly_missing_data_runs_what_it_can(data_dir: Path, tmp_path: Path) -> None:
    """With only the 2FA set, the other two checks are not run and the 2FA one fires."""
    for name in ("2fa",):
        for suffix in (".json.gz", ".provenance.json"):
            (tmp_path / f"{name}{suffix}").write_bytes((data_dir / f"{name}{suffix}").read_bytes())
    report = run([item("m", "https://mailbox.example/")], tmp_path)
    assert set(report.checks_not_run) == {"passkey_available", "site_breached"}
    assert found(report) == {"m": {"two_factor_available": Severity.MEDIUM}}


def test_footer_names_each_data_set_with_date_and_attribution(data_dir: Path) -> None:
    """HTML and Markdown credit every data set used (CC BY 4.0) with its fetch date."""
    report = run([item("m", "https://mailbox.example/")], data_dir)
    document = json.loads(render(report, "json"))
    assert [d["name"] for d in document["data_sets"]] == ["2fa", "passkeys", "breaches"]
    assert document["checks_not_run"] == {}
    for fmt in ("markdown", "html"):
        text = render(report, fmt)
        for d in report.data_sets:
            assert d.fetched[:10] == "2026-11-30"
            assert d.fetched[:10] in text, fmt
            assert d.licence in text, fmt
        assert "Have I Been Pwned" in text or "haveibeenpwned" in text.lower(), fmt


@given(
    extra_url=st.sampled_from(
        [
            "https://mailbox.example/",
            "https://shopfront.example/",
            "https://northbank.com/",
            "https://alice.github.io/",
            "https://unlisted.example/",
        ]
    ),
    totp=st.booleans(),
    passkey=st.booleans(),
)
def test_an_unrelated_item_never_changes_another_items_directory_findings(
    data_dir: Path, extra_url: str, totp: bool, passkey: bool
) -> None:
    """Metamorphic: adding an item leaves every other item's directory findings unchanged."""
    base = [
        item("mail", "https://mailbox.example/"),
        item("shop", "https://shopfront.example/", changed=datetime(2020, 1, 1)),
        item("bank", "https://northbank.co.uk/"),
    ]
    before = found(run(base, data_dir))
    after = found(run([*base, item("new", extra_url, totp=totp, passkey=passkey)], data_dir))
    after.pop("new", None)
    assert after == before
