"""Schemathesis hooks for the tetraglot tests: JSON Lines request bodies
(`POST /v1/article-batches`), which schemathesis has no serializer for, are sent as the
generated value on one line."""

import json

import schemathesis


@schemathesis.serializer("application/x-ndjson", "application/jsonl")
def json_lines(ctx, value):
    if isinstance(value, bytes):
        return value
    text = value if isinstance(value, str) else json.dumps(value)
    return (text + "\n").encode("utf-8")
