package org.tetraglot.omegat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP client for tetraglot's {@code POST /v1/match}. Independent of OmegaT so that it can be
 * used and tested on its own; every failure surfaces as a {@link TetraglotException} whose
 * message is meant to be shown to the translator as is.
 */
public final class TetraglotClient {

    static final Charset UTF8 = Charset.forName("UTF-8");
    /** Answers larger than this are cut off with an error rather than read into memory. */
    static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

    private final String baseUrl;
    private final String apiKey;
    private final int timeoutMillis;

    /** One translation-memory match, as returned by the server. */
    public static final class Match {
        public final String unitId;
        public final double score;
        public final String sourceText;
        /** Target text for the requested target language, or {@code null} if the match has none. */
        public final String target;
        public final String document;
        public final String outlet;
        public final String author;

        Match(String unitId, double score, String sourceText, String target, String document, String outlet,
                String author) {
            this.unitId = unitId;
            this.score = score;
            this.sourceText = sourceText;
            this.target = target;
            this.document = document;
            this.outlet = outlet;
            this.author = author;
        }
    }

    /** A failure whose message is ready to be shown to the user, prefixed with "tetraglot: ". */
    public static final class TetraglotException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        TetraglotException(String message, int status, Throwable cause) {
            super(message, cause);
            this.status = status;
        }

        /** The HTTP status, or 0 when no HTTP answer was received. */
        public int getStatus() {
            return status;
        }
    }

    /**
     * @param baseUrl e.g. {@code http://127.0.0.1:8080}; a trailing slash is ignored
     * @param apiKey sent as {@code Authorization: Bearer …} unless {@code null} or blank
     * @param timeoutMillis connect timeout, read timeout and overall deadline for one request
     */
    public TetraglotClient(String baseUrl, String apiKey, int timeoutMillis) {
        String b = baseUrl == null ? "" : baseUrl.trim();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        this.baseUrl = b;
        this.apiKey = apiKey == null ? "" : apiKey.trim();
        this.timeoutMillis = timeoutMillis > 0 ? timeoutMillis : 5000;
    }

    public String getBaseUrl() {
        return baseUrl;
    }

    /** Builds the JSON request body for {@code /v1/match}. */
    static String requestBody(String text, String source, String target, int minScore, int limit) {
        Map<String, Object> body = new LinkedHashMap<String, Object>();
        body.put("text", text);
        body.put("source", source);
        body.put("targets", Collections.singletonList(target));
        body.put("min_score", Integer.valueOf(minScore));
        body.put("limit", Integer.valueOf(limit));
        return Json.write(body);
    }

    /**
     * Asks the server for matches of {@code text}, best first.
     *
     * @param source BCP-47 source language code, e.g. {@code en}
     * @param target BCP-47 target language code, e.g. {@code hy}
     * @return the matches in the server's order (possibly empty, never {@code null})
     */
    public List<Match> match(String text, String source, String target, int minScore, int limit)
            throws TetraglotException {
        URL url;
        try {
            if (baseUrl.isEmpty()) {
                throw new MalformedURLException("empty");
            }
            url = new URL(baseUrl + "/v1/match");
            String protocol = url.getProtocol();
            if (!"http".equals(protocol) && !"https".equals(protocol)) {
                throw new MalformedURLException("not http(s)");
            }
        } catch (MalformedURLException e) {
            throw new TetraglotException("tetraglot: invalid server URL \"" + baseUrl
                    + "\" \u2014 set tetraglot.url to e.g. http://127.0.0.1:8080", 0, e);
        }

        byte[] payload = requestBody(text, source, target, minScore, limit).getBytes(UTF8);
        long deadline = System.currentTimeMillis() + timeoutMillis;
        HttpURLConnection conn = null;
        int status;
        byte[] answer;
        try {
            conn = (HttpURLConnection) url.openConnection();
            conn.setConnectTimeout(timeoutMillis);
            conn.setReadTimeout(timeoutMillis);
            conn.setUseCaches(false);
            conn.setInstanceFollowRedirects(false);
            conn.setRequestMethod("POST");
            conn.setDoOutput(true);
            // No setFixedLengthStreamingMode(): in streaming mode HttpURLConnection throws the
            // body of a 401 away, and that body carries the server's explanation. /v1/match is a
            // read-only query, so the JDK's one silent POST retry on a dropped connection is harmless.
            conn.setRequestProperty("Content-Type", "application/json");
            conn.setRequestProperty("Accept", "application/json");
            if (!apiKey.isEmpty()) {
                conn.setRequestProperty("Authorization", "Bearer " + apiKey);
            }
            OutputStream out = conn.getOutputStream();
            try {
                out.write(payload);
            } finally {
                out.close();
            }
            status = conn.getResponseCode();
            InputStream in = status >= 400 ? conn.getErrorStream() : conn.getInputStream();
            answer = in == null ? new byte[0] : readAll(in, deadline);
        } catch (SocketTimeoutException e) {
            throw new TetraglotException("tetraglot: no answer from " + baseUrl + " within "
                    + seconds(timeoutMillis) + " (" + describe(e) + ")", 0, e);
        } catch (UnknownHostException e) {
            throw new TetraglotException("tetraglot: cannot reach " + baseUrl + " (unknown host "
                    + e.getMessage() + ")", 0, e);
        } catch (ConnectException e) {
            throw new TetraglotException("tetraglot: cannot reach " + baseUrl + " (" + describe(e) + ")", 0, e);
        } catch (NoRouteToHostException e) {
            throw new TetraglotException("tetraglot: cannot reach " + baseUrl + " (" + describe(e) + ")", 0, e);
        } catch (IOException e) {
            throw new TetraglotException("tetraglot: request to " + baseUrl + " failed (" + describe(e) + ")", 0, e);
        } finally {
            if (conn != null) {
                conn.disconnect();
            }
        }

        String bodyText = new String(answer, UTF8);
        if (status < 200 || status > 299) {
            throw new TetraglotException(errorMessage(status, bodyText), status, null);
        }
        try {
            return parseMatches(Json.parse(bodyText), target);
        } catch (Json.ParseException e) {
            throw new TetraglotException("tetraglot: unexpected answer from " + baseUrl + " (invalid JSON: "
                    + e.getMessage() + ")", status, e);
        } catch (IllegalArgumentException e) {
            throw new TetraglotException("tetraglot: unexpected answer from " + baseUrl + " (" + e.getMessage()
                    + ")", status, e);
        }
    }

    private static byte[] readAll(InputStream in, long deadline) throws IOException {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int n;
            while ((n = in.read(chunk)) != -1) {
                buf.write(chunk, 0, n);
                if (buf.size() > MAX_BODY_BYTES) {
                    throw new IOException("answer larger than " + MAX_BODY_BYTES + " bytes");
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new SocketTimeoutException("answer took too long");
                }
            }
            return buf.toByteArray();
        } finally {
            in.close();
        }
    }

    /** Turns a non-2xx answer into e.g. "tetraglot: 401 unauthorized — check the API key". */
    static String errorMessage(int status, String body) {
        String code = null;
        String message = null;
        try {
            Object parsed = Json.parse(body);
            if (parsed instanceof Map) {
                Object err = ((Map<?, ?>) parsed).get("error");
                if (err instanceof Map) {
                    Object c = ((Map<?, ?>) err).get("code");
                    Object m = ((Map<?, ?>) err).get("message");
                    code = c instanceof String ? (String) c : null;
                    message = m instanceof String ? (String) m : null;
                } else if (err instanceof String) {
                    message = (String) err;
                }
            }
        } catch (Json.ParseException notJson) {
            // handled below
        }
        StringBuilder sb = new StringBuilder("tetraglot: ").append(status);
        sb.append(' ').append(code != null && !code.isEmpty() ? code : reason(status));
        if (message != null && !message.trim().isEmpty()) {
            sb.append(" \u2014 ").append(message.trim());
        } else if (code == null) {
            String snippet = body.trim().replaceAll("\\s+", " ");
            if (!snippet.isEmpty()) {
                sb.append(" \u2014 ").append(snippet.length() > 200 ? snippet.substring(0, 200) + "\u2026" : snippet);
            } else if (status == 401 || status == 403) {
                sb.append(" \u2014 check the API key (tetraglot.apikey)");
            }
        }
        return sb.toString();
    }

    private static String reason(int status) {
        switch (status) {
        case 400:
            return "bad_request";
        case 401:
            return "unauthorized";
        case 403:
            return "forbidden";
        case 404:
            return "not_found";
        case 405:
            return "method_not_allowed";
        case 413:
            return "payload_too_large";
        case 415:
            return "unsupported_media_type";
        case 422:
            return "unprocessable_entity";
        case 429:
            return "too_many_requests";
        case 500:
            return "internal_error";
        case 502:
            return "bad_gateway";
        case 503:
            return "unavailable";
        case 504:
            return "gateway_timeout";
        default:
            return "http_error";
        }
    }

    /** Reads {@code {"matches":[…]}}; throws IllegalArgumentException when the shape is wrong. */
    static List<Match> parseMatches(Object json, String target) {
        if (!(json instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON object with \"matches\"");
        }
        Object list = ((Map<?, ?>) json).get("matches");
        if (list == null) {
            return Collections.emptyList();
        }
        if (!(list instanceof List)) {
            throw new IllegalArgumentException("\"matches\" is not an array");
        }
        List<Match> result = new ArrayList<Match>();
        for (Object o : (List<?>) list) {
            if (!(o instanceof Map)) {
                throw new IllegalArgumentException("a match is not an object");
            }
            Map<?, ?> m = (Map<?, ?>) o;
            Object score = m.get("score");
            if (!(score instanceof Number)) {
                throw new IllegalArgumentException("a match has no numeric \"score\"");
            }
            Object metaObj = m.get("meta");
            Map<?, ?> meta = metaObj instanceof Map ? (Map<?, ?>) metaObj : Collections.emptyMap();
            Object targets = m.get("targets");
            String text = targets instanceof Map ? pickTarget((Map<?, ?>) targets, target) : null;
            result.add(new Match(str(m.get("unit_id")), ((Number) score).doubleValue(), str(m.get("source_text")),
                    text, str(meta.get("document")), str(meta.get("outlet")), str(meta.get("author"))));
        }
        return result;
    }

    /**
     * Finds the text for {@code lang} in a {@code targets} object: exact key, then any case,
     * then same primary language subtag (so "hy" finds "hy-AM" and the other way round).
     */
    static String pickTarget(Map<?, ?> targets, String lang) {
        Object exact = targets.get(lang);
        if (exact instanceof String) {
            return (String) exact;
        }
        String want = lang.toLowerCase(Locale.ROOT).replace('_', '-');
        String wantPrimary = primary(want);
        String byPrimary = null;
        for (Map.Entry<?, ?> e : targets.entrySet()) {
            if (!(e.getKey() instanceof String) || !(e.getValue() instanceof String)) {
                continue;
            }
            String key = ((String) e.getKey()).toLowerCase(Locale.ROOT).replace('_', '-');
            if (key.equals(want)) {
                return (String) e.getValue();
            }
            if (byPrimary == null && primary(key).equals(wantPrimary)) {
                byPrimary = (String) e.getValue();
            }
        }
        return byPrimary;
    }

    private static String primary(String tag) {
        int dash = tag.indexOf('-');
        return dash < 0 ? tag : tag.substring(0, dash);
    }

    private static String str(Object o) {
        if (o == null) {
            return null;
        }
        String s = o instanceof String ? (String) o : String.valueOf(o);
        return s.trim().isEmpty() ? null : s;
    }

    private static String describe(IOException e) {
        String msg = e.getMessage();
        return msg == null || msg.isEmpty() ? e.getClass().getSimpleName() : msg;
    }

    private static String seconds(int millis) {
        return millis % 1000 == 0 ? (millis / 1000) + " s" : (millis / 1000.0) + " s";
    }
}
