#!/usr/bin/python3
"""Network integration tests with real clients (curl, nc, ping, wrk, python
sockets) against an image started through support/run.sh, on one of two
kinds of network:

  tap   (default) a tap device in a network namespace made here; the image
        is a linuxu process on it (run.sh --net tap:tap0 -> net.tap=tap0) or
        a kvm image under QEMU on it (run.sh --net tap:tap0 -> -netdev tap).
        Host side 10.77.0.1 and fd77::1, the image at 10.77.0.2 (static) or
        whatever DHCP gives it. Needs root; only addresses in the namespace
        are ever targeted, and the namespace goes away at the end.
  user  a kvm image under QEMU user networking (run.sh --net user) with
        ports forwarded from 127.0.0.1 (free ports chosen at random). No
        root, no namespace.

  nettest.py <test> <image> [--user] [runner flags...]
      tests: http malformed wrk echo ping idle denied dhcp dhcp_late dns ipv6
             conns10k conns2k connlimit
      runner flags (e.g. --machine q35 --net-model pci-legacy) go to run.sh

Prints the reason of a failure and exits 1."""
import json, os, random, re, shutil, signal, socket, subprocess, sys, tempfile, time

HOST, GUEST = "10.77.0.1", "10.77.0.2"
HOST6 = "fd77::1"
PORT, ECHO = 8080, 7007
MAC = "02:4b:4e:00:00:02"
# EUI-64 of MAC: the addresses lwIP gives itself (link-local and SLAAC).
LL6, SLAAC6 = f"fe80::4b:4eff:fe00:2", f"fd77::4b:4eff:fe00:2"
RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support", "run.sh")

# Where the clients connect: set up by inner() from the configuration.
CFG = {}
ADDR = GUEST
HTTP_PORT, ECHO_PORT = PORT, ECHO


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


def sh(*cmd, check=True, **kw):
    r = subprocess.run(list(cmd), capture_output=True, text=True, **kw)
    if check and r.returncode != 0:
        fail(f"{' '.join(cmd)}: status {r.returncode}: {r.stderr.strip() or r.stdout.strip()}")
    return r


def is_kvm(image):
    return "_kvm-" in os.path.basename(image)


# --- outer: namespace and tap ---------------------------------------------------

def outer(test, image, user, runflags):
    kvm = is_kvm(image)
    tools = ["curl", "nc"] + (["qemu-system-x86_64"] if kvm else [])
    if not user:
        tools += ["ip", "ping", "wrk", "dnsmasq"]
    for tool in tools:
        if not shutil.which(tool):
            fail(f"{tool} is not installed; run support/setup.sh")
    if not os.access(image, os.R_OK if kvm else os.X_OK):
        fail(f"{image} is missing (build the test images: support/test.sh)")
    cfg = {"test": test, "image": image, "user": user, "kvm": kvm, "runflags": runflags}
    if user:
        if not kvm:
            fail("--user (QEMU user networking) is for kvm images")
        return inner(cfg)
    if os.geteuid() != 0:
        fail("network tests need root (network namespaces and tap devices); run `make test` as root")
    ns = f"kiln-net-{os.getpid()}"
    sh("ip", "netns", "add", ns)
    try:
        # No duplicate address detection in here: the host side's addresses
        # are usable at once (dnsmasq binds to them).
        sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
           "net.ipv6.conf.default.accept_dad=0")
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", ns, "tuntap", "add", "dev", "tap0", "mode", "tap")
        sh("ip", "-n", ns, "addr", "add", f"{HOST}/24", "dev", "tap0")
        sh("ip", "-n", ns, "addr", "add", f"{HOST6}/64", "dev", "tap0", "nodad")
        sh("ip", "-n", ns, "link", "set", "tap0", "up")
        r = subprocess.run(["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__),
                            "--inner", json.dumps(cfg)])
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


# --- inner: runs inside the namespace (tap) or on the host (user) -----------------

def free_port():
    """A port free on 127.0.0.1 for both TCP and UDP, picked at random."""
    rng = random.SystemRandom()
    for _ in range(200):
        p = rng.randrange(20000, 60000)
        try:
            for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                s = socket.socket(socket.AF_INET, kind)
                s.bind(("127.0.0.1", p))
                s.close()
            return p
        except OSError:
            continue
    fail("no free port on 127.0.0.1")


class Image:
    """The image under test, started with support/run.sh."""

    def __init__(self, args, ready, opts=None, image=None, expect_exit=False):
        image = image or CFG["image"]
        if opts is None:
            opts = [] if CFG["user"] else [f"net.ip={GUEST}/24", f"net.gw={HOST}"]
        if CFG["user"]:
            net = ["--net", "user", "--hostfwd", f"tcp:{HTTP_PORT}:{PORT}",
                   "--hostfwd", f"tcp:{ECHO_PORT}:{ECHO}", "--hostfwd", f"udp:{ECHO_PORT}:{ECHO}"]
        else:
            net = ["--net", "tap:tap0", "--mac", MAC]
        cmd = [RUN, "--image", image] + net + CFG["runflags"] + \
              ["--append", " ".join(["log.level=info"] + opts + ["--"]), "--"] + args
        fd, path = tempfile.mkstemp(prefix="kiln-nettest-", suffix=".log")
        os.close(fd)
        # Append mode: the image writes at the end whatever offset output()
        # seeks to while reading (the child shares this file description).
        self.log = open(path, "a+")
        os.unlink(path)
        self.p = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  start_new_session=True)
        # TCG boots and DHCP take their time; linuxu is ready in well under a second.
        limit = 90 if CFG["kvm"] else 20
        deadline = time.time() + limit
        while time.time() < deadline:
            if ready in self.output():
                self.check_transport()
                return
            if self.p.poll() is not None:
                if expect_exit:
                    return
                fail(f"image exited with status {self.p.returncode} before it was ready:\n{self.output()}")
            time.sleep(0.05)
        self.stop()
        fail(f"image not ready after {limit} s (no '{ready}'):\n{self.output()}")

    def check_transport(self):
        """kvm: the virtio-net device is driven through the transport the
        runner's --net-model asked for."""
        if not CFG["kvm"]:
            return
        rf = CFG["runflags"]
        model = rf[rf.index("--net-model") + 1] if "--net-model" in rf else "auto"
        machine = rf[rf.index("--machine") + 1] if "--machine" in rf else "microvm"
        if model == "auto":
            model = "mmio" if machine == "microvm" else "pci"
        want = {"mmio": r"mmio-v[12]", "pci": r"pci-modern", "pci-modern": r"pci-modern",
                "pci-legacy": r"pci-legacy"}[model]
        if not re.search(rf"virtio-net: eth0: [^\n]*\({want}\), mac ", self.output()):
            self.stop()
            fail(f"--net-model {model} on {machine}: expected the device driven as {want}:\n{self.output()}")

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def alive(self):
        if self.p.poll() is not None:
            fail(f"image exited with status {self.p.returncode}:\n{self.output()}")

    def wait(self, timeout):
        try:
            return self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            fail(f"image did not finish within {timeout} s:\n{self.output()}")

    def stop(self):
        if self.p.poll() is None:
            # run.sh ends QEMU on SIGTERM; a linuxu image is run.sh itself.
            self.p.terminate()
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.p.pid, signal.SIGKILL)  # the session this test started
        except ProcessLookupError:
            pass
        self.p.wait()


def need_tap(what):
    if CFG["user"]:
        fail(f"{what} needs the tap setup (it cannot run over QEMU user networking)")


def need_linuxu(what):
    if CFG["kvm"]:
        fail(f"{what} is a linuxu test")


def curl(*args):
    return subprocess.run(["curl", "-sS", "--max-time", "20", *args], capture_output=True)


def expect_status(url, code, *extra):
    r = curl("-o", "/dev/null", "-w", "%{http_code}", *extra, url)
    got = r.stdout.decode()
    if got != str(code):
        fail(f"curl {' '.join(extra)} {url}: expected HTTP {code}, got '{got}' ({r.stderr.decode().strip()})")


def raw_exchange(data, timeout=10, shut=True):
    """Send raw bytes, return everything the server sends until it closes."""
    s = socket.create_connection((ADDR, HTTP_PORT), timeout=timeout)
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


def still_serves(img, what, addr=None):
    img.alive()
    r = curl(f"http://{addr or ADDR}:{HTTP_PORT}/hello.txt")
    if r.returncode != 0 or r.stdout != b"Hello, world!\n":
        fail(f"server no longer answers after {what}: {r.stderr.decode().strip()}\n{img.output()}")


def check_user_net_lease(img):
    """Under QEMU user networking the image takes slirp's DHCP lease."""
    if CFG["user"] and not re.search(r"net: eth0: 10\.0\.2\.15 netmask 255\.255\.255\.0 gw 10\.0\.2\.2 dns 10\.0\.2\.3 \(dhcp\)",
                                     img.output()):
        fail(f"user networking: expected the DHCP lease 10.0.2.15 from QEMU:\n{img.output()}")


def test_http(image):
    img = Image([str(PORT)], "listening on port")
    check_user_net_lease(img)
    base = f"http://{ADDR}:{HTTP_PORT}"
    r = curl("-i", base + "/")
    text = r.stdout.decode(errors="replace")
    head, _, body = text.partition("\r\n\r\n")
    if not head.startswith("HTTP/1.1 200"):
        fail(f"GET / did not answer 200 ({r.stderr.decode().strip()}):\n{text[:500]}\n{img.output()}")
    m = re.search(r"(?im)^content-length: (\d+)\r?$", head)
    if not m or int(m.group(1)) != len(body.encode()):
        fail(f"Content-Length {m and m.group(1)} does not match the body ({len(body.encode())} bytes)")
    if "Hello from Kiln" not in body or not re.search(r"(?im)^content-type: text/html", head):
        fail(f"GET / returned the wrong page or type:\n{text[:500]}")
    if not re.search(r"(?im)^server: kiln-httpserver\r?$", head):
        fail(f"GET /: no Server header:\n{head}")
    print("ok: GET / 200 with a matching Content-Length, Content-Type and Server headers")

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

    r = curl("-o", "-", base + "/data/16k.bin")
    if r.returncode != 0 or len(r.stdout) != 16384:
        fail(f"GET /data/16k.bin: {len(r.stdout)} bytes ({r.stderr.decode().strip()})")
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
    print("ok: 16 KiB file, 404, 405, 400, pipelining")
    still_serves(img, "the HTTP checks")
    img.stop()


def test_malformed(image):
    img = Image([str(PORT)], "listening on port")
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
        s = socket.create_connection((ADDR, HTTP_PORT), timeout=10)
        if i % 2:
            s.sendall(b"GET / HT")
        idle.append(s)
    still_serves(img, "20 half-open connections (while they stay open)")
    # A connection reset in the middle of a request.
    s = socket.create_connection((ADDR, HTTP_PORT), timeout=10)
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
    img = Image([str(PORT)], "listening on port")
    r = subprocess.run(["wrk", "-t2", "-c50", "-d3s", "--timeout", "10s", "--latency", f"http://{ADDR}:{HTTP_PORT}/"],
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
    img = Image([str(ECHO)], f"listening on tcp and udp port {ECHO}")
    check_user_net_lease(img)
    r = subprocess.run(["nc", "-q", "1", "-w", "10", ADDR, str(ECHO_PORT)], input=b"hello over tcp\n",
                       capture_output=True)
    if r.stdout != b"hello over tcp\n":
        fail(f"TCP echo: got {r.stdout!r} ({r.stderr!r})\n{img.output()}")
    big = bytes(random.Random(1).randrange(256) for _ in range(200000))
    s = socket.create_connection((ADDR, ECHO_PORT), timeout=20)
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
    # UDP: nc waits 2 s for the answer (TCG may be slow to the first one).
    r = subprocess.run(["nc", "-u", "-w", "2", ADDR, str(ECHO_PORT)], input=b"hello over udp\n", capture_output=True)
    if r.stdout != b"hello over udp\n":
        fail(f"UDP echo: got {r.stdout!r} ({r.stderr!r})")
    print(f"ok: echo over TCP (nc, 200000 bytes) and UDP (nc) at {ADDR} port {ECHO_PORT}")
    img.stop()


def test_ping(image):
    need_tap("ping")
    img = Image([str(ECHO)], "listening on tcp")
    r = subprocess.run(["ping", "-c", "5", "-i", "0.2", "-W", "5", GUEST], capture_output=True, text=True)
    print(r.stdout.strip().splitlines()[-2:])
    if r.returncode != 0 or " 0% packet loss" not in r.stdout:
        fail(f"ping: {r.stdout}{r.stderr}")
    r = subprocess.run(["ping", "-c", "3", "-i", "0.2", "-W", "5", "-s", "4000", GUEST], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"ping with 4000-byte payload (fragmented): {r.stdout}{r.stderr}")
    print("ok: ping (and fragmented ping)")
    img.stop()


def cpu_ticks(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])


def test_idle(image):
    need_tap("idle")
    need_linuxu("idle")
    img = Image([str(PORT)], "listening on port")
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
    need_tap("denied")
    need_linuxu("denied")
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", RUN, "--image", image,
                        "--net", "tap:tap0", "--append", f"net.ip={GUEST}/24 --", "--", str(PORT)],
                       capture_output=True, text=True, timeout=20)
    out = r.stdout + r.stderr
    if r.returncode != 125 or not re.search(r"kiln: error: linuxu: net\.tap=tap0: (cannot open /dev/net/tun|TUNSETIFF failed)", out):
        fail(f"without the right to the tap: expected status 125 and one error line, got {r.returncode}:\n{out}")
    print(f"ok: no right to the tap: {out.strip().splitlines()[0]}")


# --- DHCP, DNS and IPv6: dnsmasq on the namespace's tap ------------------------------

class Dnsmasq:
    """DHCP (10.77.0.50-99), router advertisements for fd77::/64 (SLAAC) and
    DNS with local records, on tap0 inside the test's namespace."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="kiln-dnsmasq-")
        self.logf = os.path.join(self.dir, "log")
        self.leases = os.path.join(self.dir, "leases")
        self.p = subprocess.Popen(
            ["dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
             "--interface=tap0", "--bind-interfaces", "--user=root", "--group=root",
             f"--pid-file={self.dir}/pid", f"--dhcp-leasefile={self.leases}", f"--log-facility={self.logf}",
             "--log-dhcp", "--log-queries",
             "--dhcp-range=10.77.0.50,10.77.0.99,255.255.255.0,1h", "--dhcp-option=option:router,10.77.0.1",
             "--dhcp-range=fd77::,ra-only,64,1h", "--enable-ra",
             f"--host-record=kiln-host.test,{HOST},{HOST6}", "--address=/v4only.test/10.77.0.9",
             "--mx-host=kiln-host.test,mail.kiln-host.test,10",
             "--local=/test/"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 10
        while "sockets bound exclusively" not in self.log():
            if self.p.poll() is not None:
                fail(f"dnsmasq exited with status {self.p.returncode}: {self.p.stderr.read().decode()}")
            if time.time() > deadline:
                fail(f"dnsmasq not ready:\n{self.log()}")
            time.sleep(0.05)

    def log(self):
        try:
            return open(self.logf).read()
        except FileNotFoundError:
            return ""

    def stop(self):
        self.p.kill()
        self.p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def test_dhcp(image):
    need_tap("dhcp")
    dns = Dnsmasq()
    img = Image([str(PORT)], "listening on port", opts=["net.dhcp_wait=60"])
    out = img.output()
    m = re.search(r"net: (\w+): (10\.77\.0\.\d+) netmask 255\.255\.255\.0 gw 10\.77\.0\.1 dns 10\.77\.0\.1 \(dhcp\)", out)
    if not m:
        fail(f"no DHCP lease from dnsmasq in the boot log (address, netmask, gateway, DNS):\n{out}\n{dns.log()}")
    addr = m.group(2)
    if not 50 <= int(addr.rsplit(".", 1)[1]) <= 99:
        fail(f"leased address {addr} is outside dnsmasq's range")
    leases = open(dns.leases).read()
    if addr not in leases or MAC not in leases:
        fail(f"dnsmasq has no lease for {addr} / {MAC}: {leases!r}")
    print(f"ok: DHCP lease {addr} (gateway and DNS 10.77.0.1) from dnsmasq, also in its lease file")
    r = subprocess.run(["ping", "-c", "3", "-i", "0.2", "-W", "5", addr], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"ping {addr}: {r.stdout}{r.stderr}")
    still_serves(img, "the lease", addr=addr)
    r = curl("-i", f"http://{addr}:{HTTP_PORT}/")
    if not r.stdout.startswith(b"HTTP/1.1 200") or b"Hello from Kiln" not in r.stdout:
        fail(f"curl http://{addr}:{HTTP_PORT}/: {r.stdout[:200]!r} {r.stderr.decode().strip()}")
    print(f"ok: ping and curl at the leased address {addr}")
    img.stop()
    dns.stop()


def test_dhcp_late(image):
    """No DHCP server at boot: the image gives up waiting after
    net.dhcp_wait, main runs; a server that comes later still gives it a
    lease (DHCP keeps trying), logged, and the app answers there."""
    need_tap("dhcp_late")
    img = Image([str(PORT)], "listening on port", opts=["net.dhcp_wait=1"])
    if not re.search(r"net: \w+: no DHCP lease after 1 s; continuing, DHCP keeps trying", img.output()):
        fail(f"no warning about the missing lease:\n{img.output()}")
    print("ok: no DHCP server: the boot went on after 1 s with a warning and the app runs")
    dns = Dnsmasq()
    deadline = time.time() + 120
    rx = r"net: (\w+): (10\.77\.0\.\d+) netmask 255\.255\.255\.0 gw 10\.77\.0\.1 dns 10\.77\.0\.1 \(dhcp, after boot\)"
    while not re.search(rx, img.output()):
        img.alive()
        if time.time() > deadline:
            fail(f"no lease within 120 s of dnsmasq starting:\n{img.output()}\n{dns.log()}")
        time.sleep(0.2)
    addr = re.search(rx, img.output()).group(2)
    still_serves(img, "the late lease", addr=addr)
    print(f"ok: dnsmasq started later: lease {addr} taken and logged; curl answers there")
    img.stop()
    dns.stop()


def test_dns(image):
    """netprobe (tests/apps/netprobe) with its address and DNS server from
    DHCP: names served by dnsmasq resolve (A, AAAA, gethostbyname), an
    unknown name fails, and it fetches a page from a web server in the
    namespace by name and over IPv6 (when the image has IPv6)."""
    need_tap("dns")
    dns = Dnsmasq()
    www = tempfile.mkdtemp(prefix="kiln-www-")
    with open(os.path.join(www, "probe.txt"), "w") as f:
        f.write("probe page\n" * 100)
    web = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "::", "--directory", www, "8000"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # A UDP echo on the host side, answering in upper case (so the answer
    # cannot be the image's own datagram looped back).
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((HOST, 7777))

    def udp_echo():
        while True:
            try:
                data, peer = udp.recvfrom(2048)
            except OSError:
                return
            udp.sendto(data.upper(), peer)
    import threading
    threading.Thread(target=udp_echo, daemon=True).start()
    try:
        deadline = time.time() + 10
        while subprocess.run(["curl", "-s", "-o", "/dev/null", f"http://{HOST}:8000/probe.txt"]).returncode != 0:
            if time.time() > deadline:
                fail("the namespace's web server did not start")
            time.sleep(0.1)
        cmds = ["resolve", "kiln-host.test", "4", "resolve", "v4only.test", "resolve", "nosuch.test",
                "byname", "kiln-host.test", "get", "kiln-host.test", "8000", "/probe.txt",
                "udp", "kiln-host.test", "7777", "udp-probe", "socket6", "resolve", "kiln-host.test", "6",
                "get", HOST6, "8000", "/probe.txt",
                "resquery", "kiln-host.test", "a", "resquery", "kiln-host.test", "mx", "resquery", "nosuch.test", "a"]
        # Two commands must fail: the unknown name, by getaddrinfo and by res_query.
        img = Image(cmds, "netprobe:", opts=["net.dhcp_wait=60"], expect_exit=True)
        status = img.wait(120)
        out = img.output()
        print(out)
        expect = [
            r"net: \w+: 10\.77\.0\.\d+ netmask 255\.255\.255\.0 gw 10\.77\.0\.1 dns 10\.77\.0\.1 \(dhcp\)",
            r"(?m)^resolve kiln-host\.test: 10\.77\.0\.1$",
            r"(?m)^resolve v4only\.test: 10\.77\.0\.9$",
            r"(?m)^resolve nosuch\.test: error: ",
            r"(?m)^byname kiln-host\.test: 10\.77\.0\.1$",
            r"(?m)^get kiln-host\.test: via 10\.77\.0\.1: HTTP/1\.0 200 OK, \d+ bytes$",
            r"(?m)^udp kiln-host\.test: via 10\.77\.0\.1: reply 'UDP-PROBE'$",
            r"(?m)^socket6: ok$",
            r"(?m)^resolve kiln-host\.test: fd77::1$",
            r"(?m)^get fd77::1: via fd77::1: HTTP/1\.0 200 OK, \d+ bytes$",
            r"(?m)^resquery kiln-host\.test: A 10\.77\.0\.1$",
            r"(?m)^resquery kiln-host\.test: MX 10 mail\.kiln-host\.test$",
            r"(?m)^resquery nosuch\.test: error: h_errno 210$",  # HOST_NOT_FOUND: the server's NXDOMAIN
            r"(?m)^netprobe: 12 commands, 2 failed$",
        ]
        for e in expect:
            if not re.search(e, out):
                fail(f"netprobe output lacks /{e}/:\n{out}\n--- dnsmasq:\n{dns.log()}")
        if status != 2:
            fail(f"netprobe exited with status {status}, expected 2 (the unknown name, twice)")
        if ("query[A] kiln-host.test" not in dns.log() or "query[AAAA] kiln-host.test" not in dns.log() or
                "query[MX] kiln-host.test" not in dns.log()):
            fail(f"dnsmasq did not see the A and AAAA queries:\n{dns.log()}")
        m = re.search(r"(\d+) bytes$", re.search(r"(?m)^get kiln-host.*$", out).group(0))
        if int(m.group(1)) < 1100:
            fail(f"the page fetched by name is too short: {m.group(0)}")
        print("ok: DHCP-provided DNS: A, AAAA, gethostbyname, NXDOMAIN fails; HTTP by name and over IPv6; "
              "res_query A and MX, NXDOMAIN as HOST_NOT_FOUND")
    finally:
        udp.close()
        web.kill()
        web.wait()
        shutil.rmtree(www, ignore_errors=True)
        dns.stop()


def test_ipv6(image):
    """An image with CONFIG_LWIP_IPV6: link-local and SLAAC addresses answer
    ping6 and curl; the same server still answers over IPv4."""
    need_tap("ipv6")
    dns = Dnsmasq()
    img = Image([str(PORT)], "listening on port", opts=[f"net.ip={GUEST}/24", f"net.gw={HOST}"])
    if "ipv4 and ipv6" not in img.output():
        fail(f"httpserver does not listen on IPv6 (is CONFIG_LWIP_IPV6 set?):\n{img.output()}")
    deadline = time.time() + 30
    while not (re.search(rf"net: \w+: {re.escape(LL6)} \(ipv6 link-local\)", img.output()) and
               re.search(rf"net: \w+: {re.escape(SLAAC6)} \(ipv6 autoconfigured\)", img.output())):
        img.alive()
        if time.time() > deadline:
            fail(f"no link-local {LL6} and SLAAC {SLAAC6} address logged:\n{img.output()}\n{dns.log()}")
        time.sleep(0.2)
    print(f"ok: addresses {LL6} (link-local) and {SLAAC6} (SLAAC from dnsmasq's router advertisement)")
    for a in (f"{LL6}%tap0", SLAAC6):
        r = subprocess.run(["ping", "-6", "-c", "3", "-i", "0.2", "-W", "5", a], capture_output=True, text=True)
        if r.returncode != 0 or " 0% packet loss" not in r.stdout:
            fail(f"ping -6 {a}: {r.stdout}{r.stderr}")
    r = subprocess.run(["ping", "-6", "-c", "2", "-i", "0.2", "-W", "5", "-s", "3000", SLAAC6],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"ping -6 with a 3000-byte payload (fragmented): {r.stdout}{r.stderr}")
    print("ok: ping -6 to both (and a fragmented one)")
    for url in (f"http://[{SLAAC6}]:{PORT}/", f"http://[{LL6}%25tap0]:{PORT}/"):
        r = curl("-g", "-i", url)
        if not r.stdout.startswith(b"HTTP/1.1 200") or b"Hello from Kiln" not in r.stdout:
            fail(f"curl {url}: {r.stdout[:200]!r} {r.stderr.decode().strip()}\n{img.output()}")
    r = curl("-g", "-v", f"http://[{SLAAC6}]:{PORT}/", f"http://[{SLAAC6}]:{PORT}/hello.txt")
    if r.stderr.decode().count("Re-using existing connection") != 1:
        fail(f"keep-alive over IPv6: {r.stderr.decode()}")
    still_serves(img, "the IPv6 requests", addr=GUEST)
    print("ok: curl over IPv6 (SLAAC and link-local, keep-alive) and over IPv4 on the same socket")
    img.stop()
    dns.stop()

# --- many connections (issue 12) -----------------------------------------------

def hold_connections(n, deadline_s, want_served=None, addr=None, port=None):
    """Opens n TCP connections to the server, each sending one GET, and
    keeps all of them open. Returns (served, refused, silent, pending, socks):
    connections with a full response, refused at connect (RST), closed
    without a full response, and still waiting; socks maps each open socket
    to its state. Stops at the deadline or once want_served (default n) have
    responses."""
    import resource, selectors
    addr, port = addr or ADDR, port or HTTP_PORT
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = n + 256
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(need, soft), max(need, hard)))
    want_served = n if want_served is None else want_served
    sel = selectors.DefaultSelector()
    req = f"GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n".encode()
    state = {}  # sock -> dict(phase, buf)
    served = refused = silent = 0
    opened = 0
    in_flight = 0
    end = time.time() + deadline_s

    def response_complete(buf):
        head, sep, body = buf.partition(b"\r\n\r\n")
        if not sep:
            return False
        m = re.search(rb"\r\ncontent-length: *([0-9]+)", head, re.I)
        return m is not None and len(body) >= int(m.group(1)) and head.startswith(b"HTTP/1.1 ")

    while time.time() < end and served < want_served:
        while opened < n and in_flight < 200:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex((addr, port))
            state[s] = {"phase": "connect", "buf": b""}
            sel.register(s, selectors.EVENT_WRITE)
            opened += 1
            in_flight += 1
        for key, ev in sel.select(timeout=0.2):
            s = key.fileobj
            st = state[s]
            if st["phase"] == "connect":
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                in_flight -= 1
                if err:
                    refused += 1
                    st["phase"] = "refused"
                    sel.unregister(s)
                    s.close()
                    continue
                s.send(req)
                st["phase"] = "sent"
                sel.modify(s, selectors.EVENT_READ)
                continue
            try:
                data = s.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                data = None
            except BlockingIOError:
                continue
            if data:
                st["buf"] += data
                if st["phase"] == "sent" and response_complete(st["buf"]):
                    # A complete answer; only a 200 counts as served (a 503 is "no thread").
                    st["phase"] = "served" if st["buf"].startswith(b"HTTP/1.1 200 ") else "answered-error"
                    served += st["phase"] == "served"
                    if st["phase"] != "served":
                        sel.unregister(s)
                continue
            sel.unregister(s)
            if st["phase"] == "served":
                st["phase"] = "closed-after"
            else:
                st["phase"] = "silent"
                silent += 1
    pending = sum(1 for st in state.values() if st["phase"] in ("connect", "sent"))
    return served, refused, silent, pending, state, sel


def test_conns(image, n, opts=()):
    """n concurrent idle keep-alive connections, each with one GET, all
    answered in full and all still open at the end."""
    extra = list(opts) + ([] if CFG["kvm"] else ["heap=1G"])
    img = Image([str(PORT), "600"], "listening on port", opts=[f"net.ip={GUEST}/24", f"net.gw={HOST}"] + extra)
    t0 = time.time()
    served, refused, silent, pending, state, sel = hold_connections(n, 240 if CFG["kvm"] else 150)
    dt = time.time() - t0
    img.alive()
    # Every connection still open: nothing read as EOF in a last sweep.
    closed = 0
    for s, st in state.items():
        if st["phase"] != "served":
            continue
        try:
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    errors = sum(1 for st in state.values() if st["phase"] == "answered-error")
    print(f"conns: {n} connections: {served} served in {dt:.1f} s, {errors} answered with an error, {refused} refused, "
          f"{silent} closed unanswered, {pending} pending, {closed} closed since", flush=True)
    for s in state:
        s.close()
    if served != n or silent or refused or closed or errors:
        fail(f"of {n} connections {served} got a full 200 response, {errors} an error response, {refused} refused, "
             f"{silent} closed without one, {pending} still waiting, {closed} closed afterwards:\n"
             f"{img.output()[-3000:]}")
    still_serves(img, f"{n} connections")
    img.stop()


def test_conns10k(image):
    test_conns(image, 10000)


def test_conns2k(image):
    test_conns(image, 2000)


def test_connlimit(image):
    """fd.max=40: 36 connections get descriptors (0-2 console, 3 the
    listener). 50 clients: 36 served, the other 14 wait (in the listen
    backlog) or are refused -- none is closed unanswered; the limit is
    logged once; when the first ones close the waiting ones are served."""
    img = Image([str(PORT), "600"], "listening on port", opts=[f"net.ip={GUEST}/24", f"net.gw={HOST}", "fd.max=40"])
    served, refused, silent, pending, state, sel = hold_connections(50, 60, want_served=36)
    time.sleep(3)  # anything wrongly closed shows up now
    for key, ev in sel.select(timeout=0):
        s = key.fileobj
        try:
            data = s.recv(65536)
        except BlockingIOError:
            continue
        except OSError:
            data = b""
        if not data and state[s]["phase"] != "served":
            silent += 1
            state[s]["phase"] = "silent"
    out = img.output()
    print(f"connlimit: 50 connections at fd.max=40: {served} served, {refused} refused, {silent} closed unanswered, "
          f"{pending} waiting", flush=True)
    if served != 36 or silent:
        fail(f"expected 36 served and none closed unanswered, got {served} served, {silent} closed without a "
             f"response, {refused} refused, {pending} waiting:\n{out}")
    n_log = out.count("socket: descriptor limit reached")
    if n_log != 1:
        fail(f"expected the descriptor limit logged once, found {n_log} times:\n{out}")
    # Free the descriptors: the waiting connections get theirs and are served.
    waiting = [s for s, st in state.items() if st["phase"] in ("connect", "sent")]
    for s, st in list(state.items()):
        if st["phase"] == "served":
            sel.unregister(s)
            s.close()
            del state[s]
    end = time.time() + 30
    done = 0
    while time.time() < end and done < len(waiting):
        for key, ev in sel.select(timeout=0.2):
            s = key.fileobj
            try:
                data = s.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                sel.unregister(s)
                fail(f"a waiting connection was closed without a response:\n{img.output()}")
            state[s]["buf"] += data
            if b"\r\n\r\n" in state[s]["buf"] and state[s]["phase"] != "served":
                state[s]["phase"] = "served"
                done += 1
    print(f"connlimit: after closing the first 36, {done} of {len(waiting)} waiting connections served", flush=True)
    if done != len(waiting):
        fail(f"only {done} of {len(waiting)} waiting connections were served once descriptors were free:\n"
             f"{img.output()}")
    for s in state:
        s.close()
    img.alive()
    img.stop()


TESTS = {"http": test_http, "malformed": test_malformed, "wrk": test_wrk, "echo": test_echo,
         "ping": test_ping, "idle": test_idle, "denied": test_denied, "dhcp": test_dhcp, "dhcp_late": test_dhcp_late,
         "dns": test_dns,
         "ipv6": test_ipv6, "conns10k": test_conns10k, "conns2k": test_conns2k, "connlimit": test_connlimit}


def inner(cfg):
    global CFG, ADDR, HTTP_PORT, ECHO_PORT
    CFG = cfg
    if cfg["user"]:
        ADDR = "127.0.0.1"
        HTTP_PORT = free_port()
        ECHO_PORT = free_port()
        while ECHO_PORT == HTTP_PORT:
            ECHO_PORT = free_port()
    TESTS[cfg["test"]](cfg["image"])
    print("PASS")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inner":
        sys.exit(inner(json.loads(sys.argv[2])))
    if len(sys.argv) < 3 or sys.argv[1] not in TESTS:
        print(__doc__)
        sys.exit(2)
    rest = sys.argv[3:]
    user = "--user" in rest
    rest = [a for a in rest if a != "--user"]
    sys.exit(outer(sys.argv[1], sys.argv[2], user, rest))
