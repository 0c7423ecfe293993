import Logging

/// How long each phase of a cycle took, for a debug log line that says where a slow cycle spent its time.
///
/// Elapsed time on the monotonic clock: a measurement, not a decision, so it does not go through `WallClock`.
struct PhaseTimer {
    private var last = ContinuousClock.now
    private(set) var laps: [(phase: String, duration: Duration)] = []

    mutating func lap(_ phase: String) {
        let now = ContinuousClock.now
        laps.append((phase, now - last))
        last = now
    }

    /// `plan_ms=1234` style fields, one per phase.
    var metadata: Logger.Metadata {
        var fields: Logger.Metadata = [:]
        for lap in laps {
            let milliseconds = Double(lap.duration.components.seconds) * 1000 + Double(lap.duration.components.attoseconds) / 1e15
            fields["\(lap.phase)_ms"] = "\(Int(milliseconds.rounded()))"
        }
        return fields
    }
}
