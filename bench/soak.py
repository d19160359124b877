#!/usr/bin/env python3
"""The Python half of bench/soak.sh (standard library only).

  soak.py requests TSV ROWS OUT        request file for soak.lua, from the memory's sentences
  soak.py slow PORT N RATE SECS WAIT   N clients trickle an import body, report what they got
  soak.py import PORT FILE DEADLINE    one large POST /v1/import, retried while the server is busy
  soak.py readback PORT REQUESTS ACKED PENDING  every acknowledged write read back, compared
  soak.py serverlog LOG                the server's warnings and errors, grouped by code

Each command prints one line `key=value ...` that soak.sh puts in its table, then details.
"""
import http.client, json, random, re, socket, sys, threading, time, urllib.parse

LANGS = ["en", "hy", "az", "ru"]
WORD = re.compile(r"\w+")


def vary(text, vocab, rng):
    """A translator's sentence is rarely the stored one: drop, replace or swap a word."""
    words = text.split(" ")
    if len(words) < 3:
        return text
    i = rng.randrange(len(words))
    how = rng.choice(["same", "drop", "replace", "swap"])
    if how == "drop":
        del words[i]
    elif how == "replace":
        words[i] = rng.choice(vocab)
    elif how == "swap" and i + 1 < len(words):
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def cmd_requests(tsv, rows, out):
    rng = random.Random(7)
    with open(tsv, encoding="utf-8") as f:
        f.readline()
        table = [dict(zip(LANGS, l.rstrip("\n").split("\t")[1:5])) for _, l in zip(range(int(rows)), f)]
    vocab = {l: sorted({w for r in table[:5000] for w in WORD.findall(r[l]) if len(w) > 3}) for l in LANGS}
    with open(out, "w", encoding="utf-8") as o:
        for r in rng.sample(table, min(3000, len(table))):
            src = rng.choice(LANGS)
            others = [l for l in LANGS if l != src]
            text = vary(r[src], vocab[src], rng)
            o.write("M\t" + json.dumps({"text": text, "source": src, "targets": others}, ensure_ascii=False) + "\n")
            path = "/tmserver/%s/%s/unit/%s?max_candidates=3" % (src, rng.choice(others), urllib.parse.quote(text, safe=""))
            o.write("T\t" + path + "\n")
        # Written units are varied too, so that they are new units and not merges into stored ones.
        for r in rng.sample(table, min(500, len(table))):
            unit = {"id": "@ID@", "variants": {l: vary(r[l], vocab[l], rng) for l in LANGS},
                    "meta": {"document": "soak"}}
            a, b = json.dumps({"units": [unit]}, ensure_ascii=False).split("@ID@")
            o.write("W\t" + a + "\t" + b + "\n")


def cmd_slow(port, n, rate, secs, wait):
    """Each client sends real TMX bytes, RATE a second for SECS, then nothing, and waits up to
    WAIT s for the answer: trickling shows whether the body timeout is a deadline or an idle
    limit, the silence at the end that an idle limit does cut."""
    port, n, rate, secs, wait = int(port), int(n), int(rate), float(secs), float(wait)
    body = open("/work/shared/data/ntrex-dev.tmx", "rb").read()
    results = [None] * n
    t0 = time.monotonic()

    def client(i):
        sent, answer, last, stopped = 0, b"", t0, False
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"POST /v1/import HTTP/1.1\r\nHost: soak\r\nContent-Type: application/x-tmx+xml\r\n"
                      b"Content-Length: %d\r\n\r\n" % len(body))
            s.settimeout(1.0)
            while time.monotonic() - t0 < secs + wait:
                now = time.monotonic()
                if now - t0 < secs and not stopped:
                    try:
                        s.sendall(body[sent:sent + rate])
                        sent += rate
                        last = now
                    except OSError:
                        # The server may answer and close before the body is in: read on.
                        stopped = True
                try:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    answer += chunk
                    if b"\r\n\r\n" in answer and len(answer.split(b"\r\n\r\n", 1)[1]) >= _length(answer):
                        break
                except socket.timeout:
                    pass
        except OSError as e:
            answer = answer or ("socket error: %s" % e).encode()
        at = time.monotonic()
        results[i] = (answer, sent, at - t0, at - last)

    ts = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    outcomes = {}
    for answer, sent, at, silent in results:
        head, _, rest = answer.partition(b"\r\n\r\n")
        status = head.split(b" ")[1].decode() if head.startswith(b"HTTP/") else "none"
        try:
            code = json.loads(rest)["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = "non-json" if rest else head.decode(errors="replace")[:60] or "no answer"
        key = "%s %s" % (status, code)
        o = outcomes.setdefault(key, {"n": 0, "at": [], "silent": [], "sent": []})
        o["n"] += 1
        o["at"].append(at)
        o["silent"].append(silent)
        o["sent"].append(sent)
    print("slow=" + ",".join("%dx%s" % (o["n"], k.replace(" ", "_")) for k, o in sorted(outcomes.items())))
    for k, o in sorted(outcomes.items()):
        print("  %2d × %-22s answered %5.1f–%5.1f s after connecting, %4.1f–%4.1f s after their last byte, %d–%d bytes sent"
              % (o["n"], k, min(o["at"]), max(o["at"]), min(o["silent"]), max(o["silent"]), min(o["sent"]), max(o["sent"])))


def _length(answer):
    m = re.search(rb"content-length: *(\d+)", answer.split(b"\r\n\r\n", 1)[0], re.I)
    return int(m.group(1)) if m else 0


def cmd_import(port, path, deadline):
    """503 busy is the documented answer while the upload slots are taken: retry as told,
    until DEADLINE s from now, and time the attempt that is taken."""
    end = time.monotonic() + float(deadline)
    start, busy = time.monotonic(), 0
    while True:
        t = time.monotonic()
        c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=600)
        try:
            with open(path, "rb") as f:
                c.request("POST", "/v1/import", body=f, headers={"Content-Type": "application/x-tmx+xml"})
        except OSError:
            pass  # a refusal can come, and the connection close, before the body is sent
        try:
            r = c.getresponse()
            status, retry, body = r.status, r.getheader("Retry-After"), r.read()
        except OSError as e:
            status, retry, body = 0, None, str(e).encode()
        c.close()
        if status == 503 and time.monotonic() < end:
            busy += 1
            time.sleep(float(retry or 5))
            continue
        print("import=%d_in_%.1fs busy=%d waited=%.1fs" % (status, time.monotonic() - t, busy, t - start))
        print("  " + body.decode(errors="replace")[:300])
        return


def cmd_readback(port, requests, acked, pending):
    templates = []
    with open(requests, encoding="utf-8") as f:
        for line in f:
            kind, *parts = line.rstrip("\n").split("\t")
            if kind == "W":
                templates.append(json.loads(parts[0] + "x" + parts[1])["units"][0]["variants"])
    c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)

    def check(path):
        ids = [l.rstrip("\n").split("\t") for l in open(path, encoding="utf-8") if l.strip()]
        ok, bad = 0, []
        for uid, k in ids:
            c.request("GET", "/v1/units/" + urllib.parse.quote(uid, safe=""))
            r = c.getresponse()
            body = r.read()
            variants = json.loads(body).get("variants") if r.status == 200 else None
            # Lua's indices are 1-based.
            if variants == templates[int(k) - 1]:
                ok += 1
            else:
                bad.append("%s: %d %s" % (uid, r.status, body[:200].decode(errors="replace")))
        return len(ids), ok, bad

    n, ok, bad = check(acked)
    m, stored, _ = check(pending)
    print("acked=%d read_back=%d" % (n, ok))
    print("  %d writes unanswered when wrk stopped (in flight), %d of them stored" % (m, stored))
    for b in bad[:10]:
        print("  not read back: " + b)


def cmd_serverlog(log):
    codes, first = {}, {}
    for line in open(log, encoding="utf-8", errors="replace"):
        m = re.search(r"\s(WARN|ERROR)\s", line)
        if not m:
            continue
        # The access line carries code=...; older builds logged exception.message=code or
        # ApiError { code: Code.
        c = (re.search(r"\scode=(\w+)", line) or re.search(r"exception\.message=(\w+)", line)
             or re.search(r"ApiError \{ code: (\w+)", line))
        key = "%s:%s" % (m.group(1), c.group(1) if c else "other")
        codes[key] = codes.get(key, 0) + 1
        first.setdefault(key, line.strip()[:400])
    print("server_log=" + (",".join("%s×%d" % kv for kv in sorted(codes.items())) or "clean"))
    for k in sorted(first):
        print("  first %s: %s" % (k, first[k]))


if __name__ == "__main__":
    globals()["cmd_" + sys.argv[1]](*sys.argv[2:])
