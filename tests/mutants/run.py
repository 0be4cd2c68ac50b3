#!/usr/bin/env python3
"""Mutation runner: does the test suite notice when a framework rule is implemented wrongly?

Each mutant in catalogue.txt is an exact search-string -> replacement edit of one source file.
The runner copies the source tree once into a scratch folder (build/mutants/src by default),
configures one build there, and for each mutant: applies the edit, rebuilds only the test
binaries, runs the unit and golden tests, records caught / survived, and restores the file.
The working tree is never touched (except with --in-place, for CI's throwaway clone).

A mutant whose search string no longer occurs exactly once in its file is a catalogue error
(the code moved on; update the catalogue), never a silent skip; so is a mutant that does not
compile. Both fail the run, like a surviving mutant. --compile-only finds the second kind fast:
it only builds each mutant's `caught_by` binary and runs no test.

    tests/mutants/run.py --check            # every search string still matches (seconds)
    tests/mutants/run.py                    # the whole catalogue
    tests/mutants/run.py adam-epsilon-hat-removed relu-derivative-at-zero
    tests/mutants/run.py --subset 6 --rotate 3 --changed-since origin/main
    tests/mutants/run.py --compile-only --jobs 1   # does every mutant still compile? (no tests)
"""
import argparse
import filecmp
import os
import re
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CATALOGUE = os.path.join(ROOT, "tests", "mutants", "catalogue.txt")
# The unit and golden suites, cheapest first. A mutant's `caught_by` binary runs first.
BINARIES = ["core_tests", "torch_tests", "keras_tests", "compare_tests"]
TEST_TIMEOUT = 600  # seconds per binary; a mutant that hangs the suite counts as caught


class Mutant:
    def __init__(self, name, line):
        self.name, self.line = name, line
        self.fields = {}

    def __getattr__(self, key):
        try:
            return self.__dict__["fields"][key]
        except KeyError:
            raise AttributeError(key) from None


def unescape(text):
    return text.replace("\\n", "\n").replace("\\t", "\t")


def load_catalogue(path=CATALOGUE):
    """[name] blocks of `key: value` lines; '#' starts a comment line."""
    mutants, current = [], None
    with open(path) as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = re.fullmatch(r"\[([a-z0-9-]+)\]", line.strip())
            if m:
                current = Mutant(m.group(1), number)
                mutants.append(current)
                continue
            key, sep, value = line.partition(": ")
            if current is None or not sep or key not in ("rule", "file", "find", "replace", "caught_by"):
                sys.exit(f"{path}:{number}: expected '[name]' or 'rule|file|find|replace|caught_by: value'")
            current.fields[key] = unescape(value) if key in ("find", "replace") else value
    names = set()
    for mu in mutants:
        missing = [k for k in ("rule", "file", "find", "replace", "caught_by") if k not in mu.fields]
        if missing:
            sys.exit(f"{path}:{mu.line}: mutant {mu.name} lacks {', '.join(missing)}")
        if mu.name in names:
            sys.exit(f"{path}:{mu.line}: mutant {mu.name} appears twice")
        if mu.find == mu.replace:
            sys.exit(f"{path}:{mu.line}: mutant {mu.name} replaces its search string by itself")
        binary = mu.caught_by.split(":")[0]
        if binary not in BINARIES:
            sys.exit(f"{path}:{mu.line}: mutant {mu.name}: caught_by must start with one of {BINARIES}")
        names.add(mu.name)
    return mutants


def match_problem(tree, mu):
    """None if the search string occurs exactly once in the mutant's file, else what is wrong."""
    path = os.path.join(tree, mu.file)
    if not os.path.exists(path):
        return f"file {mu.file} does not exist"
    with open(path) as f:
        count = f.read().count(mu.find)
    if count == 1:
        return None
    return f"search string occurs {count} times in {mu.file} (must be exactly once): {mu.find!r}"


def tracked_files():
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, check=True, capture_output=True).stdout
    return [p for p in out.decode().split("\0") if p and os.path.isfile(os.path.join(ROOT, p))]


def sync_scratch(src):
    """Copy the tracked files (as in the working tree) into src, touching only files that differ,
    so the scratch build stays incremental across runs."""
    wanted = set(tracked_files())
    for rel in wanted:
        a, b = os.path.join(ROOT, rel), os.path.join(src, rel)
        if os.path.exists(b) and filecmp.cmp(a, b, shallow=False):
            continue
        os.makedirs(os.path.dirname(b), exist_ok=True)
        shutil.copy2(a, b)
        os.utime(b)  # newer than any object built from the old content
    for dirpath, _, files in os.walk(src):
        for name in files:
            rel = os.path.relpath(os.path.join(dirpath, name), src)
            if rel not in wanted:
                os.remove(os.path.join(dirpath, name))


def run(cmd, cwd=None, timeout=None):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def configure(src, build, jobs):
    if os.path.exists(os.path.join(build, "build.ninja")):
        return
    r = run(["cmake", "-S", src, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
             "-DDUET_BUILD_EXAMPLES=OFF", "-DDUET_BUILD_BENCHMARKS=OFF"])
    if r.returncode:
        sys.exit("configuring the scratch build failed:\n" + r.stdout + r.stderr)


def build(build_dir, targets, jobs, full_log=False):
    r = run(["cmake", "--build", build_dir, "-j", str(jobs), "--target", *targets])
    if full_log:
        return r.returncode == 0, r.stdout + r.stderr
    return r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]


def first_errors(log, lines=8):
    """The compiler's first error and the lines after it (else ninja's FAILED line, else the log's tail)."""
    text = log.splitlines()
    for pattern in (r"\berror:", r"^FAILED:"):
        for i, line in enumerate(text):
            if re.search(pattern, line):
                return "\n".join(text[i:i + lines])
    return "\n".join(text[-lines:])


def failing_tests(build_dir, binary, gtest_filter=None):
    """Names of the failing tests of one binary (['<timeout>'] or ['<crash>'] if it did not finish)."""
    exe = os.path.join(build_dir, "tests", binary)
    cmd = [exe, "--gtest_brief=1"] + ([f"--gtest_filter={gtest_filter}"] if gtest_filter else [])
    try:
        r = run(cmd, cwd=os.path.join(build_dir, "tests"), timeout=TEST_TIMEOUT)
    except subprocess.TimeoutExpired:
        return ["<timeout>"]
    failed = sorted(set(re.findall(r"^\[  FAILED  \] ([\w/.]+)", r.stdout, re.M)))
    if r.returncode and not failed:
        return [f"<exit status {r.returncode}>"]
    return failed


def baseline(build_dir, jobs, binaries=BINARIES, run_tests=True):
    ok, log = build(build_dir, binaries, jobs)
    if not ok:
        sys.exit("the unmutated scratch tree does not build:\n" + log)
    for b in binaries if run_tests else []:
        failed = failing_tests(build_dir, b)
        if failed:
            sys.exit(f"the unmutated suite already fails ({b}: {', '.join(failed)}); fix that first")


def try_mutant(src, build_dir, mu, jobs):
    """('caught', detail) | ('survived', detail) | ('error', detail)."""
    path = os.path.join(src, mu.file)
    with open(path) as f:
        original = f.read()
    try:
        with open(path, "w") as f:
            f.write(original.replace(mu.find, mu.replace, 1))
        hint_binary, _, hint_filter = mu.caught_by.partition(":")
        ok, log = build(build_dir, [hint_binary], jobs)
        if not ok:
            return "error", "the mutant does not compile:\n" + log
        failed = failing_tests(build_dir, hint_binary, hint_filter or None)
        if failed:
            return "caught", f"{hint_binary}: {', '.join(failed[:4])}"
        ok, log = build(build_dir, BINARIES, jobs)
        if not ok:
            return "error", "the mutant does not compile:\n" + log
        for b in BINARIES:
            failed = failing_tests(build_dir, b)
            if failed:
                return "caught", f"{b}: {', '.join(failed[:4])} (not by caught_by {mu.caught_by}: update it)"
        return "survived", "every unit and golden test passed"
    finally:
        with open(path, "w") as f:
            f.write(original)


def compile_mutant(src, build_dir, mu, jobs):
    """('compiles', detail) | ('error', detail) | ('unbuilt', detail): builds only the caught_by binary."""
    path = os.path.join(src, mu.file)
    with open(path) as f:
        original = f.read()
    binary = mu.caught_by.partition(":")[0]
    # Bring the binary up to date first (the previous mutant's restored file), so that "no work to
    # do" below can only mean the mutated file is not part of it.
    ok, log = build(build_dir, [binary], jobs, full_log=True)
    if not ok:
        sys.exit(f"the unmutated {binary} no longer builds:\n" + first_errors(log))
    try:
        with open(path, "w") as f:
            f.write(original.replace(mu.find, mu.replace, 1))
        ok, log = build(build_dir, [binary], jobs, full_log=True)
        if not ok:
            return "error", "the mutant does not compile:\n" + first_errors(log)
        if "no work to do" in log:
            return "unbuilt", f"{binary} does not build {mu.file}: its tests cannot catch the mutant (caught_by is wrong)"
        return "compiles", f"{binary} builds with it"
    finally:
        with open(path, "w") as f:
            f.write(original)


def changed_files(ref):
    r = run(["git", "diff", "--name-only", ref, "--"], cwd=ROOT)
    if r.returncode:
        sys.exit(f"git diff against {ref} failed: {r.stderr.strip()}")
    return set(r.stdout.split())


def choose(mutants, args):
    if args.names:
        known = {m.name: m for m in mutants}
        unknown = [n for n in args.names if n not in known]
        if unknown:
            sys.exit("no such mutant: " + ", ".join(unknown))
        return [known[n] for n in args.names]
    if args.subset is None:
        return mutants
    # Mutants of files that changed first, then a window of the catalogue that moves with --rotate,
    # so successive runs cover the whole catalogue.
    first = []
    if args.changed_since:
        changed = changed_files(args.changed_since)
        first = [m for m in mutants if m.file in changed]
    start = (args.rotate * args.subset) % len(mutants)
    window = mutants[start:] + mutants[:start]
    chosen = []
    for m in first + window:
        if m not in chosen and len(chosen) < args.subset:
            chosen.append(m)
    return chosen


def compile_sweep(src, build_dir, chosen, mutants, args, t0):
    """--compile-only: every chosen mutant applied and its caught_by binary built; no test runs."""
    labels = {"compiles": "COMPILES", "error": "CATALOGUE ERROR (does not compile)",
              "unbuilt": "CATALOGUE ERROR (caught_by does not build the file)"}
    results = []
    for m in chosen:
        t = time.time()
        outcome, detail = compile_mutant(src, build_dir, m, args.jobs)
        results.append((m, outcome))
        print(f"{labels[outcome]} {m.name} ({time.time() - t:.0f} s)\n          " + detail.replace("\n", "\n          "),
              flush=True)
    bad = [m.name for m, o in results if o != "compiles"]
    print(f"\n{len(results) - len(bad)} compile, {len(bad)} catalogue errors ({len(chosen)} of {len(mutants)} mutants, "
          f"{time.time() - t0:.0f} s)" + (": " + ", ".join(bad) if bad else ""))
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="run only these mutants")
    ap.add_argument("--check", action="store_true", help="only check that every search string matches")
    ap.add_argument("--list", action="store_true", help="list the mutants and the rules they break")
    ap.add_argument("--compile-only", action="store_true",
                    help="only build each chosen mutant's caught_by binary and report whether it compiles; no tests")
    ap.add_argument("--subset", type=int, help="run at most this many mutants")
    ap.add_argument("--rotate", type=int, default=0, help="which window of the catalogue --subset takes")
    ap.add_argument("--changed-since", help="with --subset: mutants of files changed since this git ref first")
    ap.add_argument("--budget", type=float,
                    help="start no new mutant once this many seconds went into mutants (after the scratch build)")
    ap.add_argument("--scratch", default=os.path.join(ROOT, "build", "mutants"))
    ap.add_argument("--in-place", metavar="BUILD_DIR",
                    help="CI only: mutate this clone itself and rebuild in its existing BUILD_DIR, saving a "
                         "second build; refused while the clone has uncommitted changes")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    mutants = load_catalogue()
    if args.list:
        for m in mutants:
            print(f"{m.name:40} {m.file:40} {m.rule}")
        return 0
    problems = [(m, p) for m in mutants if (p := match_problem(ROOT, m))]
    for m, p in problems:
        print(f"CATALOGUE ERROR {m.name} (catalogue.txt line {m.line}): {p}")
    if args.check:
        print(f"{len(mutants) - len(problems)} of {len(mutants)} mutants match the current source")
        return 1 if problems else 0
    if problems:
        return 1

    chosen = choose(mutants, args)
    t0 = time.time()
    if args.in_place:
        dirty = run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT).stdout.strip()
        if dirty:
            sys.exit("--in-place mutates the working tree; refused while it has uncommitted changes:\n" + dirty)
        src, build_dir = ROOT, os.path.abspath(args.in_place)
        if not os.path.exists(os.path.join(build_dir, "build.ninja")):
            sys.exit(f"--in-place: {build_dir} is not a configured Ninja build of this tree")
        # A SIGTERM (CI's timeout) must still restore the mutated file: make it an exception.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
        where = "this tree, in " + build_dir
    else:
        src, build_dir = os.path.join(args.scratch, "src"), os.path.join(args.scratch, "build")
        os.makedirs(src, exist_ok=True)
        sync_scratch(src)
        configure(src, build_dir, args.jobs)
        where = "scratch tree " + args.scratch
    if args.compile_only:
        needed = [b for b in BINARIES if any(m.caught_by.partition(":")[0] == b for m in chosen)]
        baseline(build_dir, args.jobs, needed, run_tests=False)
        print(f"{where}: built in {time.time() - t0:.0f} s; compiling {len(chosen)} of {len(mutants)} mutants",
              flush=True)
        return compile_sweep(src, build_dir, chosen, mutants, args, t0)
    baseline(build_dir, args.jobs)
    print(f"{where}: built and green in {time.time() - t0:.0f} s; running {len(chosen)} of {len(mutants)} mutants",
          flush=True)
    results = []
    t_mutants = time.time()
    for m in chosen:
        if args.budget is not None and time.time() - t_mutants > args.budget:
            print(f"time budget of {args.budget:.0f} s used up; {len(chosen) - len(results)} chosen mutants not run")
            chosen = chosen[:len(results)]
            break
        t = time.time()
        outcome, detail = try_mutant(src, build_dir, m, args.jobs)
        results.append((m, outcome))
        print(f"{outcome.upper():9} {m.name} ({time.time() - t:.0f} s) - {m.rule}\n          {detail}", flush=True)
    counts = {k: sum(1 for _, o in results if o == k) for k in ("caught", "survived", "error")}
    print(f"\n{counts['caught']} caught, {counts['survived']} survived, {counts['error']} catalogue errors "
          f"({len(chosen)} of {len(mutants)} mutants, {time.time() - t0:.0f} s)")
    return 0 if counts["caught"] == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
