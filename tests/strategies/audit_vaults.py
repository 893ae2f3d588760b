"""Vaults with planted problems, and the findings each plant must (and must only) produce.

Clean items get strong random ASCII passwords; every other text (titles, usernames, hosts) is
Greek, so no clean password can contain an item's words and no rename can change a finding.
Each plant adds items carrying exactly one kind of problem and records which check must flag
which item. Passwords come from ``random.Random(seed)``, so shrinking towards small seeds
never turns two strong passwords into similar ones.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

from pwhygiene._audit.checks import Entry
from pwhygiene._audit.report import StrengthSummary
from pwhygiene.report import CheckName
from pwhygiene.strength import BreachStatus
from pwhygiene.vault import PasswordHistoryEntry, Timestamp, Vault, VaultItem

AS_OF = datetime(2026, 6, 1, tzinfo=timezone.utc)
MAX_AGE = 365
GREEK = "αβγδεζηθικλμνξοπρστυφχψω"
PLANTS: tuple[CheckName, ...] = (
    "weak",
    "breached",
    "reused",
    "similar",
    "history_reuse",
    "insecure_url",
    "old",
    "personal_info",
    "empty",
    "duplicate",
)


def strong_password(seed: int) -> str:
    """An 18-character random password (letters, digits; starts and ends with a letter)."""
    rng = random.Random(seed)
    middle = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(16))
    return rng.choice(string.ascii_letters) + middle + rng.choice(string.ascii_letters)


def greek(seed: int, length: int = 7) -> str:
    """A Greek word that no ASCII password can contain."""
    rng = random.Random(seed)
    return "".join(rng.choice(GREEK) for _ in range(length))


@dataclass
class Planted:
    """A vault, the measurements the runner would make, and the findings that must appear."""

    items: list[VaultItem]
    expected: dict[str, set[CheckName]] = field(default_factory=dict)
    strength: dict[str, int] = field(default_factory=dict)
    breach: dict[str, tuple[BreachStatus, int | None]] = field(default_factory=dict)

    @property
    def vault(self) -> Vault:
        """The items as a vault."""
        return Vault(tuple(self.items), source_format="generated")

    def entries(self) -> list[Entry]:
        """Entries as the runner would build them from its measurements."""
        out = []
        for item in self.items:
            status, count = self.breach.get(item.id, ("clean", 0))
            score = self.strength.get(item.id, 4)
            out.append(
                Entry(
                    item=item,
                    strength=None if item.password is None else StrengthSummary(score, score * 3.0),
                    breach_status="not_checked" if item.password is None else status,
                    breach_count=None if item.password is None else count,
                    breach_label="test corpus",
                )
            )
        return out

    def passwords(self) -> set[str]:
        """Every password in the vault, current and historic."""
        found = {i.password for i in self.items if i.password}
        found |= {h.password for i in self.items for h in i.history}
        return found


def clean_item(n: int, seed: int) -> VaultItem:
    """A login with a strong unique password, Greek words and a recent change date."""
    return VaultItem(
        id=f"item-{n:04d}",
        title=greek(seed * 3 + 1).capitalize(),
        source_format="generated",
        username=f"{greek(seed * 3 + 2)}@{greek(seed * 5)}.test",
        password=strong_password(seed),
        urls=(f"https://{greek(seed * 3 + 3)}.test/login",),
        password_changed=Timestamp(AS_OF - timedelta(days=30), "revisionDate"),
    )


@st.composite
def planted_vaults(  # noqa: PLR0912 -- one branch per check keeps the plants side by side
    draw: st.DrawFn, *, min_clean: int = 1, max_clean: int = 6
) -> Planted:
    """A vault of clean items plus a random selection of planted problems."""
    seeds = draw(
        st.lists(
            st.integers(0, 2**48), min_size=min_clean + 20, max_size=max_clean + 20, unique=True
        )
    )
    n_clean = len(seeds) - 20
    plan = Planted([clean_item(n, s) for n, s in enumerate(seeds[:n_clean])])
    spare = iter(seeds[n_clean:])
    counter = iter(range(n_clean, 10_000))

    def new_item(**changes: object) -> VaultItem:
        item = replace(clean_item(next(counter), next(spare)), **changes)  # type: ignore[arg-type]
        plan.items.append(item)
        return item

    def expect(item: VaultItem, check: CheckName) -> None:
        plan.expected.setdefault(item.id, set()).add(check)

    for check in draw(st.sets(st.sampled_from(PLANTS))):
        if check == "weak":
            item = new_item()
            plan.strength[item.id] = draw(st.integers(0, 2))
            expect(item, "weak")
        elif check == "breached":
            item = new_item()
            plan.breach[item.id] = ("breached", draw(st.integers(1, 10**7)))
            expect(item, "breached")
        elif check == "reused":
            first = new_item()
            for _ in range(draw(st.integers(1, 3))):
                expect(new_item(password=first.password), "reused")
            expect(first, "reused")
        elif check == "similar":
            first = new_item()
            base = first.password or ""
            transform = draw(st.sampled_from(["case", "suffix", "prefix", "edit"]))
            if transform == "case":
                variant = base.swapcase()
            elif transform == "suffix":
                first = _set_password(plan, first, base + "!2023")
                variant = base + "!2024"
            elif transform == "prefix":
                first = _set_password(plan, first, "1" + base)
                variant = "2" + base
            else:
                variant = base[:8] + ("q" if base[8].lower() != "q" else "z") + base[9:]
            expect(first, "similar")
            expect(new_item(password=variant), "similar")
        elif check == "history_reuse":
            target = new_item()
            donor = new_item()
            old = (PasswordHistoryEntry(target.password or ""),)
            plan.items[plan.items.index(donor)] = replace(donor, history=old)
            expect(target, "history_reuse")
        elif check == "insecure_url":
            item = new_item()
            plan.items[-1] = replace(item, urls=(f"http://{greek(len(plan.items))}.test/login",))
            expect(plan.items[-1], "insecure_url")
        elif check == "old":
            days = MAX_AGE + draw(st.integers(1, 5000))
            item = new_item()
            stamp = Timestamp(AS_OF - timedelta(days=days), "revisionDate")
            if draw(st.booleans()):
                plan.items[-1] = replace(item, modified=stamp, password_changed=None)
            else:
                plan.items[-1] = replace(item, password_changed=stamp)
            expect(plan.items[-1], "old")
        elif check == "personal_info":
            item = new_item()
            local = (item.username or "").split("@")[0]
            _set_password(plan, item, (item.password or "") + local)
            expect(plan.items[-1], "personal_info")
        elif check == "empty":
            expect(new_item(password=None), "empty")
        elif check == "duplicate":
            first = new_item()
            second = new_item(username=first.username, urls=first.urls)
            expect(first, "duplicate")
            expect(second, "duplicate")
    order = draw(st.permutations(range(len(plan.items))))
    plan.items = [plan.items[k] for k in order]
    return plan


def _set_password(plan: Planted, item: VaultItem, password: str) -> VaultItem:
    changed = replace(item, password=password)
    plan.items[plan.items.index(item)] = changed
    return changed


def unrelated_strong_item(seed: int) -> VaultItem:
    """A clean item that shares nothing with any generated item."""
    return clean_item(9_999, 2**50 + seed)
