#!/usr/bin/python3
"""`make bench` part net: wrk against apps/httpserver on linuxu (tap in a
network namespace) and against Debian's nginx serving the same bytes (the
same generated www tree) in a second namespace over a veth pair, in one
run. Appends rows (part, metric, unit, median, min) to the results TSV.

  bench_net.py <src> <httpserver image> <work dir> <results.tsv> <reps> <seconds>

Needs root, wrk and nginx. Client namespace: tap0 10.78.0.1/24 (Kiln at
.2), veth 10.79.0.1/24 to the nginx namespace (nginx at 10.79.0.2)."""
import os, re, shutil, signal, statistics, subprocess, sys, time

src, image, work, tsv, reps, secs = sys.argv[1:7]
reps, secs = int(reps), int(secs)
pid = os.getpid()
NC, NS = f"kiln-bench-c{pid}", f"kiln-bench-s{pid}"


def sh(*cmd, check=True):
    r = subprocess.run(list(cmd), capture_output=True, text=True)
    if check and r.returncode:
        sys.exit(f"bench net: {' '.join(cmd)}: {r.stderr.strip()}")
    return r


def in_ns(ns, *cmd):
    return ["ip", "netns", "exec", ns, *cmd]


def wrk(url):
    r = subprocess.run(in_ns(NC, "wrk", "-t2", "-c50", f"-d{secs}s", "--latency", url),
                       capture_output=True, text=True, timeout=secs + 60)
    out = r.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for p, v, u in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        lat[p] = float(v) * {"us": 1, "ms": 1000, "s": 1e6}[u]
    errors = "Socket errors" in out or "Non-2xx" in out
    return rps, lat, errors, out


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
    procs = []
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
            for _ in range(100):
                if subprocess.run(in_ns(NC, "curl", "-sf", "-o", "/dev/null", url)).returncode == 0:
                    break
                time.sleep(0.1)
            else:
                sys.exit(f"bench net: {url} does not answer")
        results = {"kiln-linuxu": [], "host": []}
        print(f"bench: wrk -t2 -c50 -d{secs}s, {reps} runs each: httpserver (linuxu, tap) and nginx (1 worker, veth)")
        for _ in range(reps):  # interleaved, so drift affects both alike
            for variant, url in (("kiln-linuxu", "http://10.78.0.2:8080/"), ("host", "http://10.79.0.2:8080/")):
                rps, lat, errors, out = wrk(url)
                if errors:
                    print(f"bench: {variant}: wrk reported errors:\n{out}")
                results[variant].append((rps, lat))
        with open(tsv, "a") as f:
            for variant, runs in results.items():
                rows = [("req_per_s", "req/s", [r for r, _ in runs])]
                for p in ("50", "90", "99"):
                    rows.append((f"latency_p{p}", "us", [l.get(p, 0.0) for _, l in runs]))
                for metric, unit, vals in rows:
                    s = sorted(vals)
                    f.write(f"net/{variant}\t{metric}\t{unit}\t{statistics.median(s)}\t{s[0]}\n")
    finally:
        for p in procs:
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
