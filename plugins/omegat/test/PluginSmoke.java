import java.awt.Component;
import java.io.File;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import javax.swing.JCheckBoxMenuItem;
import javax.swing.JMenu;

import org.omegat.core.Core;
import org.omegat.filters2.master.PluginUtils;
import org.omegat.gui.exttrans.IMachineTranslation;
import org.omegat.gui.main.IMainMenu;
import org.omegat.gui.main.IMainWindow;
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
 * folder), lets OmegaT's PluginUtils.loadPlugins() find it through the jar manifest,
 * instantiates every registered machine-translation class as OmegaT's Machine Translation pane
 * does, ticks "tetraglot" in the (stand-in) Options → Machine Translate menu, and calls
 * IMachineTranslation.getTranslation(). This class does not link against the plugin at all.
 *
 * Exit status 0 only if the result contains EXPECTED; EXPECTED "@none" instead asks for no
 * result (null), which is what the connector returns when the server has no match.
 * BASE_URL is given to the plugin as the system property tetraglot.url, or, with
 * -Dsmoke.viaPrefs=true, as the OmegaT preference tetraglot.url.
 */
public final class PluginSmoke {

    /** Private OmegaT config dir of this run, removed at exit. */
    private static File configDir;

    private PluginSmoke() {
    }

    /** Core.setMainWindow is protected; a subclass may call it. */
    private static final class CoreAccess extends Core {
        static void install(IMainWindow w) {
            setMainWindow(w);
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
        if (Boolean.getBoolean("smoke.viaPrefs")) {
            // As if the user had put it into omegat.prefs.
            Preferences.setPreference("tetraglot.url", baseUrl);
        } else {
            // The override users have too: a system property beats omegat.prefs.
            System.setProperty("tetraglot.url", baseUrl);
        }

        // BaseTranslate's constructor adds its menu item to the main window's MT menu.
        final JMenu mtMenu = new JMenu("Machine Translate");
        CoreAccess.install(fakeMainWindow(mtMenu));

        PluginUtils.loadPlugins(new HashMap<String, String>());
        for (String err : Core.getPluginsLoadingErrors()) {
            System.err.println("plugin loading error: " + err);
        }

        // What MachineTranslateTextArea's constructor does in the GUI.
        List<IMachineTranslation> translators = new ArrayList<IMachineTranslation>();
        for (Class<?> mtc : PluginUtils.getMachineTranslationClasses()) {
            try {
                translators.add((IMachineTranslation) mtc.newInstance());
            } catch (Exception e) {
                System.err.println("cannot instantiate " + mtc.getName() + ": " + e);
            }
        }
        IMachineTranslation tetraglot = null;
        StringBuilder names = new StringBuilder();
        for (IMachineTranslation mt : translators) {
            names.append(names.length() == 0 ? "" : ", ").append(mt.getName());
            if ("tetraglot".equals(mt.getName())) {
                if (tetraglot != null) {
                    fail("tetraglot is registered twice");
                }
                tetraglot = mt;
            }
        }
        System.out.println("machine translators: " + names);
        if (tetraglot == null) {
            fail("OmegaT did not load the tetraglot connector from " + pluginsDir);
        }
        System.out.println("loaded: " + tetraglot.getClass().getName() + " from "
                + tetraglot.getClass().getProtectionDomain().getCodeSource().getLocation());

        // Disabled until ticked, as in OmegaT.
        if (tetraglot.isEnabled() || tetraglot.getTranslation(src, tgt, text) != null) {
            fail("connector should do nothing before it is enabled");
        }
        JCheckBoxMenuItem item = findItem(mtMenu, "tetraglot");
        if (item == null) {
            fail("no 'tetraglot' item in Options > Machine Translate");
        }
        item.doClick(0);
        if (!tetraglot.isEnabled()) {
            fail("ticking the menu item did not enable the connector");
        }
        System.out.println("enabled via menu; preference allow_tetraglot_translate="
                + Preferences.getPreference("allow_tetraglot_translate"));

        long t0 = System.nanoTime();
        String result = tetraglot.getTranslation(src, tgt, text);
        long ms = (System.nanoTime() - t0) / 1000000L;
        System.out.println("getTranslation(" + src + ", " + tgt + ", \"" + text + "\") in " + ms + " ms:");
        System.out.println(result == null ? "(no result)" : result);

        boolean ok = "@none".equals(expected) ? result == null : result != null && result.contains(expected);
        if (ok && result != null && !result.startsWith("tetraglot:")) {
            String cached = tetraglot.getCachedTranslation(src, tgt, text);
            if (!result.equals(cached)) {
                fail("getCachedTranslation gave " + cached);
            }
        }
        if (!ok) {
            fail("expected " + ("@none".equals(expected) ? "no result" : "a result containing \"" + expected + "\""));
        }
        System.out.println("SMOKE OK");
        PluginUtils.unloadPlugins();
        cleanUp();
        System.exit(0);
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
