import BeckonConfig
import BeckonCore
import BeckonStore

/// `beckon check`'s blocking rules, for a reload: a configuration with a template that could not be sent, or
/// a message longer than its channel carries, must not replace one that works.
///
/// The fields templates may use are the ones `beckon check` knows: the customer's, the attribute columns of a
/// sample of active customers, and for event campaigns the columns their trigger files brought.
enum ConfigurationCheck {
    /// The first blocking finding, as a configuration error naming the campaigns folder and the campaign.
    static func firstBlocking(in configuration: BeckonConfiguration, campaignsFolder: String, store: SQLiteStore) throws -> ConfigError? {
        let checker = ContentCheck(content: configuration.content, knownFields: try attributeFields(in: store),
                                   eventFields: try store.eventAttributeNames(of: eventNames(of: configuration.campaigns)))
        for campaign in configuration.campaigns {
            let (findings, measures) = checker.check(campaign)
            if let finding = findings.first(where: { $0.severity == .block }) {
                return ConfigError(file: campaignsFolder, line: nil, key: finding.variant.isEmpty ? "template" : "variants",
                                   message: "campaign '\(campaign.id)': \(finding.message)")
            }
            let channels = campaign.channel == BeckonConfiguration.routedChannel
                ? Set(configuration.routing.routes.values.flatMap { $0 } + configuration.routing.fallback)
                : [campaign.channel]
            for channel in configuration.channels where channels.contains(channel.id) {
                if let long = measures.first(where: { $0.count.segments > channel.maxParts }) {
                    return ConfigError(file: campaignsFolder, line: nil, key: "template", message:
                        "campaign '\(campaign.id)': \(long.count.segments) parts exceed channel '\(channel.id)' max_parts \(channel.maxParts): it would fail at dispatch")
                }
            }
        }
        return nil
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
