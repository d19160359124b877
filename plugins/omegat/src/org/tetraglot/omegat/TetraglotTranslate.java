package org.tetraglot.omegat;

import java.util.List;
import java.util.Locale;

import org.omegat.core.Core;
import org.omegat.core.machinetranslators.BaseTranslate;
import org.omegat.util.Language;
import org.omegat.util.Preferences;

/**
 * OmegaT 3.6 machine-translation connector that shows the best tetraglot translation-memory
 * match for the current segment in the Machine Translation pane, e.g.
 * {@code [92%] Գնացքը մեկնում է կեսօրին։ (railway-2026)}.
 *
 * <p>OmegaT loads it through the {@code OmegaT-Plugins} manifest attribute, which makes it call
 * {@link #loadPlugins()}; the connector then appears under Options → Machine Translate as
 * "tetraglot". Settings are read, in this order, from Java system properties, OmegaT's
 * preferences (omegat.prefs) and built-in defaults:
 * <ul>
 * <li>{@code tetraglot.url} — server base URL, default {@code http://127.0.0.1:8080}</li>
 * <li>{@code tetraglot.apikey} — API key sent as a bearer token, default none</li>
 * <li>{@code tetraglot.minscore} — lowest score asked for, default 50</li>
 * <li>{@code tetraglot.timeout} — seconds for connecting and for reading, default 5</li>
 * <li>{@code tetraglot.plain} — {@code true} to show only the target text, without score and origin</li>
 * </ul>
 */
public class TetraglotTranslate extends BaseTranslate {

    public static final String NAME = "tetraglot";
    /** OmegaT preference that remembers whether the connector is ticked in the menu. */
    public static final String PREF_ENABLED = "allow_tetraglot_translate";

    public static final String KEY_URL = "tetraglot.url";
    public static final String KEY_APIKEY = "tetraglot.apikey";
    public static final String KEY_MIN_SCORE = "tetraglot.minscore";
    public static final String KEY_TIMEOUT = "tetraglot.timeout";
    public static final String KEY_PLAIN = "tetraglot.plain";

    public static final String DEFAULT_URL = "http://127.0.0.1:8080";
    public static final int DEFAULT_MIN_SCORE = 50;
    public static final int DEFAULT_TIMEOUT_SECONDS = 5;
    /** How many matches to ask for; only the best is shown. */
    static final int LIMIT = 3;

    /** Called by OmegaT's plugin loader for each class named in {@code OmegaT-Plugins}. */
    public static void loadPlugins() {
        Core.registerMachineTranslationClass(TetraglotTranslate.class);
    }

    /** Called by OmegaT when it shuts its plugins down; nothing to release. */
    public static void unloadPlugins() {
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    protected String getPreferenceName() {
        return PREF_ENABLED;
    }

    /**
     * Returns the formatted best match, a "tetraglot: …" message when the server cannot be used,
     * or {@code null} when there is no match (OmegaT then shows nothing for this connector).
     */
    @Override
    protected String translate(Language sLang, Language tLang, String text) throws Exception {
        if (text == null || text.trim().isEmpty() || sLang == null || tLang == null) {
            return null;
        }
        String source = sLang.getLanguageCode().toLowerCase(Locale.ROOT);
        String target = tLang.getLanguageCode().toLowerCase(Locale.ROOT);
        if (source.isEmpty() || target.isEmpty()) {
            return null;
        }
        TetraglotClient client = new TetraglotClient(setting(KEY_URL, DEFAULT_URL), setting(KEY_APIKEY, ""),
                intSetting(KEY_TIMEOUT, DEFAULT_TIMEOUT_SECONDS, 1, 600) * 1000);
        List<TetraglotClient.Match> matches;
        try {
            matches = client.match(text, source, target, intSetting(KEY_MIN_SCORE, DEFAULT_MIN_SCORE, 0, 100),
                    LIMIT);
        } catch (TetraglotClient.TetraglotException e) {
            // Shown in the Machine Translation pane instead of a stack trace; not cached.
            return e.getMessage();
        }
        TetraglotClient.Match best = best(matches);
        if (best == null) {
            return null;
        }
        String result = "true".equalsIgnoreCase(setting(KEY_PLAIN, "false")) ? best.target : format(best);
        // Kept for getCachedTranslation(), which OmegaT uses when automatic fetching is off.
        putToCache(sLang, tLang, text, result);
        return result;
    }

    /** The highest-scoring match that has a target text; the server's order breaks ties. */
    static TetraglotClient.Match best(List<TetraglotClient.Match> matches) {
        TetraglotClient.Match best = null;
        for (TetraglotClient.Match m : matches) {
            if (m.target == null || m.target.isEmpty()) {
                continue;
            }
            if (best == null || m.score > best.score) {
                best = m;
            }
        }
        return best;
    }

    /** {@code [92%] target (document, outlet)}; the origin part is left out when unknown. */
    static String format(TetraglotClient.Match m) {
        StringBuilder sb = new StringBuilder();
        sb.append('[').append(percent(m.score)).append("%] ").append(m.target);
        String origin = join(m.document, m.outlet);
        if (origin != null) {
            sb.append(" (").append(origin).append(')');
        }
        return sb.toString();
    }

    private static String percent(double score) {
        // Floor, so that 99.6 is never shown as a 100% match.
        long p = (long) Math.floor(score + 1e-9);
        return Long.toString(Math.max(0, Math.min(100, p)));
    }

    private static String join(String a, String b) {
        if (a != null && b != null && !a.equals(b)) {
            return a + ", " + b;
        }
        return a != null ? a : b;
    }

    /**
     * System property, else OmegaT preference, else {@code def}. OmegaT's
     * {@code getPreferenceDefault} also stores the default, so the key shows up in
     * omegat.prefs (in OmegaT's config dir) for the user to edit.
     */
    static String setting(String key, String def) {
        String v = System.getProperty(key);
        if (v != null && !v.trim().isEmpty()) {
            return v.trim();
        }
        try {
            v = Preferences.getPreferenceDefault(key, def);
        } catch (Throwable notInOmegaT) {
            v = null;
        }
        return v != null && !v.trim().isEmpty() ? v.trim() : def;
    }

    private static int intSetting(String key, int def, int min, int max) {
        String v = setting(key, Integer.toString(def));
        try {
            int i = Integer.parseInt(v);
            return i < min ? min : (i > max ? max : i);
        } catch (NumberFormatException e) {
            return def;
        }
    }
}
