package org.routstr.node;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Everything the services write while it is installed: every JUL record as the node's log file would show it (message,
 * parameters, exception chain with messages), the node's own loggers down to FINEST, and a copy of stdout and stderr.
 */
final class LogTap extends Handler implements AutoCloseable {
    private final Queue<String> records = new ConcurrentLinkedQueue<>();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private final Level routstrLevel;
    private final SimpleFormatter formatter = new SimpleFormatter();

    private LogTap() {
        setLevel(Level.ALL);
        Logger.getLogger("").addHandler(this);
        Logger routstr = Logger.getLogger("org.routstr");
        routstrLevel = routstr.getLevel();
        routstr.setLevel(Level.ALL);
        System.setOut(new PrintStream(new Tee(out, console), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(err, console), true, StandardCharsets.UTF_8));
    }

    static LogTap install() {
        return new LogTap();
    }

    @Override
    public void publish(LogRecord r) {
        StringBuilder sb = new StringBuilder(formatter.format(r));
        for (Throwable t = r.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            sb.append(" | ").append(t);
        }
        records.add(sb.toString());
    }

    /** The captured log records, then the console text. */
    List<String> lines() {
        List<String> all = new ArrayList<>(records);
        synchronized (console) {
            all.add(console.toString(StandardCharsets.UTF_8));
        }
        return all;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
        Logger.getLogger("org.routstr").setLevel(routstrLevel);
        System.setOut(out);
        System.setErr(err);
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final ByteArrayOutputStream b;

        Tee(OutputStream a, ByteArrayOutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) {
            synchronized (b) {
                b.write(c);
            }
            try {
                a.write(c);
            } catch (java.io.IOException e) {
                // the original console is gone: the copy still counts
            }
        }

        @Override
        public void write(byte[] buf, int off, int len) {
            synchronized (b) {
                b.write(buf, off, len);
            }
            try {
                a.write(buf, off, len);
            } catch (java.io.IOException e) {
                // as above
            }
        }
    }
}
