import java.awt.Component;
import java.awt.event.ActionListener;
import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Callable;

import javax.swing.JCheckBoxMenuItem;
import javax.swing.JMenu;
import javax.swing.SwingUtilities;

import org.omegat.core.Core;
import org.omegat.core.data.EntryKey;
import org.omegat.core.data.IProject;
import org.omegat.core.data.ProjectProperties;
import org.omegat.core.data.ProtectedPart;
import org.omegat.core.data.SourceTextEntry;
import org.omegat.gui.editor.IEditor;
import org.omegat.gui.exttrans.MachineTranslateTextArea;
import org.omegat.filters2.master.PluginUtils;
import org.omegat.gui.exttrans.IMachineTranslation;
import org.omegat.gui.main.IMainMenu;
import org.omegat.gui.main.IMainWindow;
import org.omegat.gui.main.MainWindowMenuHandler;
import org.omegat.util.Language;
import org.omegat.util.Preferences;
import org.omegat.util.RuntimePreferences;

/**
 * Headless smoke test of the tetraglot connector, driven through OmegaT 3.6's own classes.
 *
 * <pre>
 * java -Djava.awt.headless=true -Dsmoke.pluginJar=build/tetraglot-omegat.jar \
 *      -cp OmegaT.jar:build/smoke-classes PluginSmoke BASE_URL SRC TGT TEXT EXPECTED
 * </pre>
 *
 * It installs the plugin jar the way a user does (into a fresh OmegaT config dir's plugins/
 * folder) and lets OmegaT's PluginUtils.loadPlugins() find it through the jar manifest. Then it
 * builds OmegaT's real Machine Translation pane (MachineTranslateTextArea, which instantiates
 * every registered connector) around a stand-in main window, editor and project whose current
 * segment is TEXT, and:
 * <ol>
 * <li>activates the segment while the connector is still unticked (the pane must stay empty);</li>
 * <li>ticks "tetraglot" in the (stand-in) Options → Machine Translate menu, which must fetch
 * the segment without moving to another one;</li>
 * <li>runs OmegaT's own Ctrl+M handler (Edit → Replace with Machine Translation) and records
 * what it inserts into the editor;</li>
 * <li>sets tetraglot.decorate=true, activates the segment again and repeats Ctrl+M;</li>
 * <li>saves OmegaT's preferences and checks omegat.prefs has every tetraglot.* key.</li>
 * </ol>
 * This class does not link against the plugin at all.
 *
 * Exit status 0 only if the checks hold and the pane text (default or decorated) contains
 * EXPECTED; EXPECTED "@none" instead asks for nothing in the pane and nothing inserted, which is
 * what the connector gives when the server has no match. The checks: with a match, Ctrl+M
 * inserts the bare translation by default (the decorated text must be "[N%] " + it + origin)
 * and the pane's name line carries the score; on an error the pane has a note and Ctrl+M
 * inserts nothing. BASE_URL is given to the plugin as the system property tetraglot.url, or,
 * with -Dsmoke.viaPrefs=true, as the OmegaT preference tetraglot.url.
 */
public final class PluginSmoke {

    /** Private OmegaT config dir of this run, removed at exit. */
    private static File configDir;
    /** What OmegaT's editor was told to insert (IEditor.replaceEditText). */
    private static final List<String> inserted = Collections.synchronizedList(new ArrayList<String>());
    private static final String[] KEYS = { "tetraglot.url", "tetraglot.apikey", "tetraglot.minscore",
            "tetraglot.timeout", "tetraglot.decorate" };
    private static final String DEFAULT_URL = "http://127.0.0.1:8080";

    private PluginSmoke() {
    }

    /** Core.setMainWindow and Core.editor are protected; a subclass may use them. */
    private static final class CoreAccess extends Core {
        static void install(IMainWindow w, IEditor e) {
            setMainWindow(w);
            editor = e;
        }
    }

    /** A project whose only working parts are its languages. */
    private static final class SmokeProperties extends ProjectProperties {
        SmokeProperties(Language src, Language tgt) {
            setSourceLanguage(src);
            setTargetLanguage(tgt);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: PluginSmoke BASE_URL SRC TGT TEXT EXPECTED   (EXPECTED @none = no result)");
            System.exit(2);
        }
        String baseUrl = args[0];
        Language src = new Language(args[1]);
        Language tgt = new Language(args[2]);
        String text = args[3];
        String expected = args[4];
        boolean none = "@none".equals(expected);

        String pluginJar = System.getProperty("smoke.pluginJar");
        if (pluginJar == null || !new File(pluginJar).isFile()) {
            fail("set -Dsmoke.pluginJar to the built tetraglot-omegat.jar (got " + pluginJar + ")");
        }

        // A private OmegaT config dir, so that ~/.omegat is neither read nor written.
        configDir = Files.createTempDirectory("tetraglot-smoke-").toFile();
        File pluginsDir = new File(configDir, "plugins");
        if (!pluginsDir.mkdirs()) {
            fail("cannot create " + pluginsDir);
        }
        Files.copy(new File(pluginJar).toPath(), new File(pluginsDir, "tetraglot-omegat.jar").toPath(),
                StandardCopyOption.REPLACE_EXISTING);
        RuntimePreferences.setConfigDir(configDir.getAbsolutePath());
        boolean viaPrefs = Boolean.getBoolean("smoke.viaPrefs");
        if (viaPrefs) {
            // As if the user had put it into omegat.prefs.
            Preferences.setPreference("tetraglot.url", baseUrl);
        } else {
            // The override users have too: a system property beats omegat.prefs.
            System.setProperty("tetraglot.url", baseUrl);
        }

        // BaseTranslate's constructor adds its menu item to the main window's MT menu; the pane
        // reads the project's languages and the editor's current segment.
        final JMenu mtMenu = new JMenu("Machine Translate");
        final SourceTextEntry entry = new SourceTextEntry(new EntryKey("smoke.txt", text, null, null, null, null), 1,
                null, null, new ArrayList<ProtectedPart>());
        CoreAccess.install(fakeMainWindow(mtMenu), fakeEditor(entry));
        Core.setProject(fakeProject(new SmokeProperties(src, tgt)));

        PluginUtils.loadPlugins(new HashMap<String, String>());
        for (String err : Core.getPluginsLoadingErrors()) {
            System.err.println("plugin loading error: " + err);
        }

        // OmegaT's Machine Translation pane; its constructor instantiates every registered
        // connector, as in the GUI. Core keeps it in a private field (Core.initializeGUI sets it).
        final MachineTranslateTextArea pane = onEdt(new Callable<MachineTranslateTextArea>() {
            @Override
            public MachineTranslateTextArea call() {
                return new MachineTranslateTextArea();
            }
        });
        Field paneField = Core.class.getDeclaredField("machineTranslatePane");
        paneField.setAccessible(true);
        paneField.set(null, pane);

        StringBuilder names = new StringBuilder();
        IMachineTranslation tetraglot = null;
        JCheckBoxMenuItem item = null;
        for (Component c : mtMenu.getMenuComponents()) {
            if (!(c instanceof JCheckBoxMenuItem)) {
                continue;
            }
            JCheckBoxMenuItem i = (JCheckBoxMenuItem) c;
            names.append(names.length() == 0 ? "" : ", ").append(i.getText());
            if ("tetraglot".equals(i.getText())) {
                if (item != null) {
                    fail("tetraglot is registered twice");
                }
                item = i;
                for (ActionListener l : i.getActionListeners()) {
                    if (l instanceof IMachineTranslation) {
                        tetraglot = (IMachineTranslation) l;
                    }
                }
            }
        }
        System.out.println("machine translators: " + names);
        if (item == null || tetraglot == null) {
            fail("OmegaT did not load the tetraglot connector from " + pluginsDir);
        }
        System.out.println("loaded: " + tetraglot.getClass().getName() + " from "
                + tetraglot.getClass().getProtectionDomain().getCodeSource().getLocation());

        // Disabled until ticked, as in OmegaT: moving to the segment fetches nothing.
        if (tetraglot.isEnabled()) {
            fail("connector should be disabled before it is ticked");
        }
        activate(pane, entry);
        String before = paneText(pane);
        if (!before.trim().isEmpty()) {
            fail("the pane shows something before the connector is ticked:\n" + before);
        }

        // Ticking fetches the current segment: no segment change here.
        final JCheckBoxMenuItem tick = item;
        long t0 = System.nanoTime();
        onEdt(new Callable<Void>() {
            @Override
            public Void call() {
                tick.doClick(0);
                return null;
            }
        });
        if (!tetraglot.isEnabled()) {
            fail("ticking the menu item did not enable the connector");
        }
        waitForLookups();
        long ms = (System.nanoTime() - t0) / 1000000L;
        System.out.println("enabled via menu; preference allow_tetraglot_translate="
                + Preferences.getPreference("allow_tetraglot_translate"));
        String plainPane = paneText(pane);
        String plainDisplayed = pane.getDisplayedTranslation();
        System.out.println("Machine Translation pane after ticking (" + src + " -> " + tgt + ", \"" + text + "\", "
                + ms + " ms):");
        System.out.println(indent(plainPane));
        String plainInserted = ctrlM(pane);
        System.out.println("Ctrl+M inserts: " + show(plainInserted));

        // The opt-in: tetraglot.decorate=true puts score and origin into the result itself.
        Preferences.setPreference("tetraglot.decorate", "true");
        activate(pane, entry);
        String decoratedPane = paneText(pane);
        System.out.println("with tetraglot.decorate=true, the pane shows:");
        System.out.println(indent(decoratedPane));
        String decoratedInserted = ctrlM(pane);
        System.out.println("with tetraglot.decorate=true, Ctrl+M inserts: " + show(decoratedInserted));

        // Every key is written to omegat.prefs, tetraglot.url included.
        Preferences.save();
        String prefs = new String(Files.readAllBytes(new File(configDir, "omegat.prefs").toPath()), "UTF-8");
        StringBuilder stored = new StringBuilder();
        for (String key : KEYS) {
            int a = prefs.indexOf("<" + key + ">");
            int b = prefs.indexOf("</" + key + ">");
            if (a < 0 || b < a) {
                fail("omegat.prefs has no " + key + ":\n" + prefs);
            }
            stored.append(stored.length() == 0 ? "" : ", ").append(key).append('=')
                    .append(prefs.substring(a + key.length() + 2, b));
        }
        System.out.println("omegat.prefs: " + stored);
        String wantUrl = "<tetraglot.url>" + (viaPrefs ? baseUrl : DEFAULT_URL) + "</tetraglot.url>";
        if (!prefs.contains(wantUrl)) {
            fail("omegat.prefs should have " + wantUrl);
        }

        // What the translator gets.
        boolean error = plainPane.contains("tetraglot error");
        if (plainInserted != null && !plainInserted.equals(plainDisplayed)) {
            fail("Ctrl+M inserted something else than the pane's first result");
        }
        if (error) {
            if (plainInserted != null || decoratedInserted != null) {
                fail("Ctrl+M inserted text although tetraglot only reported an error");
            }
        } else if (plainInserted != null) {
            if (plainInserted.startsWith("tetraglot:") || plainInserted.matches("(?s)^\\[\\d+%\\] .*")) {
                fail("by default Ctrl+M must insert the translation alone");
            }
            if (!plainPane.contains(plainInserted + "\n<tetraglot [")) {
                fail("the pane's name line should carry the score: <tetraglot [N%] ...>");
            }
            if (decoratedInserted == null || !decoratedInserted.matches("(?s)^\\[\\d+%\\] .*")
                    || !decoratedInserted.contains("%] " + plainInserted)) {
                fail("with tetraglot.decorate=true the result should be \"[N%] \" + the translation + origin");
            }
        } else if (!none) {
            fail("ticking the connector fetched nothing for the current segment");
        }
        boolean ok;
        if (none) {
            ok = plainPane.trim().isEmpty() && decoratedPane.trim().isEmpty() && plainInserted == null
                    && decoratedInserted == null;
        } else {
            ok = plainPane.contains(expected) || decoratedPane.contains(expected);
        }
        if (!ok) {
            fail("expected " + (none ? "no result and nothing inserted" : "a pane containing \"" + expected + "\""));
        }
        System.out.println("SMOKE OK");
        PluginUtils.unloadPlugins();
        cleanUp();
        System.exit(0);
    }

    /** Moves the editor to {@code entry} as OmegaT does, and waits for the lookups it starts. */
    private static void activate(final MachineTranslateTextArea pane, final SourceTextEntry entry) throws Exception {
        onEdt(new Callable<Void>() {
            @Override
            public Void call() {
                pane.onEntryActivated(entry);
                return null;
            }
        });
        waitForLookups();
    }

    /**
     * OmegaT's own Edit → Replace with Machine Translation (Ctrl+M); its handler uses neither its
     * main window nor anything else than the pane and the editor. Returns what it inserted, or
     * {@code null}; with nothing displayed it asks the pane to fetch again instead.
     */
    private static String ctrlM(MachineTranslateTextArea pane) throws Exception {
        inserted.clear();
        onEdt(new Callable<Void>() {
            @Override
            public Void call() {
                new MainWindowMenuHandler(null).editOverwriteMachineTranslationMenuItemActionPerformed();
                return null;
            }
        });
        waitForLookups();
        if (inserted.size() > 1) {
            fail("Ctrl+M inserted twice: " + inserted);
        }
        return inserted.isEmpty() ? null : inserted.get(0);
    }

    /** Waits until no lookup thread of the pane is running, then until Swing has shown their results. */
    private static void waitForLookups() throws Exception {
        long deadline = System.currentTimeMillis() + 60000L;
        while (true) {
            boolean running = false;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.isAlive() && t.getClass().getName().equals(MachineTranslateTextArea.class.getName() + "$FindThread")) {
                    running = true;
                }
            }
            if (!running) {
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                fail("the Machine Translation lookups did not finish within 60 s");
            }
            Thread.sleep(20);
        }
        for (int i = 0; i < 2; i++) {
            onEdt(new Callable<Void>() {
                @Override
                public Void call() {
                    return null;
                }
            });
        }
    }

    private static String paneText(final MachineTranslateTextArea pane) throws Exception {
        String t = onEdt(new Callable<String>() {
            @Override
            public String call() {
                return pane.getText();
            }
        });
        return t == null ? "" : t;
    }

    private static <T> T onEdt(final Callable<T> c) throws Exception {
        final List<T> result = new ArrayList<T>();
        final Exception[] error = new Exception[1];
        SwingUtilities.invokeAndWait(new Runnable() {
            @Override
            public void run() {
                try {
                    result.add(c.call());
                } catch (Exception e) {
                    error[0] = e;
                }
            }
        });
        if (error[0] != null) {
            throw error[0];
        }
        return result.get(0);
    }

    private static String indent(String paneText) {
        String t = paneText.replaceAll("\\s+$", "");
        return t.isEmpty() ? "  (nothing)" : "  " + t.replace("\n", "\n  ");
    }

    private static String show(String s) {
        return s == null ? "(nothing)" : s;
    }

    private static JCheckBoxMenuItem findItem(JMenu menu, String text) {
        for (Component c : menu.getMenuComponents()) {
            if (c instanceof JCheckBoxMenuItem && text.equals(((JCheckBoxMenuItem) c).getText())) {
                return (JCheckBoxMenuItem) c;
            }
        }
        return null;
    }

    /** A main window that only offers a Machine Translate menu; everything else is a no-op. */
    private static IMainWindow fakeMainWindow(final JMenu mtMenu) {
        final IMainMenu menu = (IMainMenu) Proxy.newProxyInstance(PluginSmoke.class.getClassLoader(),
                new Class<?>[] { IMainMenu.class }, new InvocationHandler() {
                    @Override
                    public Object invoke(Object proxy, Method method, Object[] a) {
                        if (method.getName().equals("getMachineTranslationMenu")) {
                            return mtMenu;
                        }
                        if (method.getReturnType() == JMenu.class) {
                            return new JMenu(method.getName());
                        }
                        return defaultValue(proxy, method, a);
                    }
                });
        return (IMainWindow) Proxy.newProxyInstance(PluginSmoke.class.getClassLoader(),
                new Class<?>[] { IMainWindow.class }, new InvocationHandler() {
                    @Override
                    public Object invoke(Object proxy, Method method, Object[] a) {
                        if (method.getName().equals("getMainMenu")) {
                            return menu;
                        }
                        if (method.getName().startsWith("display") || method.getName().startsWith("show")) {
                            System.err.println("[main window] " + method.getName() + " "
                                    + (a == null ? "" : java.util.Arrays.deepToString(a)));
                        }
                        return defaultValue(proxy, method, a);
                    }
                });
    }

    /** An editor standing at {@code entry}, recording what it is told to insert. */
    private static IEditor fakeEditor(final SourceTextEntry entry) {
        return (IEditor) Proxy.newProxyInstance(PluginSmoke.class.getClassLoader(), new Class<?>[] { IEditor.class },
                new InvocationHandler() {
                    @Override
                    public Object invoke(Object proxy, Method method, Object[] a) {
                        String n = method.getName();
                        if (n.equals("getCurrentEntry")) {
                            return entry;
                        }
                        if (n.equals("replaceEditText") || n.equals("replaceEditTextAndMark")
                                || n.equals("insertText")) {
                            inserted.add((String) a[0]);
                            return null;
                        }
                        return defaultValue(proxy, method, a);
                    }
                });
    }

    /** A loaded project that only has properties (languages). */
    private static IProject fakeProject(final ProjectProperties props) {
        return (IProject) Proxy.newProxyInstance(PluginSmoke.class.getClassLoader(), new Class<?>[] { IProject.class },
                new InvocationHandler() {
                    @Override
                    public Object invoke(Object proxy, Method method, Object[] a) {
                        if (method.getName().equals("getProjectProperties")) {
                            return props;
                        }
                        if (method.getName().equals("isProjectLoaded")) {
                            return Boolean.TRUE;
                        }
                        return defaultValue(proxy, method, a);
                    }
                });
    }

    private static Object defaultValue(Object proxy, Method method, Object[] a) {
        String n = method.getName();
        if (n.equals("toString")) {
            return "fake " + proxy.getClass().getInterfaces()[0].getSimpleName();
        }
        if (n.equals("hashCode")) {
            return Integer.valueOf(System.identityHashCode(proxy));
        }
        if (n.equals("equals")) {
            return Boolean.valueOf(proxy == a[0]);
        }
        Class<?> r = method.getReturnType();
        if (r == boolean.class) {
            return Boolean.FALSE;
        }
        if (r == int.class) {
            return Integer.valueOf(0);
        }
        return null;
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

    private static void cleanUp() {
        if (configDir != null && !Boolean.getBoolean("smoke.keepConfig")) {
            deleteTree(configDir);
        }
    }

    private static void fail(String msg) {
        System.out.println("SMOKE FAILED: " + msg);
        cleanUp();
        System.exit(1);
    }
}
