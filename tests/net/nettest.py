#!/usr/bin/python3
"""Network integration tests: a linuxu image on a tap device inside a
network namespace made here, real clients (curl, nc, ping, wrk, python
sockets) from inside that namespace. Only addresses in the namespace are
ever targeted; the namespace and everything in it go away at the end.

  nettest.py <test> <image>      tests: http, malformed, wrk, echo, ping, idle, denied

Needs root (netns, tap). Prints the reason of a failure and exits 1."""
import os, random, re, shutil, signal, socket, subprocess, sys, time

HOST, GUEST = "10.77.0.1", "10.77.0.2"
PORT = 8080


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


def sh(*cmd, check=True, **kw):
    r = subprocess.run(list(cmd), capture_output=True, text=True, **kw)
    if check and r.returncode != 0:
        fail(f"{' '.join(cmd)}: status {r.returncode}: {r.stderr.strip() or r.stdout.strip()}")
    return r


# --- outer: namespace and tap ---------------------------------------------------

def outer(test, image):
    if os.geteuid() != 0:
        fail("network tests need root (network namespaces and tap devices); run `make test` as root")
    for tool in ("ip", "curl", "nc", "ping", "wrk"):
        if not shutil.which(tool):
            fail(f"{tool} is not installed; run support/setup.sh")
    if not os.access(image, os.X_OK):
        fail(f"{image} is missing (build the test images: support/test.sh)")
    ns = f"kiln-net-{os.getpid()}"
    sh("ip", "netns", "add", ns)
    try:
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", ns, "tuntap", "add", "dev", "tap0", "mode", "tap")
        sh("ip", "-n", ns, "addr", "add", f"{HOST}/24", "dev", "tap0")
        sh("ip", "-n", ns, "link", "set", "tap0", "up")
        r = subprocess.run(["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__),
                            "--inner", test, image])
        return r.returncode
    finally:
        # Whatever still runs in the namespace was started by this test.
        pids = sh("ip", "netns", "pids", ns, check=False).stdout.split()
        for p in pids:
            try:
                os.kill(int(p), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        sh("ip", "netns", "del", ns, check=False)


# --- inner: runs inside the namespace ---------------------------------------------

class Image:
    def __init__(self, image, args, ready):
        self.log = open(f"/tmp/kiln-nettest-{os.getpid()}.log", "w+")
        self.p = subprocess.Popen([image, "net.tap=tap0", f"net.ip={GUEST}/24", f"net.gw={HOST}", "--"] + args,
                                  stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            if ready in self.output():
                return
            if self.p.poll() is not None:
                fail(f"image exited with status {self.p.returncode} before it was ready:\n{self.output()}")
            time.sleep(0.05)
        fail(f"image not ready after 10 s (no '{ready}'):\n{self.output()}")

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def alive(self):
        if self.p.poll() is not None:
            fail(f"image exited with status {self.p.returncode}:\n{self.output()}")

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def curl(*args):
    return subprocess.run(["curl", "-sS", "--max-time", "10", *args], capture_output=True)


def expect_status(url, code, *extra):
    r = curl("-o", "/dev/null", "-w", "%{http_code}", *extra, url)
    got = r.stdout.decode()
    if got != str(code):
        fail(f"curl {' '.join(extra)} {url}: expected HTTP {code}, got '{got}' ({r.stderr.decode().strip()})")


def raw_exchange(data, timeout=5, shut=True):
    """Send raw bytes, return everything the server sends until it closes."""
    s = socket.create_connection((GUEST, PORT), timeout=timeout)
    s.sendall(data)
    if shut:
        s.shutdown(socket.SHUT_WR)
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return out


def still_serves(img, what):
    img.alive()
    r = curl(f"http://{GUEST}:{PORT}/hello.txt")
    if r.returncode != 0 or r.stdout != b"Hello, world!\n":
        fail(f"server no longer answers after {what}: {r.stderr.decode().strip()}\n{img.output()}")


def test_http(image):
    img = Image(image, [str(PORT)], "listening on port")
    base = f"http://{GUEST}:{PORT}"
    r = curl("-i", base + "/")
    text = r.stdout.decode(errors="replace")
    head, _, body = text.partition("\r\n\r\n")
    if not head.startswith("HTTP/1.1 200"):
        fail(f"GET / did not answer 200:\n{text[:500]}")
    m = re.search(r"(?im)^content-length: (\d+)\r?$", head)
    if not m or int(m.group(1)) != len(body.encode()):
        fail(f"Content-Length {m and m.group(1)} does not match the body ({len(body.encode())} bytes)")
    if "Hello from Kiln" not in body or not re.search(r"(?im)^content-type: text/html", head):
        fail(f"GET / returned the wrong page or type:\n{text[:500]}")
    print("ok: GET / 200 with a matching Content-Length")

    r = curl("-v", base + "/", base + "/hello.txt", base + "/style.css")
    err = r.stderr.decode()
    if err.count("Re-using existing connection") < 2 or err.count("Connected to") != 1:
        fail(f"keep-alive: curl opened more than one connection for three URLs:\n{err}")
    if b"Hello, world!\n" not in r.stdout:
        fail("keep-alive: second response body is wrong")
    print("ok: keep-alive (three requests, one connection)")

    r = curl("-I", base + "/hello.txt")
    out = r.stdout.decode()
    if not out.startswith("HTTP/1.1 200") or not re.search(r"(?im)^content-length: 14\r?$", out):
        fail(f"HEAD /hello.txt:\n{out}")
    raw = raw_exchange(b"HEAD /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    if not raw.endswith(b"\r\n\r\n") or b"Hello" in raw:
        fail(f"HEAD sent a body: {raw!r}")
    print("ok: HEAD (headers, Content-Length of the GET body, no body)")

    expect_status(base + "/missing", 404)
    expect_status(base + "/", 405, "-X", "POST", "-d", "x=1")
    expect_status(base + "/", 405, "-X", "DELETE")
    raw = raw_exchange(b"GET / HTTP/1.1\r\nHost x\r\n\r\n")
    if not raw.startswith(b"HTTP/1.1 400"):
        fail(f"header without colon: expected 400, got {raw[:80]!r}")
    raw = raw_exchange(b"GET / HTTP/1.1\r\n\r\n")
    if not raw.startswith(b"HTTP/1.1 400"):
        fail(f"HTTP/1.1 without Host: expected 400, got {raw[:80]!r}")
    raw = raw_exchange(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    if raw.count(b"HTTP/1.1 200") != 2 or not raw.endswith(b"Hello, world!\n"):
        fail(f"two pipelined requests: {raw[-200:]!r}")
    print("ok: 404, 405, 400, pipelining")
    still_serves(img, "the HTTP checks")
    img.stop()


def test_malformed(image):
    img = Image(image, [str(PORT)], "listening on port")
    # Truncated request, then the client half-closes: no answer, no crash.
    raw_exchange(b"GET /index.html HTTP/1.1\r\nHost: x\r\nUser-Ag")
    still_serves(img, "a truncated request")
    # Oversized headers: 431 and close.
    raw = raw_exchange(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
    if not raw.startswith(b"HTTP/1.1 431"):
        fail(f"oversized header: expected 431, got {raw[:80]!r}")
    raw = raw_exchange(b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Many: y\r\n" * 2000)
    if not raw.startswith(b"HTTP/1.1 431"):
        fail(f"too many headers without an end: expected 431, got {raw[:80]!r}")
    still_serves(img, "oversized headers")
    # Random bytes.
    rng = random.Random(42)
    for i in range(20):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000))) + b"\r\n\r\n"
        raw = raw_exchange(data)
        if raw and not re.match(rb"HTTP/1\.1 (400|404|405|431|501|505) ", raw):
            fail(f"random bytes {i}: unexpected answer {raw[:80]!r}")
    still_serves(img, "random bytes")
    # Half-open connections: connect, send nothing or half a line, keep them open.
    idle = []
    for i in range(20):
        s = socket.create_connection((GUEST, PORT), timeout=5)
        if i % 2:
            s.sendall(b"GET / HT")
        idle.append(s)
    still_serves(img, "20 half-open connections (while they stay open)")
    # A connection reset in the middle of a request.
    s = socket.create_connection((GUEST, PORT), timeout=5)
    s.sendall(b"GET / HTTP/1.1\r\n")
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()
    for s in idle:
        s.close()
    still_serves(img, "resets and closing the half-open connections")
    # A body with a GET is skipped; the next request on the connection works.
    raw = raw_exchange(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /hello.txt HTTP/1.1\r\n"
                       b"Host: x\r\nConnection: close\r\n\r\n")
    if raw.count(b"HTTP/1.1 200") != 2:
        fail(f"request with a body, then another: {raw[:200]!r}")
    print("ok: truncated, oversized (431), random bytes, half-open, reset; still serving")
    img.stop()


def test_wrk(image):
    img = Image(image, [str(PORT)], "listening on port")
    r = subprocess.run(["wrk", "-t2", "-c50", "-d3s", "--latency", f"http://{GUEST}:{PORT}/"],
                       capture_output=True, text=True, timeout=60)
    out = r.stdout
    print(out)
    if r.returncode != 0:
        fail(f"wrk status {r.returncode}: {r.stderr}")
    if "Socket errors" in out:
        fail("wrk reported socket errors")
    if "Non-2xx" in out:
        fail("wrk saw non-2xx responses")
    m = re.search(r"(\d+) requests in", out)
    if not m or int(m.group(1)) < 100:
        fail("wrk completed fewer than 100 requests")
    still_serves(img, "wrk")
    print("ok: wrk 50 connections, no socket errors, only 2xx; still serving")
    img.stop()


def test_echo(image):
    img = Image(image, ["7007"], "listening on tcp and udp port 7007")
    r = subprocess.run(["nc", "-q", "1", "-w", "5", GUEST, "7007"], input=b"hello over tcp\n", capture_output=True)
    if r.stdout != b"hello over tcp\n":
        fail(f"TCP echo: got {r.stdout!r} ({r.stderr!r})")
    big = bytes(random.Random(1).randrange(256) for _ in range(200000))
    s = socket.create_connection((GUEST, 7007), timeout=10)
    s.sendall(big)
    s.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        got += b
    s.close()
    if got != big:
        fail(f"TCP echo of 200000 bytes: got {len(got)} bytes back, equal={got == big}")
    r = subprocess.run(["nc", "-u", "-w", "1", GUEST, "7007"], input=b"hello over udp\n", capture_output=True)
    if r.stdout != b"hello over udp\n":
        fail(f"UDP echo: got {r.stdout!r} ({r.stderr!r})")
    print("ok: echo over TCP (nc, 200000 bytes) and UDP (nc)")
    img.stop()


def test_ping(image):
    img = Image(image, ["7007"], "listening on tcp")
    r = subprocess.run(["ping", "-c", "5", "-i", "0.2", "-W", "2", GUEST], capture_output=True, text=True)
    print(r.stdout.strip().splitlines()[-2:])
    if r.returncode != 0 or " 0% packet loss" not in r.stdout:
        fail(f"ping: {r.stdout}{r.stderr}")
    r = subprocess.run(["ping", "-c", "3", "-i", "0.2", "-s", "4000", GUEST], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"ping with 4000-byte payload (fragmented): {r.stdout}{r.stderr}")
    print("ok: ping (and fragmented ping)")
    img.stop()


def cpu_ticks(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])


def test_idle(image):
    img = Image(image, [str(PORT)], "listening on port")
    time.sleep(0.5)
    t0 = cpu_ticks(img.p.pid)
    time.sleep(2)
    used = cpu_ticks(img.p.pid) - t0
    hz = os.sysconf("SC_CLK_TCK")
    if used > hz // 10:
        fail(f"an idle networked image used {used} ticks of CPU in 2 s (it should sleep in ppoll)")
    r = subprocess.run(["ping", "-c", "1", "-W", "2", GUEST], capture_output=True, text=True)
    if r.returncode != 0:
        fail("an idle image did not wake up for a ping")
    print(f"ok: idle image used {used} CPU ticks in 2 s and woke for a ping")
    img.stop()


def test_denied(image):
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", image,
                        "net.tap=tap0", f"net.ip={GUEST}/24", "--", str(PORT)],
                       capture_output=True, text=True, timeout=10)
    out = r.stdout + r.stderr
    if r.returncode != 125 or not re.search(r"kiln: error: linuxu: net\.tap=tap0: (cannot open /dev/net/tun|TUNSETIFF failed)", out):
        fail(f"without the right to the tap: expected status 125 and one error line, got {r.returncode}:\n{out}")
    print(f"ok: no right to the tap: {out.strip().splitlines()[0]}")


TESTS = {"http": test_http, "malformed": test_malformed, "wrk": test_wrk, "echo": test_echo,
         "ping": test_ping, "idle": test_idle, "denied": test_denied}

if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--inner":
        TESTS[sys.argv[2]](sys.argv[3])
        print("PASS")
        sys.exit(0)
    if len(sys.argv) != 3 or sys.argv[1] not in TESTS:
        print(__doc__)
        sys.exit(2)
    sys.exit(outer(sys.argv[1], sys.argv[2]))
