package io.distillery.launcher;

import io.distillery.platform.LocalPlatform;
import io.distillery.platform.LocalServices;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "status", description = "Say what of the local platform runs. Exit code 0 if all runs, 3 if not.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    PlatformOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        LocalPlatform platform = options.platform();
        LocalPlatform.Status status = platform.status();
        line("kafka-broker", status.brokerPid(), platform.settings().bootstrapServers());
        line("schema-registry", status.registryPid(), platform.settings().registryUrl());
        LocalServices services = new LocalServices(platform.settings(), PlatformOptions.projectDir(), System.getenv());
        for (LocalServices.Service service : LocalServices.Service.values()) {
            // Services run only under `demo` (or when started by hand): their absence is not a failure.
            line(service.module(), services.running(service).map(ProcessHandle::pid), services.url(service, "").toString());
        }
        return status.allRunning() ? 0 : 3;
    }

    private void line(String role, Optional<Long> pid, String address) {
        out().printf("%-20s %s%n", role, pid.map(p -> "running, pid " + p + ", " + address).orElse("stopped"));
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
