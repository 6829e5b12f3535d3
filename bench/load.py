#!/usr/bin/env python3
"""Load benchmark of paperdex-serve over loopback (stdlib only; bounded).

    python3 bench/load.py BUILD_DIR [--index IDX | --corpus DIR] [--queries F]
                          [--clients 64] [--seconds 30] [--threads N] [--out FILE]

Builds an index of the corpus (or takes IDX), starts paperdex-serve on a
free loopback port, and runs four phases over the queries (one per line,
default ../shared/eval/latency_queries.txt), each bounded by --seconds:

  0. the HTTP floor: one client requesting /api/stats (no search) for 5 s;
  1. latency: one client, one request at a time (the cost of a request as
     seen by the client: search + JSON + HTTP over loopback);
  2. load: --clients concurrent keep-alive clients;
  3. load while the index file is replaced every second (a copy renamed
     over it, atomic; alternately of two builds, so its identity changes).

Each reports requests/s, client-side p50/p99 latency, errors (any status
but 200, a short or malformed response, a dropped connection) and the
server's heap (RssAnon: start, peak, end) apart from the mapped index; the in-process figures of
paperdex-bench latency on the same index are printed beside them. The
result is a markdown section (stdout, and --out FILE). Exits 1 if any
request failed. The clients are one Python asyncio loop, so on a 2-core
machine requests/s is bounded by the client as much as by the server.
"""
import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import test_serve_harness as H  # noqa: E402


def pct(sorted_xs, p):
    if not sorted_xs:
        return float("nan")
    k = min(len(sorted_xs) - 1, max(0, int(round(p / 100.0 * len(sorted_xs) + 0.5)) - 1))
    return sorted_xs[k]


class Phase:
    """Counts of one phase."""

    def __init__(self):
        self.lat = []      # seconds per successful request
        self.errors = 0    # failed requests
        self.first_error = None


async def client(port, paths, start, deadline, ph):
    """One keep-alive connection sending requests back to back."""
    reader = writer = None
    i = start
    while time.perf_counter() < deadline:
        path = paths[i % len(paths)]
        i += 1
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            t0 = time.perf_counter()
            writer.write(b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = None
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length is None:
                raise RuntimeError("no Content-Length")
            body = await reader.readexactly(length)
            dt = time.perf_counter() - t0
            if status != 200 or not body.startswith(b'{"') or not body.endswith(b"}\n"):
                raise RuntimeError("status %d: %r" % (status, body[:200]))
            ph.lat.append(dt)
            if b"connection: close" in head.lower():
                writer.close()
                writer = None
        except Exception as e:  # noqa: BLE001 - every failure is counted
            ph.errors += 1
            ph.first_error = ph.first_error or repr(e)
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


def run_phase(port, paths, clients, seconds):
    """Runs clients connections over paths for seconds; returns a Phase."""
    ph = Phase()

    async def main():
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*(client(port, paths, k * 7, deadline, ph) for k in range(clients)))

    t0 = time.perf_counter()
    asyncio.run(main())
    ph.elapsed = time.perf_counter() - t0
    return ph


def replacer(index, sources, stop, count):
    """Replaces index every second with a copy of the next source."""
    k = 0
    while not stop.wait(1.0):
        tmp = index + ".load-tmp"
        shutil.copyfile(sources[k % 2], tmp)
        os.rename(tmp, index)
        k += 1
        count[0] = k


def copy_index(src, dst):
    """Copies index src (a manifest, format 4 and later) to dst with its segment
    files: each is named after the index's path (INDEX.<seq>.seg), so a
    copy of the manifest alone names segments that do not exist."""
    d, base = os.path.split(os.path.abspath(src))
    seg = re.compile(re.escape(base) + r"\.(\d+)\.seg$")
    for name in os.listdir(d):
        m = seg.match(name)
        if m:
            shutil.copyfile(os.path.join(d, name), "%s.%s.seg" % (dst, m.group(1)))
    shutil.copyfile(src, dst)


def in_process(bin_dir, index, queries):
    exe = os.path.join(bin_dir, "paperdex-bench")
    if not os.path.exists(exe):
        return None
    p = subprocess.run([exe, "latency", "--index", index, "--queries", queries, "--rounds", "3",
                        "--json"], capture_output=True, timeout=300)
    try:
        return json.loads(p.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def cpu_seconds(pid):
    """User + system CPU time of a process so far (from /proc)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def row(name, ph, heap, rss, cpu):
    """A table row; heap = (start, peak, end) RssAnon and rss the VmRSS at
    the end, in KiB; cpu the server's CPU seconds in the phase."""
    lat = sorted(ph.lat)
    return "| {} | {:,.0f} | {:.0f} | {:.0f} | {} | {:.0f} | {:.1f} / {:.1f} / {:.1f} | {:.1f} |".format(
        name, len(lat) / ph.elapsed, pct(lat, 50) * 1e6, pct(lat, 99) * 1e6, ph.errors,
        cpu / max(1, len(lat)) * 1e6, heap[0] / 1024, heap[1] / 1024, heap[2] / 1024, rss / 1024)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bin_dir")
    here = os.path.dirname(os.path.abspath(__file__))
    shared = os.path.join(here, "..", "..", "shared")
    ap.add_argument("--index")
    ap.add_argument("--corpus", default=os.path.join(shared, "corpus", "paper_logs"))
    ap.add_argument("--queries", default=os.path.join(shared, "eval", "latency_queries.txt"))
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--out")
    a = ap.parse_args()
    a.seconds = min(a.seconds, 120.0)  # bounded, whatever was asked
    a.clients = max(1, min(a.clients, 256))
    with open(a.queries, encoding="utf-8") as f:
        queries = [x.strip() for x in f if x.strip()]
    paths = [("/api/search?n=10&q=" + urllib.parse.quote(x, safe="")).encode() for x in queries]
    tmp = tempfile.mkdtemp(prefix="pdx_load.")
    srv = None
    try:
        idx = os.path.join(tmp, "load.idx")
        copies = [os.path.join(tmp, "a.idx"), os.path.join(tmp, "b.idx")]
        if a.index:
            copy_index(a.index, idx)
        else:
            H.build_index(a.bin_dir, idx, a.corpus)
        for c in copies:
            shutil.copyfile(idx, c)
        ref = in_process(a.bin_dir, idx, a.queries)
        extra = ["--threads", str(a.threads)] if a.threads else []
        srv = H.Server(a.bin_dir, idx, "--max-connections", str(a.clients + 64), *extra)
        threads = a.threads or os.cpu_count()
        results, phases = [], []

        def measured(name, clients, seconds, replace=False):
            heap0, cpu0 = srv.rss_kib("RssAnon"), cpu_seconds(srv.proc.pid)
            stop, count, peak = threading.Event(), [0], [heap0]
            t = threading.Thread(target=replacer, args=(idx, copies, stop, count))
            if replace:
                t.start()

            def sample():  # the heap's peak, while the clients are connected
                while not stop.wait(0.5):
                    peak[0] = max(peak[0], srv.rss_kib("RssAnon"))

            sampler = threading.Thread(target=sample)
            sampler.start()
            ph = run_phase(srv.port, paths, clients, seconds)
            cpu = cpu_seconds(srv.proc.pid) - cpu0
            stop.set()
            sampler.join()
            if replace:
                t.join()
                name = name % count[0]
            time.sleep(1.0)  # the clients' connections closed, their buffers freed
            results.append(row(name, ph, (heap0, peak[0], srv.rss_kib("RssAnon")), srv.rss_kib(), cpu))
            phases.append(ph)

        all_paths = paths
        paths = [b"/api/stats"]  # no search: the HTTP round trip alone
        measured("1 client, /api/stats (no search)", 1, min(a.seconds, 5.0))
        paths = all_paths
        measured("1 client, sequential", 1, min(a.seconds, 10.0))
        measured("%d clients, keep-alive" % a.clients, a.clients, a.seconds)
        measured("%d clients, index replaced every 1 s (%%d times)" % a.clients, a.clients,
                 a.seconds, replace=True)
        status = srv.stop()
        srv = None
        load = os.getloadavg()
        lines = [
            "## Server under load (bench/load.py)",
            "",
            "`python3 bench/load.py build` — paperdex-serve with {} threads on 127.0.0.1, "
            "{} queries of `latency_queries.txt` round-robin (`/api/search?n=10`), "
            "{:.0f} s per load phase; clients in one Python asyncio loop on the same "
            "machine ({} cores, load average {:.2f} after the run).".format(
                threads, len(queries), a.seconds, os.cpu_count(), load[0]),
            "",
            "| phase | requests/s | p50 µs | p99 µs | errors | server CPU µs/request "
            "| server heap MiB: start / peak / end | server RSS MiB at end |",
            "|---|--:|--:|--:|--:|--:|--:|--:|",
            *results,
            "",
            "Heap is the server's anonymous resident memory (`RssAnon`: malloc, stacks, the "
            "connections' buffers), sampled every 0.5 s for the peak and 1 s after the clients "
            "left for the end; RSS also counts the index file's mapped pages.",
            "",
        ]
        if ref:
            lines.append("In-process on the same index (`paperdex-bench latency --rounds 3`): "
                         "p50 {:.0f} µs, p99 {:.0f} µs. The one-client p50 is that plus the "
                         "JSON hit writing (snippets, highlights) and a loopback HTTP round trip "
                         "through Python.".format(ref.get("p50_us", 0), ref.get("p99_us", 0)))
            lines.append("")
        errs = [p.first_error for p in phases if p.first_error]
        if errs:
            lines.append("First error: `%s`" % errs[0])
            lines.append("")
        lines.append("Server exit status after SIGTERM: %d." % status)
        text = "\n".join(lines) + "\n"
        sys.stdout.write(text)
        if a.out:
            with open(a.out + ".tmp", "w") as f:
                f.write(text)
            os.rename(a.out + ".tmp", a.out)
        sys.exit(1 if sum(p.errors for p in phases) or status else 0)
    finally:
        if srv:
            srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
