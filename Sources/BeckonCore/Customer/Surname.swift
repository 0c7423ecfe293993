/// The family name in a customer's name, for greetings such as `{{surname}}女士`.
///
/// Chinese names put the family name first, with no space: one character (王, 李) or, for the compound
/// surnames, two (欧阳, 司马). A two-character name is a one-character surname and a given name even when the
/// pair spells a compound surname (欧阳 as a whole name is 欧 + 阳), so a compound is taken only from
/// three characters on. Names written with spaces (Latin script: "Zoé Martin") end with the family name.
public enum Surname {
    public static func of(_ name: String) -> String? {
        let words = name.split(whereSeparator: { $0.unicodeScalars.allSatisfy(String.isSpace) }).map(String.init)
        guard let firstWord = words.first, let first = firstWord.first else { return nil }
        guard first.unicodeScalars.allSatisfy(isHan) else { return words.last }
        // Written with a space ("欧阳 娜娜", "王 小明"), the first word is the family name.
        if words.count > 1 { return firstWord }
        if firstWord.count >= 3, compound.contains(String(firstWord.prefix(2))) { return String(firstWord.prefix(2)) }
        return String(first)
    }

    static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F: return true
        default: return false
        }
    }

    /// The compound surnames of the Hundred Family Surnames (百家姓) that are still in use, in simplified and
    /// traditional characters.
    static let compound: Set<String> = [
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "令狐", "夏侯",
        "轩辕", "端木", "独孤", "南宫", "万俟", "闻人", "澹台", "公冶", "宗政", "濮阳", "淳于", "单于", "太叔", "申屠",
        "赫连", "呼延", "钟离", "拓跋", "百里", "东郭", "西门", "第五", "乐正", "司空", "司寇", "谷梁", "左丘", "梁丘",
        "公羊", "亓官", "仲孙", "段干", "巫马", "羊舌", "微生", "公西", "漆雕", "壤驷", "公良", "夹谷", "宰父", "东门",
        "歐陽", "司馬", "諸葛", "東方", "尉遲", "公孫", "長孫", "軒轅", "獨孤", "南宮", "萬俟", "聞人", "澹臺", "單于",
        "赫連", "鍾離", "東郭", "西門", "樂正", "穀梁", "巫馬", "漆雕", "壤駟", "夾谷", "東門",
    ]
}
