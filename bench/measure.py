"""Timing helpers for the benches: percentiles of repeated calls, printed as a markdown table."""
import statistics
import time


def timings_ms(call, repeat: int, warmup: int = 20) -> list:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
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
