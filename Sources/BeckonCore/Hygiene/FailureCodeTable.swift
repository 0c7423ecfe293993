import Foundation

/// Which failure codes of one channel mean which `FailureClass`: Beckon's built-in table with the channel's
/// own entries from config (`failure_codes:`, and `hard_failure_codes:` as entries of class `invalid`) on top.
///
/// A provider code is matched as a whole and word by word, because gateways wrap the carrier's code: Kannel
/// reports its report type and the SMSC's answer (`2 NACK/0x0b/Invalid Destination Address`, or an SMPP
/// receipt `id:... stat:UNDELIV err:001 text:...`), a CMPP gateway the 7-character `Stat` (`MK:0001`). Words
/// are split at spaces, `/` and `,`; `stat:` and `err:` prefixes are dropped; codes with digits are compared
/// in any case and hexadecimal words (`0x0000000b`) by value; codes of letters only (`BLACK`) in their case. The channel's own entries win over the built-in ones; among several known words the
/// most specific class wins (`FailureClass` order). A code that matches nothing is `transient`.
public struct FailureCodeTable: Sendable, Hashable {
    /// Canonical code -> class.
    public private(set) var entries: [String: FailureClass]
    /// The channel's own entries, consulted first.
    public private(set) var overrides: [String: FailureClass]

    public init(entries: [String: FailureClass] = Self.builtIn, overrides: [String: FailureClass] = [:]) {
        self.entries = Dictionary(entries.map { (Self.canonical($0.key), $0.value) }, uniquingKeysWith: { _, last in last })
        self.overrides = Dictionary(overrides.map { (Self.canonical($0.key), $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// The built-in table with a channel's entries on top.
    public static func channel(overrides: [String: FailureClass], hardFailureCodes: [String] = []) -> FailureCodeTable {
        var own = Dictionary(hardFailureCodes.map { ($0, FailureClass.invalid) }, uniquingKeysWith: { first, _ in first })
        own.merge(overrides) { _, explicit in explicit }
        return FailureCodeTable(overrides: own)
    }

    public func classify(_ providerCode: String) -> FailureClass {
        let words = Self.words(of: providerCode)
        for table in [overrides, entries] {
            let found = words.compactMap { table[$0] }
            if let best = found.min() { return best }
        }
        return .transient
    }

    /// The whole code and its words, canonical.
    static func words(of code: String) -> [String] {
        var words = [canonical(code)]
        for raw in code.split(whereSeparator: { $0 == " " || $0 == "/" || $0 == "," }) {
            var word = String(raw)
            for prefix in ["stat:", "err:"] where word.lowercased().hasPrefix(prefix) { word = String(word.dropFirst(prefix.count)) }
            if !word.isEmpty { words.append(canonical(word)) }
        }
        return words
    }

    /// Trimmed; a code with digits in upper case (`mk:0001` is `MK:0001`; `0x000B` and `0x0b` alike are `0X0B`).
    /// A code of letters only keeps its case: `BLACK` is a status word, `black` a word of some sentence in a
    /// gateway's reply ("number on black list"), which must not suppress anyone.
    static func canonical(_ code: String) -> String {
        let trimmed = code.trimmingCharacters(in: .whitespaces)
        guard trimmed.contains(where: \.isNumber) else { return trimmed }
        let upper = trimmed.uppercased()
        if upper.hasPrefix("0X"), let value = UInt64(upper.dropFirst(2), radix: 16) {
            return "0X" + (value < 16 ? "0" : "") + String(value, radix: 16, uppercase: true)
        }
        return upper
    }

    /// Beckon's built-in codes. Only meanings that a public table states are here; everything else (and every
    /// code these tables describe only vaguely, such as a province's "shielding" or "empty, suspended or
    /// switched off") is left out, so it is `transient`. Sources:
    ///
    /// - [SMPP] SMPP v3.4 Issue 1.2, 5.1.3 `command_status`, as Kannel quotes it in `NACK/0x.../text` (0x0B
    ///   ESME_RINVDSTADR invalid destination address, 0x58 ESME_RTHROTTLED); https://smpp.org/SMPP_v3_4_Issue1_2.pdf
    /// - [CM] China Mobile ISMG status reports, "移动短信网关返回信息状态代码说明",
    ///   https://www.cnblogs.com/da-guang/p/5880631.html (DB:0101 号码无效或者空号, DB:0102 用户停机,
    ///   CB:0001/CB:0053 号码无效或者空号, IB:0008 流量控制错, DB:9007 超过限制的流量; EXPIRED, UNDELIV and
    ///   REJECTD there are "不处理"/vary by gateway: transient)
    /// - [CMPP] "中国移动CMPP协议错误码", https://cnblogs.com/yhdkzy/p/4238029.html (MK:0001 不存在的用户,
    ///   MK:0005 and MK:0013 停机, MK:0014 信息安全鉴权消息内容错误, MK:0115 垃圾短信被拦截, MK:1041 and
    ///   DB:0142 submit limits, DB:0144 and DBBLACK 网关黑名单, MBBLACK 本地黑名单; MK:0000, MK:0012, MK:0015,
    ///   MK:0036, MN:0001, MB:1041 are provinces' "屏蔽" and left transient)
    /// - [HW-MI] Huawei Cloud, status report codes (MI:0073 and MI:0210 空号, MI:0019 and MI:0051 用户账户异常、
    ///   欠费, MI:0061/MI:0062 网关流控, MI:0079 超过下发限制; MI:0054/MI:0059 "空号、停机或关机" left transient),
    ///   https://support.huaweicloud.com/devg-iotcom/iotcom_04_0303.html
    /// - [HW] Huawei Cloud, "状态回执错误码(国内短信)", an HTTP gateway's callback `status`
    ///   (BLACK, TDBLACK, TSBLACK, MBBLACK: 号码黑名单, "可能是该号码回复过退订信息或者向工信部投诉过";
    ///   KEYWORD 短信关键字拦截; LIMIT, MILIMIT, BEYONDN, CTLIMIT 下发限制),
    ///   https://support.huaweicloud.com/api-msgsms/sms_05_0051.html
    ///
    /// `MI:0013` (named in issue 16) has no meaning in any of these tables: it is `transient`.
    public static let builtIn: [String: FailureClass] = [
        // [SMPP]
        "0x0b": .invalid, "0x58": .throttled,
        // [CM]
        "DB:0101": .invalid, "CB:0001": .invalid, "CB:0053": .invalid,
        "DB:0102": .suspended,
        "IB:0008": .throttled, "DB:9007": .throttled,
        // [CMPP]
        "MK:0001": .invalid,
        "MK:0005": .suspended, "MK:0013": .suspended,
        "MK:0014": .contentBlocked, "MK:0115": .contentBlocked,
        "MK:1041": .throttled, "DB:0142": .throttled,
        "DB:0144": .carrierOptOut, "DBBLACK": .carrierOptOut, "MBBLACK": .carrierOptOut,
        // [HW-MI]
        "MI:0073": .invalid, "MI:0210": .invalid,
        "MI:0019": .suspended, "MI:0051": .suspended,
        "MI:0061": .throttled, "MI:0062": .throttled, "MI:0079": .throttled,
        // [HW]
        "BLACK": .carrierOptOut, "TDBLACK": .carrierOptOut, "TSBLACK": .carrierOptOut,
        "KEYWORD": .contentBlocked,
        "LIMIT": .throttled, "MILIMIT": .throttled, "BEYONDN": .throttled, "CTLIMIT": .throttled,
    ]
}
