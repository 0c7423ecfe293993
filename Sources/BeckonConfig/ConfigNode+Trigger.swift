import BeckonCore

extension ConfigNode {
    /// Reads a campaign's `trigger:` mapping. `kind` selects the rule; each kind has its own keys.
    public func trigger() throws -> Trigger {
        let kind = try required("kind").string()
        switch kind {
        case "birthday":
            try rejectUnknownKeys(["kind", "offset_days", "leap_day"])
            let offset = try optional("offset_days")?.int() ?? 0
            let leapDay = try optional("leap_day")?.oneOf(BirthdayRule.LeapDayPolicy.self) ?? .february28
            return .birthday(BirthdayRule(offsetDays: offset, leapDay: leapDay))
        default:
            throw (try required("kind")).error("unknown trigger kind '\(kind)' (known: birthday)")
        }
    }
}
