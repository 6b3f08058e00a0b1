#!/usr/bin/python3
"""`make bench` part net: wrk against apps/httpserver on linuxu (tap in a
network namespace), on kvm under QEMU (TCG here) on a second tap in the
same namespace and under QEMU user networking (a forwarded port on the
host's 127.0.0.1), and against Debian's nginx serving the same bytes (the
same generated www tree) in a second namespace over a veth pair, all in one
run, interleaved. Also the kvm image's stripped size and the smallest -m
with which it still serves a curl. Appends rows (part, metric, unit,
median, min) to the results TSV.

  bench_net.py <src> <httpserver linuxu image> <work dir> <results.tsv> <reps> <seconds> [<kvm image>]

Needs root, wrk and nginx. Client namespace: tap0 10.78.0.1/24 (linuxu
Kiln at .2), tap1 10.80.0.1/24 (kvm Kiln at .2), veth 10.79.0.1/24 to the
nginx namespace (nginx at 10.79.0.2). The kvm rows are skipped, saying
why, when there is no kvm image or QEMU, or the image does not answer."""
import os, random, re, shutil, signal, socket, statistics, subprocess, sys, time

src, image, work, tsv, reps, secs = sys.argv[1:7]
kvm_image = sys.argv[7] if len(sys.argv) > 7 else ""
reps, secs = int(reps), int(secs)
RUN = os.path.join(src, "support", "run.sh")
pid = os.getpid()
NC, NS = f"kiln-bench-c{pid}", f"kiln-bench-s{pid}"


def sh(*cmd, check=True):
    r = subprocess.run(list(cmd), capture_output=True, text=True)
    if check and r.returncode:
        sys.exit(f"bench net: {' '.join(cmd)}: {r.stderr.strip()}")
    return r


def in_ns(ns, *cmd):
    return ["ip", "netns", "exec", ns, *cmd]


def wrk(url, ns=NC):
    cmd = ["wrk", "-t2", "-c50", f"-d{secs}s", "--timeout", "10s", "--latency", url]
    r = subprocess.run(in_ns(ns, *cmd) if ns else cmd, capture_output=True, text=True, timeout=secs + 60)
    out = r.stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not m:
        return 0.0, {}, True, out + r.stderr
    rps = float(m.group(1))
    lat = {}
    for p, v, u in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        lat[p] = float(v) * {"us": 1, "ms": 1000, "s": 1e6}[u]
    errors = "Socket errors" in out or "Non-2xx" in out
    return rps, lat, errors, out


def free_port():
    rng = random.SystemRandom()
    for _ in range(200):
        p = rng.randrange(20000, 60000)
        try:
            s = socket.socket()
            s.bind(("127.0.0.1", p))
            s.close()
            return p
        except OSError:
            continue
    return 0


def answers(url, ns=NC, tries=100):
    for _ in range(tries):
        cmd = ["curl", "-sf", "--max-time", "5", "-o", "/dev/null", url]
        if subprocess.run(in_ns(ns, *cmd) if ns else cmd).returncode == 0:
            return True
        time.sleep(0.1)
    return False


def start_kvm(args, logname, ns=None):
    """support/run.sh with the kvm image, in its own session (killed whole)."""
    log = open(os.path.join(work, logname), "w")
    cmd = [RUN, "--accel", "tcg", "--image", kvm_image] + args
    return subprocess.Popen(in_ns(ns, *cmd) if ns else cmd, stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)


def stop(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    p.wait()


def smallest_mem(rows):
    """Binary search (64 KiB steps) for the smallest -m with which the kvm
    image boots and serves /hello.txt to curl over QEMU user networking."""
    def serves(kib):
        port = free_port()
        p = start_kvm(["--mem", f"{kib}K", "--net", "user", "--hostfwd", f"{port}:8080", "--", "8080"],
                      f"kvm-mem-{kib}.log")
        try:
            deadline = time.time() + 30
            url = f"http://127.0.0.1:{port}/hello.txt"
            while time.time() < deadline and p.poll() is None:
                r = subprocess.run(["curl", "-s", "--max-time", "3", url], capture_output=True)
                if r.stdout == b"Hello, world!\n":
                    return True
                time.sleep(0.2)
            return False
        finally:
            stop(p)
    lo, hi = 512, 32768
    if not serves(hi):
        print(f"bench: kvm: httpserver does not serve in {hi} KiB; no smallest -m")
        return
    while hi - lo > 64:
        mid = (lo + hi) // 2 // 64 * 64
        if serves(mid):
            hi = mid
        else:
            lo = mid
    print(f"bench: kvm: smallest -m that serves a curl: {hi}K ({lo}K does not)")
    rows.append(("net/image", "httpserver_kvm_smallest_mem_kib", "KiB", hi, hi))


def main():
    if os.geteuid() != 0:
        sys.exit("bench net: needs root (network namespaces, tap)")
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
            sys.exit(f"bench net: {tool} is not installed (apt-get install {tool} nginx-light)")
    www = os.path.join(work, "www")
    shutil.rmtree(www, ignore_errors=True)
    subprocess.run(["/usr/bin/python3", f"{src}/apps/httpserver/gen_www.py", f"{src}/apps/httpserver/www",
                    os.path.join(work, "www.cpp"), www], check=True)
    procs, kvm_procs = [], []
    try:
        for ns in (NC, NS):
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", NC, "tuntap", "add", "dev", "tap0", "mode", "tap")
        sh("ip", "-n", NC, "addr", "add", "10.78.0.1/24", "dev", "tap0")
        sh("ip", "-n", NC, "link", "set", "tap0", "up")
        sh("ip", "-n", NC, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1", "netns", NS)
        sh("ip", "-n", NC, "addr", "add", "10.79.0.1/24", "dev", "veth0")
        sh("ip", "-n", NS, "addr", "add", "10.79.0.2/24", "dev", "veth1")
        sh("ip", "-n", NC, "link", "set", "veth0", "up")
        sh("ip", "-n", NS, "link", "set", "veth1", "up")
        kvm_why = None
        if not kvm_image or not os.path.isfile(kvm_image):
            kvm_why = f"no kvm image ({kvm_image or 'not built'})"
        elif not shutil.which(os.environ.get("QEMU", "qemu-system-x86_64")):
            kvm_why = "qemu-system-x86_64 is not installed"
        if not kvm_why:
            sh("ip", "-n", NC, "tuntap", "add", "dev", "tap1", "mode", "tap")
            sh("ip", "-n", NC, "addr", "add", "10.80.0.1/24", "dev", "tap1")
            sh("ip", "-n", NC, "link", "set", "tap1", "up")
        conf = os.path.join(work, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  types {{ text/html html; text/css css; text/plain txt; application/octet-stream bin; }}
  keepalive_requests 1000000;
  server {{ listen 10.79.0.2:8080; root {www}; index index.html; }}
}}
""")
        log = open(os.path.join(work, "kiln.log"), "w")
        procs.append(subprocess.Popen(in_ns(NC, image, "net.tap=tap0", "net.ip=10.78.0.2/24", "--", "8080"),
                                      stdout=log, stderr=subprocess.STDOUT))
        procs.append(subprocess.Popen(in_ns(NS, "nginx", "-c", conf, "-p", work),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for url in ("http://10.78.0.2:8080/", "http://10.79.0.2:8080/"):
            if not answers(url):
                sys.exit(f"bench net: {url} does not answer")
        variants = [("kiln-linuxu", "http://10.78.0.2:8080/", NC), ("host", "http://10.79.0.2:8080/", NC)]
        user_port = 0
        if not kvm_why:
            # kvm on a tap in the client namespace (QEMU runs in there) ...
            procs.append(start_kvm(["--net", "tap:tap1", "--append", "net.ip=10.80.0.2/24 net.gw=10.80.0.1 --",
                                    "--", "8080"], "kvm-tap.log", ns=NC))
            kvm_procs.append(procs[-1])
            if answers("http://10.80.0.2:8080/", tries=600):
                variants.append(("kiln-kvm-tap", "http://10.80.0.2:8080/", NC))
            else:
                print(f"bench: kvm on a tap does not answer; its row is skipped. Log:\n"
                      f"{open(os.path.join(work, 'kvm-tap.log')).read()[-2000:]}")
            # ... and under QEMU user networking (a forwarded port on the host).
            user_port = free_port()
            procs.append(start_kvm(["--net", "user", "--hostfwd", f"{user_port}:8080", "--", "8080"],
                                   "kvm-user.log"))
            kvm_procs.append(procs[-1])
            if answers(f"http://127.0.0.1:{user_port}/", ns=None, tries=600):
                variants.append(("kiln-kvm-user", f"http://127.0.0.1:{user_port}/", None))
            else:
                print(f"bench: kvm under user networking does not answer; its row is skipped. Log:\n"
                      f"{open(os.path.join(work, 'kvm-user.log')).read()[-2000:]}")
        else:
            print(f"bench: kvm rows skipped: {kvm_why}")
        results = {v: [] for v, _, _ in variants}
        print(f"bench: wrk -t2 -c50 -d{secs}s, {reps} runs each, interleaved: " +
              ", ".join({"kiln-linuxu": "httpserver (linuxu, tap)", "host": "nginx (1 worker, veth)",
                         "kiln-kvm-tap": "httpserver (kvm, QEMU TCG, tap)",
                         "kiln-kvm-user": "httpserver (kvm, QEMU TCG, user net)"}[v] for v, _, _ in variants))
        for _ in range(reps):  # interleaved, so drift affects all alike
            for variant, url, ns in variants:
                rps, lat, errors, out = wrk(url, ns)
                if errors:
                    print(f"bench: {variant}: wrk reported errors:\n{out}")
                results[variant].append((rps, lat))
        rows = []
        if not kvm_why:
            for p in kvm_procs:
                stop(p)
            size = os.path.getsize(kvm_image)
            rows.append(("net/image", "httpserver_kvm_stripped_bytes", "bytes", size, size))
            print(f"bench: kvm: httpserver image {size} bytes stripped ({size / 1024:.0f} KiB)")
            smallest_mem(rows)
        with open(tsv, "a") as f:
            for r in rows:
                f.write("\t".join(str(x) for x in r) + "\n")
            for variant, runs in results.items():
                rows = [("req_per_s", "req/s", [r for r, _ in runs])]
                for p in ("50", "90", "99"):
                    rows.append((f"latency_p{p}", "us", [l.get(p, 0.0) for _, l in runs]))
                for metric, unit, vals in rows:
                    s = sorted(vals)
                    f.write(f"net/{variant}\t{metric}\t{unit}\t{statistics.median(s)}\t{s[0]}\n")
    finally:
        for p in procs:
            if p in kvm_procs:
                stop(p)
            else:
                p.send_signal(signal.SIGKILL)
                p.wait()
        for ns in (NC, NS):
            for p in sh("ip", "netns", "pids", ns, check=False).stdout.split():
                try:
                    os.kill(int(p), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            sh("ip", "netns", "del", ns, check=False)


main()
