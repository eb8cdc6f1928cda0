"""Every twin tells the engine's story: lessons/python/NN_slug.py against `asynclab run N`.

For each lesson and several knob settings (the defaults, ties, a zero, a one, more workers than
items...), this runs the twin on virtual_asyncio's virtual-clock loop and the C++ lesson with
`asynclab run N --clock virtual --json`, and requires, demo by demo:
- the same live lines, in the same order, each printed by the same task at the same nanosecond;
- the same tasks, in the order they were created, each ending the same way (completed, failed,
  cancelled) and starting and ending at the same nanosecond;
- the same duration, and the same figures (metrics). Figures computed from times agree to the
  last bit or two: C++ divides doubles where the twin's exact Fractions are rounded once.
It also checks that a twin refuses a knob out of range in `run`'s words, exit 2; that
`asynclab show N --code python` prints the twin byte for byte; and that a twin saved from it runs
on the real clock and prints run's lines.

Where the two differ by design, and what this test does about it (the lessons' texts say so too):
- Blocking time. On the real clock a pool thread really sleeps in time.sleep, and the loop thread
  really stops in a blocking call: times jitter. Under the virtual clock both sides model it
  exactly (the engine's run_blocking and block_loop; here loop.run_in_executor(pool, time.sleep,
  d) and time.sleep on the loop thread), so the comparison is exact. A job cancelled while it runs
  holds its thread to the end on both sides: a thread cannot be interrupted.
- Catching everything. C++'s catch (...) also catches the engine's Cancelled; Python's
  `except Exception` does not catch CancelledError (a BaseException since 3.8). Lesson 2's
  stubborn task swallows the cancellation in both, by catching it by name in Python
  (`except asyncio.CancelledError:` without `raise`), which is the pitfall Python code falls into.
- Barging on a Queue. The engine's Queue, Lock and Semaphore hand what they release to the
  longest waiter, and a task arriving before that waiter runs cannot take it; asyncio's Lock and
  Semaphore (3.11) behave the same, but its Queue does not: a task calling get() while a woken
  getter has not yet run takes the item it was woken for. Lesson 3 gives a newcomer that chance
  only with --work 0 (a worker's sleep(0) brings it back to get() in the turn of the getter the
  producer just woke), so those settings are left out of the comparison and the difference is
  shown instead: asyncio lets w0 take every item.
- wait_for with no time at all. asyncio.wait_for(job, 0) takes the deadline as already past and
  cancels the job at once, before it has run a line ("coroutine was never awaited"); the engine's
  wait_for lets the job start and cancels it at its first await, so its cleanup runs. That
  setting is checked for asyncio's story instead of compared.
- A TaskGroup's cancellation order. asyncio's TaskGroup keeps its children in a set and cancels
  them in the set's order, which is no order a program can rely on; the engine cancels them in
  the order they were spawned. In lesson 7's taskgroup-fails, the siblings' cleanup lines at one
  instant and the cancelled ones' places in end_order are compared as sets.
- Randomness. The twin draws from random.Random(seed); here that is the engine's generator
  (std::mt19937_64), so the same seed gives the same draws. A real run of the twin draws from
  Python's own Mersenne Twister: the same kind of run, not the same numbers.

    python3 twin_test.py ASYNCLAB_BINARY        (exit 0: all agree; 1: the differences)
"""

import json
import math
import os
import subprocess
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import virtual_asyncio  # noqa: E402  (after the path is set)

# wait_for(job, 0) drops a coroutine it never ran (see the top): expected, not news.
warnings.filterwarnings("ignore", message="coroutine 'slow_job' was never awaited")

TWINS = {
    1: "01_tasks.py",
    2: "02_timeouts.py",
    3: "03_queue.py",
    4: "04_semaphore.py",
    5: "05_executor.py",
    6: "06_resilience.py",
    7: "07_structure.py",
    8: "08_cache.py",
}

# Knob settings per lesson: the defaults first, then ties, zeros, ones and crowds.
SETTINGS = {
    1: [
        [],
        ["--delays", "0.5,0.5,0.5"],  # every fetch ties
        ["--delays", "0"],  # one fetch, no wait
        ["--delays", "0.3,0,0.2,0.1,0.2"],  # a zero among them, a tie for last
        ["--delays", "2,1"],
        ["--delays", "0,0,0,0,0,0,0,0,0,0"],  # ten at once, all done at zero
    ],
    2: [
        [],
        ["--work", "0.05"],  # the work ends the instant the deadline falls
        ["--timeout", "0"],  # no time at all
        ["--work", "0"],
        ["--work", "0.03", "--timeout", "0.1"],  # done in time
        ["--work", "0.07", "--timeout", "0.04"],
    ],
    3: [
        [],
        ["--workers", "4", "--maxsize", "1", "--items", "9"],
        ["--maxsize", "0"],  # unbounded
        ["--workers", "1", "--maxsize", "2", "--items", "5"],
        ["--workers", "5", "--maxsize", "2", "--items", "3"],  # more workers than items
        ["--workers", "3", "--maxsize", "2", "--items", "12", "--work", "0.05"],
        ["--workers", "2", "--items", "0"],  # nothing to do
        ["--workers", "7", "--maxsize", "3", "--items", "40", "--work", "0.001"],
    ],
    4: [
        [],
        ["--tasks", "12", "--limit", "4", "--work", "0.1"],
        ["--tasks", "2", "--limit", "5"],  # more permits than tasks
        ["--tasks", "7", "--limit", "1", "--work", "0.3"],  # one at a time
        ["--tasks", "9", "--limit", "3", "--work", "0"],
        ["--tasks", "1"],
    ],
    5: [
        [],
        ["--jobs", "1"],
        ["--block", "0"],
        ["--pool", "1"],
        ["--pool", "8"],  # more threads than jobs
        ["--jobs", "9", "--block", "0.03", "--tick", "0.007"],
        ["--jobs", "6", "--block", "0.02", "--pool", "3", "--tick", "0.01"],  # ticks tie jobs
    ],
    6: [
        [],
        ["--seed", "7"],
        ["--fail-rate", "0"],
        ["--fail-rate", "1", "--urls", "4"],  # every attempt fails
        ["--retries", "0", "--seed", "3"],
        ["--concurrency", "1", "--urls", "6"],
        ["--timeout", "0.06", "--concurrency", "20"],  # a deadline that ties the slowest answer
    ],
    7: [
        [],
        ["--fail", "1"],  # the first child fails
        ["--delays", "0.2,0.2,0.2"],  # siblings tie
        ["--fail-at", "0"],  # fails before any sibling ends
        ["--delays", "0.1", "--fail", "1"],  # one child, the one that fails
        ["--delays", "0.1,0.2,0.3,0.4,0.5", "--fail", "5", "--fail-at", "0.5"],  # fails last
    ],
    8: [
        [],
        ["--requests", "1"],
        ["--keys", "3", "--requests", "9"],
        ["--fail-rate", "0"],
        ["--fail-rate", "1"],  # every fetch fails
        ["--ttl", "0", "--seed", "7"],
        ["--requests", "20", "--fetch", "0.03"],  # the fetch ties the arrival gap
    ],
}

# A bad value for one knob of each lesson: run and the twin must refuse it in the same words.
BAD_KNOBS = {
    1: ["--delays", "1,x"],
    2: ["--timeout", "-1"],
    3: ["--items", "-1"],
    4: ["--limit", "0"],
    5: ["--tick", "0"],
    6: ["--fail-rate", "1.5"],
    7: ["--fail", "0"],
    8: ["--requests", "0"],
}


def engine_run(binary, lesson, argv):
    out = subprocess.run([binary, "run", str(lesson), "--clock", "virtual", "--json", *argv],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"asynclab run {lesson} {' '.join(argv)} failed: {out.stderr}")
    return json.loads(out.stdout)


def ns(seconds):
    return round(seconds * 1e9)


def engine_story(demo):
    """The engine's demo in the harness's terms: task names, nanoseconds."""
    names = {t["id"]: t["name"] for t in demo["tasks"]}
    return {
        "duration_ns": ns(demo["duration_s"]),
        "tasks": [{"name": t["name"], "state": t["state"], "start_ns": ns(t["start_s"]),
                   "end_ns": ns(t["end_s"]) if t["end_s"] is not None else None}
                  for t in demo["tasks"]],
        "output": [{"t_ns": ns(o["t_s"]), "task": names.get(o["task"]), "text": o["text"]}
                   for o in demo["output"]],
        "metrics": demo["metrics"],
    }


def same_figure(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_figure(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_figure(x, y) for x, y in zip(a, b))
    return a == b


def listing(items):
    return "".join(f"    {json.dumps(i, ensure_ascii=False)}\n" for i in items)


def first_difference(what, engine, twin):
    i = next((k for k, (a, b) in enumerate(zip(engine, twin)) if a != b),
             min(len(engine), len(twin)))
    return (f"  {what} differ from #{i + 1}\n  engine:\n{listing(engine[i:i + 6])}"
            f"  twin:\n{listing(twin[i:i + 6])}")


def wait_for_zero(lesson, argv, twin_demos):
    """asyncio's wait_for(job, 0) cancels the job before it runs (see the top): check that
    story, and leave the demo out of the comparison."""
    if lesson != 2 or "--timeout" not in argv:
        return []
    if float(argv[argv.index("--timeout") + 1]) > 0:
        return []
    demo = twin_demos.pop("wait-for")
    lines = [o["text"] for o in demo["output"]]
    if lines != ["caller: TimeoutError; the job has already cleaned up: False"]:
        return [f"lesson 2 wait-for {' '.join(argv)}: asyncio's story changed: {lines}"]
    return []


def set_order(story):
    """asyncio's TaskGroup cancels its children in the order of a set (see the top): siblings'
    lines at one instant, and the cancelled ones' places in the end order, are compared as sets."""
    output = story["output"]
    story["output"] = sorted(output, key=lambda o: (o["t_ns"], o["text"].endswith(
        "cancelled: cleaning up"), o["text"] if o["text"].endswith("cancelled: cleaning up")
        else "", output.index(o)))
    metrics = story["metrics"]
    if "end_order" in metrics and "cancelled" in metrics:
        cancelled = set(metrics["cancelled"])
        order = iter(sorted(n for n in metrics["end_order"] if n in cancelled))
        metrics["end_order"] = [next(order) if n in cancelled else n for n in metrics["end_order"]]
    return story


def compare(lesson, argv, engine_doc, twin_doc):
    engine_demos = {d["id"]: engine_story(d) for d in engine_doc["demos"]}
    twin_demos = {d["id"]: d for d in twin_doc["demos"]}
    for demos in (engine_demos, twin_demos):
        if lesson == 7 and "taskgroup-fails" in demos:
            set_order(demos["taskgroup-fails"])
    problems = wait_for_zero(lesson, argv, twin_demos)
    engine_demos = {k: v for k, v in engine_demos.items() if k in twin_demos}
    if list(engine_demos) != list(twin_demos):
        return [f"demos: engine {list(engine_demos)}, twin {list(twin_demos)}"]
    for demo_id, engine in engine_demos.items():
        twin = twin_demos[demo_id]
        where = f"lesson {lesson} {demo_id} {' '.join(argv) or '(defaults)'}"
        found = []
        if engine["output"] != twin["output"]:
            found.append(first_difference("live lines", engine["output"], twin["output"]))
        if engine["tasks"] != twin["tasks"]:
            found.append(first_difference("tasks", engine["tasks"], twin["tasks"]))
        if engine["duration_ns"] != twin["duration_ns"]:
            found.append(f"  duration: engine {engine['duration_ns']} ns, "
                         f"twin {twin['duration_ns']} ns")
        if not same_figure(engine["metrics"], twin["metrics"]):
            found.append(f"  figures:\n    engine {json.dumps(engine['metrics'])}\n"
                         f"    twin   {json.dumps(twin['metrics'])}")
        if found:
            problems.append(f"{where}:\n" + "\n".join(found))
    return problems


def bad_knob_words(binary, lesson, argv):
    """run's and the twin's complaint about a bad knob, each without its program's name."""
    engine = subprocess.run([binary, "run", str(lesson), "--clock", "virtual", *argv],
                            capture_output=True, text=True, check=False)
    twin = subprocess.run([sys.executable, "-B", os.path.join(ROOT, "lessons/python",
                                                              TWINS[lesson]), *argv],
                          capture_output=True, text=True, check=False)
    return [(out.returncode, out.stderr.split(": ", 1)[-1]) for out in (engine, twin)]


def barging_shown(binary):
    """asyncio's Queue lets a newcomer barge in with --work 0; the engine's does not."""
    argv = ["--workers", "2", "--maxsize", "1", "--items", "4", "--work", "0"]
    twin = virtual_asyncio.run_twin(virtual_asyncio.load_twin(
        os.path.join(ROOT, "lessons/python", TWINS[3])), argv)
    engine = engine_run(binary, 3, argv)
    seen = (twin["demos"][0]["metrics"]["handled_by"], engine["demos"][0]["metrics"]["handled_by"])
    wanted = ({"w0": [0, 1, 2, 3], "w1": []}, {"w0": [0, 2], "w1": [1, 3]})
    return [] if seen == wanted else [f"barging at --work 0: expected {wanted}, saw {seen}"]


def shown_twin(binary, lesson):
    """`show N --code python` must be the twin byte for byte: what the learner saves is what is
    tested here."""
    shown = subprocess.run([binary, "show", str(lesson), "--code", "python"], capture_output=True,
                           check=False).stdout
    with open(os.path.join(ROOT, "lessons/python", TWINS[lesson]), "rb") as f:
        return [] if shown == f.read() else [f"show {lesson} --code python is not {TWINS[lesson]}"]


def saved_twin_runs(binary):
    """`show 1 --code > x.py && python3 x.py --demo concurrent --delays ...` runs on the real
    clock and prints run's lines. The delays are far apart, so the order does not depend on how
    busy the machine is: timers fire in deadline order however late."""
    argv = ["--demo", "concurrent", "--delays", "0.03,0.05,0.01"]
    source = subprocess.run([binary, "show", "1", "--code"], capture_output=True, text=True,
                            check=False).stdout
    path = os.path.join(os.environ.get("ASYNCLAB_HOME", "/tmp"), "01_tasks.py")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    out = subprocess.run([sys.executable, "-B", path, *argv], capture_output=True, text=True,
                         check=False)
    printed = [line for line in out.stdout.splitlines()
               if not line.startswith(("---", "    "))]  # its heading and figures
    wanted = [o["text"] for o in engine_run(binary, 1, argv)["demos"][0]["output"]]
    if out.returncode != 0 or printed != wanted:
        return [f"the saved twin printed {printed} (exit {out.returncode}), run {wanted}"]
    return []


def main():
    binary = sys.argv[1]
    lessons = [int(a) for a in sys.argv[2:]] or list(TWINS)
    began = time.monotonic()
    problems = []
    runs = 0
    for lesson in lessons:
        path = os.path.join(ROOT, "lessons/python", TWINS[lesson])
        twin = virtual_asyncio.load_twin(path)
        for argv in SETTINGS[lesson]:
            try:
                twin_doc = virtual_asyncio.run_twin(twin, argv)
                problems += compare(lesson, argv, engine_run(binary, lesson, argv), twin_doc)
            except Exception as e:  # noqa: BLE001  (a twin that crashes is a difference too)
                problems.append(f"lesson {lesson} {' '.join(argv)}: {type(e).__name__}: {e}")
            runs += 1
        (engine_code, engine_words), (twin_code, twin_words) = bad_knob_words(
            binary, lesson, BAD_KNOBS[lesson])
        if (engine_code, engine_words) != (2, twin_words) or twin_code != 2:
            problems.append(f"lesson {lesson} {' '.join(BAD_KNOBS[lesson])}: run says "
                            f"{engine_words!r} (exit {engine_code}), the twin {twin_words!r} "
                            f"(exit {twin_code})")
        problems += shown_twin(binary, lesson)
    if 3 in lessons:
        problems += barging_shown(binary)
    if 1 in lessons:
        problems += saved_twin_runs(binary)
    for p in problems:
        print(p, end="\n\n")
    print(f"{runs} settings of lessons {lessons}: {len(problems)} differences "
          f"({time.monotonic() - began:.1f} s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
