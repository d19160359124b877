package org.tetraglot.omegat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.swing.JMenu;

import org.omegat.core.Core;
import org.omegat.gui.main.IMainMenu;
import org.omegat.gui.main.IMainWindow;
import org.omegat.util.Language;
import org.omegat.util.Preferences;
import org.omegat.util.RuntimePreferences;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/**
 * Offline self-test of the JSON codec, the answer/error handling, the HTTP client and the
 * connector inside OmegaT's classes (against an in-process server on 127.0.0.1). Run by build.sh; prints "selftest: N passed, N failed".
 */
public final class SelfTest {

    private static int passed;
    private static int failed;

    public static void main(String[] args) throws Exception {
        jsonReading();
        jsonErrors();
        jsonWriting();
        answerHandling();
        http();
        System.out.println("selftest: " + passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }

    // ------------------------------------------------------------------ helpers

    private static void check(String name, boolean ok) {
        if (ok) {
            passed++;
        } else {
            failed++;
            System.out.println("FAIL " + name);
        }
    }

    private static void eq(String name, Object expected, Object actual) {
        boolean ok = expected == null ? actual == null : expected.equals(actual);
        if (ok) {
            passed++;
        } else {
            failed++;
            System.out.println("FAIL " + name + "\n  expected: " + expected + "\n  actual:   " + actual);
        }
    }

    private static Object parse(String s) {
        try {
            return Json.parse(s);
        } catch (Json.ParseException e) {
            return "PARSE ERROR: " + e.getMessage();
        }
    }

    private static void rejects(String json) {
        try {
            Object v = Json.parse(json);
            failed++;
            System.out.println("FAIL should reject " + Json.quote(json) + " but parsed " + v);
        } catch (Json.ParseException expected) {
            passed++;
        } catch (RuntimeException | StackOverflowError e) {
            failed++;
            System.out.println("FAIL rejecting " + Json.quote(json) + " threw " + e);
        }
    }

    private static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<String, Object>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    // ------------------------------------------------------------------ JSON

    private static void jsonReading() {
        eq("true", Boolean.TRUE, parse("true"));
        eq("false", Boolean.FALSE, parse(" false "));
        eq("null", null, parse("\tnull\r\n"));
        eq("int", Long.valueOf(92), parse("92"));
        eq("zero", Long.valueOf(0), parse("0"));
        eq("negative", Long.valueOf(-7), parse("-7"));
        eq("fraction", Double.valueOf(92.5), parse("92.5"));
        eq("exponent", Double.valueOf(1000), parse("1e3"));
        eq("exponent sign", Double.valueOf(0.015), parse("1.5E-2"));
        eq("negative zero", Double.valueOf(-0.0), parse("-0.0"));
        eq("big int", Double.valueOf(1.2345678901234567e19), parse("12345678901234567890"));
        eq("long max", Long.valueOf(Long.MAX_VALUE), parse("9223372036854775807"));
        eq("empty string", "", parse("\"\""));
        eq("simple escapes", "\"\\/\b\f\n\r\t", parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
        eq("unicode escape", "\u00e9\u0531", parse("\"\\u00e9\\u0531\""));
        eq("upper hex", "\u00e9", parse("\"\\u00E9\""));
        eq("surrogate pair", "\uD83D\uDE00", parse("\"\\ud83d\\ude00\""));
        eq("surrogate pair codepoint", Integer.valueOf(0x1F600),
                Integer.valueOf(((String) parse("\"\\uD83D\\uDE00\"")).codePointAt(0)));
        eq("raw non-ASCII", "Գնացքը մեկնում է կեսօրին։ Поезд 😀", parse("\"Գնացքը մեկնում է կեսօրին։ Поезд 😀\""));
        eq("escape between text", "a\nb\"c", parse("\"a\\nb\\\"c\""));
        eq("bom", Long.valueOf(1), parse("\uFEFF1"));
        eq("empty object", Collections.emptyMap(), parse("{}"));
        eq("empty array", Collections.emptyList(), parse("[ ]"));
        eq("array", Arrays.asList(Long.valueOf(1), "two", null, Boolean.TRUE, Collections.emptyList()),
                parse("[1,\"two\",null,true,[]]"));
        Object nested = parse("{\"matches\":[{\"unit_id\":\"u1\",\"score\":92,\"targets\":{\"hy\":\"x\"},"
                + "\"meta\":{\"document\":\"railway-2026\"}}]}");
        eq("nested", obj("matches", Arrays.asList(obj("unit_id", "u1", "score", Long.valueOf(92), "targets",
                obj("hy", "x"), "meta", obj("document", "railway-2026")))), nested);
        eq("duplicate key keeps last", obj("a", Long.valueOf(2)), parse("{\"a\":1,\"a\":2}"));
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            deep.append('[');
        }
        for (int i = 0; i < 100; i++) {
            deep.append(']');
        }
        check("depth 100 ok", parse(deep.toString()) instanceof List);
    }

    private static void jsonErrors() {
        String[] bad = { "", " ", "tru", "nul", "True", "01", "-", "1.", ".5", "1e", "+1", "0x10", "NaN",
                "\"abc", "\"\\x\"", "\"\\u12G4\"", "\"\\u12\"", "\"a\u0001b\"", "\"tab\there\"", "[1,]", "[1 2]",
                "{\"a\" 1}", "{\"a\":1,}", "{a:1}", "{'a':1}", "{\"a\":1", "[", "[] []", "{} x", "\"\\\"",
                "\"\\u\"", "[1,,2]", "{,}" };
        for (String b : bad) {
            rejects(b);
        }
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 100000; i++) {
            deep.append('[');
        }
        rejects(deep.toString());
        try {
            Json.parse("[1, x]");
        } catch (Json.ParseException e) {
            eq("error offset", Integer.valueOf(4), Integer.valueOf(e.getOffset()));
        }
    }

    private static void jsonWriting() {
        eq("write scalars", "[null,true,false,1,-2,92.5,3,\"s\"]", Json.write(Arrays.asList(null, Boolean.TRUE,
                Boolean.FALSE, Integer.valueOf(1), Long.valueOf(-2), Double.valueOf(92.5), Double.valueOf(3.0), "s")));
        eq("write object order", "{\"b\":1,\"a\":[]}", Json.write(obj("b", Integer.valueOf(1), "a",
                new ArrayList<Object>())));
        eq("quote escapes", "\"q\\\"b\\\\n\\nr\\rt\\tb\\bf\\f\\u0001\\u001f/\"",
                Json.quote("q\"b\\n\nr\rt\tb\bf\f\u0001\u001f/"));
        eq("quote line separators", "\"\\u2028\\u2029\"", Json.quote("\u2028\u2029"));
        eq("quote keeps pairs and non-ASCII", "\"\uD83D\uDE00 Ա ж\"", Json.quote("\uD83D\uDE00 Ա ж"));
        eq("quote escapes lone surrogates", "\"a\\ud800b\\udc00\"", Json.quote("a\uD800b\uDC00"));
        String tricky = "All \"escapes\" \\ / \b\f\n\r\t \u0000\u007f \u00e9 Ա 😀 \u2028 end";
        eq("round trip", tricky, parse(Json.write(tricky)));
        Map<String, Object> m = obj("text", tricky, "n", Long.valueOf(5), "list", Arrays.asList("x", null));
        eq("round trip object", m, parse(Json.write(m)));
        try {
            Json.write(Double.valueOf(Double.NaN));
            check("NaN rejected", false);
        } catch (IllegalArgumentException e) {
            check("NaN rejected", true);
        }
        eq("request body",
                "{\"text\":\"Hi \\\"you\\\"\",\"source\":\"en\",\"targets\":[\"hy\"],\"min_score\":50,\"limit\":3}",
                TetraglotClient.requestBody("Hi \"you\"", "en", "hy", 50, 3));
    }

    // ------------------------------------------------------------------ answers

    private static TetraglotClient.Match match(double score, String target, String doc, String outlet) {
        return new TetraglotClient.Match("u", score, "src", target, doc, outlet, null);
    }

    private static void answerHandling() throws Exception {
        eq("error with code and message", "tetraglot: 401 unauthorized \u2014 check the API key",
                TetraglotClient.errorMessage(401,
                        "{\"error\":{\"code\":\"unauthorized\",\"message\":\"check the API key\"}}"));
        eq("error with code only", "tetraglot: 422 unknown_language",
                TetraglotClient.errorMessage(422, "{\"error\":{\"code\":\"unknown_language\"}}"));
        eq("error not JSON", "tetraglot: 502 bad_gateway \u2014 <html> Bad gateway </html>",
                TetraglotClient.errorMessage(502, "<html>\n Bad gateway\n</html>"));
        eq("error empty 401", "tetraglot: 401 unauthorized \u2014 check the API key (tetraglot.apikey)",
                TetraglotClient.errorMessage(401, ""));

        eq("pick exact", "a", TetraglotClient.pickTarget(obj("hy", "a", "ru", "b"), "hy"));
        eq("pick case", "a", TetraglotClient.pickTarget(obj("HY", "a"), "hy"));
        eq("pick region in answer", "a", TetraglotClient.pickTarget(obj("ru", "b", "hy-AM", "a"), "hy"));
        eq("pick region asked", "a", TetraglotClient.pickTarget(obj("hy", "a"), "hy-am"));
        eq("pick none", null, TetraglotClient.pickTarget(obj("ru", "b"), "hy"));

        List<TetraglotClient.Match> ms = TetraglotClient.parseMatches(parse("{\"matches\":["
                + "{\"unit_id\":\"u1\",\"score\":92,\"source_text\":\"s\",\"targets\":{\"hy\":\"t1\"},"
                + "\"meta\":{\"document\":\"railway-2026\",\"outlet\":null}},"
                + "{\"unit_id\":\"u2\",\"score\":70.5,\"targets\":{\"hy\":\"t2\"}}]}"), "hy");
        eq("parsed count", Integer.valueOf(2), Integer.valueOf(ms.size()));
        eq("parsed target", "t1", ms.get(0).target);
        eq("parsed doc", "railway-2026", ms.get(0).document);
        eq("parsed null outlet", null, ms.get(0).outlet);
        eq("parsed no meta", null, ms.get(1).document);
        eq("parsed empty", Integer.valueOf(0),
                Integer.valueOf(TetraglotClient.parseMatches(parse("{\"matches\":[]}"), "hy").size()));

        eq("format doc", "[92%] Գնացք (railway-2026)", TetraglotTranslate.format(match(92, "Գնացք", "railway-2026", null)));
        eq("format outlet", "[80%] t (azatutyun)", TetraglotTranslate.format(match(80, "t", null, "azatutyun")));
        eq("format both", "[100%] t (doc, outlet)", TetraglotTranslate.format(match(100, "t", "doc", "outlet")));
        eq("format none", "[99%] t", TetraglotTranslate.format(match(99.6, "t", null, null)));
        eq("label both", "tetraglot [100%] doc, outlet", TetraglotTranslate.label(match(100, "t", "doc", "outlet")));
        eq("label none", "tetraglot [99%]", TetraglotTranslate.label(match(99.6, "t", null, null)));
        eq("best skips missing target", "b", TetraglotTranslate.best(Arrays.asList(match(95, null, null, null),
                match(90, "b", null, null), match(80, "c", null, null))).target);
        eq("best tie keeps order", "a", TetraglotTranslate.best(Arrays.asList(match(90, "a", null, null),
                match(90, "b", null, null))).target);
        eq("best of none", null, TetraglotTranslate.best(new ArrayList<TetraglotClient.Match>()));
    }

    // ------------------------------------------------------------------ HTTP

    private static String readBody(HttpExchange ex) throws IOException {
        InputStream in = ex.getRequestBody();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] b = new byte[4096];
        int n;
        while ((n = in.read(b)) != -1) {
            buf.write(b, 0, n);
        }
        return new String(buf.toByteArray(), "UTF-8");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes("UTF-8");
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        OutputStream out = ex.getResponseBody();
        out.write(bytes);
        out.close();
    }

    private static void http() throws Exception {
        final List<String> seen = Collections.synchronizedList(new ArrayList<String>());
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/match", new HttpHandler() {
            @Override
            public void handle(HttpExchange ex) throws IOException {
                try {
                    String auth = ex.getRequestHeaders().getFirst("Authorization");
                    seen.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Content-Type") + " " + auth);
                    if (!"Bearer sekret".equals(auth)) {
                        send(ex, 401, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"check the API key\"}}");
                        return;
                    }
                    Map<?, ?> req = (Map<?, ?>) Json.parse(readBody(ex));
                    String text = (String) req.get("text");
                    seen.add(req.get("source") + ">" + req.get("targets") + " " + req.get("min_score") + " "
                            + req.get("limit"));
                    if (text.startsWith("slow")) {
                        Thread.sleep(3000);
                        send(ex, 200, "{\"matches\":[]}");
                    } else if (text.startsWith("garbage")) {
                        send(ex, 200, "{\"matches\":[");
                    } else if (text.startsWith("nothing")) {
                        send(ex, 200, "{\"matches\":[]}");
                    } else {
                        send(ex, 200, "{\"matches\":[{\"unit_id\":\"u1\",\"score\":92,\"source_text\":"
                                + Json.quote(text) + ",\"targets\":{\"hy\":\"Գնացքը «մեկնում» է\\n\\u0565\"},"
                                + "\"meta\":{\"document\":\"railway-2026\",\"author\":\"A\"}}]}");
                    }
                } catch (Exception e) {
                    send(ex, 500, "{\"error\":{\"code\":\"internal\",\"message\":" + Json.quote(e.toString()) + "}}");
                }
            }
        });
        // The slow handler must not hold up the requests after it.
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        try {
            TetraglotClient ok = new TetraglotClient(base + "/", "sekret", 1000);
            List<TetraglotClient.Match> ms = ok.match("The train \"leaves\" 😀", "en", "hy", 50, 3);
            eq("http match count", Integer.valueOf(1), Integer.valueOf(ms.size()));
            eq("http source echoed", "The train \"leaves\" 😀", ms.get(0).sourceText);
            eq("http target", "Գնացքը «մեկնում» է\n\u0565", ms.get(0).target);
            eq("http request headers", "POST application/json Bearer sekret", seen.get(0));
            eq("http request body", "en>[hy] 50 3", seen.get(1));
            eq("http no match", Integer.valueOf(0), Integer.valueOf(ok.match("nothing", "en", "hy", 50, 3).size()));

            // Exact: the server's message must survive (HttpURLConnection loses 401 bodies in streaming mode).
            expectError("http 401", new TetraglotClient(base, "wrong", 1000), "x",
                    "tetraglot: 401 unauthorized \u2014 check the API key$");
            seen.clear();
            expectError("http no key", new TetraglotClient(base, "  ", 1000), "x",
                    "tetraglot: 401 unauthorized \u2014 check the API key$");
            eq("http no key sends no header", "POST application/json null", seen.get(0));
            expectError("http bad json", ok, "garbage", "tetraglot: unexpected answer from " + base + " (invalid JSON: ");
            long t0 = System.currentTimeMillis();
            expectError("http timeout", ok, "slow", "tetraglot: no answer from " + base + " within 1 s (");
            check("http timeout is bounded", System.currentTimeMillis() - t0 < 2500);
            expectError("http 404", new TetraglotClient(base + "/nope", "sekret", 1000), "x",
                    "tetraglot: 404 not_found");
            connector(base);
        } finally {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }

        ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
        int closedPort = s.getLocalPort();
        s.close();
        String closed = "http://127.0.0.1:" + closedPort;
        expectError("connection refused", new TetraglotClient(closed, "", 1000), "x",
                "tetraglot: cannot reach " + closed + " (Connection refused");
        expectError("bad url", new TetraglotClient("127.0.0.1:8080", "", 1000), "x",
                "tetraglot: invalid server URL \"127.0.0.1:8080\"");
        expectError("empty url", new TetraglotClient("", "", 1000), "x", "tetraglot: invalid server URL \"\"");
    }

    // ------------------------------------------------------------------ the connector in OmegaT

    /** Core.setMainWindow is protected; a subclass may call it. */
    private static final class CoreAccess extends Core {
        static void install(IMainWindow w) {
            setMainWindow(w);
        }
    }

    /** A main window whose only working part is the Options → Machine Translate menu. */
    private static IMainWindow fakeMainWindow(final JMenu mtMenu) {
        final IMainMenu menu = (IMainMenu) Proxy.newProxyInstance(SelfTest.class.getClassLoader(),
                new Class<?>[] { IMainMenu.class }, new InvocationHandler() {
                    @Override
                    public Object invoke(Object proxy, Method method, Object[] a) {
                        return method.getName().equals("getMachineTranslationMenu") ? mtMenu : null;
                    }
                });
        return (IMainWindow) Proxy.newProxyInstance(SelfTest.class.getClassLoader(),
                new Class<?>[] { IMainWindow.class }, new InvocationHandler() {
                    @Override
                    public Object invoke(Object proxy, Method method, Object[] a) {
                        return method.getName().equals("getMainMenu") ? menu : null;
                    }
                });
    }

    /** Result of getName() when called on another thread than the lookup's. */
    private static String nameElsewhere(final TetraglotTranslate t) throws InterruptedException {
        final String[] name = new String[1];
        Thread other = new Thread(new Runnable() {
            @Override
            public void run() {
                name[0] = t.getName();
            }
        });
        other.start();
        other.join();
        return name[0];
    }

    /**
     * The connector as OmegaT's pane uses it (getTranslation, then getName on the same thread),
     * with OmegaT's Preferences in a temporary config dir and the URL as a system property.
     */
    private static void connector(String base) throws Exception {
        File config = Files.createTempDirectory("tetraglot-selftest-").toFile();
        try {
            RuntimePreferences.setConfigDir(config.getAbsolutePath());
            CoreAccess.install(fakeMainWindow(new JMenu("Machine Translate")));
            System.setProperty(TetraglotTranslate.KEY_URL, base);
            Preferences.setPreference(TetraglotTranslate.KEY_APIKEY, "sekret");
            Preferences.setPreference(TetraglotTranslate.PREF_ENABLED, Boolean.TRUE);
            TetraglotTranslate t = new TetraglotTranslate();
            Language en = new Language("EN-US");
            Language hy = new Language("HY-AM");
            String bare = "Գնացքը «մեկնում» է\n\u0565";

            check("connector enabled", t.isEnabled());
            eq("name in the menu", "tetraglot", t.getName());
            eq("default inserts the translation alone", bare, t.getTranslation(en, hy, "The train"));
            eq("default: score and origin under it", "tetraglot [92%] railway-2026", t.getName());
            eq("default: name elsewhere", "tetraglot", nameElsewhere(t));
            eq("default: cached", bare, t.getCachedTranslation(en, hy, "The train"));
            eq("default: cached label", "tetraglot [92%] railway-2026", t.getName());
            eq("no match: nothing", null, t.getTranslation(en, hy, "nothing"));
            eq("no match: plain name", "tetraglot", t.getName());

            Preferences.setPreference(TetraglotTranslate.KEY_DECORATE, "true");
            eq("decorate: score and origin in the text", "[92%] " + bare + " (railway-2026)",
                    t.getTranslation(en, hy, "The train"));
            eq("decorate: plain name", "tetraglot", t.getName());
            Preferences.setPreference(TetraglotTranslate.KEY_DECORATE, "false");

            Preferences.setPreference(TetraglotTranslate.KEY_APIKEY, "wrong");
            eq("error inserts nothing", null, t.getTranslation(en, hy, "Unauthorised"));
            eq("error: plain name", "tetraglot", t.getName());
            eq("error is reported", "tetraglot: 401 unauthorized \u2014 check the API key", t.lastError());
            eq("error not cached", null, t.getCachedTranslation(en, hy, "Unauthorised"));
            Preferences.setPreference(TetraglotTranslate.KEY_APIKEY, "sekret");

            ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
            String closed = "http://127.0.0.1:" + s.getLocalPort();
            s.close();
            System.setProperty(TetraglotTranslate.KEY_URL, closed);
            eq("server down inserts nothing", null, t.getTranslation(en, hy, "The train again"));
            check("server down is reported", t.lastError() != null
                    && t.lastError().startsWith("tetraglot: cannot reach " + closed));
            System.setProperty(TetraglotTranslate.KEY_URL, base);
            eq("back up", bare, t.getTranslation(en, hy, "The train once more"));
            eq("back up: no error", null, t.lastError());

            // Every key is in omegat.prefs, tetraglot.url too although a system property set it.
            Preferences.save();
            String prefs = new String(Files.readAllBytes(new File(config, "omegat.prefs").toPath()), "UTF-8");
            check("prefs has tetraglot.url (default, the system property is not stored)",
                    prefs.contains("<tetraglot.url>http://127.0.0.1:8080</tetraglot.url>"));
            check("prefs has tetraglot.apikey", prefs.contains("<tetraglot.apikey>sekret</tetraglot.apikey>"));
            check("prefs has tetraglot.minscore", prefs.contains("<tetraglot.minscore>50</tetraglot.minscore>"));
            check("prefs has tetraglot.timeout", prefs.contains("<tetraglot.timeout>5</tetraglot.timeout>"));
            check("prefs has tetraglot.decorate", prefs.contains("<tetraglot.decorate>false</tetraglot.decorate>"));
            if (!prefs.contains("<tetraglot.url>")) {
                System.out.println(prefs);
            }

            // Ticking with no project open (no pane, no current segment) only enables.
            TetraglotTranslate.fetchCurrentSegment();
            check("tick without a project is harmless", true);
        } finally {
            System.clearProperty(TetraglotTranslate.KEY_URL);
            deleteTree(config);
        }
    }

    private static void deleteTree(File f) {
        File[] children = f.listFiles();
        if (children != null) {
            for (File c : children) {
                deleteTree(c);
            }
        }
        f.delete();
    }

    private static void expectError(String name, TetraglotClient c, String text, String prefix) {
        try {
            List<TetraglotClient.Match> ms = c.match(text, "en", "hy", 50, 3);
            failed++;
            System.out.println("FAIL " + name + ": expected an error, got " + ms.size() + " matches");
        } catch (TetraglotClient.TetraglotException e) {
            boolean exact = prefix.endsWith("$");
            String want = exact ? prefix.substring(0, prefix.length() - 1) : prefix;
            if (exact ? e.getMessage().equals(want) : e.getMessage().startsWith(want)) {
                passed++;
            } else {
                failed++;
                System.out.println("FAIL " + name + "\n  expected " + (exact ? "" : "prefix: ") + want + "\n  actual: "
                        + e.getMessage());
            }
        }
    }
}
