"""Timing helpers for the benches: percentiles of repeated calls, printed as a markdown table."""
import statistics
import time


def timings_ms(call, repeat: int, warmup: int = 20, before=None) -> list:
    """Milliseconds of each of `repeat` calls; `before`, when given, runs untimed before each."""
    for _ in range(warmup):
        if before:
            before()
        call()
    samples = []
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def interleaved_timings_ms(calls: dict, repeat: int, block: int = 50, warmup: int = 20) -> dict:
    """{name: samples} of calls timed in turns: `block` calls of the first, then of the second...,
    until each was timed `repeat` times. A machine that slows down or speeds up during the run
    does so for all of them alike, while each is still timed one call after another of its kind
    (the first of each turn is not counted: it would pay for the previous kind's leftovers)."""
    for _ in range(warmup):
        for call in calls.values():
            call()
    samples = {name: [] for name in calls}
    while len(samples[next(iter(calls))]) < repeat:
        for name, call in calls.items():
            count = min(block, repeat - len(samples[name]))
            samples[name] += timings_ms(call, count, warmup=1)
    return samples


def percentile(samples, fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def summary(name: str, samples) -> dict:
    return {"name": name, "n": len(samples), "p50": percentile(samples, 0.5),
            "p99": percentile(samples, 0.99), "mean": statistics.fmean(samples)}


def table(rows, baseline: dict) -> str:
    lines = ["| measure | n | p50 ms | p99 ms | p99 / baseline p99 |", "|---|---|---|---|---|"]
    for row in rows:
        ratio = row["p99"] / baseline["p99"] if baseline["p99"] else float("nan")
        lines.append(f"| {row['name']} | {row['n']} | {row['p50']:.2f} | {row['p99']:.2f} | "
                     f"{ratio:.2f}x |")
    return "\n".join(lines)
