"""US street addresses: number, street name, USPS suffix, optional unit,
then city, state and ZIP (`1234 Oak Hill Rd Apt 5, Springfield, IL 62704`,
also without commas or with the city on the next line), and PO boxes
(`P.O. Box 1234, Austin, TX 78701`).

A full address (state and ZIP) counts alone. A street line without its
city, state and ZIP (`1234 Oak Hill Rd Apt 5`) counts only with context:
an "Address:" label, "lives at", "ship to", or a column named for addresses.
Street suffixes are USPS Publication 28's (appendix C1), states its two
letter codes (with DC and the territories), and ZIP codes 5 or 5+4 digits.

Why our own and not pyap or usaddress: bench/address_compare.py measures the
three on the same text (README, "What is detected").
"""

from __future__ import annotations

import re

from detectors.base import PiiRecognizer, Rule, Trigger, rule_name

# USPS Publication 28, C1: primary street suffix names and their standard
# abbreviations (common misspellings left out).
SUFFIXES = """
allee alley ally aly anex annex anx arc arcade av ave aven avenu avenue avn avnue bayoo bayou bch beach bend bg bgs
blf blfs bluf bluff bluffs blvd bnd bot bottm bottom boul boulevard boulv br branch brdge brg bridge brk brks brnch
brook brooks btm burg burgs byp bypa bypas bypass byps byu camp canyn canyon cape causeway causwa cen cent center
centers centr centre cir circ circl circle circles cirs ck clb clf clfs cliff cliffs club cmn cmns cmp cnter cntr cnyn
common commons cor corner corners cors course court courts cove coves cp cpe cr crcl crcle creek cres crescent crest
crk crossing crossroad crossroads crse crsent crsnt crssng crst cswy ct ctr ctrs cts curv curve cv cvs cyn dale dam
div divide dl dm dr driv drive drives drs drv dv dvd est estate estates ests exp expr express expressway expw expy ext
extension extensions extn extnsn exts fall falls ferry field fields flat flats fld flds fls flt flts ford fords forest
forests forg forge forges fork forks fort frd frds freeway freewy frg frgs frk frks frry frst frt frway frwy fry ft fwy
garden gardens gardn gateway gatewy gatway gdn gdns glen glens gln glns grden grdn grdns green greens grn grns grov
grove groves grv grvs gtway gtwy harb harbor harbors harbr haven hbr hbrs heights highway highwy hill hills hiway hiwy
hl hllw hls hollow hollows holw holws hrbor ht hts hvn hway hwy inlet inlt is island islands isle isles islnd islnds
iss jct jction jctn jctns jcts junction junctions junctn juncton key keys knl knls knol knoll knolls ky kys lake lakes
land landing lane lck lcks ldg ldge lf lgt lgts light lights lk lks ln lndg lndng loaf lock locks lodg lodge loop loops
mall manor manors mdw mdws meadow meadows medows mews mill mills mission missn ml mls mnr mnrs mnt mntain mntn mntns
motorway mount mountain mountains mountin msn mssn mt mtin mtn mtns mtwy nck neck opas orch orchard orchrd oval ovl
overpass park parks parkway parkways parkwy pass passage path paths pike pikes pine pines pkway pkwy pkwys pky pl
place plain plains plaza pln plns plz plza pne pnes point points port ports pr prairie prk prr prt prts psge pt pts
rad radial radiel radl ramp ranch ranches rapid rapids rd rdg rdge rdgs rds rest ridge ridges riv river rivr rnch rnchs
road roads route row rpd rpds rst rte rue run rvr shl shls shoal shoals shoar shoars shore shores shr shrs skwy skyway
smt spg spgs spng spngs spring springs sprng sprngs spur spurs sq sqr sqre sqrs sqs squ square squares st sta station
statn stn str stra strav straven stravenue stravn stream streets street streme strm strt strvn strvnue sts sumit sumitt
summit ter terr terrace throughway tpke trace traces track tracks trafficway trail trailer trails trak trce trfy trk
trks trl trlr trlrs trls trnpk trwy tunel tunl tunls tunnel tunnels tunnl turnpike turnpk un underpass union unions
uns upas valley valleys vally vdct via viadct viaduct view views vill villag village villages ville villg villiage vis
vist vista vl vlg vlgs vlly vly vlys vst vsta vw vws walk walks wall way ways well wells wl wls wy xing xrd xrds
""".split()
STATES = """
AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA
RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI FM MH PW AA AE AP
""".split()
STATE_NAMES = """
Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii Idaho Illinois Indiana
Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota Mississippi Missouri Montana Nebraska
Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming
""".split() + ["New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota",
               "Rhode Island", "South Carolina", "South Dakota", "West Virginia", "District of Columbia"]

_SUFFIX = "|".join(sorted(SUFFIXES, key=len, reverse=True))
_STATE = "|".join(STATES + [s.replace(" ", r"[ \t]+") for s in sorted(STATE_NAMES, key=len, reverse=True)])
_WORD = r"(?:[A-Z][A-Za-z'’.-]*|\d{1,3}(?:st|nd|rd|th))"
_DIRECTION = r"(?:[NSEW]\.?|N\.?[EW]\.?|S\.?[EW]\.?|North|South|East|West|Northeast|Northwest|Southeast|Southwest)"
_UNIT = (r"(?:,?[ \t]+(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Rm\.?|Room|Fl\.?|Floor|Bldg\.?|Building|Lot|Trlr|Dept\.?|"
         r"Spc\.?|Space|PMB)[ \t]*#?[ \t]*[A-Z0-9-]{1,6}|[ \t]*#[ \t]*[A-Z0-9-]{1,6})?")
STREET = (rf"\d(?<![\w.,/-]\d)\d{{0,5}}[A-Z]?(?:[ \t]+{_DIRECTION})?(?:[ \t]+{_WORD}){{1,4}}?[ \t]+(?i:{_SUFFIX})\.?"
          rf"(?![\w-])(?:[ \t]+{_DIRECTION}(?![\w-]))?{_UNIT}")
# Starts with a plain character class so that `re` skips to candidate "P"s.
PO_BOX = r"[Pp](?<![\w]\w)(?:\.?[ \t]?[Oo]\.?[ \t]*[Bb][Oo][Xx]|ost[ \t]+[Oo]ffice[ \t]+[Bb]ox)[ \t]+\d{1,6}"
_CITY = r"[A-Z][A-Za-z.'’-]*(?:[ \t]+[A-Z][A-Za-z.'’-]*){0,3}"
# Between the parts: blanks, a comma, and at most one line break (a PDF or
# a label wraps an address anywhere).
_GAP = r"[ \t]*(?:\r?\n[ \t]*)?,?[ \t]*(?:\r?\n[ \t]*)?"
_TAIL = (rf"(?:,[ \t]*|[ \t]+|[ \t]*\r?\n[ \t]*){_CITY}(?:,|[ \t]|\r?\n){_GAP}(?:{_STATE})\.?"
         rf"(?:,|[ \t]|\r?\n){_GAP}\d{{5}}(?:-\d{{4}})?(?![\w-])")
# Military mail: PSC 1234, Box 5678 / Unit 4719 Box 7394 / USNS Name, then
# APO, FPO or DPO and AA, AE or AP with the ZIP.
MILITARY = (r"((?:(?:PSC|CMR|Unit)[ \t]+\d{1,5},?[ \t]+Box[ \t]+\d{1,5}|US(?:NS|S|CGC)[ \t]+[A-Z][a-z]+)"
            r"[ \t]*,?[ \t]*(?:\r?\n[ \t]*)?(?:APO|FPO|DPO)[ \t]+A[AEP][ \t]+\d{5}(?:-\d{4})?)(?![\w-])")

_CONTEXT = (
    "address", "addresses", "addr", "home address", "mailing address", "street address", "residence", "resides at",
    "lives at", "living at", "located at", "ship to", "shipping", "bill to", "billing", "mail to", "deliver to",
    "adresse", "dirección", "direccion", "moved to",
)


class UsAddressRecognizer(PiiRecognizer):
    ENTITY = "US_ADDRESS"
    RULES = (
        # One rule per form: an alternation at the top would make `re` try
        # every branch at every position (8x slower).
        Rule("address_full", rf"({STREET}{_TAIL})", 0.85, 1.0),
        Rule("po_box_full", rf"({PO_BOX}{_TAIL})", 0.85, 1.0),
        Rule("military_full", MILITARY, 0.85, 1.0),
        # Contained in a full match, these are dropped as duplicates.
        Rule("address_street", rf"({STREET})", 0.0, 0.75),
        Rule("po_box", rf"({PO_BOX})", 0.0, 0.7),
    )
    CONTEXT = _CONTEXT
    TRIGGERS = (
        Trigger(rf"\d[A-Za-z]?[ \t]+(?:[A-Za-z0-9.'’-]+[ \t]+){{1,6}}(?:{_SUFFIX})(?:[^A-Za-z]|$)", caseless=True),
        Trigger(r"(?:P\.?[ \t]?O\.?[ \t]*|Post[ \t]+Office[ \t]+)Box[ \t]+\d", caseless=True),
        Trigger(r"(?:APO|FPO|DPO)[ \t]+A[AEP][ \t]+\d{5}"),
    )
    CONTEXT_TRIGGERS = False
    MAX_LEN = 140
    NOTES = ("number, street, USPS suffix, unit, city, state, ZIP: alone (0.85); a street line or PO box without "
             "city/state/ZIP only with context (Address:, ship to, an address column)")
    NORMALISE = "address"
    MASK = "initials"

    def analyze_range(self, text, lo, hi, entities=None):
        found = super().analyze_range(text, lo, hi, entities)
        if len(found) < 2:
            return found
        # A street line that starts a full address is the same address.
        full = {r.start for r in found if rule_name(r).endswith("_full")}
        return [r for r in found if rule_name(r).endswith("_full") or r.start not in full]

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        value = text[start:end]
        # "3 Court cases": a street name must be a name, and a bare number
        # before a capitalised word and a suffix is common in prose.
        words = value.split()
        if len(words) < 3 and not value.lower().startswith(("p", "post")):
            return None
        return start, end
