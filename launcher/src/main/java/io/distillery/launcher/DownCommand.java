package io.distillery.launcher;

import io.distillery.platform.LocalServices;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "down", description = "Stop everything `up` or `demo` started (services, registry, broker), by PID. Data stays in the data directory.")
final class DownCommand implements Callable<Integer> {

    @Mixin
    PlatformOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<String> stopped = new ArrayList<>(new LocalServices(options.settings(), PlatformOptions.projectDir(), System.getenv()).stopAll());
        stopped.addAll(options.platform().down());
        out().println(stopped.isEmpty() ? "Nothing was running." : "Stopped " + String.join(" and ", stopped) + ".");
        return 0;
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
