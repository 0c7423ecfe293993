import Foundation

/// The 24 solar terms, computed from the sun's apparent longitude (not tabled).
///
/// Low-precision solar position from Jean Meeus, *Astronomical Algorithms* (2nd ed.), chapter 25: good to
/// about 0.01°, i.e. about 15 minutes of time, which decides the Beijing date of a term correctly for
/// 1950-2100 except when a term falls within minutes of midnight (none does for Qingming or the Winter
/// Solstice in that range; the tests check every year against published dates).
public enum SolarTerms {
    /// Qingming: the sun at 15° of apparent longitude, about 5 April.
    public static let qingming = 15.0
    /// Winter Solstice (冬至): 270°, about 22 December.
    public static let winterSolstice = 270.0

    /// The Beijing date on which the sun reaches `longitude` degrees in `year`.
    public static func date(longitude: Double, year: Int) -> LocalDate {
        // Start from a rough guess: the sun moves about 0.9856° a day from the March equinox (~20 March).
        var days = Double(LocalDate(year: year, month: 3, day: 20)!.dayNumber) + 0.5
            + (longitude >= 0 ? longitude : longitude + 360).truncatingRemainder(dividingBy: 360) / 0.98565
        for _ in 0..<6 {
            var delta = longitude - apparentLongitude(daysSince1970: days)
            delta = (delta + 540).truncatingRemainder(dividingBy: 360) - 180
            days += delta / 0.98565
        }
        // Beijing time is UTC+8 all year (no DST since 1991; none affects these dates).
        return LocalDate(dayNumber: Int(floor(days + 8.0 / 24.0)))
    }

    /// The sun's apparent ecliptic longitude in degrees, at `days` since 1970-01-01T00:00 UTC (TT ≈ UT).
    static func apparentLongitude(daysSince1970 days: Double) -> Double {
        let jd = days + 2_440_587.5
        let t = (jd - 2_451_545.0) / 36_525
        let l0 = 280.46646 + 36_000.76983 * t + 0.0003032 * t * t
        let m = (357.52911 + 35_999.05029 * t - 0.0001537 * t * t) * .pi / 180
        let c = (1.914602 - 0.004817 * t - 0.000014 * t * t) * sin(m) + (0.019993 - 0.000101 * t) * sin(2 * m) + 0.000289 * sin(3 * m)
        let omega = (125.04 - 1934.136 * t) * .pi / 180
        let apparent = l0 + c - 0.00569 - 0.00478 * sin(omega)
        return (apparent.truncatingRemainder(dividingBy: 360) + 360).truncatingRemainder(dividingBy: 360)
    }
}
