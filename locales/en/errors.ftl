### One message per API error code (error-<code>, with - for _): the `message` of every error
### body, in the caller's language. Each says what to fix. Variables, where a message has them:
### $line: the line of the file at fault; $method, $path: the request's method and path;
### $limit: the body size limit in bytes; $max: the largest value allowed.

error-body-timeout = The body stopped arriving, so the upload was cut; send the file again.
error-busy = The server is receiving as many uploads as it takes at once; try again in a few seconds.
error-duplicate-language = Two variants of the unit are in the same language; keep only one of them.
error-empty-text = The text is empty; send the sentence to store or to match.
error-id-mismatch = The id in the body differs from the id in the URL; remove it from the body or make the two equal.
error-internal = Something went wrong on the server; try again, and report it if it keeps happening.
error-invalid-date = A date is not in RFC 3339 form; write it like 2026-05-01T09:30:00Z.
error-invalid-id = A unit id must be 1 to 256 bytes long, without control characters.
error-invalid-json = The body is not valid JSON; check the quotes, commas and brackets.
error-invalid-language = The language tag “{ $tag }” is not valid; use a BCP 47 tag such as en, hy-AM or az-Latn.
error-invalid-limit = The limit must be between 1 and { $max }.
error-invalid-min-score = min_score is a percentage: send a number from 0 to 101.
error-invalid-parameter = { $parameter ->
        [none] A query parameter is not valid
       *[other] The query parameter { $parameter } is not valid
    }; check the names and values in the URL.
error-invalid-path = The URL path is not valid; check the endpoint and the id in it.
error-invalid-text = The text holds a control character that no exchange format can carry; remove it and send the text again.
error-invalid-request = { $field ->
        [none] The JSON does not have the expected shape
       *[other] The JSON field { $field } does not have the expected shape
    }; check the field names and types against the documentation.
error-malformed-file = The file is malformed at line { NUMBER($line, useGrouping: "false") }; nothing was imported. Fix the file and send it again.
error-malformed-tmx = The TMX file is malformed at line { NUMBER($line, useGrouping: "false") }; nothing was imported. Fix the file and send it again.
error-malformed-tsv = The TSV file is malformed at line { NUMBER($line, useGrouping: "false") }; nothing was imported. Fix the file and send it again.
error-method-not-allowed = { $method } is not allowed on { $path }; see the documentation for the methods of each endpoint.
error-no-units = The request carries no units; send at least one.
error-no-variants = A unit needs at least one variant: a text in some language.
error-not-committed = The change was not committed, so nothing changed; try again.
error-payload-too-large = The request body is larger than the limit of { $limit ->
        [one] { $limit } byte
       *[other] { $limit } bytes
    }; send less at once, or ask the administrator to raise the limit.
error-route-not-found = There is no endpoint at { $path }; see the documentation.
error-storage-error = Reading or writing the memory failed, so nothing changed; try again.
error-task-not-cancelable = Task { $id } cannot be canceled: it has ended already, or it is an optimize that has started.
error-task-not-found = No task has the id “{ $id }”; GET /v1/tasks lists yours.
error-text-too-long = The text is too long: the limit is { $max ->
        [one] { $max } character
       *[other] { $max } characters
    }. Send one sentence or paragraph at a time.
error-too-many-segments = The batch has too many segments; send at most 100 in one request, and the rest in further requests.
error-too-many-units = There are too many units in one request; send fewer, or use /v1/import for whole files.
error-unauthorized = The API key is missing or wrong; send it as “Authorization: Bearer <key>”.
error-unavailable = The service cannot take this request right now; try again later.
error-unit-not-found = No unit has the id “{ $id }”; check the id.
error-unknown-language = The language tag “{ $tag }” is well-formed, but it names no language known or served here; use e.g. en, hy, az or ru.
error-unreadable-body = The request body could not be read; send it again.
error-unsupported-media-type = This content type is not accepted; send JSON as application/json, TMX as application/x-tmx+xml and TSV as text/tab-separated-values.
error-feed-not-found = There is no feed at { $path }; name it SOURCE-TARGET.tmx with two language tags, e.g. /v1/feeds/en-hy.tmx.
error-locale-not-found = No locale served here matches the one in { $path }; GET /v1/l10n/locales lists them.
error-too-many-messages = There are too many messages in one request; send at most { $max } and the rest in further requests.
error-article-not-found = No article has the id “{ $id }”; check the id, or send the article with POST /v1/articles first.
error-article-too-long = The article is longer than this server takes; send a shorter article or ask the administrator to raise the limit.
error-edit-conflict = Someone else changed the same article at the same moment; send your change again.
error-invalid-alignment = The corrected alignment must hold every sentence of both versions exactly once; check the sentence numbers.
error-invalid-article = The article is not complete: each version needs a title and either a body or an html, and the source language must be one of the versions.
error-invalid-article-id = An article id is 1 to 200 letters, digits, hyphens, underscores or dots, without a slash.
error-no-article-text = A version of the article holds no text; send its body.
error-source-version = The source version of an article cannot be removed; delete the article instead.
error-version-not-found = The article “{ $id }” has no version in { $lang }.
error-malformed-xliff = The XLIFF file is malformed at line { NUMBER($line, useGrouping: "false") }; nothing was imported. Fix the file and send it again.
error-headers-too-large = The request's headers are too large (more than 96 headers or 128 KiB).
error-header-timeout = The request's headers did not arrive within 5 seconds.
error-malformed-request = The request is not valid HTTP/1.1; check its request line (method, a path starting with /, HTTP/1.1) and its headers.
error-forbidden = This key may not do that: it needs the role “{ $role }”; ask an administrator for a key with that role.
error-key-not-found = No key has the id “{ $id }”; GET /v1/keys lists them.
error-keys-disabled = Keys are off on this server: set a master key (TETRAGLOT_MASTER_KEY or --master-key-file) to make them.
error-rate-limited = This key has sent more requests than its limit allows; wait as long as Retry-After says, then try again.
error-not-ready = The service is not ready to take requests (its memory cannot be written now); the load balancer should send them elsewhere.
