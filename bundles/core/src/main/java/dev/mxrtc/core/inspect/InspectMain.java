package dev.mxrtc.core.inspect;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Command line: {@code inspect FILE [--now MS]} ({@code FILE} {@code -} = stdin; default now = the current
 * time). Prints the {@link Inspector} JSON and exits 0; exits 2 with a one-line error on unusable input.
 */
public final class InspectMain {

    private InspectMain() {
    }

    public static void main(String[] args) {
        int code = run(args, System.in, System.out, System.err);
        System.out.flush();
        if (code != 0) {
            System.exit(code);
        }
    }

    /** @return the exit code */
    static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        int i = 0;
        if (args.length > 0 && args[0].equals("inspect")) {
            i = 1;
        }
        String file = null;
        long now = System.currentTimeMillis();
        for (; i < args.length; i++) {
            if (args[i].equals("--now") && i + 1 < args.length) {
                try {
                    now = Long.parseLong(args[++i]);
                } catch (NumberFormatException e) {
                    err.println("mxrtc inspect: --now takes milliseconds since the epoch, not " + args[i]);
                    return 2;
                }
            } else if (file == null && !args[i].startsWith("--")) {
                file = args[i];
            } else {
                err.println("usage: mxrtc inspect FILE [--now MS]   (FILE - reads stdin)");
                return 2;
            }
        }
        if (file == null) {
            err.println("usage: mxrtc inspect FILE [--now MS]   (FILE - reads stdin)");
            return 2;
        }
        String input;
        try {
            input = file.equals("-") ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            err.println("mxrtc inspect: cannot read " + file + ": " + e.getMessage());
            return 2;
        }
        try {
            out.println(Inspector.withServiceLoader().inspect(input, now));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("mxrtc inspect: " + e.getMessage());
            return 2;
        }
    }
}
