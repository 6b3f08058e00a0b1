#!/usr/bin/python3
"""Malformed frames: an image on a tap device in a network namespace made
here receives thousands of broken Ethernet frames written straight onto
the tap (AF_PACKET): random bytes, runts, truncated and inconsistent IPv4,
ICMP, UDP, TCP and ARP headers, bad lengths and offsets, overlapping
fragments, frames above the MTU. Afterwards it must still answer ping and
curl with the right page, and must not have crashed.

  frames.py linuxu <httpserver_linuxu image>
  frames.py kvm <httpserver_kvm image> [machine] [run.sh --net-model] [kiln options]

Needs root (netns, tap). Prints the reason of a failure and exits 1."""
import os, random, shutil, signal, socket, struct, subprocess, sys, time

HOST, GUEST, PORT = "10.79.0.1", "10.79.0.2", 8080
RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support", "run.sh")


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


def sh(*cmd, check=True):
    r = subprocess.run(list(cmd), capture_output=True, text=True)
    if check and r.returncode != 0:
        fail(f"{' '.join(cmd)}: status {r.returncode}: {r.stderr.strip() or r.stdout.strip()}")
    return r


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip4(a):
    return socket.inet_aton(a)


def ipv4(payload, proto, *, ihl=5, tot=None, frag=0, ttl=64, src=HOST, dst=GUEST, opts=b"", good_sum=True):
    tot = 20 + len(opts) + len(payload) if tot is None else tot
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tot & 0xffff, 0x1234, frag, ttl, proto, 0, ip4(src), ip4(dst)) + opts
    if good_sum:
        h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def frames(rng, dst_mac, src_mac):
    eth = lambda t, p: dst_mac + src_mac + struct.pack("!H", t) + p
    out = []
    # Random bytes of every size, including runts and oversized frames.
    for n in list(range(0, 64)) + [rng.randrange(64, 1515) for _ in range(300)] + [1515, 1600, 4000, 9000, 65000]:
        out.append(bytes(rng.randrange(256) for _ in range(n)))
    # Random payloads behind valid Ethernet headers of each interesting type.
    for t in (0x0800, 0x0806, 0x86dd, 0x8100, 0x0000, 0xffff):
        for _ in range(100):
            out.append(eth(t, bytes(rng.randrange(256) for _ in range(rng.randrange(0, 1500)))))
    # IPv4 header fields that lie.
    body = bytes(range(64))
    for ihl in (0, 1, 4, 6, 15):
        out.append(eth(0x0800, ipv4(body, 1, ihl=ihl)))
    for tot in (0, 1, 19, 20, 21, 64000, 0xffff):
        out.append(eth(0x0800, ipv4(body, 17, tot=tot)))
    out.append(eth(0x0800, ipv4(body, 6, good_sum=False)))
    out.append(eth(0x0800, ipv4(body, 1, ttl=0)))
    out.append(eth(0x0800, ipv4(body, 1, src="255.255.255.255")))
    out.append(eth(0x0800, ipv4(body, 1, src=GUEST)))  # its own address
    out.append(eth(0x0800, ipv4(body, 1, opts=b"\x07\x03\x00\x00")))  # record-route, bad pointer
    out.append(eth(0x0800, ipv4(body, 1, opts=b"\x44\x00\x00\x00")))  # zero-length option
    # Fragments: overlapping, past 64 KiB, a lone last fragment, many firsts.
    for off, more in ((0, 1), (1, 1), (0, 1), (8190, 0), (8189, 1), (5, 0)):
        out.append(eth(0x0800, ipv4(bytes(rng.randrange(256) for _ in range(48)), 17, frag=(more << 13) | off)))
    for i in range(200):
        out.append(eth(0x0800, ipv4(bytes(64), 1, frag=(1 << 13) | rng.randrange(8192))))
    # ICMP, UDP, TCP with broken headers.
    out.append(eth(0x0800, ipv4(b"\x08", 1)))  # one-byte ICMP
    out.append(eth(0x0800, ipv4(b"\x08\x00\x00\x00" + bytes(60), 1)))  # echo with a wrong checksum
    out.append(eth(0x0800, ipv4(b"\x00\x35\x00\x35\x00\x02\x00\x00", 17)))  # UDP length 2
    out.append(eth(0x0800, ipv4(b"\x00\x35\x1f\x90\xff\xff\x00\x00" + bytes(20), 17)))  # UDP length > packet
    for doff in (0, 1, 4, 15):
        tcp = struct.pack("!HHIIBBHHH", 40000, PORT, 1, 0, doff << 4, 0x02, 1024, 0, 0) + bytes(8)
        out.append(eth(0x0800, ipv4(tcp, 6)))
    for flags in (0x00, 0x3f, 0x03, 0x06, 0x11, 0x29):
        tcp = struct.pack("!HHIIBBHHH", rng.randrange(1024, 65535), PORT, rng.randrange(1 << 32), rng.randrange(1 << 32), 5 << 4, flags, 0, 0, 0xffff)
        out.append(eth(0x0800, ipv4(tcp + b"GET / HTTP/1.1\r\n", 6)))
    tcp = struct.pack("!HHIIBBHHH", 40001, PORT, 1, 0, 15 << 4, 0x02, 1024, 0, 0) + b"\x02\x04" + b"\x00" * 38  # MSS 0, options cut
    out.append(eth(0x0800, ipv4(tcp, 6)))
    tcp = struct.pack("!HHIIBBHHH", 40002, PORT, 1, 0, 6 << 4, 0x02, 1024, 0, 0) + b"\x03\x00\x00\x00"  # option length 0
    out.append(eth(0x0800, ipv4(tcp, 6)))
    # ARP: truncated, wrong sizes, a claim on the guest's own address.
    arp = lambda hl, pl, op, spa, tpa: struct.pack("!HHBBH", 1, 0x0800, hl, pl, op) + src_mac + ip4(spa) + b"\0" * 6 + ip4(tpa)
    out.append(eth(0x0806, arp(6, 4, 1, HOST, GUEST)[:10]))
    out.append(eth(0x0806, arp(0, 0, 1, HOST, GUEST)))
    out.append(eth(0x0806, arp(255, 255, 2, HOST, GUEST)))
    out.append(eth(0x0806, arp(6, 4, 7, HOST, GUEST)))
    out.append(eth(0x0806, arp(6, 4, 2, GUEST, GUEST)))
    # Broadcast and multicast destinations with garbage.
    for d in (b"\xff" * 6, b"\x01\x00\x5e\x00\x00\x01", b"\x33\x33\x00\x00\x00\x01"):
        out.append(d + src_mac + b"\x08\x00" + bytes(rng.randrange(256) for _ in range(100)))
    rng.shuffle(out)
    return out


def guest_mac(ns):
    """The guest's MAC, learnt by pinging it once."""
    sh("ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "5", GUEST)
    out = sh("ip", "-n", ns, "neigh", "show", GUEST).stdout.split()
    if "lladdr" not in out:
        fail(f"no ARP entry for the guest: {' '.join(out)}")
    return bytes.fromhex(out[out.index("lladdr") + 1].replace(":", ""))


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("linuxu", "kvm"):
        fail("usage: frames.py linuxu|kvm <image> [machine] [net model] [kiln options]")
    if os.geteuid() != 0:
        fail("network tests need root (network namespaces and tap devices); run `make test` as root")
    plat, image = sys.argv[1], sys.argv[2]
    machine = sys.argv[3] if len(sys.argv) > 3 else "microvm"
    model = sys.argv[4] if len(sys.argv) > 4 else "auto"
    extra = sys.argv[5].split() if len(sys.argv) > 5 else []
    for tool in ("ip", "curl", "ping") + (("qemu-system-x86_64",) if plat == "kvm" else ()):
        if not shutil.which(tool):
            fail(f"{tool} is not installed; run support/setup.sh")
    if not os.access(image, os.X_OK if plat == "linuxu" else os.R_OK):
        fail(f"{image} is missing (build the test images: support/test.sh)")
    ns = f"kiln-frames-{os.getpid()}"
    sh("ip", "netns", "add", ns)
    log = open(f"/tmp/kiln-frames-{os.getpid()}.log", "a+")
    proc = None
    try:
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", ns, "tuntap", "add", "dev", "tap0", "mode", "tap")
        sh("ip", "-n", ns, "addr", "add", f"{HOST}/24", "dev", "tap0")
        sh("ip", "-n", ns, "link", "set", "tap0", "up")
        opts = ["log.level=info"] + extra + [f"net.ip={GUEST}/24", f"net.gw={HOST}", "--", str(PORT)]
        cmd = [RUN, "--image", image, "--net", "tap:tap0", "--append", " ".join(opts)]
        if plat == "kvm":
            cmd[3:3] = ["--machine", machine, "--net-model", model]
        proc = subprocess.Popen(["ip", "netns", "exec", ns] + cmd, stdout=log, stderr=subprocess.STDOUT)

        def output():
            log.flush()
            log.seek(0)
            return log.read()

        deadline = time.time() + 60
        while "listening on port" not in output():
            if proc.poll() is not None or time.time() > deadline:
                fail(f"image not ready (status {proc.poll()}):\n{output()}")
            time.sleep(0.1)
        mac = guest_mac(ns)
        # Write the frames from inside the namespace (AF_PACKET on its tap0).
        rng = random.Random(1234)
        # From the host's own MAC: frames that carry the host's address
        # must not teach the guest a wrong MAC for it (that would be ARP
        # spoofing, which any stack believes).
        host_mac = bytes.fromhex(
            sh("ip", "netns", "exec", ns, "cat", "/sys/class/net/tap0/address").stdout.strip().replace(":", ""))
        fr = frames(rng, mac, host_mac)
        code = ("import socket,sys,pickle\n"
                "s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW)\ns.bind(('tap0',0))\n"
                "n=0\nfor f in pickle.load(sys.stdin.buffer):\n"
                "  try:\n    s.send(f); n+=1\n  except OSError: pass\n"
                "print(n)\n")
        import pickle
        r = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", code], input=pickle.dumps(fr),
                           capture_output=True)
        if r.returncode != 0:
            fail(f"could not write frames: {r.stderr.decode()}")
        sent = int(r.stdout.decode().strip() or 0)
        if sent < len(fr) // 2:
            fail(f"only {sent} of {len(fr)} frames could be written to the tap")
        time.sleep(1)
        if proc.poll() is not None:
            fail(f"image exited with status {proc.returncode} after the frames:\n{output()}")
        p = sh("ip", "netns", "exec", ns, "ping", "-c", "3", "-i", "0.2", "-W", "5", GUEST, check=False)
        if p.returncode != 0:
            fail(f"no ping answer after the frames:\n{p.stdout}\n{output()}")
        c = sh("ip", "netns", "exec", ns, "curl", "-sS", "--max-time", "20", f"http://{GUEST}:{PORT}/hello.txt", check=False)
        if c.stdout != "Hello, world!\n":
            fail(f"curl after the frames: {c.stderr.strip()} {c.stdout[:100]!r}\n{output()}")
        if "panic" in output() or "assert" in output().lower():
            fail(f"the image reported a failure:\n{output()}")
        if "virtio_net.poll=1" in extra and "mtu 1500, polling" not in output():
            fail(f"virtio_net.poll=1 but the device is not in polling mode:\n{output()}")
        print(f"ok: {sent} malformed frames written; ping and curl still answer")
        return 0
    finally:
        if proc and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        for pid in sh("ip", "netns", "pids", ns, check=False).stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        if proc:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
        sh("ip", "netns", "del", ns, check=False)


if __name__ == "__main__":
    sys.exit(main())
