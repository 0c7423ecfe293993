import Foundation

/// A zone's UTC offsets over time, as a table of transitions: the local date of an instant by binary
/// search instead of a Foundation call (which dominates when a million timestamps are converted).
public struct ZoneOffsets: Sendable {
    /// Instants (seconds since 1970) where an offset starts, ascending, with that offset.
    let starts: [Double]
    let offsets: [Int]

    public init(_ zone: TimeZone, from: Date = Date(timeIntervalSince1970: -2_208_988_800), to: Date = Date(timeIntervalSince1970: 4_133_980_800)) {
        var starts = [-Double.infinity]
        var offsets = [zone.secondsFromGMT(for: from)]
        var cursor = from
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < to {
            starts.append(next.timeIntervalSince1970)
            offsets.append(zone.secondsFromGMT(for: next))
            cursor = next
        }
        self.starts = starts
        self.offsets = offsets
    }

    /// One table per zone for the whole process: it is derived data, the same every time it is built.
    public static func shared(for zone: TimeZone) -> ZoneOffsets {
        cache.lock.lock()
        defer { cache.lock.unlock() }
        if let table = cache.tables[zone.identifier] { return table }
        let table = ZoneOffsets(zone)
        cache.tables[zone.identifier] = table
        return table
    }

    private final class Cache: @unchecked Sendable {
        let lock = NSLock()
        var tables: [String: ZoneOffsets] = [:]
    }
    private static let cache = Cache()

    public func offset(at instant: Date) -> Int {
        let t = instant.timeIntervalSince1970
        var low = 0, high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= t { low = mid } else { high = mid - 1 }
        }
        return offsets[low]
    }

    public func localDate(_ instant: Date) -> LocalDate {
        let seconds = Int(floor(instant.timeIntervalSince1970)) + offset(at: instant)
        return LocalDate(dayNumber: Int(floor(Double(seconds) / 86_400)))
    }
}
