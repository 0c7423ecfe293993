import Foundation

/// Which message of a campaign a conversion is credited to, and how (the rules of docs/conversions.md).
///
/// Pure: the store hands in one customer's conversions, delivered messages and clicks; nothing here reads a clock.
public enum Attribution {
    /// A message that may be credited: only `delivered` ones are passed in (a `sent` message without a delivery
    /// report is not known to have reached the phone, so it is not credited).
    public struct Message: Hashable, Sendable {
        public var key: String
        public var campaign: String
        public var variant: String
        /// When the message reached the phone (its `delivered` report, the last part's for a long message; the
        /// send time when no report was stored): the window runs from here.
        public var deliveredAt: Date

        public init(key: String, campaign: String, variant: String, deliveredAt: Date) {
            self.key = key
            self.campaign = campaign
            self.variant = variant
            self.deliveredAt = deliveredAt
        }
    }

    public struct Click: Hashable, Sendable {
        public var messageKey: String
        public var at: Date
        /// A suspected bot (link preview, crawler, HEAD, too soon after delivery): never makes click-through.
        public var bot: Bool

        public init(messageKey: String, at: Date, bot: Bool) {
            self.messageKey = messageKey
            self.at = at
            self.bot = bot
        }
    }

    public enum Through: String, Sendable, CaseIterable {
        case click, view
    }

    /// One conversion credited to one message.
    public struct Credit: Hashable, Sendable {
        /// The index of the conversion in the list passed in.
        public var conversion: Int
        public var messageKey: String
        public var campaign: String
        public var variant: String
        public var through: Through
        public var amount: Double
        /// The first conversion credited to this message: the one that counts as a conversion. Later ones inside
        /// the same window add their revenue only (one conversion per customer per campaign per window).
        public var counts: Bool
    }

    /// Attribution windows per campaign, in days (`attribution_days`, default 7, 1...90).
    public struct Windows: Hashable, Sendable {
        public static let defaultDays = 7
        public static let allowedDays = 1...90
        public var days: [String: Int]
        public var defaultDays: Int

        public init(days: [String: Int] = [:], defaultDays: Int = Windows.defaultDays) {
            self.days = days
            self.defaultDays = defaultDays
        }

        public func seconds(for campaign: String) -> TimeInterval { TimeInterval(days[campaign] ?? defaultDays) * 86_400 }
        /// The longest window: how far before a conversion a credited message can lie.
        public var longestSeconds: TimeInterval { TimeInterval(([defaultDays] + days.values).max() ?? defaultDays) * 86_400 }
    }

    /// Credits each conversion of one customer to the last delivered message of every campaign whose window
    /// covers it: a message delivered at `t` covers conversions in `(t, t + window]` (a conversion at the very
    /// instant of delivery is not caused by it). A conversion may be credited to several campaigns, each to its
    /// own last message, so campaigns' totals summed can exceed the shop's conversions.
    public static func credit(conversions: [Conversion], messages: [Message], clicks: [Click], windows: Windows) -> [Credit] {
        let byCampaign = Dictionary(grouping: messages, by: \.campaign)
            .mapValues { $0.sorted { ($0.deliveredAt, $0.key) < ($1.deliveredAt, $1.key) } }
        let humanClicks = Dictionary(grouping: clicks.filter { !$0.bot }, by: \.messageKey)
        let order = conversions.indices.sorted { (conversions[$0].occurredAt, $0) < (conversions[$1].occurredAt, $1) }
        var credits: [Credit] = []
        var counted = Set<String>()
        for index in order {
            let conversion = conversions[index]
            for campaign in byCampaign.keys.sorted() {
                let window = windows.seconds(for: campaign)
                guard let message = byCampaign[campaign]!.last(where: { $0.deliveredAt < conversion.occurredAt }),
                      conversion.occurredAt.timeIntervalSince(message.deliveredAt) <= window else { continue }
                let clicked = humanClicks[message.key]?.contains { $0.at <= conversion.occurredAt } ?? false
                credits.append(Credit(conversion: index, messageKey: message.key, campaign: campaign, variant: message.variant,
                                      through: clicked ? .click : .view, amount: conversion.amount,
                                      counts: counted.insert(message.key).inserted))
            }
        }
        return credits
    }
}

extension Attribution.Windows {
    /// Each campaign's `attribution_days`.
    public init(campaigns: [Campaign]) {
        self.init(days: Dictionary(campaigns.map { ($0.id, $0.attributionDays) }, uniquingKeysWith: { first, _ in first }))
    }
}
