package io.distillery.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./distillery}: the one command users run. Each subcommand is its own class. */
@Command(name = "distillery",
        mixinStandardHelpOptions = true,
        version = "distillery 0.1.0",
        description = "Continual knowledge distillation on Kafka.",
        subcommands = {DemoCommand.class, ChaosCommand.class, UpCommand.class, ProduceCommand.class, PredictionsCommand.class, RolloutCliCommand.class, StatusCommand.class, DownCommand.class, CommandLine.HelpCommand.class})
public final class Distillery implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Distillery());
        // A failure prints its message, not a stack trace: every message here says what to do.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("distillery: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
