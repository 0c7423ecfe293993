/// The kit's etc/beckon.yaml: the shipped defaults, the industry's caps, a content section, RFM segments for
/// the audiences, and a `columns:` mapping for the headers Chinese ERP and POS exports commonly use.
enum KitMainFile {
    /// ERP header -> Beckon field. One alias per field where exports agree; two where two spellings are common
    /// (a file with both would be refused for a column that appears twice, never guessed).
    static let columns: [(String, String)] = [
        ("会员编号", "customer_id"), ("会员卡号", "customer_id"),
        ("姓名", "name"), ("会员姓名", "name"),
        ("手机号", "phone"), ("手机号码", "phone"),
        ("生日", "birthday"), ("出生日期", "birthday"), ("是否农历生日", "birthday_lunar"),
        ("最近消费时间", "last_order_at"), ("消费次数", "order_count"), ("累计消费金额", "total_spend"),
        ("会员等级", "tier"), ("标签", "tags"), ("会员到期日", "card_expires_on"),
        ("宝宝生日", "baby_birthday"), ("语言", "language"), ("城市", "city"), ("门店", "store"),
    ]

    static func render(_ playbook: KitPlaybook) -> String {
        let caps = playbook.marketingCaps.map { "\"\($0)\"" }.joined(separator: ", ")
        let columns = Self.columns.map { "  \($0.0): \($0.1)" }.joined(separator: "\n")
        return """
            # Beckon starter kit: \(playbook.industry.rawValue), written by `beckon init --industry \(playbook.industry.rawValue)`.
            # Before going live: set content.brand to your registered SMS signature, content.short_link (or a links:
            # section) to your shop, and a real channel (README, "Channels") on each campaign. docs/kits.md says why
            # each campaign is timed as it is. Relative paths are resolved against the folder that holds etc/.
            inbox: inbox
            outbox: outbox
            database: var/beckon.sqlite
            timezone: Asia/Shanghai      # for customers whose file and phone give no zone
            tick_seconds: 60
            rescan_seconds: 30
            stable_seconds: 5

            channels:
              outbox:                    # files only, nothing over the network, until a gateway is configured
                kind: outbox
                directory: messages

            policy:
              quiet_hours: "22:00-08:00" # the scenes used (lunch 11:30-12:30, evening 21:00-22:00) lie outside it
              daily_limit: 1             # one message a customer a day; priority decides
              caps:
                marketing: [\(caps)]
                care: ["1/1d", "4/7d"]
              consent_defaults: { marketing: true }

            content:
              brand: \(playbook.brand)               # 【\(playbook.brand)】 is added to every message: set your signature
              locale: zh                 # 回复TD退订 is added; a campaign may set its own locale, brand and opt_out_text
              max_segments: 2
              short_link: https://m.example.cn/s   # what {{short_link}} inserts: your shop or landing page
              phrases:
                block: [中奖, 贷款]
                warn: [免费, 点击领取, 立即抢购]

            # RFM segments (scores 1-5 by quintile over the active customers) used by the campaigns' audiences.
            segments:
              churn-risk: "R 1-2"
              loyal: "F 4-5"
              low-frequency: "F 1-2 and R 3-5"
              high-potential: "F 4-5 and M 4-5"

            # Column names of common Chinese ERP/POS member exports -> Beckon's fields. Other columns are kept as
            # attributes under their own names.
            columns:
            \(columns)

            """
    }
}
