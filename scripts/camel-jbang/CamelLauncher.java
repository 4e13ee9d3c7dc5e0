/** The `camel` command of Camel JBang, run from a classpath (no jbang launcher exists for 4.17 here). */
public class CamelLauncher {
    public static void main(String[] args) throws Exception {
        org.apache.camel.dsl.jbang.core.commands.CamelJBangMain.run(args);
    }
}
