import Foundation

/// Debian's Chromium, run headless on local files only: each call is a fresh browser with its own
/// profile in the test's folder (`--user-data-dir`), no sandbox (tests may run as root), no GPU,
/// nothing fetched in the background, and killed after a timeout.
struct HeadlessChromium {
    let executable: String
    let folder: String
    var timeout: Duration = .seconds(90)

    private func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let profile = folder + "/chromium-profile-\(UUID().uuidString)"
        let common = [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)", "--no-first-run",
            "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
        ]
        defer { try? FileManager.default.removeItem(atPath: profile) }
        return try await ChildProcess.run(executable, common + arguments, folder: folder, timeout: timeout)
    }

    /// The document as the browser parsed it, after loading `file` (its serialised DOM).
    func dumpDOM(_ file: String, extra: [String] = []) async throws -> String {
        let result = try await run(extra + ["--dump-dom", URL(fileURLWithPath: file).absoluteString])
        guard result.status == 0, !result.stdout.isEmpty else {
            throw BrowserFailed(
                description: "chromium --dump-dom exited \(result.status): \(result.stderr.suffix(2000))")
        }
        return result.stdout
    }

    /// Renders `file` in a window of `width` × `height` and writes a PNG of it to `png`.
    func screenshot(_ file: String, to png: String, width: Int, height: Int) async throws {
        let result = try await run([
            "--screenshot=\(png)", "--window-size=\(width),\(height)",
            URL(fileURLWithPath: file).absoluteString,
        ])
        guard result.status == 0, FileManager.default.fileExists(atPath: png) else {
            throw BrowserFailed(
                description: "chromium --screenshot exited \(result.status): \(result.stderr.suffix(2000))")
        }
    }

    /// What the browser draws from `png`: its size and, per colour of `targets` (`"rrggbb"`), how
    /// many of its pixels are within 12 per channel of it. Read by a page of the browser's own
    /// (a canvas), so the test needs no image decoder.
    func pixels(of png: String, targets: [String]) async throws -> (
        width: Int, height: Int, counts: [String: Int]
    ) {
        let probe = folder + "/pixel-probe-\(UUID().uuidString).html"
        let list = targets.map { "\"\($0)\"" }.joined(separator: ",")
        let page = """
            <!DOCTYPE html><html><body><pre id="out">pending</pre><script>
            const targets = [\(list)];
            const image = new Image();
            image.onload = () => {
              const canvas = document.createElement('canvas');
              canvas.width = image.width; canvas.height = image.height;
              const context = canvas.getContext('2d');
              context.drawImage(image, 0, 0);
              const data = context.getImageData(0, 0, image.width, image.height).data;
              const rgb = targets.map(t => [0, 2, 4].map(i => parseInt(t.substr(i, 2), 16)));
              const counts = targets.map(() => 0);
              for (let p = 0; p < data.length; p += 4) {
                rgb.forEach((c, k) => {
                  if (Math.abs(data[p] - c[0]) <= 12 && Math.abs(data[p + 1] - c[1]) <= 12
                      && Math.abs(data[p + 2] - c[2]) <= 12) counts[k]++;
                });
              }
              const result = {width: image.width, height: image.height, counts: {}};
              targets.forEach((t, k) => { result.counts[t] = counts[k]; });
              document.getElementById('out').textContent = JSON.stringify(result);
            };
            image.onerror = () => { document.getElementById('out').textContent = 'unreadable'; };
            image.src = \(String(reflecting: URL(fileURLWithPath: png).absoluteString));
            </script></body></html>
            """
        try page.write(toFile: probe, atomically: true, encoding: .utf8)
        let dom = try await dumpDOM(
            probe, extra: ["--allow-file-access-from-files", "--virtual-time-budget=10000"])
        guard let start = dom.range(of: "<pre id=\"out\">"),
            let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex),
            let object = try JSONSerialization.jsonObject(
                with: Data(dom[start.upperBound..<end.lowerBound].utf8))
                as? [String: Any],
            let width = object["width"] as? Int, let height = object["height"] as? Int,
            let counts = object["counts"] as? [String: Int]
        else {
            throw BrowserFailed(description: "the pixel probe did not read \(png): \(dom.prefix(500))")
        }
        return (width, height, counts)
    }

    struct BrowserFailed: Error, CustomStringConvertible {
        var description: String
    }
}
