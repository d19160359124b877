#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from the repository's own files: the seed memories, the
locales, the article fixture, the README's request bodies, and XLIFF written by tetraglot.

Run once before the first fuzzing run (the corpora are then grown by the fuzzers, minimised
with `cargo fuzz cmin`, and committed). Usage: python3 fuzz/seed.py [XLIFF files...]
"""
import hashlib
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
LANGS = {"en": 0, "hy": 1, "az": 2, "ru": 3, "und": 4}


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    out = CORPUS / target
    out.mkdir(parents=True, exist_ok=True)
    (out / hashlib.sha1(data).hexdigest()).write_bytes(data)


memories = sorted((ROOT / "memories").glob("*.tmx"))
sentences = []  # (lang, text) from the seed memories
for path in memories:
    text = path.read_text()
    put("tmx", text)
    for lang, seg in re.findall(r'<tuv xml:lang="([^"]+)">\s*<seg>(.*?)</seg>', text, re.S):
        sentences.append((lang.split("-")[0].lower(), re.sub(r"<[^>]+>", "", seg)))
put("tmx", (ROOT / "tests/fixtures/omegat/article.en-hy.tmx").read_text())

# TSV: a few rows of the same sentences, in the header-of-tags layout, quoted and not.
by_lang = {}
for lang, text in sentences:
    by_lang.setdefault(lang, []).append(text)
langs = sorted(l for l in by_lang if l in LANGS)
rows = ["\t".join(langs)]
for i in range(8):
    rows.append("\t".join(by_lang[l][i % len(by_lang[l])] for l in langs))
put("tsv", "\n".join(rows) + "\n")
put("tsv", "id\tdoc_id\ten\thy\tnote\nrail.1\trail\t\"Quoted, \"\"twice\"\"\nand two lines\"\tԵրկաթուղի։\ta note\n")

for path in sys.argv[1:]:
    put("xliff", pathlib.Path(path).read_bytes())

article = json.loads((ROOT / "tests/fixtures/articles/transit-deal.json").read_text())
put("article", json.dumps(article, ensure_ascii=False))
for version in article["versions"].values():
    if "html" in version:
        put("html", version["html"])
    put("requests", bytes([9]) + json.dumps(version, ensure_ascii=False).encode())

# The README's JSON bodies, each after the byte that picks its type in http::fuzz.
readme = (ROOT / "README.md").read_text()
picks = {"/v1/match/batch": 4, "/v1/match": 0, "/v1/units": 1, "/v1/segment": 5,
         "/v1/analysis": 6, "/v1/pretranslate": 7, "/alignment/": 8}
for url, body in re.findall(r"curl[^\n]*?(/v1/[^\s'\"]*)[^\n]*?-d '(\{.*?\})'", readme, re.S):
    for key, pick in picks.items():
        if key in url:
            put("requests", bytes([pick]) + body.encode())
            break
put("requests", bytes([2]) + b'{"variants":{"en":"A bridge opens.","hy":"\xd4\xbf\xd5\xa1\xd5\xb4\xd5\xb8\xd6\x82\xd6\x80\xd5\xbb\xd5\xa8 \xd5\xa2\xd5\xa1\xd6\x81\xd5\xbe\xd5\xb8\xd6\x82\xd5\xb4 \xd5\xa7\xd6\x89"},"meta":{"document":"bridge","notes":["n"]}}')
put("requests", bytes([3]) + b'{"variants":{"en":null,"ru":"\xd0\x9c\xd0\xbe\xd1\x81\xd1\x82."},"meta":{"notes":["x"]}}')

for lang, text in sentences[:60]:
    if lang in LANGS:
        put("sentences", bytes([LANGS[lang]]) + text.encode())
put("sentences", bytes([1]) + "Կամուրջը կբացվի երկուշաբթի: Ավտոբուսները կգան ժամը 14:30-ին։ Ինչո՞ւ։".encode())
put("sentences", bytes([2]) + "İ. Əliyev bildirib. Prezident I.Əliyev gəldi! 3.5 mln manat.".encode())
put("sentences", bytes([3]) + "Т. е. в 2026 г. Алиев сказал: «Да». Ст. 5 п. 3.".encode())

pairs = list(zip(sentences[0::2], sentences[1::2]))
for (la, a), (lb, b) in pairs[:40]:
    put("score", bytes([LANGS.get(la, 4)]) + a.encode() + b"\xff" + b.encode())
    put("score", bytes([LANGS.get(la, 4)]) + a.encode() + b"\xff" + a.replace(" ", "  ", 1).upper().encode())

for path in sorted((ROOT / "locales").glob("*/*.ftl")):
    put("ftl", path.read_bytes())

requests = [
    b"GET /v1/concordance?q=\xd4\xb1\xd5\xac\xd5\xab\xd6\x87\xd5\xa8&lang=hy HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /v1/match HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n\xd4\xb1\xd4\xb1xGET /tmserver/en/hy/unit/\xd0\x9c\xd0\xbe\xd1\x81\xd1\x82 HTTP/1.1\r\n\r\n",
    b"POST /v1/import HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n\xff\xfe\xfd\r\n0\r\n\r\nGET /\xff HTTP/1.1\r\n\r\n",
    b"GET /x HTTP/1.1\r\nUpgrade: websocket\r\n\r\n\xff",
    b"CONNECT a:1 HTTP/1.1\r\n\r\n\xff",
    b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
]
for i, request in enumerate(requests):
    put("wire", bytes([i]) + request)
