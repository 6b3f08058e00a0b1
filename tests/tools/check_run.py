#!/usr/bin/python3
"""Run a command (an image, a script) and check what it printed and its exit status.

  check_run.py [--status N] [--expect TEXT]... [--expect-re REGEX]...
               [--reject TEXT]... [--each-line PREFIX=REGEX]... [--stdin TEXT]
               [--timeout SEC] -- CMD ARGS...

Fails (exit 1) with the reason and the full output when a check does not
hold. Timing is never checked: the timeout only stops a hung command.
"""
import argparse
import re
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--status", type=int, default=0)
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--expect-re", action="append", default=[])
    ap.add_argument("--reject", action="append", default=[])
    ap.add_argument("--each-line", action="append", default=[],
                    help="PREFIX=REGEX: every output line starting with PREFIX must match REGEX")
    ap.add_argument("--stdin", default="")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        sys.exit("check_run.py: no command")
    try:
        stdin = a.stdin.encode().decode("unicode_escape").encode()
        p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=a.timeout)
        out, status = p.stdout.decode(errors="replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        print(f"FAIL: timed out after {a.timeout}s: {' '.join(cmd)}\n--- output ---\n{out}")
        return 1
    except FileNotFoundError:
        print(f"FAIL: {cmd[0]} does not exist (was the test image built?)")
        return 1
    problems = []
    if status != a.status:
        problems.append(f"exit status {status}, expected {a.status}")
    for t in a.expect:
        if t not in out:
            problems.append(f"missing output: {t!r}")
    for r in a.expect_re:
        if not re.search(r, out, re.M):
            problems.append(f"no output matching /{r}/")
    for t in a.reject:
        if t in out:
            problems.append(f"unexpected output: {t!r}")
    for spec in a.each_line:
        prefix, _, rx = spec.partition("=")
        for line in out.splitlines():
            if prefix in line and not re.fullmatch(rx, line):
                problems.append(f"line not whole/garbled: {line!r}")
                break
    if problems:
        print("FAIL: " + "; ".join(problems))
        print(f"command: {' '.join(cmd)}\n--- output ---\n{out}--- end ---")
        return 1
    print(out, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
