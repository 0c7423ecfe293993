import Foundation

/// The recall playbook's plays, shared by the industry kits: each returns a campaign with the industry's own
/// words and numbers. Templates follow the three-part structure: the recognition (the customer's name and
/// why they hear from the shop), the core benefit with its link, then the extra incentive and a deadline.
///
/// The link follows the core benefit rather than closing the message: `beckon check` warns when a short link
/// starts after the first third of the text, where small screens cut it off.
enum KitPlays {
    static let name = "{{name | default: \"亲爱的会员\"}}"

    static func birthday(gift: String, extra: String, priority: Int = 10, audience: [String] = []) -> KitCampaign {
        KitCampaign(order: 10, id: "birthday", name: "Birthday greeting with a gift",
                    why: "On the day itself, in the customer's zone: a greeting that arrives the day before or after reads as a mailing, not a wish. A lunar birthday (birthday_lunar: true in the customer file) is kept on the lunar date.",
                    who: "every active customer with a birthday\(audience.isEmpty ? "" : " (\(audience.joined(separator: ", ")))").",
                    category: "care", priority: priority, trigger: "{ kind: birthday, offset_days: 0, leap_day: feb28 }",
                    audience: audience,
                    text: "\(name)，生日快乐！\(gift)：{{short_link}} \(extra)，生日当天有效。")
    }

    /// The English twin of the birthday greeting for expatriate members (`language = en`): its own locale and
    /// brand, so it stays GSM-7 (half the segments of the same text with 【品牌】 and 回复TD退订).
    static func birthdayEnglish(brand: String, gift: String) -> KitCampaign {
        KitCampaign(order: 11, id: "birthday-en", name: "Birthday greeting in English",
                    why: "The same day as the Chinese greeting, for members whose file says language = en. locale: en puts 'Brand: ' first and 'Reply STOP to opt out' last, so the text stays GSM-7 and costs half the segments.",
                    who: "active customers with language = en (the ERP column 语言).",
                    category: "care", priority: 10, trigger: "{ kind: birthday, offset_days: 0, leap_day: feb28 }",
                    audience: ["language = en"], extra: ["locale: en", "brand: \(brand)"],
                    text: "{{name | default: \"Dear member\"}}, \(gift): {{short_link}} Happy birthday! Double points in store too, today only.")
    }

    static func expiry(thing: String, benefit: String, extra: String) -> KitCampaign {
        KitCampaign(order: 20, id: "expiry-reminder", name: "\(thing.capitalizedFirst) expiry, 3 days ahead",
                    why: "Three days before card_expires_on: early enough to come in or renew, late enough to feel urgent. A renewed date in the customer file moves the reminder.",
                    who: "customers whose file has a card_expires_on date (ERP column 会员到期日).",
                    category: "care", priority: 9, trigger: "{ kind: date_offset, field: card_expires_on, days: -3 }",
                    text: "\(name)，\(thingChinese(thing))将到期，\(benefit)：{{short_link}} \(extra)，3天内有效。")
    }

    static func cart(product: String, benefit: String) -> KitCampaign {
        KitCampaign(order: 30, id: "cart-reminder", name: "Abandoned cart, 3 hours later",
                    why: "Three hours after the cart_abandoned event: the customer still remembers the cart; a purchase in between cancels it (cancelled_by).",
                    who: "customers with a cart_abandoned row in a trigger file (customer_id, event, at, product).",
                    priority: 8,
                    trigger: "{ kind: event, event: cart_abandoned, delay_minutes: 180, cancelled_by: [purchase], fields: [product] }",
                    text: "\(name)，您的购物车在等您：{{short_link}} {{product | default: \"\(product)\"}}\(benefit)，今晚前有效。")
    }

    static func viewed(product: String, benefit: String) -> KitCampaign {
        KitCampaign(order: 31, id: "viewed-not-bought", name: "Viewed but not bought, the next day",
                    why: "A day after a product_viewed event: a nudge the next day, not a chase the same hour; a purchase cancels it.",
                    who: "customers with a product_viewed row in a trigger file.",
                    priority: 7,
                    trigger: "{ kind: event, event: product_viewed, delay_minutes: 1440, cancelled_by: [purchase], fields: [product] }",
                    text: "\(name)，好物已为您留好：{{short_link}} {{product | default: \"\(product)\"}}\(benefit)，3天内有效。")
    }

    /// - Parameter daysBefore: the reminders, which the kit's marketing caps must allow within their window.
    static func countdown(holiday: String, label: String, benefit: String, extra: String, window: String = "09:00-21:00",
                          daysBefore: [Int] = [3, 1, 0],
                          why: String = "the first to plan, the second to decide, the last on the day itself") -> KitCampaign {
        let days = daysBefore.map(String.init).joined(separator: ", ")
        return KitCampaign(order: 40, id: "countdown-\(holiday.replacingUnderscores)", name: "\(label) countdown (days_before: [\(days)])",
                    why: "\(daysBefore.count == 1 ? "One reminder" : "\(daysBefore.count) reminders") before \(label): \(why). The kit's marketing caps allow \(daysBefore.count == 1 ? "it" : "all of them") when nothing else marketing went that week.",
                    who: "every active customer.",
                    priority: 7, trigger: "{ kind: holiday_countdown, holiday: \(holiday), days_before: [\(days)] }", window: window,
                    text: "\(name)，\(label)\(benefit)：{{short_link}} \(extra)，活动当天24点截止。")
    }

    /// Recall after a lapse: three waves 7, 15 and 30 days after the customer lapsed (last order + `lapseDays`).
    /// Three campaigns rather than one with `waves:` because each wave says something else: a gift, a member
    /// upgrade, a restart offer.
    static func recallWaves(lapseDays: Int, gift: String, upgrade: String, restart: String, window: String = "09:00-21:00") -> [KitCampaign] {
        let base = "{ kind: date_offset, field: last_order_at, after_days: \(lapseDays), days: %d, cancelled_by: [purchase] }"
        let why = "Counted from the lapse (last_order_at + \(lapseDays) days, when a regular customer of this trade would have come back): 7, 15 and 30 days after it. A newer last_order_at moves the base, and a purchase event stops the waves still to come."
        let who = "customers whose last order is \(lapseDays) days past (ERP column 最近消费时间)."
        return [
            KitCampaign(order: 50, id: "recall-1-gift", name: "Recall wave 1 (lapse + 7 days): a gift", why: why, who: who, priority: 6,
                        trigger: base.replacingOccurrences(of: "%d", with: "7"), window: window,
                        text: "\(name)，好久不见！\(gift)：{{short_link}} 到店再享双倍积分，7天内有效。"),
            KitCampaign(order: 51, id: "recall-2-upgrade", name: "Recall wave 2 (lapse + 15 days): a member benefit upgrade", why: why, who: who, priority: 6,
                        trigger: base.replacingOccurrences(of: "%d", with: "15"), window: window,
                        text: "\(name)，感谢支持！\(upgrade)：{{short_link}} 本次积分翻倍，15天内有效。"),
            KitCampaign(order: 52, id: "recall-3-restart", name: "Recall wave 3 (lapse + 30 days): a restart offer", why: why, who: who, priority: 6,
                        trigger: base.replacingOccurrences(of: "%d", with: "30"), window: window,
                        text: "\(name)，重新出发！\(restart)：{{short_link}} 限量名额先到先得，本月底前有效。"),
        ]
    }

    static func payday(benefit: String, extra: String, window: String = "09:00-21:00") -> KitCampaign {
        KitCampaign(order: 60, id: "payday", name: "Payday on the 25th",
                    why: "The 25th, when most salaries land; a 25th on a weekend or holiday moves to the working day before (shift: previous), when the money has arrived and the week's plans are made.",
                    who: "every active customer.",
                    priority: 5, trigger: "{ kind: payday, day: 25, shift: previous }", window: window,
                    text: "\(name)，发薪日！\(benefit)：{{short_link}} \(extra)，今天24点前有效。")
    }

    static func presale(holiday: String, label: String, benefit: String) -> KitCampaign {
        KitCampaign(order: 70, id: "presale-loyal", name: "\(label) presale for repeat customers, 14 days ahead",
                    why: "Two weeks before \(label), when presales open: repeat customers hear first, before the countdown reaches everyone.",
                    who: "customers with 3 or more orders (order_count, ERP column 消费次数).",
                    priority: 4, trigger: "{ kind: holiday_countdown, holiday: \(holiday), days_before: [14] }",
                    audience: ["order_count >= 3"],
                    text: "\(name)，\(label)老客优先购：{{short_link}} \(benefit)，预售3天内有效。")
    }

    static func wakeUp(gift: String) -> KitCampaign {
        KitCampaign(order: 71, id: "wake-up-gift", name: "Wake-up gift for customers not seen in 90 days",
                    why: "Monthly on the 10th at 10:00 (cron), after the month's first week: a gift to bring back the customers RFM scores lowest on recency.",
                    who: "segment churn-risk (R 1-2) with no order for 90 days or more.",
                    priority: 4, trigger: "{ kind: cron, expression: \"0 10 10 * *\" }",
                    audience: ["segment = churn-risk", "days_since_last_order >= 90"],
                    text: "\(name)，90天没见啦！\(gift)：{{short_link}} 到店再享会员价，10天内有效。")
    }

    static func related(offer: String, window: String = "09:00-21:00", cron: String = "0 11 15 * *") -> KitCampaign {
        KitCampaign(order: 72, id: "related-products", name: "Related products for low-frequency customers",
                    why: "Monthly in mid-month (cron \(cron)): a suggestion that fits what they bought, for customers who buy seldom but recently, so it lands while they still remember the shop.",
                    who: "segment low-frequency (F 1-2 and R 3-5).",
                    priority: 4, trigger: "{ kind: cron, expression: \"\(cron)\" }", window: window,
                    audience: ["segment = low-frequency"],
                    text: "\(name)，为您搭配好物：{{short_link}} \(offer)搭配购再减10元，本周日前有效。")
    }

    static func thingChinese(_ thing: String) -> String {
        switch thing {
        case "membership": return "会籍"
        case "course package": return "课程包"
        case "treatment card": return "护理卡"
        default: return "会员卡"
        }
    }
}

private extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
    var replacingUnderscores: String { replacingOccurrences(of: "_", with: "-") }
}
