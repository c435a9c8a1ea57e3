"""Benchmark of the bulk endpoint of cost entries: 10,000 entries in one call, then the same
call again (idempotent: nothing new is recorded).

    from bench.cost_entries import bench_bulk_cost_entries
    figures = bench_bulk_cost_entries(client, projects)

``client`` is a Django test ``Client`` or a DRF ``APIClient`` signed in as a user with the
"import" right (a PMO manager or an integration); ``projects`` the projects the entries are
spread over. Each call times the whole request, from the JSON body to the answer, validation
included. The references are new at each call of this function, so it may run twice on one
database.
"""

import datetime
import json
import time
import uuid
from decimal import Decimal

BULK_URL = "/api/v1/cost-entries/bulk/"
ENTRIES = 10_000
NATURES = ("capex", "opex")
CATEGORIES = ("internal_labour", "external_services", "software", "hardware", "other")


def bulk_entries(projects, count: int = ENTRIES, *, run: str | None = None) -> list[dict]:
    """``count`` actuals over ``projects`` (by id, every fifth by code), over the last year,
    each with its own reference."""
    run = run or uuid.uuid4().hex[:8]
    today = datetime.date.today()  # noqa: DTZ011 (dates of a benchmark, a day either way)
    projects = list(projects)
    entries = []
    for n in range(count):
        project = projects[n % len(projects)]
        entry = {
            "date": (today - datetime.timedelta(days=1 + n % 365)).isoformat(),
            "kind": "actual",
            "nature": NATURES[n % 2],
            "category": CATEGORIES[n % len(CATEGORIES)],
            "amount": str(Decimal(1000 + n % 9000) + Decimal(n % 100) / 100),
            "label": f"Ledger line {n}",
            "supplier": f"Supplier {n % 50}",
            "external_reference": f"BENCH-{run}-{n:06d}",
        }
        if n % 5:
            entry["project"] = project.pk
        else:
            entry["project_code"] = project.code
        entries.append(entry)
    return entries


def _post(client, body: str) -> tuple[float, dict, int]:
    start = time.perf_counter()
    response = client.post(BULK_URL, data=body, content_type="application/json")
    seconds = time.perf_counter() - start
    if response.status_code not in (200, 201):
        raise RuntimeError(
            f"{BULK_URL} answered {response.status_code}: {response.content[:500]!r}"
        )
    return seconds, json.loads(response.content), response.status_code


def bench_bulk_cost_entries(client, projects) -> dict:
    """Post 10,000 entries spread over ``projects`` through the bulk endpoint, twice.

    Returns the size, the seconds of the first call (which creates them) and of the repeat
    (which finds them all recorded), and what each answered.
    """
    body = json.dumps({"entries": bulk_entries(projects)})
    first_seconds, first, first_status = _post(client, body)
    repeat_seconds, repeat, repeat_status = _post(client, body)
    return {
        "entries": ENTRIES,
        "body_bytes": len(body.encode()),
        "first_seconds": round(first_seconds, 3),
        "first_status": first_status,
        "created": first["created"],
        "repeat_seconds": round(repeat_seconds, 3),
        "repeat_status": repeat_status,
        "unchanged": repeat["unchanged"],
    }
