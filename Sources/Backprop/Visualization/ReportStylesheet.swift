/// The training report's inline CSS: a single centered column readable at 800 px, system
/// fonts only (nothing to download), charts scaled down on narrower screens.
enum ReportStylesheet {
    static let css = """
        :root { color-scheme: light; }
        body { margin: 0; background: #fff; color: #222;
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Helvetica, Arial, sans-serif;
          font-size: 15px; line-height: 1.45; }
        main { max-width: 800px; margin: 0 auto; padding: 16px 20px 40px; }
        h1 { font-size: 24px; margin: 8px 0 16px; overflow-wrap: anywhere; }
        h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        table { border-collapse: collapse; font-size: 14px; }
        th, td { text-align: left; padding: 3px 14px 3px 0; vertical-align: top; overflow-wrap: anywhere; }
        th { font-weight: 600; color: #444; white-space: nowrap; }
        tr + tr > * { border-top: 1px solid #eee; }
        figure { margin: 0; }
        svg { display: block; max-width: 100%; height: auto; }
        svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Helvetica, Arial, sans-serif; }
        figcaption { font-size: 13px; color: #555; margin-top: 6px; }
        .lead { font-size: 13px; color: #555; margin: 0 0 8px; }
        .note { color: #8a5a00; background: #fff8e5; border: 1px solid #f0dca8; padding: 6px 10px; }
        """
}
