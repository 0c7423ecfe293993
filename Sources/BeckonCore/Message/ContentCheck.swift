import Foundation

/// Checks a campaign's content before anything is sent: what `beckon check` reports.
public struct ContentCheck: Sendable {
    public struct Finding: Hashable, Sendable, CustomStringConvertible {
        public enum Severity: String, Hashable, Sendable, Comparable {
            case info, warn, block
            public static func < (a: Severity, b: Severity) -> Bool {
                let order: [Severity] = [.info, .warn, .block]
                return order.firstIndex(of: a)! < order.firstIndex(of: b)!
            }
        }
        public var severity: Severity
        public var campaign: String
        /// The variant id, or empty for the campaign's main template.
        public var variant: String
        public var message: String

        public init(severity: Severity, campaign: String, variant: String, message: String) {
            self.severity = severity
            self.campaign = campaign
            self.variant = variant
            self.message = message
        }

        public var description: String {
            "\(severity.rawValue)\t\(campaign)\(variant.isEmpty ? "" : "/\(variant)")\t\(message)"
        }
    }

    /// What a template costs, rendered against a sample customer.
    public struct Measure: Hashable, Sendable {
        public var campaign: String
        public var variant: String
        public var sample: String
        public var characters: Int
        public var count: SegmentCounter.Count
    }

    public let content: ContentPolicy
    /// Fields a template may use without a default: customer fields and the attribute columns seen.
    public let knownFields: Set<String>

    /// Event name -> the attribute columns its trigger files brought (`product`, `price`...): fields the
    /// templates of that event's campaigns may use, as the run renders them.
    public let eventFields: [String: Set<String>]

    public static let customerFields: Set<String> = ["customer_id", "name", "surname", "tier", "birthday"]

    /// The coupon pools the store has seen, each with the code that prices its messages highest (the longest,
    /// then one that is not GSM-7); nil without a store (no warning about unknown pools then).
    public var couponPools: [String: Coupon]?

    public init(content: ContentPolicy, knownFields: Set<String> = ContentCheck.customerFields, eventFields: [String: Set<String>] = [:]) {
        self.content = content
        self.knownFields = knownFields.union(Self.customerFields).union(content.shortLink == nil ? [] : ["short_link"])
        self.eventFields = eventFields
    }

    /// The fields a campaign's templates may use: the customer's, and for an event campaign the columns its
    /// trigger files brought or that the campaign declares (`trigger.fields`).
    public func fields(for campaign: Campaign) -> Set<String> {
        guard case .event(let rule) = campaign.trigger else { return knownFields }
        return knownFields.union(rule.fields).union(eventFields[rule.event] ?? [])
    }

    public func check(_ campaign: Campaign) -> (findings: [Finding], measures: [Measure]) {
        var findings: [Finding] = []
        var measures: [Measure] = []
        // The campaign's own locale, brand and opt-out text: what its messages will really carry and cost.
        let composer = MessageComposer(content: self.content).composer(for: campaign)
        let content = composer.content
        func finding(_ severity: Finding.Severity, _ variant: String, _ message: String) {
            findings.append(Finding(severity: severity, campaign: campaign.id, variant: variant, message: message))
        }
        if !campaign.variants.isEmpty, campaign.variants.allSatisfy({ $0.weight == 0 }) {
            finding(.block, "", "every variant has weight 0: nobody would get a message")
        }
        var known = fields(for: campaign)
        if let pool = campaign.coupon {
            known.formUnion(CouponSlots.fields)
            if let pools = couponPools, pools[pool] == nil {
                finding(.warn, "", "coupon pool '\(pool)' has never been imported (no coupons file listed it): its messages would be held as coupon_pool_empty")
            }
        }
        var whereFrom = ""
        if case .event(let rule) = campaign.trigger {
            whereFrom = " (neither a customer column nor a column of the '\(rule.event)' trigger files seen; declare it in trigger.fields)"
        }
        let templates = [("", campaign.template)] + campaign.variants.map { ($0.id, $0.template) }
        for (variant, template) in templates {
            if template.source.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                finding(.block, variant, "the template is empty")
                continue
            }
            for case .placeholder(let placeholder) in template.parts where campaign.coupon == nil && CouponSlots.fields.contains(placeholder.field) {
                finding(.block, variant, "{{\(placeholder.field)}} at character \(placeholder.offset) needs a coupon pool: add coupon: POOL to the campaign")
            }
            for case .placeholder(let placeholder) in template.parts
            where !known.contains(placeholder.field) && !placeholder.hasDefault && !CouponSlots.fields.contains(placeholder.field) {
                finding(.block, variant, "{{\(placeholder.field)}} at character \(placeholder.offset) is not a known field\(whereFrom) and has no default: customers would get a gap")
            }
            for phrase in content.phrases {
                for offset in Self.offsets(of: phrase.text, in: template.source) {
                    finding(phrase.severity == .block ? .block : .warn, variant, "phrase '\(phrase.text)' at character \(offset) is often blocked by carriers or misleads")
                }
            }
            if content.signature == nil {
                finding(.warn, variant, "no brand is configured (content.brand, or the campaign's brand:): Chinese carriers reject unsigned marketing messages")
            } else if !composer.hasSignature(template.source) {
                finding(.info, variant, "no signature in the template: \(content.signature!) is added at the start")
            }
            if campaign.category != .transactional, !composer.hasOptOut(template.source) {
                finding(.info, variant, "no opt-out line in the template: '\(content.optOutText)' is added at the end")
            }
            for case .link(let link) in template.parts {
                switch link.target {
                case .shortLink where content.links?.target == nil && content.shortLink == nil:
                    finding(.block, variant, "{{short_link}} at character \(link.offset) has no link: set links.target (a tracked link) or content.short_link (one fixed link)")
                case .url(let url) where content.links == nil:
                    finding(.warn, variant, "{{link: \"\(url)\"}} at character \(link.offset) is not tracked without a links: section: the URL goes into the text as written")
                default: break
                }
            }
            // Links as the placeholder of a token's length (`XXXXXXX`): the segments are those of the real text.
            let sample = Self.sampleValues(for: template, locale: content.locale)
            guard let body = try? composer.render(template, values: sample, campaign: campaign, variant: variant, key: nil,
                                                  tokens: PreviewLinkTokens()) else { continue }
            // Coupon slots as the pool's longest code: the segments are those of the message with its code.
            let coupon = campaign.coupon.flatMap { couponPools?[$0] }
            let filled = CouponSlots.preview(body.text, code: coupon?.code ?? CouponSlots.previewCode,
                                             expiresOn: coupon?.expiresOn ?? LocalDate(year: 2026, month: 12, day: 31)!)
            let text = composer.decorate(filled, category: campaign.category)
            let count = SegmentCounter.count(text)
            measures.append(Measure(campaign: campaign.id, variant: variant, sample: text, characters: text.count, count: count))
            if count.segments > content.maxSegments {
                finding(.warn, variant, "\(count.segments) segments (\(count.encoding.rawValue), \(count.units) units) exceeds the maximum of \(content.maxSegments)")
            }
            if let link = content.links?.base ?? content.shortLink, let range = text.range(of: link) {
                let position = text.distance(from: text.startIndex, to: range.lowerBound)
                if position > text.count / 3 {
                    finding(.warn, variant, "the short link starts at character \(position) of \(text.count): put it in the first third, where it survives truncation on small screens")
                }
            }
        }
        return (findings, measures)
    }

    /// Realistic sample values: long enough to price a message honestly. An English campaign is for members with
    /// Latin names (a Chinese sample name would price its every message as UCS-2, which its messages are not).
    static func sampleValues(for template: MessageTemplate, locale: ContentPolicy.Locale = .zh) -> [String: String] {
        let (name, surname) = locale == .en ? ("Alexandra Johnson", "Johnson") : ("欧阳小明", "欧阳")
        var values: [String: String] = ["name": name, "surname": surname, "customer_id": "C00012345", "tier": "gold",
                                        "birthday": "1990-03-05"]
        for field in template.placeholders where values[field] == nil {
            values[field] = field.contains("date") || field.hasSuffix("_on") || field.hasSuffix("_at") ? "2026-03-05" : "12345678"
        }
        return values
    }

    static func offsets(of needle: String, in haystack: String) -> [Int] {
        var offsets: [Int] = []
        var searchFrom = haystack.startIndex
        while let range = haystack.range(of: needle, range: searchFrom..<haystack.endIndex) {
            offsets.append(haystack.distance(from: haystack.startIndex, to: range.lowerBound))
            searchFrom = range.upperBound
        }
        return offsets
    }
}
