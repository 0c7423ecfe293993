#!/usr/bin/env python3
"""Writes random-cron.tsv: random 5-field cron expressions and their next fire times, computed by croniter.

croniter is an independent implementation (Python) of the same Vixie-cron rules; `implement_cron_bug=True`
selects Vixie's handling of `*/N` in a day field (it still counts as `*` when choosing between OR and AND).
Times are UTC so that the two implementations' DST rules (tested elsewhere) do not enter into it.

Regenerate with: pip install --target /tmp/pylib croniter && PYTHONPATH=/tmp/pylib python3 generate.py
"""
import random
from datetime import datetime, timedelta, timezone

from croniter import croniter

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]


def field(rng, low, high, names=None, names_start=0):
    def value():
        n = rng.randint(low, high)
        if names and rng.random() < 0.3 and n - names_start < len(names) and n >= names_start:
            return names[n - names_start]
        return str(n)

    def item():
        kind = rng.random()
        if kind < 0.25:
            return "*/" + str(rng.randint(2, max(2, (high - low) // 2)))
        # croniter 7.0.0 misreads a range whose ends are equal (`20-20` as `*`), so ranges here span two or more.
        if kind < 0.45:
            a = rng.randint(low, high - 1)
            b = rng.randint(a + 1, high)
            return f"{a}-{b}"
        if kind < 0.6:
            a = rng.randint(low, high - 1)
            b = rng.randint(a + 1, high)
            return f"{a}-{b}/{rng.randint(2, 5)}"
        return value()

    roll = rng.random()
    if roll < 0.3:
        return "*"
    count = 1 if roll < 0.8 else rng.randint(2, 3)
    return ",".join(item() for _ in range(count))


def main():
    rng = random.Random(13)
    rows = []
    while len(rows) < 600:
        expression = " ".join([
            field(rng, 0, 59),
            field(rng, 0, 23),
            field(rng, 1, 31),
            field(rng, 1, 12, MONTHS, 1),
            field(rng, 0, 7 if rng.random() < 0.1 else 6, DAYS),
        ])
        start = datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randint(0, 6 * 365 * 24 * 60))
        try:
            it = croniter(expression, start, implement_cron_bug=True, max_years_between_matches=8)
            fires = [it.get_next(datetime) for _ in range(6)]
        except Exception:
            continue  # e.g. 30 February: never fires
        if fires[-1] - start > timedelta(days=365 * 7):
            continue
        stamp = lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append("\t".join([expression, stamp(start)] + [stamp(d) for d in fires]))
    with open("random-cron.tsv", "w") as out:
        out.write("# expression\tstart (UTC)\tnext six fire times by croniter 7.0.0 (implement_cron_bug=True)\n")
        out.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
