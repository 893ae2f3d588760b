"""SARIF 2.1.0 output, for code-scanning dashboards (GitHub, GitLab, Azure DevOps).

One rule per check; one result per finding, located at the export file (line 1: exports have
no meaningful line for an item) with the item as a logical location. Stable
``partialFingerprints`` (a hash of item id and check, never of a password) let dashboards
track a finding across runs.
"""

from __future__ import annotations

import hashlib
import json

from pwhygiene._audit.report import (
    CHECKS,
    DEFAULT_SEVERITY,
    AuditReport,
    CheckName,
    JSONValue,
    Severity,
)
from pwhygiene._version import __version__

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://example.invalid/pwhygiene/audit/"

RULES: dict[CheckName, tuple[str, str]] = {
    "weak": ("WeakPassword", "Password is easy to guess (zxcvbn score 2 or less)."),
    "breached": ("BreachedPassword", "Password appears in known breaches."),
    "reused": ("ReusedPassword", "The same password is used on several items."),
    "similar": ("SimilarPassword", "Password is a small variation of another."),
    "history_reuse": ("PasswordReusedFromHistory", "Current password was used before."),
    "insecure_url": ("InsecureLoginUrl", "Login URL uses http:// without TLS."),
    "old": ("OldPassword", "Password has not been changed for a long time."),
    "personal_info": ("PersonalInfoInPassword", "Password contains the username or site name."),
    "empty": ("EmptyPassword", "Login has no password."),
    "duplicate": ("DuplicateLogin", "Same username stored twice for one site."),
    "two_factor_available": ("TwoFactorAvailable", "The site offers two-factor sign-in; not set."),
    "passkey_available": ("PasskeyAvailable", "The site accepts passkeys; the item has none."),
    "site_breached": ("SiteBreached", "The site was breached after the password was set."),
}

LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "7.5",
    Severity.MEDIUM: "5.0",
    Severity.LOW: "2.0",
    Severity.INFO: "0.0",
}


def _rule(check: CheckName) -> dict[str, JSONValue]:
    name, text = RULES[check]
    severity = DEFAULT_SEVERITY[check]
    return {
        "id": check,
        "name": name,
        "shortDescription": {"text": text},
        "fullDescription": {"text": text},
        "helpUri": INFO_URI + "#" + check.replace("_", "-"),
        "help": {"text": f"{text} See docs/audit.md, check '{check}'."},
        "defaultConfiguration": {"level": LEVEL[severity]},
        "properties": {"security-severity": SECURITY_SEVERITY[severity], "tags": ["security"]},
    }


def render(report: AuditReport) -> str:
    """The report as a SARIF 2.1.0 log (JSON text)."""
    uri = report.source_path or "vault-export"
    index = {c: n for n, c in enumerate(CHECKS)}
    titles = {i.id: i.title or i.id for i in report.items}
    results: list[JSONValue] = []
    for f in report.findings:
        mark = hashlib.sha256(f"{f.item_id}\0{f.check}".encode(), usedforsecurity=False)
        results.append(
            {
                "ruleId": f.check,
                "ruleIndex": index[f.check],
                "level": LEVEL[f.severity],
                "message": {"text": f"{titles[f.item_id]}: {f.message}"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri},
                            "region": {"startLine": 1},
                        },
                        "logicalLocations": [
                            {
                                "name": titles[f.item_id],
                                "fullyQualifiedName": f.item_id,
                                "kind": "object",
                            }
                        ],
                    }
                ],
                "partialFingerprints": {"pwhygieneFinding/v1": mark.hexdigest()[:32]},
                "properties": {
                    "severity": f.severity.value,
                    "security-severity": SECURITY_SEVERITY[f.severity],
                },
            }
        )
    log: dict[str, JSONValue] = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pwhygiene",
                        "version": __version__,
                        "informationUri": INFO_URI,
                        "rules": [_rule(c) for c in CHECKS],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [
                            {"level": "warning", "message": {"text": w}} for w in report.warnings
                        ]
                        + [
                            {"level": "warning", "message": {"text": f"check {c} not run: {why}"}}
                            for c, why in report.checks_not_run.items()
                        ],
                    }
                ],
                "results": results,
                "properties": {"score": report.summary.score},
            }
        ],
    }
    return json.dumps(log, separators=(",", ":"), ensure_ascii=False) + "\n"
