"""Words that may stay readable in a masked context snippet.

A capitalised word in a snippet may be a name, so it is reduced to its
initial unless it is listed here: common English words and the context words
detectors look for (so an analyst can see *why* a match scored high).
"""

from __future__ import annotations

_COMMON = """
a about above account accounts add address after again against all also am an and any are as
at be because been before being below between both but by can card cards cc cell client code
contact could credit customer customers date dear debit did do does doing down driver during
each email e-mail employee employees fax few file first for from further had has have having
he her here hers herself him himself his home how i id if in into is it its itself last let
license licence like list me member mobile more most my myself name no nor not note notes
number of off on once only or other our ours ourselves out over own passport patient patients
pay payment phone please record records re ref routing same security see she should ssn so
social some such tax tel telephone than thank thanks that the their theirs them themselves
then there these they this those through to too under until up us very was we were what when
where which while who whom why will with would you your yours yourself yourselves
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december subject to cc bcc sent received hello hi
regards best sincerely invoice order total amount balance due paid date dob birth visa
mastercard amex discover iban bank swift bic ip itin dl id no. acct tin ein dx diagnosis icd
history prescribed medication diagnosed treatment rx mg procedure condition
""".split()

SAFE_WORDS: frozenset[str] = frozenset(w.casefold() for w in _COMMON)
