"""Restricted-party screening benchmark: speed at list sizes, and quality side by side.

Run: .venv/bin/python bench/screening.py [--sizes 10000,100000,1000000] [--quick] [--no-sizes]

Two parts, one JSON line at the end:

- Speed (bench/screening_measures.py): each list size runs in its own process (clean time and
  memory figures): index build time and memory, per-party latency (p50, p99), parties per
  second, recall and precision of the project's variant set screened against the whole list,
  and a rapidfuzz WRatio scan of the list as the no-index baseline. Build and per-party times
  are given in wall clock and in CPU time of the process, with the load average; a digest of
  every party's hits (and `--hits-file` to keep them, or compare with a kept run) shows that a
  speed change left every result as it was.
- Quality side by side (one table): caseflow, nomenklatura's logic-v2 and ssb's baseline
  (bench/screening_peers.py), each at its own threshold, per class: recall on true variants,
  false-alert rate on negatives. Suites (bench/screening_sets.py, bench/screening_ssb.py):
  ssb's generator over its fixture, over caseflow's seed Entity List and over a held-back
  sample of the synthetic list; public bodies of other countries and regions; the project's
  own variant set, development and held-back seeds (pair by pair).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening_measures import WRATIO_CUTOFF, Figures, own_set_suite, run_size, suite_rows
from screening_peers import matchers, peers_available
from screening_sets import DEVELOPMENT_SEED, HELD_BACK_SEED, Suite, public_body_suite
from screening_ssb import fixture_suite, seed_list_suite, ssb_available, synthetic_list_suite


def quality_suites(own_set_size: int, own_set_queries: int) -> list[Suite]:
    """Every suite of the side-by-side table (ssb's only if it is installed)."""
    suites = []
    if ssb_available():
        suites += [fixture_suite(), seed_list_suite(), synthetic_list_suite()]
    suites.append(public_body_suite(DEVELOPMENT_SEED))
    suites.append(own_set_suite(own_set_size, DEVELOPMENT_SEED, own_set_queries, False))
    suites.append(own_set_suite(own_set_size, HELD_BACK_SEED, own_set_queries, True))
    return suites


def print_sizes(results: list[Figures]) -> None:
    """The speed table, and the quality detail of each size."""
    print(f"\nScreening speed on {os.cpu_count()} CPU(s), one process per list size")
    header = (
        f"{'entries':>9} {'names':>9} {'build s':>8} {'index MiB':>9} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'parties/s':>9} {'recall':>7} {'precision':>9} {'WRatio p50':>10} "
        f"{'speed-up':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        speedup = r["baseline_p50_ms"] / r["p50_ms"]
        print(
            f"{r['size']:>9,} {r['names']:>9,} {r['build_s']:>8.1f} {r['index_mb']:>9.0f} "
            f"{r['p50_ms']:>7.2f} {r['p99_ms']:>7.2f} {r['parties_per_s']:>9.0f} "
            f"{r['recall']:>7.3f} {r['precision']:>9.3f} {r['baseline_p50_ms']:>10.1f} "
            f"{speedup:>7.0f}x"
        )
    print("\nCPU time of the process and of those normalising for it (the figure that compares):")
    for r in results:
        print(
            f"  {r['size']:>9,}: build {r['build_cpu_s']:.1f} s (load {r['build_load']}"
            + (
                f"; other processes' peak {r['build_helpers_peak_mb']:.0f} MiB"
                if r.get("build_helpers_peak_mb")
                else ""
            )
            + "), "
            f"then {r.get('settle_s', 0.0):.1f} s settling the collector; "
            f"per party p50 {r['cpu_p50_ms']:.2f} ms, p99 {r['cpu_p99_ms']:.2f} ms, "
            f"{r['parties_per_cpu_s']:.0f} parties per CPU second "
            f"(load {r['screen_load'][0]}-{r['screen_load'][1]}); hits {r['hits_digest']}"
            + (f", {r['hits_differing']} parties' hits differ" if "hits_differing" in r else "")
        )
    print("\nQuality per size (the project's variant set screened against the whole list):")
    for r in results:
        print(
            f"  {r['size']:>9,}: {r['queries']} parties ({r['true_variants']} true variants); "
            f"recall {r['recall']:.3f}, precision {r['precision']:.3f} "
            f"(of every hit reported, {r['hit_precision']:.3f} name the entry sought); "
            f"missed {r['missed_by_kind'] or 'none'}; "
            f"false alerts {r['false_alerts_by_kind'] or 'none'}; "
            f"WRatio>={WRATIO_CUTOFF:.0f} on {r['baseline_queries']}: "
            f"recall {r['baseline_recall']:.3f}, precision {r['baseline_precision']:.3f}"
        )


def print_quality(rows: list[Figures], names: list[str]) -> None:
    """The side-by-side table: one line per suite and class."""
    print("\nQuality side by side (recall on true variants; false-alert rate on negatives)")
    print("thresholds: caseflow 0.75 (policy), logic-v2 0.7, ssb baseline 0.85")
    header = f"{'suite':<34} {'class':<18} {'measure':<12} {'n':>5} " + " ".join(
        f"{name:>12}" for name in names
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        if "seconds" in row:
            continue
        suite = row["suite"] + (
            " (held back)" if row["held_back"] and "held" not in row["suite"] else ""
        )
        print(
            f"{suite:<34} {row['class']:<18} {row['measure']:<12} {row['n']:>5} "
            + " ".join(f"{row[name]:>12.3f}" if name in row else f"{'-':>12}" for name in names)
        )


def summary(results: list[Figures], rows: list[Figures], names: list[str]) -> Figures:
    """The figures of the final JSON line."""
    figures: dict[str, Any] = {}
    for r in results:
        key = f"size_{r['size']}"
        figures |= {
            f"{key}_p50_ms": round(r["p50_ms"], 3),
            f"{key}_p99_ms": round(r["p99_ms"], 3),
            f"{key}_parties_per_s": round(r["parties_per_s"], 1),
            f"{key}_build_s": round(r["build_s"], 1),
            f"{key}_build_cpu_s": round(r["build_cpu_s"], 1),
            f"{key}_build_load": r["build_load"],
            f"{key}_settle_s": round(r.get("settle_s", 0.0), 2),
            f"{key}_cpu_p50_ms": round(r["cpu_p50_ms"], 3),
            f"{key}_cpu_p99_ms": round(r["cpu_p99_ms"], 3),
            f"{key}_parties_per_cpu_s": round(r["parties_per_cpu_s"], 1),
            f"{key}_screen_load": r["screen_load"],
            f"{key}_hits_digest": r["hits_digest"],
            f"{key}_index_mb": round(r["index_mb"], 1),
            f"{key}_build_helpers_peak_mb": round(r.get("build_helpers_peak_mb", 0.0), 1),
            f"{key}_recall": round(r["recall"], 4),
            f"{key}_precision": round(r["precision"], 4),
        }
    if results:
        largest = results[-1]
        figures |= {
            "largest_size": largest["size"],
            "parties_per_s": round(largest["parties_per_s"], 1),
            "parties_per_cpu_s": round(largest["parties_per_cpu_s"], 1),
            "build_cpu_s": round(largest["build_cpu_s"], 1),
            "load": [largest["build_load"], *largest["screen_load"]],
            "p99_ms": round(largest["p99_ms"], 3),
            "recall": round(largest["recall"], 4),
            "precision": round(largest["precision"], 4),
        }
        for key in ("hits_differing", "hits_written"):
            if key in largest:
                figures[key] = largest[key]
    for row in rows:
        if "seconds" in row or row["class"] != "(all)":
            continue
        key = f"{row['suite']}|{row['measure']}".replace(" ", "_").replace(",", "")
        figures[key] = {name: round(row[name], 4) for name in names if name in row}
    for name in names:
        recalls = [
            row[name]
            for row in rows
            if "seconds" not in row
            and row["measure"] == "recall"
            and row["class"] != "(all)"
            and ":" not in row["class"]  # a part of a class, reported beside it
            and row["suite"].startswith("ssb")
        ]
        if recalls:
            figures[f"ssb_min_class_recall|{name}"] = round(min(recalls), 4)
    return figures


def main() -> None:
    """Run every size in a worker process, then the side-by-side suites, then report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--baseline-queries", type=int, default=40)
    parser.add_argument("--seed", type=int, default=DEVELOPMENT_SEED)
    parser.add_argument("--quick", action="store_true", help="10k entries, 400 parties")
    parser.add_argument("--no-sizes", action="store_true", help="only the side-by-side table")
    parser.add_argument("--no-quality", action="store_true", help="only the speed table")
    parser.add_argument(
        "--hits-file",
        type=Path,
        help="write every party's hits here (size mode, one size), or compare with the file",
    )
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        figures = run_size(
            args.worker, args.queries, args.baseline_queries, args.seed, args.hits_file
        )
        print(json.dumps(figures))
        return
    sizes = [10_000] if args.quick else [int(size) for size in args.sizes.split(",")]
    queries = 400 if args.quick else args.queries
    baseline_queries = min(args.baseline_queries, 20) if args.quick else args.baseline_queries
    results = []
    for size in [] if args.no_sizes else sorted(sizes):
        command = [sys.executable, __file__, "--worker", str(size), "--queries", str(queries)]
        command += ["--baseline-queries", str(baseline_queries), "--seed", str(args.seed)]
        if args.hits_file:
            command += ["--hits-file", str(args.hits_file.with_suffix(f".{size}.jsonl"))]
        print(f"running {size:,} entries ...", file=sys.stderr, flush=True)
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    rows: list[Figures] = []
    names = [matcher.name for matcher in matchers()]
    if not args.no_quality:
        missing = {"logic-v2", "ssb baseline"} - set(peers_available())
        if missing:
            print(f"peers not installed: {sorted(missing)} (pip install -e '.[bench]')")
        for suite in quality_suites(10_000, 400 if args.quick else 1000):
            print(f"scoring {suite.name} ...", file=sys.stderr, flush=True)
            rows += suite_rows(suite, matchers())
    if results:
        print_sizes(results)
    if rows:
        print_quality(rows, names)
    print(json.dumps(summary(results, rows, names)))


if __name__ == "__main__":
    main()
