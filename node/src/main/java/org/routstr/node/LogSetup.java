package org.routstr.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Sends every service's log to one rotating file in the data folder and keeps the console for the launcher's progress
 * lines and errors; the broker's chatty INFO lines are left out.
 */
final class LogSetup {
    private static final String FORMAT = "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n";

    private LogSetup() {
    }

    /** Configures JUL; returns the current log file. */
    static Path toFolder(Path logs) {
        try {
            Files.createDirectories(logs);
            System.setProperty("java.util.logging.SimpleFormatter.format", FORMAT);
            LogManager.getLogManager().reset();
            Logger root = Logger.getLogger("");
            FileHandler file = new FileHandler(logs.resolve("node.%g.log").toString(), 20_000_000, 5, true);
            file.setFormatter(new SimpleFormatter());
            file.setLevel(Level.INFO);
            root.addHandler(file);
            ConsoleHandler console = new ConsoleHandler();
            console.setLevel(Level.SEVERE);
            console.setFormatter(new SimpleFormatter());
            root.addHandler(console);
            root.setLevel(Level.INFO);
            for (String chatty : new String[] {"org.apache.kafka", "kafka", "state.change.logger", "io.zonky"}) {
                Logger.getLogger(chatty).setLevel(Level.WARNING);
            }
            return logs.resolve("node.0.log");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write logs to " + logs, e);
        }
    }
}
