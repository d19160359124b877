#!/usr/bin/env python3
"""Small writes during a large import (issue 9, item 13), standard library only.

  import_writes.py BINARY FILE.tmx [INTERVAL_MS]

Starts BINARY serve on a fresh data directory (loopback, port 0, no seeds), sends FILE as one
POST /v1/import, and meanwhile posts one small unit every INTERVAL_MS (100) with its own
connection, from the moment the upload has been sent until the import is answered. Prints
the import's time, the small writes' latency (p50/p90/p99/max), and checks that every
acknowledged small write reads back and that the memory then holds the import and the writes.
Run it for two builds in one sitting (before/after): these machines are shared and noisy.
Make FILE with ../shared/bench/gen_scale.py N FILE.tmx.
"""
import http.client, json, os, shutil, subprocess, sys, tempfile, threading, time


def request(port, method, path, body=None, headers=None, timeout=600):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] if s else float("nan")


def main():
    binary, tmx = sys.argv[1], sys.argv[2]
    interval = float(sys.argv[3]) / 1000 if len(sys.argv) > 3 else 0.1
    tmp = tempfile.mkdtemp(prefix="tetraglot-iw.")
    server = subprocess.Popen(
        [binary, "--data-dir", os.path.join(tmp, "data"), "serve", "--listen", "127.0.0.1:0", "--no-seed"],
        stdout=subprocess.PIPE, stderr=open(os.path.join(tmp, "server.log"), "w"), text=True)
    try:
        line = server.stdout.readline()
        port = int(line.strip().rsplit(":", 1)[1])
        uploaded = threading.Event()
        done = threading.Event()
        result = {}

        def body():
            with open(tmx, "rb") as f:
                while True:
                    chunk = f.read(1 << 20)
                    if not chunk:
                        break
                    yield chunk
            uploaded.set()

        def run_import():
            started = time.monotonic()
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
            c.request("POST", "/v1/import", body=body(), encode_chunked=True,
                      headers={"Content-Type": "application/x-tmx+xml", "Transfer-Encoding": "chunked"})
            r = c.getresponse()
            result["status"], result["report"] = r.status, r.read().decode()
            result["seconds"] = time.monotonic() - started
            done.set()

        t = threading.Thread(target=run_import)
        t.start()
        uploaded.wait()
        result["uploaded_at"] = time.monotonic()
        latencies, acked, n = [], [], 0
        while not done.is_set():
            uid = "small-%d" % n
            unit = {"units": [{"id": uid, "variants": {
                "en": "A small write number %d during the import." % n,
                "hy": "Փոքր գրառում %d ներմուծման ընթացքում։" % n}}]}
            started = time.monotonic()
            status, _ = request(port, "POST", "/v1/units", json.dumps(unit).encode(),
                                {"Content-Type": "application/json"})
            latencies.append((time.monotonic() - started) * 1000)
            if status == 201:
                acked.append(uid)
            n += 1
            done.wait(max(0.0, interval - latencies[-1] / 1000))
        t.join()
        back = sum(1 for uid in acked if request(port, "GET", "/v1/units/" + uid)[0] == 200)
        units = json.loads(request(port, "GET", "/health")[1])["units"]
        report = json.loads(result["report"]) if result["status"] == 200 else result["report"]
        added = report["added"] if isinstance(report, dict) else "-"
        print("import: status %s, %.1f s (%.1f s after the upload), added %s" % (
            result["status"], result["seconds"], time.monotonic() - result["uploaded_at"], added))
        print("small writes during it: %d sent, %d acked, %d read back; latency ms p50 %.1f p90 %.1f p99 %.1f max %.1f" % (
            n, len(acked), back, pct(latencies, 50), pct(latencies, 90), pct(latencies, 99), max(latencies)))
        print("memory after: %d units (import %s + small %d)" % (units, added, len(acked)))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
