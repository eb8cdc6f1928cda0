#!/usr/bin/env python3
"""Traced against plain: spawn_10k.py under `asynclab trace --clock virtual` (with --json, and the
page) and under plain python3, interleaved round after round, the order reversing each round.
Prints a Markdown table of medians: wall seconds and CPU seconds (user + system, the child's
children included), and the traced runs' ratios to the plain one.

    bench/trace/compare.py build/release/asynclab [--reps 7] [--n 10000]
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def measure(argv, expect, json_out):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        sys.exit(f"{argv}: exit {done.returncode}: {done.stderr.strip()}")
    if json_out:
        got = json.loads(done.stdout)["demos"][0]["output"][0]["text"]
    else:
        got = done.stdout.strip() if argv[0].endswith("python3") else expect
    if got != expect:
        sys.exit(f"{argv}: printed {got!r}, expected {expect!r}")
    return wall, cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("asynclab")
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    program = os.path.join(HERE, "spawn_10k.py")
    expect = str(args.n * (args.n - 1) // 2)
    python = subprocess.run(["sh", "-c", "command -v python3"], capture_output=True,
                            text=True).stdout.strip()
    runs = {
        "plain asyncio": ([python, program, str(args.n)], False),
        "trace --json": ([args.asynclab, "trace", "--clock", "virtual", "--json", program,
                          str(args.n)], True),
        "trace (page)": ([args.asynclab, "trace", "--clock", "virtual", "--no-color", program,
                          str(args.n)], False),
    }
    times = {name: [] for name in runs}
    order = list(runs)
    for rep in range(args.reps):
        for name in (order if rep % 2 == 0 else reversed(order)):
            argv, json_out = runs[name]
            times[name].append(measure(argv, expect, json_out))
    plain_wall = statistics.median(w for w, _ in times["plain asyncio"])
    plain_cpu = statistics.median(c for _, c in times["plain asyncio"])
    print(f"{args.n:,} tasks, {args.reps} interleaved rounds, "
          f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print("| run | wall (median) | CPU (median) | wall ÷ plain | CPU ÷ plain |")
    print("|---|---|---|---|---|")
    for name in runs:
        wall = statistics.median(w for w, _ in times[name])
        cpu = statistics.median(c for _, c in times[name])
        print(f"| {name} | {wall:.3f} s | {cpu:.3f} s | {wall / plain_wall:.2f}× | "
              f"{cpu / plain_cpu:.2f}× |")


if __name__ == "__main__":
    main()
