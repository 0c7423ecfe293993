import BeckonConfig
import BeckonCore
import BeckonInbox

extension BeckonConfiguration {
    /// How the inbox reads files, from the `inbox`, `columns`, `encoding` and keyword settings.
    public var inboxSettings: InboxSettings {
        let encoding: TextEncoding = switch inboxEncoding {
        case "utf-8", "utf8": .utf8
        case "gb18030", "gbk": .gb18030
        default: .auto
        }
        return InboxSettings(aliases: columnAliases, encoding: encoding,
                             keywords: OptOutKeywords(optOut: optOutKeywords.map(Set.init) ?? OptOutKeywords.defaultOptOut,
                                                      optIn: optInKeywords.map(Set.init) ?? OptOutKeywords.defaultOptIn),
                             kinds: inboxKinds, snapshotMaxDeactivate: snapshotMaxDeactivate,
                             conversionKinds: conversionKinds)
    }
}
