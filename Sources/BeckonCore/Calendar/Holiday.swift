/// A named day: built-in Chinese holidays and shopping festivals, or the user's own.
public struct Holiday: Hashable, Sendable {
    public var key: String
    public var name: String
    public var date: LocalDate

    public init(key: String, name: String, date: LocalDate) {
        self.key = key
        self.name = name
        self.date = date
    }
}

/// How a holiday's date is found each year.
public enum HolidayRule: Hashable, Sendable {
    case solar(month: Int, day: Int)
    case lunar(month: Int, day: Int)
    /// The last day of the 12th lunar month of the previous lunar year (the 29th or the 30th).
    case lunarNewYearsEve
    /// The `ordinal`-th ISO `weekday` (1 = Monday ... 7 = Sunday) of `month`.
    case floating(month: Int, weekday: Int, ordinal: Int)
    case solarTerm(longitude: Double)
    /// Explicit dates (user files): only the years listed.
    case dates([LocalDate])

    func date(in year: Int, lunar: LunarCalendar) -> [LocalDate] {
        switch self {
        case .solar(let month, let day): return LocalDate(year: year, month: month, day: day).map { [$0] } ?? []
        case .lunar(let month, let day):
            // A lunar holiday falls in the Gregorian year of its lunar year, except late-year ones (Laba
            // can fall in January): look in both lunar years that overlap `year`.
            return [year - 1, year].compactMap { lunar.solar(LunarDate(year: $0, month: month, day: day)) }.filter { $0.year == year }
        case .lunarNewYearsEve:
            return [year - 1, year].compactMap { lunar.newYearsEve(ofLunarYear: $0) }.filter { $0.year == year }
        case .floating(let month, let weekday, let ordinal):
            let first = LocalDate(year: year, month: month, day: 1)!
            let offset = (weekday - first.isoWeekday + 7) % 7
            return [first.adding(days: offset + 7 * (ordinal - 1))].filter { $0.month == month }
        case .solarTerm(let longitude): return [SolarTerms.date(longitude: longitude, year: year)]
        case .dates(let dates): return dates.filter { $0.year == year }
        }
    }
}

/// The holidays Beckon knows: built-in ones plus those from `etc/calendars/`.
public struct HolidayCalendar: Sendable {
    public struct Definition: Hashable, Sendable {
        public var key: String
        public var name: String
        public var rule: HolidayRule
        public init(key: String, name: String, rule: HolidayRule) {
            self.key = key
            self.name = name
            self.rule = rule
        }
    }

    public var definitions: [Definition]
    let lunar: LunarCalendar

    public init(extra: [Definition] = [], lunar: LunarCalendar = .shared) {
        // A user definition with a built-in key replaces the built-in one.
        let keys = Set(extra.map(\.key))
        definitions = Self.builtIn.filter { !keys.contains($0.key) } + extra
        self.lunar = lunar
    }

    public static let builtIn: [Definition] = [
        Definition(key: "new_year", name: "元旦", rule: .solar(month: 1, day: 1)),
        Definition(key: "valentines_day", name: "情人节", rule: .solar(month: 2, day: 14)),
        Definition(key: "womens_day", name: "妇女节", rule: .solar(month: 3, day: 8)),
        Definition(key: "labour_day", name: "劳动节", rule: .solar(month: 5, day: 1)),
        Definition(key: "520", name: "520", rule: .solar(month: 5, day: 20)),
        Definition(key: "childrens_day", name: "儿童节", rule: .solar(month: 6, day: 1)),
        Definition(key: "618", name: "618", rule: .solar(month: 6, day: 18)),
        Definition(key: "teachers_day", name: "教师节", rule: .solar(month: 9, day: 10)),
        Definition(key: "national_day", name: "国庆节", rule: .solar(month: 10, day: 1)),
        Definition(key: "double_11", name: "双十一", rule: .solar(month: 11, day: 11)),
        Definition(key: "double_12", name: "双十二", rule: .solar(month: 12, day: 12)),
        Definition(key: "christmas", name: "圣诞节", rule: .solar(month: 12, day: 25)),
        Definition(key: "spring_festival", name: "春节", rule: .lunar(month: 1, day: 1)),
        Definition(key: "lantern", name: "元宵节", rule: .lunar(month: 1, day: 15)),
        Definition(key: "dragon_boat", name: "端午节", rule: .lunar(month: 5, day: 5)),
        Definition(key: "qixi", name: "七夕", rule: .lunar(month: 7, day: 7)),
        Definition(key: "mid_autumn", name: "中秋节", rule: .lunar(month: 8, day: 15)),
        Definition(key: "double_ninth", name: "重阳节", rule: .lunar(month: 9, day: 9)),
        Definition(key: "laba", name: "腊八节", rule: .lunar(month: 12, day: 8)),
        Definition(key: "new_years_eve", name: "除夕", rule: .lunarNewYearsEve),
        Definition(key: "mothers_day", name: "母亲节", rule: .floating(month: 5, weekday: 7, ordinal: 2)),
        Definition(key: "fathers_day", name: "父亲节", rule: .floating(month: 6, weekday: 7, ordinal: 3)),
        Definition(key: "qingming", name: "清明节", rule: .solarTerm(longitude: SolarTerms.qingming)),
        Definition(key: "winter_solstice", name: "冬至", rule: .solarTerm(longitude: SolarTerms.winterSolstice)),
    ]

    /// Every holiday of `year`, by date then key.
    public func holidays(in year: Int) -> [Holiday] {
        definitions.flatMap { definition in
            definition.rule.date(in: year, lunar: lunar).map { Holiday(key: definition.key, name: definition.name, date: $0) }
        }.sorted { ($0.date, $0.key) < ($1.date, $1.key) }
    }

    /// The dates of one holiday in `year`.
    public func dates(of key: String, in year: Int) -> [LocalDate] {
        definitions.filter { $0.key == key }.flatMap { $0.rule.date(in: year, lunar: lunar) }
    }

    public func knows(_ key: String) -> Bool { definitions.contains { $0.key == key } }
}
