"""People's names in structured data, found without NER.

In a spreadsheet, a CSV export, a SQL table or a JSON/YAML/XML record, the
column or key says the value is a name: `Employee`, `Patient Name`,
`Full Name`, `Customer`, `first_name` / `last_name`, `"name": ...`. The
value must still look like a name: one to five capitalised words (or an
all-capitals `SMITH, JOHN`), with initials and particles (`van`, `de`,
`O'Brien`, `Smith-Jones`), no digits, not a placeholder (`N/A`,
`Unknown`, `TBD`), not a company (`Acme Corp`, `... LLC`, `... GmbH`) and
not made of words that name things (`Production Server`, `Main Office`).
A single word counts only under a first- or last-name column.

Names in prose are NER's (`--ner`): spaCy runs only with that flag.
"""

from __future__ import annotations

import re
from detectors.base import PiiRecognizer, Rule, SegmentContext, Trigger, context_tokens
from detectors.recognizers.columns import ColumnRecognizer
from detectors.recognizers.sql_insert import column_at

# Header tokens (as context_tokens spells them) of columns that hold names.
_PEOPLE = (r"name|full name|fullname|employee|employee name|emp name|patient|patient name|customer|"
           r"customer name|client|client name|contact|contact name|member|member name|student|student name|"
           r"guardian|parent|insured|insured name|subscriber|beneficiary|cardholder|card holder|"
           r"cardholder name|name on card|account holder|account name|policy holder|policyholder|"
           r"recipient|addressee|applicant|tenant|resident|person|attendee|participant|emergency contact|"
           r"next of kin|spouse|manager|supervisor|owner|physician|doctor|provider name|employee full name|"
           r"legal name|display name|person name|staff|staff name|worker|technician|requester|requestor|"
           r"reported by|assigned to|caller|nom|nombre|nachname|vorname|cognome|naam|apellido|apellidos")
_FIRST_LAST = (r"first name|firstname|first|fname|given name|givenname|forename|first nm|last name|lastname|"
               r"last|lname|surname|family name|familyname|middle name|maiden name|prenom|vorname|nachname|"
               r"nombre|apellido|cognome")
HEADER = rf" (?:{_PEOPLE}|{_FIRST_LAST}) "
FIRST_HEADER = re.compile(r"(?:^| )(?:first name|firstname|first|fname|given name|givenname|forename|prenom|vorname)"
                          r"(?: |$)")
LAST_HEADER = re.compile(r"(?:^| )(?:last name|lastname|last|lname|surname|family name|familyname|nachname|cognome)"
                         r"(?: |$)")
FIRST_LAST_HEADER = re.compile(rf"(?:^| )(?:{_FIRST_LAST})(?: |$)")
# Columns that name things, not people, whatever else their header says.
HEADER_DENY = (r" (?:company|business|organisation|organization|org|vendor|supplier|product|item|file|filename|"
               r"host|hostname|server|device|computer|machine|app|application|project|campaign|street|city|"
               r"town|county|state|country|region|site|building|location|department|dept|team|group|role|"
               r"title|job|plan|type|category|status|id|number|no|num|nbr|code|email|e mail|mail|phone|"
               r"address|username|user|login|domain|db|database|table|column|field|key|brand|model|event|"
               r"course|school|bank|branch|store|shop|pet|drug|medication|diagnosis|service|sheet|tab|"
               r"printer|share|folder|path|package|module|class|method|function|variable|tag|label|color|"
               r"colour|size|font|queue|list|report|template|policy|rule|account number|count|date|dob) ")

_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "da", "das", "dos", "di", "du", "le",
                        "la", "bin", "binti", "al", "el", "ter", "ten", "y", "st.", "mc"})
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "mx", "mr.", "mrs.", "ms.", "dr.", "prof."})
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "md", "phd", "esq", "rn", "dds"})
# Words that end company names, and words that name things people call by
# capitalised names (servers, rooms, departments).
_ORG_WORDS = frozenset("""
inc inc. llc l.l.c. ltd ltd. limited corp corp. corporation co co. company gmbh ag sa s.a. sas sarl bv b.v. nv
plc llp lp pllc pc pty group holdings holding services service solutions technologies technology tech systems
partners associates bank university college school hospital clinic medical center centre foundation trust church
department dept office offices team support sales marketing accounting finance payroll admin administrator
administration it hr helpdesk desk server servers production prod staging test testing default unknown none null
guest user users system systems main branch store shop studio labs lab consulting consultants international
global industries enterprises agency insurance dental pharmacy realty properties management logistics network
networks printer room building floor suite account accounts customer customers client clients vendor supplier
project projects total subtotal sum balance report summary n/a na tbd tba various multiple other misc sample
example demo dummy placeholder anonymous redacted confidential private public general all everyone nobody
hall banks chapel temple
""".split())
_TITLE_WORDS = frozenset(t.rstrip(".") for t in _TITLES)
# Surnames that are also words of _ORG_WORDS: a name in the surname's place
# ("Megan Church", "Eric D. Branch", "Paul Guest"), a thing after words
# such as "Main" or "City" ("Main Branch", "City Hall", "First Church").
_WORD_SURNAMES = frozenset({"church", "branch", "guest", "hall", "bank", "banks", "chapel", "temple"})
_PLACE_WORDS = frozenset("""
main north south east west central city town village county state national federal first second third new old
great upper lower head community memorial united baptist methodist lutheran catholic episcopal presbyterian
evangelical christian bible faith food blood data river lake park high middle elementary union public front back
west-end downtown uptown regional district town's conference dining concert music sports student students
""".split())
# Words of workflow states and queues: "Pending Review" in a Name column is
# a status, never a person.
_WORKFLOW = frozenset("""
pending awaiting approval approvals approved unapproved rejected declined escalated resolved unresolved submitted
resubmitted cancelled canceled completed incomplete processing processed reviewed review reviews unassigned
reassigned unverified verified overdue scheduled rescheduled archived withdrawn denied expired terminated
suspended inactive progress outstanding received requested needs required signature confirmation confirmed
unconfirmed returned deleted draft drafts queued queue backlog triage on-hold follow-up followup deferred
""".split())
_PLACEHOLDERS = frozenset({"n/a", "na", "none", "null", "nil", "unknown", "tbd", "tba", "test", "-", "--", "?",
                           "name", "first", "last", "xxx", "x", "anonymous", "redacted", "withheld", "deceased"})

_TOKEN = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]*(?:['’][A-Za-zß-öø-ÿ]+)?(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’]+)?"
                    r"|[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’-]+|[A-Z]\.?|Mc[A-Z][a-z]+|Mac[A-Z][a-z]+|O['’][A-Z][a-z]+)$")


def _thing_word(folded: list[str], i: int, comma: bool) -> bool:
    """Whether word i makes the value a thing, not a person: a word of
    _ORG_WORDS, unless it is also a surname (Church, Branch, Guest, Hall)
    in the surname's place (last, or first before the comma of "Branch,
    Eric"), after words that are a given name, not "Main" or "City"."""
    w = folded[i]
    if w not in _ORG_WORDS:
        return False
    if w not in _WORD_SURNAMES or len(folded) < 2:
        return True
    in_place = i == (0 if comma else len(folded) - 1)
    others = folded[:i] + folded[i + 1:]
    return not in_place or any(o in _ORG_WORDS or o in _PLACE_WORDS for o in others)


def looks_like_name(value: str, single_ok: bool = False) -> bool:
    """Whether a cell or field value is a person's name (module doc)."""
    v = value.strip().strip("\"'")
    if not v or len(v) > 60 or any(c.isdigit() for c in v) or v.casefold() in _PLACEHOLDERS:
        return False
    if re.search(r"[@/\\#_=<>{}\[\]|*&%$+:;!?()]", v):
        return False
    if v.count(",") > 1:
        return False
    words = [w for w in re.split(r"[\s,]+", v) if w]
    titled = False
    while words and words[0].casefold().rstrip(".") in _TITLE_WORDS:
        words, titled = words[1:], True
    while words and words[-1].casefold() in _SUFFIXES:
        words = words[:-1]
    # A particle is one before another word; capitalised in the last place
    # it is the surname ("Tuan Le", "Anh Do", "Maria Da").
    core = [w for i, w in enumerate(words) if w.casefold() not in _PARTICLES
            or (i == len(words) - 1 and i > 0 and w[:1].isupper() and "," not in v)]
    # After a title one word is a name ("Ms. Lee", "Dr. Khan").
    if not core or len(words) > 5 or (len(core) < 2 and not (single_ok or titled)):
        return False
    folded = [w.casefold().strip(".") for w in words]
    if any(w in _WORKFLOW for w in folded):
        return False
    if any(_thing_word(folded, i, "," in v) for i in range(len(folded))):
        return False
    if not all(_TOKEN.match(w) for w in core):
        return False
    # At least one real word (not an initial), and not every word in capitals
    # unless the whole value is (SMITH, JOHN).
    full = [w for w in core if len(w.rstrip(".")) > 1]
    if not full:
        return False
    caps = [w for w in full if w.isupper()]
    return not caps or len(caps) == len(full)


class PersonColumnRecognizer(ColumnRecognizer):
    """Cells of a column named for people."""

    ENTITY = "PERSON"
    HEADER = HEADER
    HEADER_DENY = HEADER_DENY
    CONTEXT = ("name", "employee", "patient", "customer", "client", "contact", "cardholder", "surname")
    CONTEXT_SCORE = 0.85
    NOTES = ("cells of columns named for people (Name, Employee, Patient, First/Last Name...); value must look like a "
             "name, not a company or placeholder; first+last cells joined; no NER")
    NORMALISE = "name"
    MASK = "initials"

    def cell_ok(self, value: str) -> bool:
        return looks_like_name(value, single_ok=True)

    def has_context(self, text: str, start: int, end: int, context) -> bool:
        if not super().has_context(text, start, end, context):
            return False
        if looks_like_name(text[start:end]):
            return True
        words = self.header_words(text, start, context)
        return any(FIRST_LAST_HEADER.search(context_tokens((w,)).strip()) for w in words)

    def enhance_using_context(self, text, raw_recognizer_results, other_raw_recognizer_results, nlp_artifacts,
                              context=None):
        results = super().enhance_using_context(text, raw_recognizer_results, other_raw_recognizer_results,
                                                nlp_artifacts, context)
        return _join_first_last(text, results, context)


_CELL_GAP = re.compile(r"[\t ,;|\"]+|'\s*,\s*[NnEe]?'")


def _header_at(text: str, context, pos: int) -> str:
    words = context.words_at(pos) if isinstance(context, SegmentContext) else ()
    column = column_at(text, pos)  # a value of a SQL INSERT statement
    return context_tokens(words + ((column,) if column is not None else ())).strip()


def _join_first_last(text: str, results: list, context) -> list:
    """A first-name cell followed by a last-name cell is one person: one
    finding over both cells ("Rita;Guerrero", SQL `'Rita','Guerrero'`), as
    they are one name."""
    if len(results) < 2:
        return results
    results = sorted(results, key=lambda r: r.start)
    out, i = [], 0
    while i < len(results):
        a = results[i]
        b = results[i + 1] if i + 1 < len(results) else None
        if (b is not None and 0 < b.start - a.end <= 5 and _CELL_GAP.fullmatch(text[a.end:b.start])
                and FIRST_HEADER.search(_header_at(text, context, a.start))
                and LAST_HEADER.search(_header_at(text, context, b.start))):
            a.end = b.end
            a.score = max(a.score, b.score)
            out.append(a)
            i += 2
            continue
        out.append(a)
        i += 1
    return out

# `Key: Name` in a record: the key right before the value, quoted or not.
_KEYS = (r"name|full[ _-]?name|fullname|employee(?:[ _-]?name)?|patient(?:[ _-]?name)?|customer[ _-]?name|"
         r"client[ _-]?name|contact[ _-]?name|cardholder(?:[ _-]?name)?|card[ _-]?holder|account[ _-]?holder|"
         r"insured(?:[ _-]?name)?|member[ _-]?name|student[ _-]?name|guardian|emergency[ _-]?contact|"
         r"next[ _-]?of[ _-]?kin|legal[ _-]?name|display[ _-]?name|person(?:[ _-]?name)?|"
         r"employee[ _-]?full[ _-]?name|applicant(?:[ _-]?name)?|tenant(?:[ _-]?name)?|recipient(?:[ _-]?name)?|"
         r"attn|attention")
_SINGLE_KEYS = r"first[ _-]?name|firstname|given[ _-]?name|last[ _-]?name|lastname|surname|family[ _-]?name"
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][A-Za-zß-öø-ÿ'’.-]*"
# The first letter of _NAME_WORD as UTF-8 bytes (À-Ö U+00C0-D6, Ø-Þ U+00D8-DE).
_CAPITAL_UTF8 = r"(?:[A-Z]|\xc3[\x80-\x96\x98-\x9e])"
# Up to five words one blank apart (two blanks end the name, as between the
# columns of a text table), none of them the next key ("Department:",
# "Home Phone:").
_PARTICLE_RX = "van|von|der|den|de|del|della|da|das|dos|di|du|le|la|ter|ten|bin|al"
_KEY_START = (r"home|work|cell|mobile|office|business|direct|date|e-?mail|phone|tel|fax|dob|ssn|social|address|"
              r"street|mailing|dept|department|job|employee|emp|id|account|member|policy|birth|zip|postal|city|"
              r"country|emergency|contact|manager|position|hire|start|badge|pager|ext|npi")
_NOT_KEY = r"(?![\w'’.-]*[ \t]*[:=])"
_NOT_KEY_START = rf"(?!(?i:{_KEY_START})[ \t]+[\w.#/-]+[ \t]*[:=])"
_NAME = (rf"{_NAME_WORD}{_NOT_KEY}(?:,?[ \t]{_NOT_KEY_START}(?:{_NAME_WORD}|{_PARTICLE_RX}){_NOT_KEY}){{0,4}}")
# After the name: a delimiter, the line's end, a dash or bracket, a full
# stop, or the next sentence run on without one ("Patient: Ann Lee Each
# effect...": a capitalised word, then a lower-case one).
# The next key ends it too ("Name: Eric D. Branch Phone: ..."); an
# initial's full stop is none ("Eric D. Branch").
_NAME_END = (r"(?=[\"'<,;\t)|]|\r?$|[ \t]{2,}|[ \t]+[-–(]|(?<![ \t][A-Z])\.(?:\s|$)|[ \t]+[A-Z][a-z]+[ \t]+[a-z]"
             r"|[ \t]+[A-Za-z][\w.#/-]*(?:[ \t][A-Za-z][\w.#/-]*)?[ \t]*[:=])")
_FIELD = (rf"(?i:(?<![\w-])(?:{_KEYS})[\"']?[ \t]*(?:[:=]|=>|>)[ \t]*[\"']?)"
          rf"(?<=[:=\"'> \t])({_NAME}){_NAME_END}")
# "(patient Alison Fernandez)", "(employee: J. Smith)": a key in brackets.
_BRACKETED = rf"\((?i:{_KEYS})[ \t]*:?[ \t]+({_NAME_WORD}(?:[ \t]{{1,2}}{_NAME_WORD}){{1,3}})\)"
# Letters: "Dear Laura Anderson,", "Dear Ms. Anderson:"; the name line after
# "Sincerely," (a blank line may sit between).
_TITLE_RX = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Rev|Sr|Sra|Mme|Herr|Frau)\.?[ \t]+"
_SALUTATION = (rf"(?<![\w])Dear[ \t]+((?:{_TITLE_RX})?{_NAME_WORD}(?:[ \t]{_NAME_WORD}){{0,3}})"
               r"[ \t]*[,:;]?[ \t]*\r?$")
# A line that is a title and a name: the addressee of a letter above the
# address, a signature, a contact block ("Mr. Eric D. Branch", "Dr. Khan").
_TITLE_LINE = (rf"^[ \t]*((?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?[ \t]+{_NAME_WORD}(?:[ \t]{_NAME_WORD}){{0,3}})"
               r"[ \t]*,?[ \t]*\r?$")
_SIGNOFFS = (r"sincerely|sincerely yours|yours sincerely|yours truly|yours faithfully|respectfully|"
             r"respectfully yours|regards|best regards|kind regards|warm regards|warmest regards|with regards|"
             r"best wishes|many thanks|thank you|thanks|cordially|best")
_SIGNOFF = (rf"^[ \t]*(?i:{_SIGNOFFS}),[ \t]*\r?\n(?:[ \t]*\r?\n){{0,2}}[ \t]*"
            rf"({_NAME_WORD}(?:[ \t]{_NAME_WORD}){{1,3}})[ \t]*\r?$")
# Who "Dear ..." may greet that is nobody's name.
_NOT_GREETED = frozenset("""
sir sirs madam madame mesdames sir/madam customer customers team colleague colleagues friend friends all valued
member members parent parents guardian guardians hiring manager managers committee board client clients partner
partners supporter supporters neighbor neighbors neighbour neighbours resident residents patient patients
applicant applicants candidate candidates student students employee employees staff everyone everybody family
families shareholder shareholders homeowner homeowners tenant tenants participant participants guest guests
donor donors volunteer volunteers user users subscriber subscribers reader readers editor editors recruiter
landlord doctor teacher teachers coach coaches officer officers director directors hr human resources
policyholder policyholders account holder cardholder vendor vendors supplier suppliers contributor
contributors attendee attendees traveler travelers traveller travellers future mom dad mum mother father
grandma grandpa diary santa god lord
""".split())
_FIELD_SINGLE = (rf"(?i:(?<![\w-])(?:{_SINGLE_KEYS})[\"']?[ \t]*(?:[:=]|=>)[ \t]*[\"']?)"
                 rf"({_NAME_WORD})(?=[\"'<,;\t)|]|\r?$|[ \t]{{2,}})")


class PersonFieldRecognizer(PiiRecognizer):
    """`Name: Maria Gonzalez`, `"employee": "Chen, Robert"`,
    `<PatientName>SMITH, JOHN</PatientName>`, `first_name=Maria`,
    `(patient Alison Fernandez)`; in letters, who is greeted (`Dear Laura
    Anderson,`) and who signs (`Sincerely,` then a name line)."""

    ENTITY = "PERSON"
    RULES = (
        Rule("name_field", _FIELD, 0.85, 0.85, flags=re.MULTILINE, group=1),
        Rule("first_last_field", _FIELD_SINGLE, 0.8, 0.8, flags=re.MULTILINE, group=1),
        Rule("bracketed_field", _BRACKETED, 0.8, 0.8, group=1),
        Rule("salutation", _SALUTATION, 0.8, 0.8, flags=re.MULTILINE, group=1),
        Rule("signoff", _SIGNOFF, 0.75, 0.75, flags=re.MULTILINE, group=1),
        Rule("title_line", _TITLE_LINE, 0.75, 0.75, flags=re.MULTILINE, group=1),
    )
    # The key in any casing, then the value's first letter, a capital (as
    # UTF-8 for Hyperscan): `tenant=4711` and `"name": "eu-west-1"` in logs
    # and configs wake nothing.
    TRIGGERS = (
        Trigger(rf"(?i:{_KEYS})[\"']?[ \t]*(?:[:=]|=>|>)[ \t]*[\"']?{_CAPITAL_UTF8}"),
        Trigger(rf"(?i:{_SINGLE_KEYS})[\"']?[ \t]*(?:[:=]|=>)[ \t]*[\"']?{_CAPITAL_UTF8}"),
        Trigger(rf"\((?i:{_KEYS})[ \t]*:?[ \t]+{_CAPITAL_UTF8}"),
        Trigger(rf"Dear[ \t]+{_CAPITAL_UTF8}"),
        Trigger(rf"(?i:{_SIGNOFFS}),[ \t]*\r?\n"),
        Trigger(rf"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?[ \t]+{_CAPITAL_UTF8}"),
    )
    MAX_LEN = 80
    NOTES = ("Name: / \"employee\": / <PatientName> fields: the key right before a name-like value; letters: "
             "'Dear <name>,' and the name line under 'Sincerely,'; no NER")
    NORMALISE = "name"
    MASK = "initials"

    def refine_rule(self, rule: Rule, text: str, start: int, end: int) -> tuple[int, int] | None:
        value = text[start:end].rstrip(" .,'\"’")
        end = start + len(value)
        if rule.name == "title_line":
            return (start, end) if looks_like_name(value) else None
        if rule.name == "salutation":
            # "Dear John," and "Dear Ms. Lee": one word is a name here,
            # "Dear Customer" and "Dear Hiring Manager" are not.
            if any(w.casefold().strip(".") in _NOT_GREETED for w in value.split()):
                return None
            return (start, end) if looks_like_name(value, single_ok=True) else None
        if rule.name in ("name_field", "first_last_field"):
            single = self._rule_of(text, start) == "first_last_field"
        else:
            single = False
        return (start, end) if looks_like_name(value, single_ok=single) else None

    def _rule_of(self, text: str, start: int) -> str:
        head = text[max(0, start - 30):start].lower()
        return "first_last_field" if re.search(r"(?:first|given|last|family)[ _-]?name|surname", head) else "name_field"
