package org.tetraglot.omegat;

import java.awt.event.ActionEvent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.swing.SwingUtilities;

import org.omegat.core.Core;
import org.omegat.core.data.IProject;
import org.omegat.core.data.SourceTextEntry;
import org.omegat.core.machinetranslators.BaseTranslate;
import org.omegat.gui.editor.IEditor;
import org.omegat.gui.exttrans.MachineTranslateTextArea;
import org.omegat.util.Language;
import org.omegat.util.Log;
import org.omegat.util.Preferences;

/**
 * OmegaT 3.6 machine-translation connector that shows the best tetraglot translation-memory
 * match for the current segment in the Machine Translation pane.
 *
 * <p>In OmegaT 3.6 the string that {@code getTranslation} returns is both what the pane shows
 * and what Edit → Replace with Machine Translation (Ctrl+M) inserts. So by default it is the
 * match's target text alone, and the score and origin go into the line under it, which OmegaT
 * fills from {@link #getName()}: {@code <tetraglot [92%] railway-2026, azatutyun>}. Errors return
 * {@code null} (nothing to insert); they are written to OmegaT's log and noted in the pane.
 *
 * <p>OmegaT loads it through the {@code OmegaT-Plugins} manifest attribute, which makes it call
 * {@link #loadPlugins()}; the connector then appears under Options → Machine Translate as
 * "tetraglot". Settings are read, in this order, from Java system properties, OmegaT's
 * preferences (omegat.prefs) and built-in defaults; every key is written to omegat.prefs:
 * <ul>
 * <li>{@code tetraglot.url} — server base URL, default {@code http://127.0.0.1:8080}</li>
 * <li>{@code tetraglot.apikey} — API key sent as a bearer token, default none</li>
 * <li>{@code tetraglot.minscore} — lowest score asked for, default 50</li>
 * <li>{@code tetraglot.timeout} — seconds for connecting and for reading, default 5</li>
 * <li>{@code tetraglot.decorate} — {@code true} to return {@code [92%] target (origin)} as the
 * translation, as before; Ctrl+M then inserts all of it. Default {@code false}</li>
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
    public static final String KEY_DECORATE = "tetraglot.decorate";

    public static final String DEFAULT_URL = "http://127.0.0.1:8080";
    public static final int DEFAULT_MIN_SCORE = 50;
    public static final int DEFAULT_TIMEOUT_SECONDS = 5;
    /** How many matches to ask for; only the best is shown. */
    static final int LIMIT = 3;
    /** How many score/origin labels are kept for {@link #getCachedTranslation}. */
    static final int LABEL_CACHE_SIZE = 2000;

    /**
     * The label of the last lookup on this thread. OmegaT's pane runs each lookup on a thread of
     * its own and calls {@link #getName()} on that thread right after {@code getTranslation}, to
     * write {@code <name>} under the result; everywhere else (the menu) the name stays "tetraglot".
     */
    private final ThreadLocal<String> label = new ThreadLocal<String>();
    /** Labels of the results in BaseTranslate's cache, for the pane when fetching is manual. */
    private final Map<String, String> cachedLabels = Collections.synchronizedMap(
            new LinkedHashMap<String, String>(64, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > LABEL_CACHE_SIZE;
                }
            });
    /** The last error, for the self-test. */
    private volatile String lastError;

    /** Called by OmegaT's plugin loader for each class named in {@code OmegaT-Plugins}. */
    public static void loadPlugins() {
        Core.registerMachineTranslationClass(TetraglotTranslate.class);
    }

    /** Called by OmegaT when it shuts its plugins down; nothing to release. */
    public static void unloadPlugins() {
    }

    /** Built by OmegaT's Machine Translation pane; adds the settings to omegat.prefs. */
    public TetraglotTranslate() {
        super();
        storeDefaults();
    }

    /**
     * "tetraglot", or, on the thread that has just produced a match, "tetraglot [92%] origin"
     * (the pane shows it as {@code <tetraglot [92%] origin>} under the translation).
     */
    @Override
    public String getName() {
        String l = label == null ? null : label.get();
        return l != null ? l : NAME;
    }

    @Override
    protected String getPreferenceName() {
        return PREF_ENABLED;
    }

    @Override
    public String getTranslation(Language sLang, Language tLang, String text) throws Exception {
        label.remove();
        return super.getTranslation(sLang, tLang, text);
    }

    @Override
    public String getCachedTranslation(Language sLang, Language tLang, String text) {
        label.remove();
        String result = super.getCachedTranslation(sLang, tLang, text);
        if (result != null) {
            String l = cachedLabels.get(cacheKey(sLang, tLang, text));
            if (l != null) {
                label.set(l);
            }
        }
        return result;
    }

    /**
     * Ticking the connector in Options → Machine Translate fetches the current segment at once
     * (OmegaT 3.6 itself only asks an engine when the translator moves to another segment).
     */
    @Override
    public void actionPerformed(ActionEvent e) {
        super.actionPerformed(e);
        if (isEnabled()) {
            fetchCurrentSegment();
        }
    }

    /**
     * Asks the Machine Translation pane to fetch the current segment again, as Ctrl+M does when
     * the pane is empty. This re-runs every ticked engine (3.6 has no public way to run one).
     */
    static void fetchCurrentSegment() {
        Runnable fetch = new Runnable() {
            @Override
            public void run() {
                try {
                    MachineTranslateTextArea pane = Core.getMachineTranslatePane();
                    IProject project = Core.getProject();
                    IEditor editor = Core.getEditor();
                    if (pane == null || project == null || !project.isProjectLoaded() || editor == null
                            || editor.getCurrentEntry() == null) {
                        return;
                    }
                    pane.forceLoad();
                } catch (RuntimeException notNow) {
                    log("tetraglot: could not fetch the current segment (" + notNow + ")");
                }
            }
        };
        if (SwingUtilities.isEventDispatchThread()) {
            fetch.run();
        } else {
            SwingUtilities.invokeLater(fetch);
        }
    }

    /**
     * Returns the best match's target text ({@code [92%] target (origin)} with
     * {@code tetraglot.decorate=true}), or {@code null} when there is no match or the server
     * cannot be used (then nothing is inserted; the error goes to the log and the pane).
     */
    @Override
    protected String translate(Language sLang, Language tLang, String text) throws Exception {
        label.remove();
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
        boolean decorate = "true".equalsIgnoreCase(setting(KEY_DECORATE, "false"));
        List<TetraglotClient.Match> matches;
        try {
            matches = client.match(text, source, target, intSetting(KEY_MIN_SCORE, DEFAULT_MIN_SCORE, 0, 100),
                    LIMIT);
        } catch (TetraglotClient.TetraglotException e) {
            // Not a translation: nothing for Ctrl+M to insert, and not cached.
            lastError = e.getMessage();
            log(e.getMessage());
            noteInPane(text, e.getMessage());
            return null;
        }
        lastError = null;
        TetraglotClient.Match best = best(matches);
        if (best == null) {
            return null;
        }
        String result = decorate ? format(best) : best.target;
        String l = decorate ? null : label(best);
        if (l != null) {
            label.set(l);
            cachedLabels.put(cacheKey(sLang, tLang, text), l);
        } else {
            cachedLabels.remove(cacheKey(sLang, tLang, text));
        }
        // Kept for getCachedTranslation(), which OmegaT uses when automatic fetching is off.
        putToCache(sLang, tLang, text, result);
        return result;
    }

    /** The message of the last failed lookup, {@code null} after a successful one. */
    String lastError() {
        return lastError;
    }

    private static String cacheKey(Language sLang, Language tLang, String text) {
        return sLang + "/" + tLang + "/" + text;
    }

    /** Writes every setting's key to omegat.prefs (with its default) unless it is there already. */
    static void storeDefaults() {
        setting(KEY_URL, DEFAULT_URL);
        setting(KEY_APIKEY, "");
        setting(KEY_MIN_SCORE, Integer.toString(DEFAULT_MIN_SCORE));
        setting(KEY_TIMEOUT, Integer.toString(DEFAULT_TIMEOUT_SECONDS));
        setting(KEY_DECORATE, "false");
    }

    private static void log(String message) {
        try {
            Log.log(message);
        } catch (Throwable notInOmegaT) {
            System.err.println(message);
        }
    }

    /**
     * Adds {@code message} to the Machine Translation pane, below any results, while the segment
     * is still the current one. It is not a result, so Ctrl+M does not insert it.
     */
    private static void noteInPane(final String sourceText, final String message) {
        final MachineTranslateTextArea pane;
        try {
            pane = Core.getMachineTranslatePane();
        } catch (Throwable notInOmegaT) {
            return;
        }
        if (pane == null) {
            return;
        }
        SwingUtilities.invokeLater(new Runnable() {
            @Override
            public void run() {
                try {
                    IEditor editor = Core.getEditor();
                    SourceTextEntry entry = editor == null ? null : editor.getCurrentEntry();
                    if (entry == null || !sourceText.equals(entry.getSrcText())) {
                        return;
                    }
                    pane.setText(pane.getText() + message + "\n<" + NAME + " error \u2014 nothing to insert>\n\n");
                } catch (RuntimeException ignored) {
                    // The log has the message.
                }
            }
        });
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

    /** {@code tetraglot [92%] document, outlet}: the pane's line under a default result. */
    static String label(TetraglotClient.Match m) {
        StringBuilder sb = new StringBuilder(NAME);
        sb.append(" [").append(percent(m.score)).append("%]");
        String origin = join(m.document, m.outlet);
        if (origin != null) {
            sb.append(' ').append(origin);
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
     * System property, else OmegaT preference, else {@code def}. The preference is looked up
     * even when a system property is set: OmegaT's {@code getPreferenceDefault} stores the
     * default when the key is missing, so every key shows up in omegat.prefs (in OmegaT's config
     * dir) for the user to edit. A system property's value is used but not stored.
     */
    static String setting(String key, String def) {
        String v;
        try {
            v = Preferences.getPreferenceDefault(key, def);
        } catch (Throwable notInOmegaT) {
            v = null;
        }
        String prop = System.getProperty(key);
        if (prop != null && !prop.trim().isEmpty()) {
            return prop.trim();
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
