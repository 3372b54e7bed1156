#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Whether output goes to a terminal, and how wide it is, so that the command line draws a
/// progress bar only where one can be redrawn in place (not into a log file or a pipe).
public enum TerminalDetection {
    /// The width assumed when the terminal does not report one (or output is not a terminal).
    public static let fallbackWidth = 80

    /// Whether `fileDescriptor` (1 = standard output, 2 = standard error) is a terminal
    /// (`isatty`).
    public static func isTerminal(fileDescriptor: Int32 = 1) -> Bool {
        isatty(fileDescriptor) == 1
    }

    /// The terminal's width in columns (`ioctl(TIOCGWINSZ)`), or `fallbackWidth` when
    /// `fileDescriptor` is not a terminal or reports 0 columns.
    public static func width(fileDescriptor: Int32 = 1) -> Int {
        var size = winsize()
        #if canImport(Darwin)
        let result = ioctl(fileDescriptor, TIOCGWINSZ, &size)
        #else
        let result = ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size)
        #endif
        guard result == 0, size.ws_col > 0 else { return fallbackWidth }
        return Int(size.ws_col)
    }
}
