import BeckonCore
import Foundation

/// How one channel's gateway names things in its delivery-report and reply callbacks.
public struct ReportEndpoint: Sendable, Hashable {
    public enum Dialect: Sendable, Hashable {
        /// Kannel: `ref` (a `DeliveryReference`; `key` from dlr-urls of earlier versions), `status` (`%d`),
        /// `answer` (`%A`), `provider_id` (`%F`) from Beckon's own dlr-url; replies from an sms-service get-url
        /// with `from` (`%p`) and `text` (`%a`).
        case kannel
        /// A generic gateway: the provider's message id and status in the named fields, status words mapped,
        /// and for gateways that report each part of a long message, the part in `part`.
        case generic(idField: String, statusField: String, delivered: Set<String>, undelivered: Set<String>)
    }

    public var channel: String
    public var dialect: Dialect
    /// The sender replies on this channel opt out of when opt-outs are scoped by sender; nil: everything.
    public var optOutSender: String?
    /// The channel's failure codes: the built-in table with its `failure_codes` and `hard_failure_codes`.
    public var failureCodes: FailureCodeTable

    /// - Parameter hardFailureCodes: the channel's `hard_failure_codes`, entries of class `invalid`.
    public init(channel: String, dialect: Dialect, optOutSender: String? = nil, hardFailureCodes: Set<String> = [],
                failureCodes: [String: FailureClass] = [:]) {
        self.channel = channel
        self.dialect = dialect
        self.optOutSender = optOutSender
        self.failureCodes = .channel(overrides: failureCodes, hardFailureCodes: hardFailureCodes.sorted())
    }

    /// What a failed report's provider code says about the number (see `FailureCodeTable` for how Kannel's
    /// `2 NACK/0x0b/Invalid Destination Address` is read word by word).
    public func failureClass(of providerCode: String) -> FailureClass { failureCodes.classify(providerCode) }

    /// Whether a report's provider code says the number itself is bad (class `invalid`).
    public func isHardFailure(_ providerCode: String) -> Bool { failureClass(of: providerCode) == .invalid }

    /// A report's fields (query and form merged) as a ledger report; nil with a reason when unusable.
    /// - Parameter references: opens a Kannel report's `ref`.
    public func report(from fields: [String: String], references: DeliveryReference? = nil) -> Result<DeliveryReportFields, ReportError> {
        switch dialect {
        case .kannel:
            let key: MessageKey
            if let reference = fields["ref"] {
                guard let opened = references?.open(reference) else { return .failure(.init("ref does not name a message of this server")) }
                key = opened
            } else {
                guard let keyText = fields["key"], let parsed = MessageKey(parsing: keyText) else { return .failure(.init("missing or malformed ref")) }
                key = parsed
            }
            guard let type = fields["status"].flatMap(Int.init), let status = DeliveryReportStatus.kannel(type) else {
                return .failure(.init("missing or unknown Kannel status (%d)"))
            }
            let providerID = fields["provider_id"].flatMap { $0.isEmpty || $0.hasPrefix("%") ? nil : $0 }
            // Kannel sends one report for a whole concatenated message (observed with 1.4.5): no parts.
            return .success(DeliveryReportFields(key: key, providerID: providerID, part: "", status: status,
                                                 providerCode: "\(type) \(fields["answer"] ?? "")".trimmingCharacters(in: .whitespaces)))
        case .generic(let idField, let statusField, let delivered, let undelivered):
            guard let id = fields[idField], !id.isEmpty else { return .failure(.init("missing '\(idField)'")) }
            guard let word = fields[statusField], !word.isEmpty else { return .failure(.init("missing '\(statusField)'")) }
            let status: MessageStatus
            if delivered.contains(word) { status = .delivered }
            else if undelivered.contains(word) { status = .undelivered }
            // Gateways that pass the carrier's code as the status (Huawei Cloud's `status=MK:0001`): a code the
            // failure table knows is a failure, whether or not `undelivered_statuses` lists it.
            else if failureClass(of: word) != .transient { status = .undelivered }
            else { status = .sent }  // an intermediate state: accepted by the carrier
            return .success(DeliveryReportFields(key: nil, providerID: id, part: fields["part"] ?? "", status: status, providerCode: word))
        }
    }
}

public struct DeliveryReportFields: Hashable, Sendable {
    public var key: MessageKey?
    public var providerID: String?
    public var part: String
    public var status: MessageStatus
    public var providerCode: String
}

public struct ReportError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
