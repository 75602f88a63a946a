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

The export also names each account's company size (``company_size``, a segment), and a second file,
``crm-outcomes.csv.gz``, lists the contracts cancelled (``contract_cancelled``, from the billing system):
accounts that went back to evaluation after signing, or barely used the app, cancel far more often,
which ``cjm evidence check --outcome lost=contract_cancelled`` finds (``crm-mapping-outcomes.yaml``).
Sizes and cancellations are drawn from their own generator, so the events of the export stay the same.

A third file, survey-answers.csv.gz, holds the answers of the surveys the
vendor sends (a score column beside the event): CES after the discovery call,
CSAT after an onboarding chat, NPS after a quarterly review. The onboarding
chat degrades in the last three months: its CSAT falls from about 75% to about
45% satisfied (``cjm evidence check ... --by month`` finds it;
``crm-surveys-mapping.yaml``). A few answers carry scores no survey gives
(``11``, ``n/a``). The answers are drawn from the export's own events with
their own random generator, so the export itself stays the same bytes.

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
OUTCOMES_OUT = Path(__file__).with_name("crm-outcomes.csv.gz")
SURVEYS = Path(__file__).with_name("survey-answers.csv.gz")
DEGRADED_FROM = "2026-01-01"  # onboarding chats from here on satisfy fewer customers
SIZES = ("1-49 technicians", "50-199 technicians", "200+ technicians")
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


def accounts(seed: int = SEED, count: int = ACCOUNTS) -> tuple[random.Random, list[Account]]:
    """Every account walked through its journey, and the generator, to draw the export's gaps from next."""
    rng = random.Random(seed)
    out = []
    for number in range(1, count + 1):
        account = Account(rng, number)
        journey(rng, account)
        out.append(account)
    return rng, out


def company_size(seed: int, account: Account) -> str:
    """The account's company size, drawn from a generator of its own (the export's events do not change)."""
    return random.Random(f"{seed}-size-{account.id}").choices(SIZES, weights=(5, 3, 2))[0]


def cancellation(seed: int, account: Account) -> tuple[str, str, str, str] | None:
    """A cancelled contract, or None: signed accounts cancel at 6%; three times as often (and more for small
    companies) when they went back to evaluation after signing or logged in to the app three times or less."""
    events = [r[2] for r in account.rows]
    if "contract_signed" not in events:
        return None
    rng = random.Random(f"{seed}-churn-{account.id}")
    signed = events.index("contract_signed")
    looped = "demo_request" in events[signed:]
    barely_used = events.count("app_login") <= 3
    chance = 0.06 * (3 if looped or barely_used else 1) * (1.5 if company_size(seed, account) == SIZES[0] else 1)
    if rng.random() >= chance:
        return None
    last = dt.datetime.strptime(account.rows[-1][1], "%Y-%m-%d %H:%M:%S")
    when = last + dt.timedelta(days=rng.uniform(5, 40), minutes=rng.randint(0, 600))
    return account.id, when.strftime("%Y-%m-%d %H:%M:%S"), "contract_cancelled", company_size(seed, account)


def _gzip(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> bytes:
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


def survey_answers(export_rows: list[tuple[str, ...]], seed: int = SEED) -> bytes:
    """The survey answers the export's events prompt, as gzip CSV bytes with a score column."""
    rng = random.Random(seed + 1)
    rows: list[tuple[str, ...]] = []
    signed: set[str] = set()
    for account, time, event, *_ in export_rows:
        if event == "contract_signed":
            signed.add(account)
        found = _answer(rng, event, time, account in signed) if time else None
        if found is not None:
            score = found[1] if rng.random() > 0.01 else rng.choice(("11", "n/a"))
            rows.append((account, _later(time, rng), found[0], "Email", "surveys", score))
    rows.sort(key=lambda r: (r[1], r[0], r[2]))
    return _gzip(("contact_id", "occurred_at", "event_name", "medium", "source_system", "score"), rows)


def export_rows(seed: int = SEED, count: int = ACCOUNTS) -> tuple[list[tuple[str, ...]], list[Account]]:
    """The export's rows in time order (a few without a time), and the accounts they come from."""
    rng, walked = accounts(seed, count)
    sizes = {a.id: company_size(seed, a) for a in walked}
    rows = [(*r, sizes[r[0]]) for a in walked for r in a.rows]
    rows.sort(key=lambda r: (r[1], r[0], r[2]))
    for index in rng.sample(range(len(rows)), 7):  # the export's own gaps: a few rows without a time
        rows[index] = (rows[index][0], "", *rows[index][2:])
    return rows, walked


def export(seed: int = SEED, count: int = ACCOUNTS) -> tuple[bytes, bytes]:
    """The CRM export and the cancelled contracts, as gzip CSV bytes."""
    rows, walked = export_rows(seed, count)
    header = ("contact_id", "occurred_at", "event_name", "medium", "source_system", "company_size")
    cancelled = sorted(c for c in (cancellation(seed, a) for a in walked) if c is not None)
    return _gzip(header, rows), _gzip(("account", "cancelled_at", "event", "plan_size"), cancelled)


def survey_export(seed: int = SEED, count: int = ACCOUNTS) -> bytes:
    """The survey answers the export's events prompt, as gzip CSV bytes."""
    return survey_answers(export_rows(seed, count)[0], seed)


if __name__ == "__main__":
    for path, data in zip((OUT, OUTCOMES_OUT, SURVEYS), (*export(), survey_export()), strict=True):
        path.write_bytes(data)
        print(f"wrote {path} ({len(data):,} bytes)")
