"""Legacy text encodings, side by side: how often is a file decoded exactly right?

    python bench/charset_compare.py [--sizes 600,4000,8192] [--seed 7] [--json OUT]

For 32 (language, encoding) pairs seen on old file servers (Windows ANSI
code pages, DOS OEM pages, ISO-8859, KOI8, Mac Roman, and the CJK and Thai
national encodings), it writes synthetic HR/payroll notes (a mix of the
language's sentences with numbers, as real memos are), encodes them, and
decodes the bytes three ways:

* `before`: piiscout's decoding up to be6bffa (UTF-8, UTF-16, else cp1252);
* `charset-normalizer`: `charset_normalizer.from_bytes(head).best()` alone;
* `piiscout`: scanner.textdecode.detect_encoding as it is now (its own
  checks, then charset-normalizer where they cannot tell).

A file counts as right when the decoded text equals the original exactly
(cp1252 for a Latin-1 text without 0x80-0x9f bytes is right: same text).
Decisions are made on the first 8 KiB, as in a scan. Figures are printed per
size and in total; `--json` keeps them.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SENTENCES = {
    # English with a few accented names, as most legacy files on a US share are.
    "en-names": ["Zoë Côté confirmed the new hire’s start date – see the attached offer.",
                 "Payroll for José Núñez and Renée Müller was approved on Monday.",
                 "Françoise Dvořák asked HR to update her direct deposit details.",
                 "Björn and Łukasz signed the NDA; the originals are in the safe.",
                 "Please call the benefits desk if the W-2 shows the wrong address.",
                 "The quarterly review meeting is moved to Thursday at 10 am."],
    "en": ["The employee’s “final” payslip shows €1,250.00 withheld.",
           "Please send the signed contract to the HR office before Friday.",
           "Her social security number is on file; do not e-mail it.",
           "Overtime – approved by the manager – is paid next month.",
           "Benefits enrolment closes on the 30th; late forms are refused."],
    "fr": ["Le salarié a reçu son bulletin de paie à l’adresse indiquée.",
           "Numéro de sécurité sociale : voir le dossier du personnel.",
           "Les congés payés non pris sont reportés à l’année suivante.",
           "Merci de vérifier les coordonnées bancaires avant le virement.",
           "Élodie Lefèvre, née à Besançon, travaille au siège depuis trois ans."],
    "de": ["Die Gehaltsabrechnung für März wurde an Herrn Müller geschickt.",
           "Bitte prüfen Sie die Steuer-ID und die Bankverbindung (IBAN).",
           "Überstunden werden im nächsten Monat ausgezahlt.",
           "Frau Schäfer aus Düsseldorf ist ab Mai in Elternzeit.",
           "Die Sozialversicherungsnummer liegt der Personalabteilung vor."],
    "es": ["El empleado recibió la nómina de marzo con un descuento de 120 €.",
           "Por favor, envíe el contrato firmado a la oficina de personal.",
           "La señora Núñez trabajará en la sede de Córdoba a partir de junio.",
           "El número de la seguridad social está en el expediente.",
           "Las vacaciones no disfrutadas se pagarán en diciembre."],
    "pt": ["O funcionário recebeu o salário de março com desconto.",
           "Por favor, confirme os dados bancários antes da transferência.",
           "A senhora Conceição trabalha na filial de São Paulo.",
           "As férias não gozadas serão pagas em dezembro.",
           "O número de contribuinte está no processo do colaborador."],
    "pl": ["Pracownik otrzymał wynagrodzenie za marzec na wskazane konto.",
           "Proszę sprawdzić numer PESEL i dane adresowe przed wysyłką.",
           "Pani Małgorzata Wójcik z Łodzi przechodzi na urlop macierzyński.",
           "Nadgodziny zostaną wypłacone w przyszłym miesiącu.",
           "Zaświadczenie o zatrudnieniu wydaje dział kadr."],
    "cs": ["Zaměstnanec obdržel výplatní pásku za březen.",
           "Prosím zkontrolujte rodné číslo a číslo bankovního účtu.",
           "Paní Dvořáková z Plzně nastupuje na mateřskou dovolenou.",
           "Přesčasy budou proplaceny v příštím měsíci.",
           "Potvrzení o zaměstnání vydává personální oddělení."],
    "hu": ["A munkavállaló megkapta a márciusi bérjegyzékét.",
           "Kérjük, ellenőrizze az adóazonosító jelet és a bankszámlaszámot.",
           "Kovács Erzsébet győri lakos júniustól szülési szabadságon lesz.",
           "A túlórákat a következő hónapban fizetjük ki.",
           "A munkáltatói igazolást a személyügyi osztály állítja ki."],
    "ru": ["Сотрудник получил расчётный листок за март.",
           "Пожалуйста, проверьте номер СНИЛС и банковские реквизиты.",
           "Анна Сергеевна Кузнецова из Новосибирска уходит в декретный отпуск.",
           "Сверхурочные будут выплачены в следующем месяце.",
           "Справку о доходах выдаёт отдел кадров."],
    "uk": ["Працівник отримав розрахунковий лист за березень.",
           "Будь ласка, перевірте ідентифікаційний код і банківські реквізити.",
           "Олена Іванівна Ковальчук із Львова йде у декретну відпустку.",
           "Понаднормові будуть виплачені наступного місяця.",
           "Довідку про доходи видає відділ кадрів."],
    "bg": ["Служителят получи фиш за заплата за март.",
           "Моля, проверете ЕГН и банковата сметка преди превода.",
           "Госпожа Петрова от Пловдив излиза в майчинство от юни.",
           "Извънредният труд ще бъде изплатен следващия месец.",
           "Удостоверението за доходи се издава от отдел „Личен състав“."],
    "el": ["Ο υπάλληλος έλαβε την εκκαθάριση μισθοδοσίας του Μαρτίου.",
           "Παρακαλώ ελέγξτε τον ΑΜΚΑ και τον τραπεζικό λογαριασμό.",
           "Η κυρία Παπαδοπούλου από τη Θεσσαλονίκη παίρνει άδεια μητρότητας.",
           "Οι υπερωρίες θα καταβληθούν τον επόμενο μήνα.",
           "Τη βεβαίωση αποδοχών εκδίδει το τμήμα προσωπικού."],
    "tr": ["Çalışan mart ayı maaş bordrosunu aldı.",
           "Lütfen T.C. kimlik numarasını ve banka hesabını kontrol edin.",
           "İzmirli Ayşe Yılmaz haziran ayından itibaren doğum iznine çıkıyor.",
           "Fazla mesailer gelecek ay ödenecek.",
           "Çalışma belgesini insan kaynakları bölümü düzenler."],
    "he": ["העובד קיבל את תלוש השכר לחודש מרץ.",
           "נא לבדוק את מספר תעודת הזהות ואת פרטי חשבון הבנק.",
           "גברת כהן מחיפה יוצאת לחופשת לידה ביוני.",
           "שעות נוספות ישולמו בחודש הבא.",
           "אישור העסקה מונפק על ידי מחלקת משאבי אנוש."],
    "ar": ["استلم الموظف كشف راتب شهر مارس.",
           "يرجى التحقق من رقم الهوية الوطنية ورقم الحساب المصرفي.",
           "السيدة فاطمة من الإسكندرية ستبدأ إجازة الأمومة في يونيو.",
           "سيتم دفع ساعات العمل الإضافية في الشهر القادم.",
           "تصدر شهادة العمل من قسم الموارد البشرية."],
    "lt": ["Darbuotojas gavo kovo mėnesio atlyginimo lapelį.",
           "Prašome patikrinti asmens kodą ir banko sąskaitos numerį.",
           "Ponia Žaneta Kazlauskienė iš Šiaulių išeina motinystės atostogų.",
           "Viršvalandžiai bus apmokėti kitą mėnesį.",
           "Pažymą apie pajamas išduoda personalo skyrius."],
    "vi": ["Nhân viên đã nhận phiếu lương tháng ba.",
           "Vui lòng kiểm tra số căn cước và số tài khoản ngân hàng.",
           "Bà Nguyễn Thị Lan ở Đà Nẵng sẽ nghỉ thai sản từ tháng sáu.",
           "Tiền làm thêm giờ sẽ được trả vào tháng sau.",
           "Giấy xác nhận thu nhập do phòng nhân sự cấp."],
    "ja": ["社員は三月分の給与明細を受け取りました。",
           "マイナンバーと銀行口座の番号を確認してください。",
           "大阪の田中花子さんは六月から産休に入ります。",
           "残業代は来月支払われます。",
           "在職証明書は人事部が発行します。"],
    "zh": ["员工已收到三月份的工资单。",
           "请核对身份证号码和银行账户信息。",
           "来自广州的王丽女士将于六月开始休产假。",
           "加班费将于下个月发放。",
           "收入证明由人力资源部开具。"],
    "zh-tw": ["員工已收到三月份的薪資單。",
              "請核對身分證字號和銀行帳戶資料。",
              "來自台中的陳美玲女士將於六月開始請產假。",
              "加班費將於下個月發放。",
              "在職證明由人力資源部開立。"],
    "ko": ["직원이 3월분 급여 명세서를 받았습니다.",
           "주민등록번호와 은행 계좌 번호를 확인해 주십시오.",
           "부산의 김지은 씨는 6월부터 출산 휴가에 들어갑니다.",
           "초과 근무 수당은 다음 달에 지급됩니다.",
           "재직 증명서는 인사부에서 발급합니다."],
    "th": ["พนักงานได้รับสลิปเงินเดือนของเดือนมีนาคมแล้ว",
           "กรุณาตรวจสอบเลขประจำตัวประชาชนและเลขบัญชีธนาคาร",
           "คุณสมศรีจากเชียงใหม่จะลาคลอดตั้งแต่เดือนมิถุนายน",
           "ค่าล่วงเวลาจะจ่ายในเดือนถัดไป",
           "หนังสือรับรองการทำงานออกโดยฝ่ายบุคคล"],
}

CASES = [
    ("en-names", "cp1252"), ("en-names", "latin-1"), ("en-names", "cp1250"), ("en-names", "mac_roman"),
    ("en", "cp1252"), ("fr", "cp1252"), ("de", "latin-1"), ("es", "iso8859-15"), ("pt", "cp850"),
    ("de", "cp437"), ("fr", "mac_roman"), ("pl", "cp1250"), ("cs", "iso8859-2"), ("hu", "cp1250"),
    ("ru", "cp1251"), ("ru", "koi8-r"), ("ru", "cp866"), ("uk", "koi8-u"), ("bg", "iso8859-5"),
    ("el", "cp1253"), ("el", "iso8859-7"), ("tr", "cp1254"), ("he", "cp1255"), ("ar", "cp1256"),
    ("lt", "cp1257"), ("vi", "cp1258"), ("ja", "shift_jis"), ("ja", "euc_jp"), ("zh", "gb18030"),
    ("zh-tw", "big5"), ("ko", "euc_kr"), ("th", "tis-620"),
]
HEAD = 8192


def document(lang: str, encoding: str, size: int, rnd: random.Random) -> str:
    """A memo of about `size` bytes once encoded, every character encodable."""
    lines = []
    while len("\n".join(lines).encode(encoding, "ignore")) < size:
        s = rnd.choice(SENTENCES[lang])
        if lang == "en-names" and encoding != "cp1250":
            s = s.replace("Łukasz", "Lukas").replace("ř", "r")
        if lang == "en-names" and encoding in ("latin-1", "mac_roman"):
            s = s.replace("’", "'").replace(" – ", " - ")
        if encoding == "cp1258":  # Vietnamese in cp1258 is written decomposed
            import unicodedata
            s = unicodedata.normalize("NFD", s)
        if rnd.random() < 0.4:
            s += f" (ref {rnd.randint(1000, 99999)}, {rnd.randint(1, 28):02d}.{rnd.randint(1, 12):02d}.2019)"
        lines.append(s)
    text = "\n".join(lines) + "\n"
    return text.encode(encoding, "ignore").decode(encoding)


def before(head: bytes) -> str:
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def normalizer(head: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    return best.encoding if best else None


def piiscout(head: bytes) -> str | None:
    from scanner.textdecode import detect_encoding

    enc = detect_encoding(head)
    return enc.name if enc else None


METHODS = {"before": before, "charset-normalizer": normalizer, "piiscout": piiscout}


def right(data: bytes, text: str, encoding: str | None) -> bool:
    if not encoding:
        return False
    try:
        return data.decode(encoding) == text
    except (UnicodeDecodeError, LookupError):
        return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="600,4000,8192")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    sizes = [int(x) for x in args.sizes.split(",")]
    results: dict = {m: {s: [] for s in sizes} for m in METHODS}
    seconds = {m: 0.0 for m in METHODS}
    print(f"{'language':<7} {'encoding':<11}" + "".join(f" {m:>20}" for m in METHODS))
    for lang, encoding in CASES:
        for size in sizes:
            text = document(lang, encoding, size, rnd)
            data = text.encode(encoding)
            head = data[:HEAD]
            row = []
            for name, method in METHODS.items():
                t0 = time.perf_counter()
                guess = method(head)
                seconds[name] += time.perf_counter() - t0
                ok = right(data, text, guess)
                results[name][size].append({"language": lang, "encoding": encoding, "guess": guess, "right": ok})
                row.append(f"{'ok' if ok else 'WRONG'} {guess or '-'}")
            print(f"{lang:<7} {encoding:<11} {size:>6}" + "".join(f" {r:>20}" for r in row))
    print()
    total = len(CASES)
    summary = {}
    for name in METHODS:
        per = {s: sum(r["right"] for r in results[name][s]) for s in sizes}
        summary[name] = {"right_per_size": per, "of": total, "ms_per_file": 1000 * seconds[name] / (total * len(sizes))}
        print(f"{name:<20} " + ", ".join(f"{per[s]}/{total} at {s} B" for s in sizes)
              + f"   ({summary[name]['ms_per_file']:.1f} ms per file)")
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "results": results}, indent=2, default=str))


if __name__ == "__main__":
    main()
