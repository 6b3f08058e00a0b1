#!/usr/bin/python3
"""Run a command (an image, a script) and check what it printed and its exit status.

  check_run.py [--status N] [--expect TEXT]... [--expect-re REGEX]...
               [--reject TEXT]... [--each-line PREFIX=REGEX]... [--stdin TEXT]
               [--timeout SEC] [--signal-after TEXT=SIGNAME] -- CMD ARGS...

--signal-after: once TEXT appears in the output, send SIGNAME (e.g. SIGTERM)
to the command (a process the test harness started: linuxu images).

Fails (exit 1) with the reason and the full output when a check does not
hold. Timing is never checked: the timeout only stops a hung command.
"""
import argparse
import re
import signal
import subprocess
import sys
import threading


def run_and_signal(cmd, stdin, spec, timeout):
    """Run cmd; when its output first contains TEXT, send it SIGNAME."""
    text, _, name = spec.rpartition("=")
    sig = getattr(signal, name)
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    p.stdin.write(stdin)
    p.stdin.close()
    buf = bytearray()
    sent = False

    def reader():
        nonlocal sent
        while True:
            chunk = p.stdout.read1(4096)
            if not chunk:
                return
            buf.extend(chunk)
            if not sent and text.encode() in buf:
                sent = True
                p.send_signal(sig)

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    try:
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        raise subprocess.TimeoutExpired(cmd, timeout, output=bytes(buf))
    t.join(5)
    return buf.decode(errors="replace"), p.returncode


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
    ap.add_argument("--signal-after", default=None, help="TEXT=SIGNAME")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        sys.exit("check_run.py: no command")
    try:
        stdin = a.stdin.encode().decode("unicode_escape").encode()
        if a.signal_after:
            out, status = run_and_signal(cmd, stdin, a.signal_after, a.timeout)
        else:
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
