/// Escaping for text that goes into HTML or SVG (element content and quoted attribute
/// values alike): `& < > " '` become entities, and control characters that XML 1.0
/// forbids become U+FFFD, so user-supplied titles, names and configuration values can
/// neither inject markup nor make the inline SVG unparsable.
enum HTMLEscaping {
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    result += "\u{FFFD}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// `text` cut to at most `maximumLength` characters, ending in "…" when cut (before
    /// escaping, so entities are never split).
    static func truncated(_ text: String, maximumLength: Int) -> String {
        guard text.count > maximumLength, maximumLength > 1 else { return text }
        return String(text.prefix(maximumLength - 1)) + "…"
    }
}
