"""Benchmark of the portfolio Copil pack at 50 and 200 projects; merges its figures under
"packs" in bench/results/latest.json (the other benches' figures are kept).

    scripts/test-services.sh .venv/bin/python bench/packs.py [--sizes 50 200]
    scripts/test-services.sh .venv/bin/python bench/packs.py --demo var/packs   # look at it

Builds a throwaway test database and loads projects as bench/run.py does (52 weeks of status,
four milestones, ten risks, actions, a decision, change requests, budget lines, a year of
actuals), all in one portfolio. Each size is made in a process of its own (forked once the
data is loaded), so that its peak memory (``ru_maxrss``) is the pack's and not the previous
size's: the snapshot and the render are timed apart, with the pages and seconds per page.

``--demo DIR`` instead loads the demo portfolio (``seed_demo``) and writes its pack, in
English and in French, to DIR, to be looked at (``pdftoppm -png``).
"""

import argparse
import datetime
import json
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)

# Issue 7's targets on a 2-core machine.
SECONDS_PER_PAGE = 0.25
SECONDS_AT_50 = 15
PEAK_MB = 1024


def make_pack(portfolio_id: int, language: str = "en") -> dict:
    """Snapshot and render the portfolio pack; its timings, pages and this process's peak
    memory."""
    from django.utils import timezone

    from portfolio.models import Portfolio
    from reporting.pdf import render_pack
    from reporting.snapshot import look_of, pack_snapshot

    portfolio = Portfolio.objects.get(pk=portfolio_id)
    started = time.perf_counter()
    snapshot = pack_snapshot(
        kind="portfolio_pack",
        portfolio=portfolio,
        as_of=timezone.localdate(),
        language=language,
        look=look_of(portfolio),
        previous=None,
    )
    snapshot_seconds = time.perf_counter() - started
    started = time.perf_counter()
    rendered = render_pack(snapshot)
    render_seconds = time.perf_counter() - started
    total = snapshot_seconds + render_seconds
    return {
        "projects": len(snapshot["projects"]),
        "snapshot_seconds": round(snapshot_seconds, 2),
        "render_seconds": round(render_seconds, 2),
        "total_seconds": round(total, 2),
        "pages": rendered.page_count,
        "seconds_per_page": round(total / rendered.page_count, 3),
        "pdf_bytes": len(rendered.content),
        # Linux gives ru_maxrss in KiB.
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _child(portfolio_id: int, queue) -> None:
    # The parent's connection must not be shared with the fork: open our own.
    connection.close()
    try:
        queue.put(make_pack(portfolio_id))
    except Exception as error:  # reported by the parent
        queue.put({"error": repr(error)})


def in_child(portfolio_id: int) -> dict:
    """:func:`make_pack` in a forked process of its own."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    connection.close()
    process = context.Process(target=_child, args=(portfolio_id, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def load_projects(count: int):
    """``count`` projects as bench/run.py loads them, all in one portfolio."""
    from bench.run import analyze, load, load_people
    from portfolio.models import Programme
    from projects.models import Project

    people = load_people()
    first = load(people, 0, count)
    Programme.objects.update(portfolio=first.portfolio)
    Project.objects.update(portfolio=first.portfolio)
    analyze()
    return people, first.portfolio


def bench(sizes: list[int]) -> dict:
    from bench.run import analyze, load

    results = {}
    people, portfolio = load_projects(sizes[0])
    loaded = sizes[0]
    for size in sizes:
        if size > loaded:
            load(people, loaded, size)
            from portfolio.models import Programme
            from projects.models import Project

            Programme.objects.update(portfolio=portfolio)
            Project.objects.update(portfolio=portfolio)
            analyze()
            loaded = size
        figures = in_child(portfolio.pk)
        if "error" not in figures:
            figures["met"] = bool(
                figures["seconds_per_page"] <= SECONDS_PER_PAGE
                and figures["peak_mb"] < PEAK_MB
                and (size != 50 or figures["total_seconds"] <= SECONDS_AT_50)
            )
        results[str(size)] = figures
        print(f"portfolio pack, {size} projects: {figures}", flush=True)
    return results


def demo(directory: Path) -> None:
    from django.core.management import call_command

    from portfolio.models import Portfolio

    call_command("seed_demo", verbosity=0)
    directory.mkdir(parents=True, exist_ok=True)
    from django.utils import timezone

    from reporting.pdf import render_pack
    from reporting.snapshot import look_of, pack_snapshot

    portfolio = Portfolio.objects.order_by("pk").first()
    for language in ("en", "fr"):
        snapshot = pack_snapshot(
            kind="portfolio_pack",
            portfolio=portfolio,
            as_of=timezone.localdate(),
            language=language,
            look=look_of(portfolio),
            previous=None,
        )
        rendered = render_pack(snapshot)
        path = directory / f"demo-{language}.pdf"
        path.write_bytes(rendered.content)
        (directory / f"demo-{language}.json").write_text(json.dumps(snapshot, indent=1))
        print(f"{path}: {rendered.page_count} pages")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--demo", help="write the demo portfolio's pack to this folder")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "latest.json"))
    args = parser.parse_args()

    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        if args.demo:
            demo(Path(args.demo))
            return
        results = bench(sorted(args.sizes))
    finally:
        teardown_databases(old_config, verbosity=0)

    output = Path(args.output)
    report = json.loads(output.read_text()) if output.exists() else {}
    report["packs"] = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores",
        "targets": {
            "seconds_per_page": SECONDS_PER_PAGE,
            "seconds_at_50_projects": SECONDS_AT_50,
            "peak_mb": PEAK_MB,
        },
        "portfolio_pack": results,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {output}")


if __name__ == "__main__":
    main()
