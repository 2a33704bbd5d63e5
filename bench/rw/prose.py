"""Business prose with values in it: letters, notes, tickets, memos.

Filler comes from Faker; each planted value sits in one of many sentence
shapes, after a cue people use ("SSN:", "reach me at", "DOB"). Names in
prose are recorded as incidental PERSON values: prose names are for NER,
which the default scan does not run.
"""

from __future__ import annotations

from rw.plant import Planter

_SHAPES = (
    "{name} asked us to update the file: {cue} {v}.",
    "For verification, {cue} {v} (see attached).",
    "{cue} {v}",
    "Per our call today, the {cue_l} on file is {v}; please confirm with {name}.",
    "Please note {name}'s {cue_l} {v} before the audit.",
    "{filler} {cue} {v}. {filler}",
    "Update: {cue} changed to {v} as of {date}.",
    "- {cue} {v}",
    "{name} ({cue_l} {v}) called about the invoice.",
    "I have attached the form. {cue} {v}, thanks!",
)
_ENTITY_SHAPES = {
    "EMAIL_ADDRESS": ("You can reach {name} at {v}.", "Send the signed copy to {v} by Friday.",
                      "cc: {v}", "From: {name} <{v}>", "{filler} Contact: {v}"),
    "PHONE_NUMBER": ("Call {name} back at {v}.", "{name} - cell {v}", "Left a voicemail at {v} this morning.",
                     "Phone: {v} (evenings)"),
    "US_ADDRESS": ("Please mail the W-2 to {v}.", "{name} moved to {v} last month.", "Ship to: {v}",
                   "Mailing address: {v}"),
    "PERSON": ("Employee: {v}", "Name: {v}", "Patient: {v}"),
    "CREDENTIAL": ("The temporary password is {v} - change it at first login.", "password: {v}",
                   "Login for the vendor portal: admin / {v}", "Wi-Fi password {v}"),
}


def filler(p: Planter, n: int = 1) -> str:
    return " ".join(p.fake.sentence(nb_words=p.rng.randint(6, 16)) for _ in range(n))


def name(p: Planter) -> str:
    return p.incidental("PERSON", p.fake.name())


def sentence(p: Planter, entity: str, value: str | None = None) -> str:
    """One sentence holding a planted value of `entity` (recorded)."""
    rng = p.rng
    shapes = _SHAPES
    if entity in _ENTITY_SHAPES and rng.random() < 0.6:
        shapes = _ENTITY_SHAPES[entity]
    shape = rng.choice(shapes)
    if entity == "PERSON" and "{cue" not in shape and "{v}" in shape and shape not in _ENTITY_SHAPES["PERSON"]:
        shape = rng.choice(_ENTITY_SHAPES["PERSON"])
    cue = p.cue(entity)
    if value is None:
        # A bare form (123456789) is PII only beside a cue: every shape has one
        # except the entity-specific ones, which use written forms.
        allow_bare = "{cue" in shape
        style = p.style(entity, allow_bare)
        if entity == "US_ADDRESS" and style == "two_lines" and shape.endswith("."):
            style = "one_line"
        value = p.pii(entity, style)
    return shape.format(name=name(p) if "{name}" in shape else "", cue=cue, cue_l=cue.rstrip(":").lower(), v=value,
                        filler=filler(p), date=p.fake.date_this_year().strftime("%m/%d/%Y"))


def paragraph(p: Planter, entities: list[str], fill: int = 2) -> str:
    parts = [filler(p, p.rng.randint(0, fill))]
    for e in entities:
        parts.append(sentence(p, e))
        if p.rng.random() < 0.5:
            parts.append(filler(p))
    return " ".join(x for x in parts if x)


def pick_entities(p: Planter, n: int, pool: tuple[str, ...] | None = None) -> list[str]:
    from rw.plant import CORE, NEW

    pool = pool or CORE * 3 + NEW
    return [p.rng.choice(pool) for _ in range(n)]


_TITLES = ("Mr.", "Ms.", "Mrs.", "Dr.")


def letter_head(p: Planter) -> list[str]:
    """The top of a letter to a person: date, often the addressee's name and
    address block, and the salutation. The addressee is planted PERSON (and
    the address US_ADDRESS): a letter about someone names them there."""
    rng = p.rng
    lines = [p.fake.date_this_year().strftime(rng.choice(["%B %d, %Y", "%m/%d/%Y", "%d %B %Y"]))]
    if rng.random() < 0.2:  # to nobody in particular
        return lines + [rng.choice(["Dear Sir or Madam,", "Dear Customer,", "To whom it may concern:",
                                    "Dear Colleagues,"])]
    first, middle, last = p.draw("PERSON").canonical
    full = " ".join(x for x in (first, middle, last) if x)
    title = rng.choice(_TITLES)
    if rng.random() < 0.6:
        block = (f"{title} {full}" if rng.random() < 0.3 else full)
        p.record("PERSON", block, full, f"{first} {last}")
        street = p.pii("US_ADDRESS", "two_lines")
        lines += ["", block, street]
    greet = weighted_choice(rng, {f"{first} {last}": 3, f"{title} {last}": 3, first: 1})
    p.record("PERSON", greet, full, f"{first} {last}", last if greet.endswith(last) else first)
    return lines + ["", f"Dear {greet}" + rng.choice([",", ",", ":"])]


def letter_close(p: Planter) -> list[str]:
    """Sign-off: the sender (incidental: the writer, not whom it is about)."""
    rng = p.rng
    lines = [rng.choice(["Sincerely,", "Regards,", "Kind regards,", "Best regards,", "Yours truly,", "Thank you,"])]
    if rng.random() < 0.5:
        lines.append("")
    lines.append(name(p))
    if rng.random() < 0.5:
        lines.append(rng.choice(["HR Manager", "Payroll Department", "Office Manager", "Accounts Receivable"]))
    return lines


def weighted_choice(rng, options: dict[str, float]) -> str:
    keys = list(options)
    return rng.choices(keys, weights=[options[k] for k in keys])[0]
