#!/usr/bin/env python3
"""How long `asynclab check NAME` takes for every exercise (issue 16: under a second each).

    python3 bench/exercises/check_times.py build/release/asynclab [--rounds 5]

Runs each exercise's reference solution (tests/exercises/NAME/reference.py) and its starter,
`--rounds` times each, in turn, and prints the median and the slowest wall time of each, with the
load average: a figure to compare, not a test (CI machines vary)."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def timed(cmd, env):
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, done.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("asynclab")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, ASYNCLAB_HOME=home, ASYNCLAB_LANG="en", NO_COLOR="1")
        names = [e["name"] for e in json.loads(subprocess.run(
            [args.asynclab, "exercise", "--json"], env=env, capture_output=True, check=True).stdout)]
        for name in names:
            subprocess.run([args.asynclab, "exercise", "start", name, "--dir", home], env=env,
                           stdout=subprocess.DEVNULL, check=True)
        print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        print("{:<18} {:>12} {:>12} {:>12} {:>12}".format(
            "exercise", "reference", "(slowest)", "starter", "(slowest)"))
        worst = 0.0
        for name in names:
            ref = os.path.join(ROOT, "tests", "exercises", name, "reference.py")
            starter = os.path.join(home, name + ".py")
            times = {"ref": [], "starter": []}
            for _ in range(args.rounds):
                t, code = timed([args.asynclab, "check", name, ref], env)
                if code != 0:
                    sys.exit("{}: the reference did not pass (exit {})".format(name, code))
                times["ref"].append(t)
                t, _ = timed([args.asynclab, "check", name, starter], env)
                times["starter"].append(t)
            worst = max(worst, max(times["ref"]), max(times["starter"]))
            print("{:<18} {:>10.0f}ms {:>10.0f}ms {:>10.0f}ms {:>10.0f}ms".format(
                name, 1000 * statistics.median(times["ref"]), 1000 * max(times["ref"]),
                1000 * statistics.median(times["starter"]), 1000 * max(times["starter"])))
        print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        print("slowest check: {:.0f} ms ({} a second)".format(
            1000 * worst, "under" if worst < 1 else "NOT under"))


if __name__ == "__main__":
    main()
