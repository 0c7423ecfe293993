import BeckonConfig
import BeckonCore
import BeckonStore

/// `beckon check`'s blocking rules, for a reload: a configuration with a template that could not be sent, or
/// a message longer than its channel carries, must not replace one that works.
///
/// The fields templates may use are the ones `beckon check` knows: the customer's, the attribute columns of a
/// sample of active customers, and for event campaigns the columns their trigger files brought.
public enum ConfigurationCheck {
    /// The first blocking finding, as a configuration error naming the campaigns folder and the campaign.
    static func firstBlocking(in configuration: BeckonConfiguration, campaignsFolder: String, store: SQLiteStore) throws -> ConfigError? {
        let checker = try checker(for: configuration, store: store)
        for campaign in configuration.campaigns {
            let (findings, measures) = checker.check(campaign)
            if let finding = (findings + channelFindings(campaign, measures, in: configuration)).first(where: { $0.severity == .block }) {
                return ConfigError(file: campaignsFolder, line: nil, key: finding.variant.isEmpty ? "template" : "variants",
                                   message: "campaign '\(campaign.id)': \(finding.message)")
            }
        }
        return nil
    }

    /// The content checker with the fields templates may use: the customer's, the attribute columns of a sample
    /// of active customers, and for event campaigns the columns their trigger files brought (none without a store).
    public static func checker(for configuration: BeckonConfiguration, store: SQLiteStore?) throws -> ContentCheck {
        guard let store else { return ContentCheck(content: configuration.content) }
        var check = ContentCheck(content: configuration.content, knownFields: try attributeFields(in: store),
                                 eventFields: try store.eventAttributeNames(of: eventNames(of: configuration.campaigns)))
        // Only each pool's longest code is read here (for segment counts): the day and window do not matter.
        check.couponPools = Dictionary(try store.couponPools(today: LocalDate(dayNumber: 0), since: .distantPast).map { ($0.pool, $0.longest) },
                                       uniquingKeysWith: { first, _ in first })
        return check
    }

    /// A message longer than a channel the campaign may go through carries fails at dispatch (never truncated).
    public static func channelFindings(_ campaign: Campaign, _ measures: [ContentCheck.Measure],
                                       in configuration: BeckonConfiguration) -> [ContentCheck.Finding] {
        let channels = campaign.channel == BeckonConfiguration.routedChannel
            ? Set(configuration.routing.routes.values.flatMap { $0 } + configuration.routing.fallback)
            : [campaign.channel]
        var findings: [ContentCheck.Finding] = []
        for channel in configuration.channels where channels.contains(channel.id) {
            for measure in measures where measure.count.segments > channel.maxParts {
                findings.append(.init(severity: .block, campaign: measure.campaign, variant: measure.variant,
                                      message: "\(measure.count.segments) parts exceed channel '\(channel.id)' max_parts \(channel.maxParts): it would fail at dispatch (never truncated)"))
            }
        }
        return findings
    }

    static func attributeFields(in store: SQLiteStore) throws -> Set<String> {
        var known = ContentCheck.customerFields
        do {
            try store.forEachActiveCustomerBatch(batchSize: 1_000) { customers in
                for customer in customers { known.formUnion(customer.attributes.keys) }
                throw SampleTaken()
            }
        } catch is SampleTaken {}
        return known
    }

    static func eventNames(of campaigns: [Campaign]) -> Set<String> {
        Set(campaigns.compactMap { campaign -> String? in
            if case .event(let rule) = campaign.trigger { return rule.event }
            return nil
        })
    }

    private struct SampleTaken: Error {}
}
