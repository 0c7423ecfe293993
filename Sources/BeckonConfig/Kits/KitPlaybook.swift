/// Which plays each industry gets, with its own words, lapse and caps: the recipe behind each starter kit.
///
/// The lapse (days without an order after which a regular customer of the trade is overdue) and the caps are
/// starting points taken from the trade's visit rhythm; docs/kits.md gives the reasoning for each.
struct KitPlaybook: Sendable {
    var industry: StarterKit.Industry
    /// 【brand】 in every message until the operator sets their registered signature.
    var brand: String
    /// `policy.caps.marketing`.
    var marketingCaps: [String]
    var campaigns: [KitCampaign]

    static func of(_ industry: StarterKit.Industry) -> KitPlaybook {
        typealias P = KitPlays
        switch industry {
        case .retail:
            return KitPlaybook(industry: industry, brand: "品牌", marketingCaps: ["3/7d", "8/30d"], campaigns: [
                P.birthday(gift: "生日礼券", extra: "到店再享双倍积分", audience: ["language != en"]),
                P.birthdayEnglish(brand: "Brand", gift: "your birthday voucher"),
                P.expiry(thing: "member card", benefit: "续卡有礼", extra: "续卡再享9折"),
                P.cart(product: "心仪商品", benefit: "立减20元"),
                P.viewed(product: "心仪商品", benefit: "专享9折"),
                P.countdown(holiday: "double_11", label: "双11", benefit: "满300减50", extra: "会员再享9折"),
            ] + P.recallWaves(lapseDays: 60, gift: "30元回归券", upgrade: "升级银卡", restart: "满200减60") + [
                P.payday(benefit: "满199减30", extra: "会员再享包邮"),
                P.presale(holiday: "double_11", label: "双11", benefit: "定金翻倍再送赠品"),
                P.wakeUp(gift: "50元券"),
                P.related(offer: "新品"),
            ])
        case .beauty:
            return KitPlaybook(industry: industry, brand: "品牌", marketingCaps: ["3/7d", "8/30d"], campaigns: [
                P.birthday(gift: "生日护理", extra: "到店再送正装小样"),
                P.expiry(thing: "treatment card", benefit: "续卡有礼", extra: "加赠2次护理"),
                P.cart(product: "心仪好物", benefit: "加送小样"),
                P.viewed(product: "心仪好物", benefit: "试用装"),
                P.countdown(holiday: "double_11", label: "双11", benefit: "满400减80", extra: "会员再享赠品"),
            ] + P.recallWaves(lapseDays: 45, gift: "护理体验券", upgrade: "升级金卡", restart: "护理5折券") + [
                P.payday(benefit: "满500减100", extra: "再送面膜一盒"),
                P.presale(holiday: "double_11", label: "双11", benefit: "定金双倍抵扣"),
                P.wakeUp(gift: "肩颈护理"),
                KitCampaign(order: 80, id: "night-care", name: "Bedtime skincare tip, Wednesday 21:00",
                            why: "The bedtime scene (evening, 21:00-22:00) on a Wednesday: skincare is decided at the mirror before sleep, and mid-week is free of weekend promotions. Quiet hours begin at 22:00, so the window stays a full hour.",
                            who: "customers with 2 or more orders (order_count >= 2).",
                            priority: 3, trigger: "{ kind: cron, expression: \"0 21 * * 3\" }", window: "evening",
                            audience: ["order_count >= 2"],
                            text: "\(P.name)，睡前护肤时间到：{{short_link}} 夜间修护套装今晚下单加赠眼膜，22点前有效。"),
            ])
        case .motherBaby:
            return KitPlaybook(industry: industry, brand: "品牌", marketingCaps: ["3/7d", "8/30d"], campaigns: [
                P.birthday(gift: "生日礼券", extra: "到店再享双倍积分"),
                KitCampaign(order: 12, id: "baby-birthday", name: "The baby's birthday, a week ahead",
                            why: "Seven days before baby_birthday (anniversary): parents plan the party and buy the gift ahead, so a greeting on the day is too late to help.",
                            who: "customers whose file has a baby_birthday date (ERP column 宝宝生日).",
                            category: "care", priority: 10, trigger: "{ kind: anniversary, field: baby_birthday, offset_days: -7 }",
                            text: "\(P.name)，宝宝下周生日！成长礼包：{{short_link}} 到店再送蛋糕券，生日前有效。"),
                P.expiry(thing: "member card", benefit: "续卡有礼", extra: "续卡加送纸尿裤"),
                P.cart(product: "宝宝用品", benefit: "立减15元"),
                P.countdown(holiday: "618", label: "618", benefit: "满300减50", extra: "会员再享包邮"),
                KitCampaign(order: 25, id: "restock", name: "Restock reminder 25 days after an order",
                            why: "25 days after last_order_at: formula and nappies bought for a month run out in the fourth week. A newer order moves the date.",
                            who: "customers with a last order (ERP column 最近消费时间).",
                            priority: 8, trigger: "{ kind: date_offset, field: last_order_at, days: 25, cancelled_by: [purchase] }",
                            text: "\(P.name)，该补货啦！一键补货：{{short_link}} 奶粉纸尿裤满199减20，3天内有效。"),
            ] + P.recallWaves(lapseDays: 40, gift: "20元回归券", upgrade: "育儿顾问", restart: "礼包5折") + [
                P.payday(benefit: "满399减60", extra: "会员再享包邮"),
                P.presale(holiday: "618", label: "618", benefit: "囤货价提前锁定"),
            ])
        case .freshFood:
            return KitPlaybook(industry: industry, brand: "品牌", marketingCaps: ["4/7d", "12/30d"], campaigns: [
                P.birthday(gift: "生日果篮", extra: "下单再免配送费"),
                P.cart(product: "新鲜食材", benefit: "立减5元"),
                P.countdown(holiday: "mid_autumn", label: "中秋", benefit: "礼盒满200减40", extra: "团购另有优惠"),
            ] + P.recallWaves(lapseDays: 14, gift: "10元鲜食券", upgrade: "开通次日达", restart: "满59减20") + [
                P.payday(benefit: "满99减15", extra: "再送鸡蛋一盒"),
                KitCampaign(order: 80, id: "lunch-fresh", name: "Lunchtime order for tonight's dinner, Tuesday and Friday",
                            why: "The lunch scene (11:30-12:30) on Tuesday and Friday: dinner is decided at lunch, and an order placed then arrives before the evening.",
                            who: "customers with 2 or more orders (order_count >= 2).",
                            priority: 3, trigger: "{ kind: cron, expression: \"30 11 * * 2,5\" }", window: "lunch",
                            audience: ["order_count >= 2"],
                            text: "\(P.name)，今日鲜到！午间下单：{{short_link}} 傍晚送达再减5元，今天14点前有效。"),
                P.related(offer: "当季鲜品"),
            ])
        case .restaurant:
            return KitPlaybook(industry: industry, brand: "品牌", marketingCaps: ["3/7d", "6/30d"], campaigns: [
                P.birthday(gift: "长寿面", extra: "到店用餐再享8.8折"),
                P.countdown(holiday: "new_years_eve", label: "除夕", benefit: "年夜饭开订", extra: "预订即送果盘", window: "lunch",
                            daysBefore: [7, 3, 1], why: "a table for New Year's Eve dinner is booked a week ahead; the last reminder the day before, when the last tables go"),
            ] + P.recallWaves(lapseDays: 30, gift: "招牌菜一道", upgrade: "优先订座", restart: "满200减50", window: "lunch") + [
                P.payday(benefit: "午市8折", extra: "再送饮品一杯", window: "lunch"),
                KitCampaign(order: 80, id: "friday-lunch", name: "Friday lunch, 11:30",
                            why: "The lunch scene (11:30-12:30) on Friday: the one lunch of the week people go out for together; sent as the window opens, before the choice is made.",
                            who: "customers seen in the last 60 days (days_since_last_order <= 60).",
                            priority: 3, trigger: "{ kind: cron, expression: \"30 11 * * 5\" }", window: "lunch",
                            audience: ["days_since_last_order <= 60"],
                            text: "\(P.name)，周五约午餐！今日特价：{{short_link}} 2人同行第二份半价，今天14点前有效。"),
            ])
        case .gym:
            return KitPlaybook(industry: industry, brand: "品牌", marketingCaps: ["2/7d", "6/30d"], campaigns: [
                P.birthday(gift: "私教课", extra: "带朋友来再送体验卡"),
                P.expiry(thing: "membership", benefit: "续费有礼", extra: "送2节私教课"),
                P.countdown(holiday: "new_year", label: "元旦", benefit: "年卡特惠", extra: "前50名再送体测", window: "lunch",
                            daysBefore: [3, 0], why: "new-year resolutions are made in the last days of December and acted on on the day"),
            ] + P.recallWaves(lapseDays: 14, gift: "团课体验", upgrade: "教练复训", restart: "月卡5折") + [
                KitCampaign(order: 80, id: "midweek-lunch", name: "Mid-week lunch break, Wednesday 11:30",
                            why: "Mid-week (Wednesday), in the lunch scene (11:30-12:30): the week's resolve dips after Tuesday, and a lunch-break class is the easiest to fit in.",
                            who: "members seen in the last 30 days (days_since_last_order <= 30).",
                            priority: 3, trigger: "{ kind: cron, expression: \"30 11 * * 3\" }", window: "lunch",
                            audience: ["days_since_last_order <= 30"],
                            text: "\(P.name)，周三充电！午间团课：{{short_link}} 今天约课送运动饮料，14点前有效。"),
            ])
        case .education:
            return KitPlaybook(industry: industry, brand: "品牌", marketingCaps: ["2/7d", "5/30d"], campaigns: [
                P.birthday(gift: "体验课", extra: "报名再享生日价"),
                P.expiry(thing: "course package", benefit: "续课有礼", extra: "续课加送2课时"),
                KitCampaign(order: 40, id: "vacation-enrolment", name: "Vacation course enrolment, a month ahead",
                            why: "The education preset: one month before the winter (01-15) and summer (07-01) vacations, when parents plan the holiday timetable. Set winter_vacation and summer_vacation (MM-DD) in the trigger to the local school calendar.",
                            who: "every active customer (parents of current and past students).",
                            priority: 7, trigger: "{ kind: preset, name: education, winter_vacation: \"01-15\", summer_vacation: \"07-01\" }",
                            window: "evening",
                            text: "\(P.name)，假期班开始报名！课表：{{short_link}} 早鸟报名立减300元，本月底前有效。"),
            ] + P.recallWaves(lapseDays: 60, gift: "体验课", upgrade: "学习规划", restart: "复课礼包", window: "evening") + [
                P.related(offer: "进阶课", window: "evening", cron: "0 21 15 * *"),
            ])
        case .luxury:
            return KitPlaybook(industry: industry, brand: "品牌", marketingCaps: ["1/7d", "3/30d"], campaigns: [
                P.birthday(gift: "生日礼遇", extra: "预约到店再享专属服务", audience: ["language != en"]),
                P.birthdayEnglish(brand: "Brand", gift: "your birthday gift"),
                P.viewed(product: "心仪单品", benefit: "顾问预留"),
                P.countdown(holiday: "qixi", label: "七夕", benefit: "限定礼盒", extra: "预约到店享刻字服务",
                            daysBefore: [7], why: "a gift that is chosen, engraved and wrapped needs a week; luxury customers are not chased daily"),
            ] + P.recallWaves(lapseDays: 120, gift: "专属礼遇", upgrade: "私享顾问", restart: "新品私享会") + [
                KitCampaign(order: 80, id: "quarter-end", name: "Quarter-end private preview, 20th to 25th of March, June, September, December",
                            why: "The luxury preset: the 20th-25th of a quarter's last month, when bonuses and quarterly targets land. The preset fires on each of the six days; the marketing cap (1/7d) keeps it to one message a customer.",
                            who: "segment high-potential (F 4-5 and M 4-5).",
                            priority: 3, trigger: "{ kind: preset, name: luxury }",
                            audience: ["segment = high-potential"],
                            text: "\(P.name)，季末私享会邀您！新品预览：{{short_link}} 到场即享限定礼遇，本月25日前有效。"),
            ])
        case .fmcg:
            return KitPlaybook(industry: industry, brand: "品牌", marketingCaps: ["3/7d", "8/30d"], campaigns: [
                P.birthday(gift: "生日礼券", extra: "下单再享包邮"),
                P.cart(product: "心仪商品", benefit: "立减10元"),
                P.countdown(holiday: "double_11", label: "双11", benefit: "满199减40", extra: "会员再享包邮"),
            ] + P.recallWaves(lapseDays: 30, gift: "10元回归券", upgrade: "升级包邮", restart: "满99减30") + [
                P.payday(benefit: "满199减30", extra: "会员再享包邮"),
                P.presale(holiday: "double_11", label: "双11", benefit: "囤货价提前锁定"),
                KitCampaign(order: 80, id: "weekend-restock", name: "Weekend restock, Thursday and Friday",
                            why: "The fmcg preset: Thursday and Friday, before the weekend shop, when the basket is planned. It fires on both days; the daily limit and the marketing cap (3/7d) keep it from crowding the week.",
                            who: "segment loyal (F 4-5): regular buyers who restock.",
                            priority: 3, trigger: "{ kind: preset, name: fmcg }",
                            audience: ["segment = loyal"],
                            text: "\(P.name)，周末囤货清单：{{short_link}} 常买好物满99减15，本周日前有效。"),
                P.related(offer: "试用装"),
            ])
        }
    }
}
