import BeckonCore
import Testing

@Suite("Surnames for greetings")
struct SurnameTests {
    @Test("Chinese names: one character, or a compound surname from three characters on", arguments: [
        ("王小明", "王"), ("李娜", "李"), ("欧阳娜娜", "欧阳"), ("司马相如", "司马"), ("诸葛亮", "诸葛"), ("上官婉儿", "上官"),
        ("歐陽修", "歐陽"), ("司馬光", "司馬"), ("欧阳", "欧"), ("东方明", "东方"), ("东明", "东"),
        ("欧阳 娜娜", "欧阳"), ("王 小明", "王"), (" 张伟 ", "张"),
    ])
    func chinese(name: String, surname: String) {
        #expect(Surname.of(name) == surname)
    }

    @Test("names written with spaces end with the family name", arguments: [("Zoé Martin", "Martin"), ("Anna Maria Schmidt", "Schmidt"), ("Zoé", "Zoé")])
    func latin(name: String, surname: String) {
        #expect(Surname.of(name) == surname)
    }

    @Test("no name, no surname", arguments: ["", "   ", "\u{3000}"])
    func empty(name: String) {
        #expect(Surname.of(name) == nil)
    }

    @Test("templates greet 欧阳 customers by their whole surname")
    func template() {
        let customer = Customer(id: "C1", name: "欧阳娜娜", phone: "+8613800138000")
        #expect(Planner.templateValues(for: customer)["surname"] == "欧阳")
    }
}
