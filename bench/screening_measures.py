"""Measures of the screening benchmark: speed at list sizes, and quality per class.

`run_size` screens the project's variant set against a whole synthetic list of one size (index
build time and memory, latency, parties per second, recall and precision as an analyst sees
them, and a rapidfuzz WRatio scan as the no-index baseline). `suite_rows` runs every matcher of
`screening_peers` over a `screening_sets.Suite` and gives each class its recall (true variants)
or false-alert rate (negatives).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import psutil
from screening_peers import Matcher
from screening_sets import Party, Query, Suite, make_list, make_queries

from services.screening.matching import RestrictedPartyIndex
from services.screening.matching.collector import settle_after_indexing

Figures = dict[str, Any]  # measurements, as printed in the JSON line
WRATIO_CUTOFF = 90.0


def rss_mb() -> float:
    """Resident memory of this process in MiB."""
    return float(psutil.Process().memory_info().rss) / 2**20


def _children_cpu() -> float:
    """CPU seconds of this process's ended child processes."""
    times = os.times()
    return times.children_user + times.children_system


def _children_peak_mb() -> float:
    """The largest resident memory any ended child process of this one reached, in MiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def load() -> float:
    """The machine's one-minute load average (figures taken under load are read beside it)."""
    return round(os.getloadavg()[0], 2)


def run_size(
    size: int, queries: int, baseline_queries: int, seed: int, hits_file: Path | None = None
) -> Figures:
    """Everything measured for one list size (runs in a worker process).

    Wall clock and CPU time of this process (`time.process_time`) are both measured: on a
    shared machine the CPU time is the figure that compares. With `hits_file`, every party's
    hits are written there if it does not exist, else compared with it (same hits, same scores,
    same explanations: a speed change must not change a result)."""
    before = rss_mb()
    started = time.perf_counter()
    entries = make_list(size, seed)
    generated_s = time.perf_counter() - started
    entries_mb = rss_mb() - before
    before = rss_mb()
    build_load = load()
    started, cpu_started, children = time.perf_counter(), time.process_time(), _children_cpu()
    peak_before = _children_peak_mb()
    index = RestrictedPartyIndex.build(entries)
    build_s = time.perf_counter() - started
    # A large list's names are normalised in other processes too: their CPU time counts.
    build_cpu_s = time.process_time() - cpu_started + _children_cpu() - children
    helpers_peak_mb = _children_peak_mb() if _children_peak_mb() > peak_before else 0.0
    index_mb = rss_mb() - before
    started = time.perf_counter()
    settle_after_indexing()  # as the screening service does after each (re)build
    settle_s = time.perf_counter() - started
    variant_set = make_queries(entries, seed, queries, seed + 1)
    index.screen("warm up caches", None)
    result = {
        "size": size,
        "names": index.name_count,
        "words": len(index.vocabulary),
        "generate_s": generated_s,
        "entries_mb": entries_mb,
        "build_s": build_s,
        "build_cpu_s": build_cpu_s,
        "build_load": build_load,
        "build_helpers_peak_mb": helpers_peak_mb,
        "settle_s": settle_s,
        "index_mb": index_mb,
        "queries": len(variant_set),
        "true_variants": sum(q.is_match for q in variant_set),
    }
    result |= screen_all(index, variant_set, hits_file)
    result |= pairwise(index, variant_set)
    result |= baseline(index, variant_set[:baseline_queries])
    return result


def screen_all(
    index: RestrictedPartyIndex, queries: list[Query], hits_file: Path | None = None
) -> Figures:
    """Screen every query against the whole index: latency (wall clock and CPU time of the
    process) and quality as an analyst sees it; a digest of every party's hits."""
    latencies: list[float] = []
    cpu: list[float] = []
    outcomes: list[tuple[Query, set[str], int]] = []
    lines: list[str] = []
    load_before = load()
    for query in queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        hits = index.screen(query.name, query.country)
        cpu.append(time.process_time() - cpu_started)
        latencies.append(time.perf_counter() - started)
        outcomes.append((query, {hit.entry_id for hit in hits}, len(hits)))
        found = [[h.entry_id, h.matched_name, h.score, h.explanation] for h in hits]
        lines.append(json.dumps([query.name, query.country, found]))
    quality = score_outcomes(outcomes)
    correct_hits = sum(1 for q, ids, _ in outcomes if q.is_match and q.entry_id in ids)
    all_hits = sum(count for _, _, count in outcomes)
    by_kind = Counter(q.kind for q, ids, _ in outcomes if q.is_match and q.entry_id not in ids)
    fp_kind = Counter(q.kind for q, ids, _ in outcomes if not q.is_match and ids)
    return {
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "parties_per_s": len(queries) / sum(latencies),
        "cpu_p50_ms": percentile(cpu, 50) * 1000,
        "cpu_p99_ms": percentile(cpu, 99) * 1000,
        "parties_per_cpu_s": len(queries) / sum(cpu),
        "screen_load": [load_before, load()],
        "hits_digest": hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16],
        **compare_hits(lines, hits_file),
        **quality,
        "hit_precision": correct_hits / all_hits if all_hits else 1.0,
        "missed_by_kind": dict(by_kind),
        "false_alerts_by_kind": dict(fp_kind),
    }


def compare_hits(lines: list[str], hits_file: Path | None) -> Figures:
    """Write every party's hits to `hits_file`, or count the parties whose hits differ from it."""
    if hits_file is None:
        return {}
    if not hits_file.exists():
        hits_file.write_text("\n".join(lines) + "\n")
        return {"hits_written": str(hits_file)}
    before = hits_file.read_text().splitlines()
    differing = sum(1 for old, new in zip(before, lines, strict=False) if old != new)
    differing += abs(len(before) - len(lines))
    return {"hits_compared": str(hits_file), "hits_differing": differing}


def pairwise(index: RestrictedPartyIndex, queries: list[Query]) -> Figures:
    """Score each query against its own entry only: the task the peer is measured on."""
    threshold = index.policy.hit_threshold
    started = time.perf_counter()
    decided = []
    for query in queries:
        hit = index.score_entry(query.name, query.country, query.position)
        decided.append((query, hit is not None and hit.score >= threshold))
    elapsed = time.perf_counter() - started
    return {f"pair_{k}": v for k, v in pair_quality(decided).items()} | {
        "pair_ms": elapsed / len(queries) * 1000
    }


def baseline(index: RestrictedPartyIndex, queries: list[Query]) -> Figures:
    """rapidfuzz process.extract with WRatio over every listed name, no index."""
    from rapidfuzz import fuzz, process, utils

    owners: list[str] = []
    choices: list[str] = []
    for entry in index.entries:
        for name in entry.names:
            owners.append(entry.entry_id)
            choices.append(utils.default_process(name))
    latencies: list[float] = []
    outcomes: list[tuple[Query, set[str], int]] = []
    for query in queries:
        started = time.perf_counter()
        found = process.extract(
            utils.default_process(query.name),
            choices,
            scorer=fuzz.WRatio,
            processor=None,
            limit=10,
            score_cutoff=WRATIO_CUTOFF,
        )
        latencies.append(time.perf_counter() - started)
        outcomes.append((query, {owners[position] for _, _, position in found}, len(found)))
    quality = score_outcomes(outcomes)
    return {
        "baseline_queries": len(queries),
        "baseline_p50_ms": percentile(latencies, 50) * 1000,
        "baseline_p99_ms": percentile(latencies, 99) * 1000,
        "baseline_recall": quality["recall"],
        "baseline_precision": quality["precision"],
    }


def score_outcomes(outcomes: list[tuple[Query, set[str], int]]) -> Figures:
    """Per party: found its entry (true positive), missed it, or alerted on a wrong entry."""
    tp = sum(1 for q, ids, _ in outcomes if q.is_match and q.entry_id in ids)
    fn = sum(1 for q, ids, _ in outcomes if q.is_match and q.entry_id not in ids)
    fp = sum(1 for q, ids, _ in outcomes if ids and not (q.is_match and q.entry_id in ids))
    return {
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
    }


def pair_quality(decided: list[tuple[Query, bool]]) -> Figures:
    """Recall and precision of match decisions on (query, entry) pairs."""
    tp = sum(1 for q, yes in decided if yes and q.is_match)
    fp = sum(1 for q, yes in decided if yes and not q.is_match)
    fn = sum(1 for q, yes in decided if not yes and q.is_match)
    return {
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "missed_by_kind": dict(Counter(q.kind for q, yes in decided if q.is_match and not yes)),
        "false_alerts_by_kind": dict(
            Counter(q.kind for q, yes in decided if yes and not q.is_match)
        ),
    }


def percentile(values: list[float], rank: float) -> float:
    """The rank-th percentile (nearest rank) of the values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(rank / 100 * len(ordered)) - 1))]


def own_set_suite(size: int, list_seed: int, count: int, held_back: bool) -> Suite:
    """The project's variant set as a suite scored pair by pair (each party against the entry
    it names or nearly names), the task every matcher can do without an index."""
    entries = make_list(size, list_seed)
    queries = make_queries(entries, list_seed, count, list_seed + 1)
    parties = [
        Party(q.name, q.entry_id if q.is_match else None, q.kind, False, q.country, q.position)
        for q in queries
    ]
    name = f"own set, {'held back' if held_back else 'development'}"
    return Suite(name, entries, parties, held_back=held_back, pairwise=True)


def suite_rows(suite: Suite, matchers: list[Matcher]) -> list[Figures]:
    """Per class of the suite: its size, and for each matcher its recall (true variants) or
    false-alert rate (negatives); then one row for all true variants and one for negatives."""
    decided: dict[str, list[tuple[Party, bool]]] = {}
    seconds: dict[str, float] = {}
    for matcher in matchers:
        started = time.perf_counter()
        matcher.prepare(suite.entries, suite.persons)
        decided[matcher.name] = [(party, _right(matcher, party, suite)) for party in suite.parties]
        seconds[matcher.name] = time.perf_counter() - started
    classes: dict[tuple[bool, str], list[int]] = defaultdict(list)
    for number, party in enumerate(suite.parties):
        classes[(party.entry_id is None, party.kind)].append(number)
        if party.part:
            classes[(party.entry_id is None, party.part)].append(number)
        classes[(party.entry_id is None, "(all)")].append(number)
    rows = []
    for (negative, kind), numbers in sorted(classes.items(), key=lambda item: item[0]):
        row: Figures = {
            "suite": suite.name,
            "held_back": suite.held_back,
            "class": kind,
            "measure": "false alerts" if negative else "recall",
            "n": len(numbers),
        }
        for name, outcomes in decided.items():
            right = sum(outcomes[number][1] for number in numbers)
            row[name] = (len(numbers) - right if negative else right) / len(numbers)
        rows.append(row)
    rows.append({"suite": suite.name, "class": "(seconds)", "seconds": seconds})
    return rows


def _right(matcher: Matcher, party: Party, suite: Suite) -> bool:
    """A true variant alerted on its own entry first; a negative not alerted on."""
    if suite.pairwise and party.against is not None:
        score = matcher.pair(party.name, party.country, party.person, party.against)
        return (score >= matcher.threshold) == (party.entry_id is not None)
    first = matcher.first(party.name, party.country, party.person)
    return first == party.entry_id
