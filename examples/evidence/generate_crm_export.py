"""Write a synthetic CRM export for examples/b2b-fleet-software.journey.yaml: crm-export.csv.gz.

About 3,000 accounts of a fleet-software vendor, as a marketing-automation +
CRM export would list them: ad clicks, guide downloads, demo requests, sales
calls, trials, contracts, onboarding chats, app logins and quarterly reviews.
The data is deliberately not the map: some accounts skip the evaluation and
buy from the price list, some loop back to evaluation after signing, many
drop off, a community forum the map does not know is busy
(``community_post``), review-site visits arrive under another name than the
map expects (``partner_referral``), and a few rows lack a time (the export's
own gaps). Times are naive local times in Europe/Berlin, as CRMs export them.

A second file, survey-answers.csv.gz, holds the answers of the surveys the
vendor sends (a score column beside the event): CES after the discovery call,
CSAT after an onboarding chat, NPS after a quarterly review. The onboarding
chat degrades in the last three months: its CSAT falls from about 75% to about
45% satisfied (``cjm evidence check ... --by month`` finds it). A few answers
carry scores no survey gives (``11``, ``n/a``). The answers are drawn from the
export's own events with their own random generator, so the export itself is
the same bytes as without them.

Deterministic: the same seed writes the same bytes. Run from the repository root:

    python examples/evidence/generate_crm_export.py
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import random
from pathlib import Path

SEED = 20261122
ACCOUNTS = 3000
OUT = Path(__file__).with_name("crm-export.csv.gz")
SURVEYS = Path(__file__).with_name("survey-answers.csv.gz")
DEGRADED_FROM = "2026-01-01"  # onboarding chats from here on satisfy fewer customers
START = dt.datetime(2025, 1, 6, 8, 0)


class Account:
    """One account's events, written in time order as the journey unfolds."""

    def __init__(self, rng: random.Random, number: int) -> None:
        self.rng = rng
        self.id = f"ACC-{number:05d}"
        self.now = START + dt.timedelta(days=rng.uniform(0, 420), minutes=rng.randint(0, 600))
        self.rows: list[tuple[str, str, str, str, str]] = []

    def wait(self, low_hours: float, high_hours: float) -> None:
        """Let time pass (business hours are not modelled: CRMs log around the clock)."""
        self.now += dt.timedelta(hours=self.rng.uniform(low_hours, high_hours))

    def log(self, event: str, medium: str, system: str, same_time: bool = False) -> None:
        """Record one event now (or at the very time of the previous one: a tie)."""
        if not same_time:
            self.wait(0.05, 2.0)
        self.rows.append((self.id, self.now.strftime("%Y-%m-%d %H:%M:%S"), event, medium, system))


def journey(rng: random.Random, account: Account) -> None:
    """Walk one account through (a version of) the buying journey."""
    if rng.random() < 0.35:
        account.log("newsletter_click", "Email", "marketing-automation")
        account.wait(24, 24 * 20)
    for _ in range(rng.choice((1, 1, 2, 3))):
        account.log(rng.choice(("ad_click_search", "ad_click_display")), "Ads", "ads")
        account.wait(1, 72)
    if rng.random() < 0.45:
        account.log("partner_referral", "Partner", "g2")
        account.wait(1, 48)
    if rng.random() < 0.6:
        for _ in range(rng.choice((1, 1, 2))):
            account.log("guide_download", "Document", "marketing-automation")
    if rng.random() < 0.30:
        return  # drop-off after initial consideration
    account.wait(24, 24 * 10)
    if rng.random() < 0.18:  # self-serve: straight to the price list and the contract, no evaluation
        account.log("contract_viewed", "Web", "clm")
    else:
        account.log("demo_request", "Web", "crm")
        account.wait(24, 24 * 4)
        account.log("call_discovery", "Phone", "crm")
        if rng.random() < 0.7:
            account.wait(2, 48)
            account.log("trial_started", "App", "billing")
            for _ in range(rng.randint(1, 6)):
                account.wait(6, 60)
                account.log("trial_active", "App", "billing")
            if rng.random() < 0.4:
                account.log("chat_opened", "Chat", "helpdesk")
        if rng.random() < 0.35:
            account.wait(2, 96)
            account.log("community_post", "Community", "forum")
        if rng.random() < 0.35:
            return  # drop-off after evaluation
        account.wait(24, 24 * 14)
        account.log("call_negotiation", "Phone", "crm")
        account.wait(24, 24 * 7)
        account.log("contract_viewed", "Web", "clm")
    account.wait(2, 24 * 5)
    account.log("contract_signed", "Web", "clm", same_time=rng.random() < 0.1)
    if rng.random() < 0.25:  # second thoughts: back to evaluation after signing
        account.wait(24, 24 * 10)
        account.log("demo_request", "Web", "crm")
        account.log("call_discovery", "Phone", "crm")
    account.wait(24, 24 * 7)
    account.log("chat_opened", "Chat", "helpdesk")
    if rng.random() < 0.25:
        account.log("community_post", "Community", "forum")
    for _ in range(rng.randint(2, 10)):
        account.wait(4, 72)
        account.log("app_login", "App", "product")
    if rng.random() < 0.45:
        return  # never reaches a quarterly review
    for _ in range(rng.choice((1, 1, 2))):
        account.wait(24 * 40, 24 * 80)
        account.log("qbr_held", "Event", "crm")
    if rng.random() < 0.5:
        account.wait(24 * 20, 24 * 60)
        account.log("contract_signed", "Web", "clm")


def _gzip_csv(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> bytes:
    """Rows as gzip CSV bytes (a fixed gzip mtime keeps them reproducible)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as handle:
        handle.write(text.getvalue().encode("utf-8"))
    return buffer.getvalue()


def _later(time: str, rng: random.Random) -> str:
    moment = dt.datetime.strptime(time, "%Y-%m-%d %H:%M:%S") + dt.timedelta(hours=rng.uniform(1, 30))
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _answer(rng: random.Random, event: str, time: str, signed: bool) -> tuple[str, str] | None:
    """The survey (event name, score) an event of the export prompts, if any; the score as the tool writes it."""
    if event == "call_discovery" and rng.random() < 0.4:  # CES 1..7: getting a demo takes effort
        return "survey_ces", str(min(7, max(1, round(rng.gauss(4.4, 1.2)))))
    if event == "chat_opened" and signed and rng.random() < 0.5:  # CSAT 1..5 after an onboarding chat
        satisfied = 0.45 if time >= DEGRADED_FROM else 0.75
        return "survey_csat", str(rng.choice((4, 5)) if rng.random() < satisfied else rng.choice((1, 2, 3)))
    if event == "qbr_held" and rng.random() < 0.6:  # NPS 0..10 after a quarterly review
        return "survey_nps", str(rng.choice((10, 9, 9, 8, 7, 7, 6, 5, 3, 10)))
    return None


def survey_answers(export_rows: list[tuple[str, str, str, str, str]], seed: int = SEED) -> bytes:
    """The survey answers the export's events prompt, as gzip CSV bytes with a score column."""
    rng = random.Random(seed + 1)
    rows: list[tuple[str, ...]] = []
    signed: set[str] = set()
    for account, time, event, _medium, _system in export_rows:
        if event == "contract_signed":
            signed.add(account)
        found = _answer(rng, event, time, account in signed) if time else None
        if found is not None:
            score = found[1] if rng.random() > 0.01 else rng.choice(("11", "n/a"))
            rows.append((account, _later(time, rng), found[0], "Email", "surveys", score))
    rows.sort(key=lambda r: (r[1], r[0], r[2]))
    return _gzip_csv(("contact_id", "occurred_at", "event_name", "medium", "source_system", "score"), rows)


def export_rows(seed: int = SEED, accounts: int = ACCOUNTS) -> list[tuple[str, str, str, str, str]]:
    """The export's rows in time order, a few without a time."""
    rng = random.Random(seed)
    rows: list[tuple[str, str, str, str, str]] = []
    for number in range(1, accounts + 1):
        account = Account(rng, number)
        journey(rng, account)
        rows.extend(account.rows)
    rows.sort(key=lambda r: (r[1], r[0], r[2]))
    for index in rng.sample(range(len(rows)), 7):  # the export's own gaps: a few rows without a time
        rows[index] = (rows[index][0], "", rows[index][2], rows[index][3], rows[index][4])
    return rows


def export(seed: int = SEED, accounts: int = ACCOUNTS) -> bytes:
    """The export as gzip CSV bytes."""
    header = ("contact_id", "occurred_at", "event_name", "medium", "source_system")
    return _gzip_csv(header, list(export_rows(seed, accounts)))


if __name__ == "__main__":
    rows = export_rows()
    for path, data in ((OUT, export()), (SURVEYS, survey_answers(rows))):
        path.write_bytes(data)
        print(f"wrote {path} ({len(data):,} bytes)")
